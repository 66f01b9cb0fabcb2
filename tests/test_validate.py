"""Stage 2 and ``etown check``: all problems of all files at once, in plain words, exit codes."""

import re
from pathlib import Path

import pytest

from etown.cli import main
from etown.problems import Problem, field_path
from etown.schema import PartialDate, Text
from etown.validate import _before
from helpers_data import chain, errors_of, problems_of, replace, shown

PROBLEM_LINE = re.compile(
    r"^data/[a-z]+\.ya?ml:\d+:\d+: (warning: )?([a-z_]+(\[\d+\])*(\.[a-z_<]+(\[\d+\])*)*: )?\S"
)
BEGINS_EN = "      en: Construction of the Beijing Economic-Technological Development Area (BDA) began.\n"


def test_a_problem_reads_file_line_column_field_message() -> None:
    problem = Problem("data/history.yaml", 42, 5, "events[12].date", "there is no month 13 (got: 2020-13)")
    assert str(problem) == "data/history.yaml:42:5: events[12].date: there is no month 13 (got: 2020-13)"
    assert str(Problem("data/x.yaml", 1, 1, "", "the file is empty")) == "data/x.yaml:1:1: the file is empty"
    warning = Problem("data/x.txt", 1, 1, "", "etown does not read this file", "warning")
    assert str(warning) == "data/x.txt:1:1: warning: etown does not read this file"


def test_field_paths_read_like_the_yaml() -> None:
    assert field_path(("events", 3, "text", "en")) == "events[3].text.en"
    assert field_path(("groups", 0, "institutions", 2)) == "groups[0].institutions[2]"
    assert field_path(()) == ""


BREAK_FOUR_FILES = chain(
    replace("history", BEGINS_EN, ""),
    replace("vision", "  - id: vision-benchmark\n", "  - id: vision-benchmark\n    titel: x\n"),
    replace("economy", "{value: 2456.4, unit: 亿元}", "{value: 2456.4, unit: 亿圆}"),
    replace("leadership", "{zh: 张强, en: Zhang Qiang}", "{zh: 张强, en: Zhang Qiang"),
    replace("history", "date: 1993-04-26\n", "date: 1993-02-30\n"),
)


def test_check_reports_all_problems_of_all_files_sorted_then_a_count(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    BREAK_FOUR_FILES(project)
    assert main(["check", "--root", str(project)]) == 1
    lines = capsys.readouterr().err.splitlines()
    problems, summary = lines[:-1], lines[-1]
    assert [line.split(":")[0] for line in problems] == [
        "data/economy.yaml", "data/history.yaml", "data/history.yaml",
        "data/leadership.yaml", "data/vision.yaml",
    ]  # fmt: skip
    history_lines = [int(line.split(":")[1]) for line in problems if line.startswith("data/history.yaml")]
    assert history_lines == sorted(history_lines)
    assert all(PROBLEM_LINE.match(line) for line in problems), "\n".join(problems)
    assert "events[2].text.en: the English translation is missing" in problems[1]
    assert "events[4].date: 1993-02-30 is not a real date (got: 1993-02-30)" in problems[2]
    assert "passages[0].titel: unknown field 'titel'; the fields allowed here are: " in problems[4]
    assert summary == "etown: 5 errors in 4 files; fix them and run again"
    assert "Traceback" not in "\n".join(lines)


def test_warnings_pass_unless_strict(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "data" / "notes.md").write_text("to do\n", encoding="utf-8")
    assert main(["check", "--root", str(project)]) == 0
    output = capsys.readouterr()
    assert "data/notes.md:1:1: warning: etown does not read this file" in output.err
    assert "valid (1 warning in 1 file)" in output.out
    assert main(["check", "--strict", "--root", str(project)]) == 1


def test_a_clean_project_checks_with_exit_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(project)]) == 0
    output = capsys.readouterr()
    assert output.err == ""
    assert output.out.strip() == "etown: the project is valid"


def test_usage_errors_exit_with_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(tmp_path)]) == 2
    assert "is not an etown project" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--no-such-option"])
    assert exit_info.value.code == 2


def test_a_missing_seed_is_a_problem_of_the_project(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for seed in (project / "seeds").iterdir():
        seed.unlink()
    assert main(["check", "--root", str(project)]) == 1
    assert (
        "seeds/: seeds/ must hold exactly one .txt source document (found: none)" in capsys.readouterr().err
    )


def note(kind: str, touches: str, flag: str = "") -> str:
    """A note of data/notes.yaml, as an editor appends it."""
    return (
        f"- id: added-note\n  kind: {kind}\n"
        + (f"  flag: {flag}\n" if flag else "")
        + "  title: {zh: 原文如此, en: As the source says}\n"
        + "  text: {zh: 原文如此。, en: The source says so.}\n"
        + f"  sources: [2022年,全年完成地区生产总值2456.4亿元,增长6%]\n  touches: [{touches}]\n"
    )


IMPLAUSIBLE = "a growth rate of 6000 % is not plausible"


@pytest.mark.parametrize(
    ("added", "acknowledged"),
    [
        ("", False),
        (note("same-figure-different-values", "gdp-2022"), True),  # a conflict the seed itself has
        (note("typo-or-garble", "gdp-2022", flag="sic"), True),  # a slip kept as written
        (note("reference-year", "gdp-2022"), False),  # a note on its period says nothing of its value
        (note("same-figure-different-values", "industrial-output-2022"), False),  # another record
    ],
)
def test_only_a_conflict_or_sic_note_acknowledges_an_implausible_figure(
    project: Path, added: str, acknowledged: bool
) -> None:
    replace("economy", 'growth: {value: 6, unit: "%"}\n', 'growth: {value: 6000, unit: "%"}\n')(project)
    (project / "data" / "notes.yaml").write_text(
        (project / "data" / "notes.yaml").read_text(encoding="utf-8") + added, encoding="utf-8"
    )
    implausible = [problem for problem in errors_of(project) if IMPLAUSIBLE in problem.message]
    assert (implausible == []) == acknowledged, shown(implausible)


@pytest.mark.parametrize(
    ("first", "second", "out_of_order"),
    [
        ("1992-04-08", "1992-04", False),  # the month contains the day: no order between them
        ("1992-04", "1992-04-08", False),
        ("1992", "1991-12", True),
        ("1992-05", "1992-04-30", True),
        ("1992-04-08", "1992-04-08", False),
    ],
)
def test_chronological_order_respects_the_precision_of_dates(
    first: str, second: str, out_of_order: bool
) -> None:
    def date(text: str) -> PartialDate:
        return PartialDate(*(int(part) for part in text.split("-")))

    assert _before(date(second), date(first)) is out_of_order


def test_suggestions_come_from_the_fields_allowed_at_that_place(project: Path) -> None:
    replace("economy", "  - id: gdp-2022\n    label:", "  - id: gdp-2022\n    lable:")(project)
    replace("history", BEGINS_EN, BEGINS_EN.replace("en:", "ne:"))(project)
    messages = [problem.message for problem in problems_of(project)]
    assert "unknown field 'lable'; did you mean 'label'?" in messages
    assert "unknown field 'ne'; did you mean 'en'?" in messages
    assert any(message.startswith("the English translation is missing") for message in messages)


def test_schema_errors_in_every_file_come_in_one_run(project: Path) -> None:
    for name in ("overview", "history", "divisions", "ecology", "population", "leadership",
                 "institutions", "economy", "society", "vision"):  # fmt: skip
        path = project / "data" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    errors = errors_of(project)
    assert len(errors) == 10, shown(errors)
    assert all(
        error.field == "colour" and error.message.startswith("unknown field 'colour'") for error in errors
    )
    assert errors == sorted(errors)


def test_an_edited_file_is_checked_against_the_ids_of_every_other_file(project: Path, tmp_path: Path) -> None:
    """An edit to one file (which the preview revalidates alone) is still checked against the ids of
    every other file."""
    from etown.pipeline import Pipeline

    pipeline = Pipeline(project, expensive=False, finishing=False)
    assert pipeline.build(tmp_path / "out").ok
    history = project / "data" / "history.yaml"
    text = history.read_text(encoding="utf-8")
    history.write_text(text.replace("id: industrial-estate-decision", "id: growth-since-founding"), "utf-8")
    report = pipeline.update([history], tmp_path / "out")
    assert (
        "data/history.yaml:3:9: events[0].id: the id 'growth-since-founding' is already used at "
        "data/economy.yaml:3 (passages[0].id); ids must be unique across all data files"
    ) in [str(problem) for problem in report.problems]


def test_models_given_the_same_fields_share_the_set_and_copies_keep_their_own() -> None:
    from etown.schema import Text

    first, second = (
        Text.model_validate({"zh": "一", "en": "one"}),
        Text.model_validate({"zh": "二", "en": "two"}),
    )
    assert first.model_fields_set is second.model_fields_set == {"zh", "en"}
    copy = first.model_copy(update={"en": "One"})
    assert copy["en"] == "One" and first["en"] == "one" and second.model_fields_set == {"zh", "en"}


def test_a_text_is_stripped_without_copying_one_that_needs_no_stripping() -> None:
    loaded = "".join(["开发区", "位于北京东南部"])  # made at run time, as the loader makes it
    text = Text.model_validate({"zh": loaded, "en": "  The BDA lies south-east of Beijing.\n"})
    assert text["zh"] is loaded
    assert text["en"] == "The BDA lies south-east of Beijing."
