"""Each data file's checked state is kept between runs for its exact bytes, and never changes a result."""

from pathlib import Path

import pytest

from conftest import files_of
from etown import kept_state
from etown.cache import CACHE_ENV, write_entry
from etown.pipeline import Pipeline
from etown.sections import SECTION_NAMES
from etown.validate import validate_file


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The data files each run read and checked itself (rather than took as kept), in order."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    checked: list[str] = []

    def counted(loaded, *arguments):  # type: ignore[no-untyped-def]
        checked.append(loaded.name)
        return validate_file(loaded, *arguments)

    monkeypatch.setattr("etown.pipeline.validate_file", counted)
    return checked


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_second_build_takes_every_file_as_kept_and_writes_the_same_bytes(
    project: Path, tmp_path: Path, validated: list[str]
) -> None:
    first = Pipeline(project, expensive=False, finishing=False).build(tmp_path / "first")
    assert first.ok and sorted(validated) == sorted(SECTION_NAMES)
    validated.clear()
    second = Pipeline(project, expensive=False, finishing=False).build(tmp_path / "second")
    assert validated == []
    assert second.problems == first.problems
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


def test_an_edited_file_alone_is_checked_again_and_what_it_now_says_is_shown(
    project: Path, tmp_path: Path, validated: list[str]
) -> None:
    assert Pipeline(project).check().ok
    validated.clear()
    _edit(
        project / "data" / "history.yaml",
        "At its 18th executive meeting",
        "At its eighteenth executive meeting",
    )
    report = Pipeline(project, expensive=False, finishing=False).build(tmp_path / "out")
    assert validated == ["history"]
    assert report.ok
    assert "At its eighteenth executive meeting" in (tmp_path / "out" / "en" / "history.html").read_text(
        encoding="utf-8"
    )


def test_a_file_with_an_error_is_never_kept_and_says_the_same_each_run(
    project: Path, validated: list[str]
) -> None:
    _edit(project / "data" / "economy.yaml", "source: ", "source: 不在原文中的引文")
    first = Pipeline(project).check()
    assert not first.ok and any(problem.file == "data/economy.yaml" for problem in first.problems)
    validated.clear()
    second = Pipeline(project).check()
    assert validated == ["economy"]
    assert second.problems == first.problems


def test_a_new_seed_checks_every_file_again(project: Path, validated: list[str]) -> None:
    assert Pipeline(project).check().ok
    validated.clear()
    seed = next((project / "seeds").glob("*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = Pipeline(project).check()
    assert sorted(validated) == sorted(SECTION_NAMES)
    assert not any(
        problem.file.startswith("data/") and problem.severity == "error" for problem in report.problems
    )


def test_a_damaged_or_foreign_entry_is_made_again(
    project: Path, tmp_path: Path, validated: list[str]
) -> None:
    first = Pipeline(project).check()
    entries = sorted((tmp_path / "cache" / kept_state.KIND).glob("*.pickle"))
    assert len(entries) == len(SECTION_NAMES)
    entries[0].write_bytes(entries[0].read_bytes()[:-10])  # cut short
    write_entry(entries[1], b"not a pickle")  # whole, but not a state
    validated.clear()
    second = Pipeline(project).check()
    assert len(validated) == 2
    assert second.problems == first.problems


def test_the_wording_of_unchanged_files_is_kept_and_still_reported(
    project: Path, validated: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from etown import wording

    _edit(project / "data" / "vision.yaml", "Looking ahead", "Looking ahead, center")
    first = Pipeline(project).check()
    assert any(
        problem.file == "data/vision.yaml" and "centre" in problem.message for problem in first.problems
    )
    checked: list[str] = []
    file_wording = wording._file_wording

    def counted(name, *arguments):  # type: ignore[no-untyped-def]
        checked.append(name)
        return file_wording(name, *arguments)

    monkeypatch.setattr(wording, "_file_wording", counted)
    _edit(
        project / "data" / "history.yaml",
        "At its 18th executive meeting",
        "At its eighteenth executive meeting",
    )
    second = Pipeline(project).check()
    assert checked == ["history"]
    assert [problem for problem in second.problems if problem.file == "data/vision.yaml"] == [
        problem for problem in first.problems if problem.file == "data/vision.yaml"
    ]
