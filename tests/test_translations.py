"""Stale translations: an English text made from a Chinese text that has since changed is named by
``etown check`` and marked on the English page until it is edited or confirmed."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, quick_build
from etown.cli import main
from etown.fingerprints import LOCK_PATH, lock_text, read_lock, review
from etown.pipeline import Pipeline, check
from etown.problems import Problem
from helpers_data import data_file, line_of, replace

BEGINS_ZH = "      zh: 北京经济技术开发区开工建设。\n"
BEGINS_ZH_EDITED = '      zh: "北京经济技术开发区[正式]开工建设。"\n'  # a word of the site's own, marked
_BEGINS = re.search(
    r"\n      zh: 北京经济技术开发区开工建设。\n      en: (.+)\n",
    (REPO / "data/history.yaml").read_text("utf-8"),
)
assert _BEGINS is not None, "the construction-begins event is not written as the tests expect: update them"
BEGINS_EN_TEXT = _BEGINS.group(1)
BEGINS_EN = f"      en: {BEGINS_EN_TEXT}\n"
MARK = '<small class="outdated-mark">(translation may be out of date)</small>'


def translation_problems(root: Path) -> list[Problem]:
    return [problem for problem in check(root).problems if "translation" in problem.message]


def page(out: Path, language: str, name: str) -> str:
    return (out / language / f"{name}.html").read_text(encoding="utf-8")


def test_the_real_data_has_a_fingerprint_for_every_english_text_and_none_outdated() -> None:
    files, problems = Pipeline(REPO).loaded()
    result = review(REPO / "data", files)
    assert problems == [] and result.lock_problems == [] and result.orphans == []
    assert {item.state for item in result.items} == {"current"}
    assert len(result.items) == len(result.lock.entries) > 300
    # written by etown, never by hand: the file is exactly what etown writes
    assert (REPO / LOCK_PATH).read_text(encoding="utf-8") == lock_text(read_lock(REPO / "data")[0])


def test_a_changed_chinese_text_outdates_its_english(project: Path) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    line = line_of(project, "history", BEGINS_EN.strip())
    [problem] = translation_problems(project)
    assert (problem.file, problem.line, problem.column) == ("data/history.yaml", line, 11)
    assert (problem.field, problem.severity) == ("events[2].text.en", "warning")
    assert problem.message == (
        "translation may be out of date: the Chinese changed since this English was confirmed "
        "(was: 北京经济技术开发区开工建设。 | now: 北京经济技术开发区[正式]开工建设。); update the English, "
        f"or if it still holds run `etown translations confirm data/history.yaml:{line}`"
    )
    assert check(project).ok and not check(project, strict=True).ok


def test_check_shows_only_where_a_long_chinese_text_changed(project: Path) -> None:
    replace("history", "统筹推进33个专项规划编制。\n", "统筹[协同]推进33个专项规划编制。\n")(project)
    [problem] = translation_problems(project)
    was, now = problem.message.split("(was: ", 1)[1].split(")", 1)[0].split(" | now: ")
    assert was.startswith("…") and was.endswith("统筹推进33个专项规划编…") and len(was) < 30
    assert now.startswith("…") and now.endswith("[协同]推进33个专项规划编…") and len(now) < 30


def test_the_command_line_warns_and_fails_with_strict(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    assert main(["check", "--root", str(project)]) == 0
    assert main(["check", "--root", str(project), "--strict"]) == 1
    err = capsys.readouterr().err
    line = line_of(project, "history", BEGINS_EN.strip())
    assert f"data/history.yaml:{line}:11: warning: events[2].text.en: translation may be out of date" in err


def test_the_english_page_marks_an_outdated_text_until_it_is_confirmed(project: Path, tmp_path: Path) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    out = tmp_path / "site"
    quick_build(project, out)
    marked = f'<p class="outdated">{BEGINS_EN_TEXT} {MARK}'  # the footnote marks follow
    assert marked in page(out, "en", "history")
    assert page(out, "en", "history").count("outdated-mark") == 1
    for language in ("zh", "zh-Hant"):  # the Chinese is the source: never marked
        assert "outdated" not in page(out, language, "history")
    scripts = re.findall(r"<script[^>]*>", page(out, "en", "history"))
    assert scripts == ['<script type="application/ld+json">']  # data for search engines; nothing runs
    line = line_of(project, "history", BEGINS_ZH_EDITED.strip())  # the Chinese's line names it too
    assert main(["translations", "confirm", f"data/history.yaml:{line}", "--root", str(project)]) == 0
    assert translation_problems(project) == []
    quick_build(project, out)
    assert "outdated" not in page(out, "en", "history")


def test_an_outdated_label_is_marked_inline(project: Path, tmp_path: Path) -> None:
    replace("economy", "      zh: 工业产值\n", "      zh: 完成工业产值\n")(project)
    out = tmp_path / "site"
    quick_build(project, out)
    assert f'<span class="outdated">Industrial output</span> {MARK}' in page(out, "en", "economy")


def test_editing_the_english_clears_the_mark_and_update_records_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    replace("history", BEGINS_EN, "      en: Construction of the BDA formally began.\n")(project)
    out = tmp_path / "site"
    quick_build(project, out)
    assert "outdated" not in page(out, "en", "history")
    [problem] = translation_problems(project)
    assert problem.severity == "warning" and "run `etown translations update`" in problem.message
    assert main(["translations", "update", "--root", str(project)]) == 0
    assert "recorded 1 fingerprint(s)" in capsys.readouterr().out
    assert check(project).problems == []


def test_update_never_clears_an_outdated_mark(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    assert main(["translations", "update", "--root", str(project)]) == 0
    output = capsys.readouterr()
    assert "1 translation(s) listed above may be out of date" in output.out
    line = line_of(project, "history", BEGINS_EN.strip())
    assert f"data/history.yaml:{line}:11: warning: events[2].text.en" in output.err
    assert len(translation_problems(project)) == 1


def test_rewrapping_the_chinese_changes_nothing(project: Path) -> None:
    replace("history", BEGINS_ZH, "      zh: >-\n        北京经济技术开发区\n        开工建设。\n")(project)
    assert check(project).problems == []


def test_a_new_record_moves_no_other_fingerprint(project: Path) -> None:
    record = (
        "  - id: construction-begins-again\n    date: 1992-04\n    text:\n"
        "      zh: 开工建设。\n      en: Construction began.\n"
        "    source: 于1992年4月开工建设\n"  # not construction-begins' passage, whose notes concern it
    )
    replace("history", "  - id: construction-begins\n", record + "  - id: construction-begins\n")(project)
    [problem] = check(project).problems
    assert (problem.file, problem.severity) == (LOCK_PATH, "warning")  # the lock is behind, not the data
    line = line_of(project, "history", "en: Construction began.")
    assert problem.message == (
        "an English text is new or edited since the fingerprints were written (the first: "
        f"data/history.yaml:{line}:11 events[2].text.en); run `etown translations update` to record them"
    )


def test_fingerprints_of_removed_texts_are_reported_and_dropped_by_update(project: Path) -> None:
    path = data_file(project, "history")
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: first-office-building\n")  # a record no note touches
    path.write_text(text[:start] + text[text.index("  - id: state-council-approval\n") :], encoding="utf-8")
    [problem] = check(project).problems
    assert problem.file == LOCK_PATH and problem.severity == "warning"
    assert "1 fingerprint(s) of texts no longer in the data" in problem.message
    assert "data/history.yaml:events[first-office-building].text.en" in problem.message
    assert main(["translations", "update", "--root", str(project)]) == 0
    assert check(project).problems == []


@pytest.mark.slow  # a separate process or server, or many builds
def test_confirm_names_texts_as_check_does(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    root = ["--root", str(project)]
    assert main(["translations", "confirm", *root]) == 2
    assert main(["translations", "confirm", "data/history.yaml:1", *root]) == 2
    assert "no English text is written at line 1 of data/history.yaml" in capsys.readouterr().err
    assert main(["translations", "confirm", "data/nothing.yaml", *root]) == 2
    assert main(["translations", "confirm", "history.yaml", *root]) == 0
    assert "confirmed" in capsys.readouterr().out and translation_problems(project) == []


def test_a_damaged_lock_file_is_an_error_at_its_line(project: Path) -> None:
    lock = project / LOCK_PATH
    lines = lock.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace('"zh": ', '"zh" ', 1)
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = [problem for problem in check(project).problems if problem.file == LOCK_PATH]
    assert (problem.line, problem.severity) == (5, "error")
    assert problem.message.startswith("not valid JSON: Expecting ':' delimiter")
    assert "git checkout data/translations.lock" in problem.message


def test_without_a_lock_file_check_says_how_to_write_one(project: Path) -> None:
    (project / LOCK_PATH).unlink()
    [problem] = check(project).problems
    assert (problem.file, problem.severity) == (LOCK_PATH, "warning")
    assert "run `etown translations update`" in problem.message
    assert main(["translations", "update", "--root", str(project)]) == 0
    assert (project / LOCK_PATH).read_bytes() == (REPO / LOCK_PATH).read_bytes()


def test_the_lock_file_is_read_again_whenever_it_changes(project: Path) -> None:
    """etown serve reads the lock after every edit and keeps the parsed file between reads."""
    data = project / "data"
    lock, problems = read_lock(data)
    assert lock.entries and problems == []
    key = next(iter(lock.entries))
    lock.entries.clear()  # what a caller does with its lock stays its own
    again, _ = read_lock(data)
    assert key in again.entries
    path = data / "translations.lock"
    digest = again.entries[key].text_hash
    path.write_text(path.read_text(encoding="utf-8").replace(digest, "0" * len(digest), 1), "utf-8")
    changed, _ = read_lock(data)
    assert changed.entries[key].text_hash == "0" * len(digest)


@pytest.mark.slow  # a separate process or server, or many builds
def test_the_preview_reviews_each_edit_as_a_fresh_check_does(project: Path, tmp_path: Path) -> None:
    """etown serve keeps each unchanged file's reviewed texts between edits: a stale translation
    is named after its file's edit, still named after an edit to another file, and no longer
    once the English is updated; the lock file recording that is reviewed afresh."""
    pipeline = Pipeline(
        project, base_url="http://127.0.0.1/", published=False, expensive=False, finishing=False
    )
    out = tmp_path / "preview"
    assert pipeline.build(out).ok
    history, vision = project / "data" / "history.yaml", project / "data" / "vision.yaml"
    edits: list[tuple[Path, Callable[[Path], None], bool]] = [
        (history, replace("history", BEGINS_ZH, BEGINS_ZH_EDITED), True),
        (vision, replace("vision", "passages:\n", "# an edit\npassages:\n"), True),
        (history, replace("history", BEGINS_EN, BEGINS_EN.replace(".\n", " formally.\n")), False),
    ]
    for path, edit, stale in edits:
        edit(project)
        report = pipeline.update([path], out)
        assert report.problems == check(project).problems
        assert stale == any("translation may be out of date" in p.message for p in report.problems)
    assert main(["translations", "update", "--root", str(project)]) == 0
    report = pipeline.update([project / LOCK_PATH], out)
    assert report.problems == check(project).problems
    assert not any("translation" in p.message for p in report.problems)
