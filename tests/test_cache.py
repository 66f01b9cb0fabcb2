"""The cache between runs (the user's, never the project's) saves time and changes nothing:
compiled templates are read back only while their source is the same, and a cache that is
damaged or cannot be written is as good as none."""

import os
from pathlib import Path

import jinja2
import pytest

from conftest import files_of, quick_build
from etown.cache import CACHE_ENV, cache_home, trim
from etown.pipeline import Pipeline
from etown.producers import pdf


def _never_compile(*_arguments: object, **_keywords: object) -> object:
    raise AssertionError("a template was compiled although the cache holds it")


def test_compiled_templates_are_read_back_and_the_output_stays_the_same(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    quick_build(project, tmp_path / "first")
    assert len(list((tmp_path / "cache" / "jinja").glob("*.cache"))) >= 10
    monkeypatch.setattr(jinja2.Environment, "compile", _never_compile)
    quick_build(project, tmp_path / "second")
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


def test_an_edited_template_is_compiled_afresh(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    quick_build(project, tmp_path / "first")
    root = project / "templates" / "root.html"
    root.write_text(root.read_text(encoding="utf-8").replace("</ul>", "</ul><!-- edited -->"), "utf-8")
    quick_build(project, tmp_path / "second")
    assert b"<!-- edited -->" in (tmp_path / "second" / "index.html").read_bytes()


def test_a_damaged_cache_is_compiled_over(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    quick_build(project, tmp_path / "first")
    for entry in (tmp_path / "cache" / "jinja").glob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:40])
    quick_build(project, tmp_path / "second")
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


def test_a_cache_that_cannot_be_written_costs_only_time(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocked))
    quick_build(project, tmp_path / "out")
    assert (tmp_path / "out" / "en" / "index.html").is_file()


def _quick_pdf(*_arguments: object) -> tuple[bytes, list[str]]:
    """Stands in for WeasyPrint where what matters is where a PDF is kept, not what it holds."""
    return b"%PDF-1.7 made by a test\n", ["DejaVu Sans"]


def test_the_cache_is_the_users_and_a_build_leaves_the_project_as_it_was(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(pdf, "_render", _quick_pdf)
    assert cache_home() == tmp_path / "xdg" / "etown"
    before = files_of(project)
    report = Pipeline(project, finishing=False).build(project / "build")  # PDFs included: they are cached too
    assert report.ok, report.problems
    after = {name: content for name, content in files_of(project).items() if not name.startswith("build/")}
    assert after == before
    kinds = {path.name for path in (tmp_path / "xdg" / "etown").iterdir()}
    assert kinds == {"jinja", "outputs", "pdf", "state", "wording"}


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "chosen"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_home() == tmp_path / "chosen"
    monkeypatch.delenv(CACHE_ENV)
    assert cache_home() == tmp_path / "xdg" / "etown"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid by the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_home() == tmp_path / "home" / ".cache" / "etown"


def test_trimming_keeps_the_most_recent_entries_within_a_count_and_a_size(tmp_path: Path) -> None:
    for number in range(6):
        entry = tmp_path / f"{number}.entry"
        entry.write_bytes(b"x" * 100)
        os.utime(entry, ns=(number * 10**9, number * 10**9))
    trim(tmp_path, "*.entry", kept=4, most_bytes=250)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["4.entry", "5.entry"]
    trim(tmp_path, "*.entry", kept=1)
    assert [path.name for path in tmp_path.iterdir()] == ["5.entry"]
