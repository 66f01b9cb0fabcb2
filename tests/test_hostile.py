"""What a hostile user can type or save outside the data rows of test_broken_inputs: templates,
configuration, the seed, the output folder, the dev server and what the published files hold.
Nothing here may end in a traceback, a dead watcher or an unsafe file."""

from etown.problems import Problem, visible


def test_a_message_never_carries_what_a_terminal_would_act_on() -> None:
    problem = Problem("data/\x1b[31mred\udcff.yaml", 3, 5, "text.en", "got: a\nb\u202ec\x00\u200b")
    shown = str(problem)
    assert shown == "data/\\x1b[31mred\\udcff.yaml:3:5: text.en: got: a\\nb\\u202ec\\x00\\u200b"
    assert shown.isprintable()
    assert visible("北京 E-Town, 32.6%") == "北京 E-Town, 32.6%"
