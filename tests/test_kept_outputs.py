"""Output files kept between runs are taken only while everything they were made from is unchanged,
and the site they make is the site a fresh render makes, byte for byte."""

import shutil
from pathlib import Path

import pytest

from conftest import files_of, quick_build
from etown import kept_outputs
from etown.cache import CACHE_ENV
from etown.outputs import Target
from etown.pipeline import Pipeline

EDITS = {
    "notes": ("The unit of the total is probably wrong", "The unit of the total is likely wrong"),
    "economy": ("the BDA contributes nearly 30%", "the BDA provides nearly 30%"),
}


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The output files each run rendered (rather than took as kept)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    made: list[str] = []
    make = Pipeline._make

    def counted(self: Pipeline, target: Target, data: object) -> object:
        made.append(target.path)
        return make(self, target, data)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "_make", counted)
    return made


def _build(project: Path, out: Path, **options: object) -> dict[str, bytes]:
    quick_build(project, out, **options)
    return files_of(out)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("section", sorted(EDITS))
def test_after_an_edit_the_files_that_read_the_section_are_made_again_as_a_fresh_build_makes_them(
    project: Path, tmp_path: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch, section: str
) -> None:
    first = _build(project, tmp_path / "first")
    pipeline = Pipeline(project, expensive=False, finishing=False)
    pipeline.check()
    reads = {path: names for path, names in pipeline._reads.items()}
    _edit(project / "data" / f"{section}.yaml", *EDITS[section])
    rendered.clear()
    warm = _build(project, tmp_path / "warm")
    assert sorted(rendered) == sorted(path for path, names in reads.items() if section in names)
    assert 0 < len(rendered) < len(reads)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "empty cache"))
    fresh = _build(project, tmp_path / "fresh")
    assert warm == fresh
    assert warm != first


def test_an_unchanged_project_is_made_from_kept_files_and_a_template_edit_makes_everything_again(
    project: Path, tmp_path: Path, rendered: list[str]
) -> None:
    first = _build(project, tmp_path / "first")
    made = len(rendered)
    rendered.clear()
    assert _build(project, tmp_path / "second") == first
    assert rendered == []
    base = project / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _build(project, tmp_path / "third")
    assert len(rendered) == made


def test_other_options_make_every_file_again(project: Path, tmp_path: Path, rendered: list[str]) -> None:
    first = _build(project, tmp_path / "first")
    rendered.clear()
    other = _build(project, tmp_path / "other", base_url="https://example.net/facts/")
    assert len(rendered) == len(first) - 1  # all but the marker file .etown-output
    assert any(b"https://example.net/facts/" in content for content in other.values())


def test_nothing_is_kept_when_the_project_changes_while_it_is_made(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    make = Pipeline._make
    strings = project / "templates" / "strings.yaml"

    def make_then_save(self: Pipeline, target: Target, data: object) -> object:
        strings.write_text(strings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return make(self, target, data)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "_make", make_then_save)
    Pipeline(project, expensive=False, finishing=False).check()
    assert not list((tmp_path / "cache" / kept_outputs.KIND).glob("*.out"))


def test_a_damaged_kept_file_is_made_again(project: Path, tmp_path: Path, rendered: list[str]) -> None:
    first = _build(project, tmp_path / "first")
    entries = sorted((tmp_path / "cache" / kept_outputs.KIND).glob("*.out"))
    entries[0].write_bytes(entries[0].read_bytes()[:-5])
    rendered.clear()
    assert _build(project, tmp_path / "second") == first
    assert len(rendered) == 1
    shutil.rmtree(tmp_path / "cache" / kept_outputs.KIND)
    rendered.clear()
    assert _build(project, tmp_path / "third") == first
    assert len(rendered) == len(first) - 1
