"""OpenCC's conversions are kept between runs: a run loads OpenCC only for a text it has not seen,
and the pages are the same either way."""

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import files_of, quick_build
from etown import convert, kept_outputs, kept_state
from etown.cache import CACHE_ENV
from etown.pipeline import Pipeline


def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process converted, as a new ``etown`` process knows nothing."""
    convert._kept.cache_clear()
    convert._converter.cache_clear()
    monkeypatch.setattr(convert, "_NEW", {})


def _build(project: Path, out: Path) -> dict[str, bytes]:
    quick_build(project, out)
    return files_of(out)


def _only_conversions_kept(cache: Path) -> None:
    for kind in (kept_state.KIND, kept_state.WORDING, kept_outputs.KIND):
        shutil.rmtree(cache / kind, ignore_errors=True)


def test_a_run_of_texts_converted_before_loads_no_opencc_and_makes_the_same_pages(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    _fresh_process(monkeypatch)
    first = _build(project, tmp_path / "first")
    _only_conversions_kept(tmp_path / "cache")
    _fresh_process(monkeypatch)

    def no_opencc(_configuration: str) -> Any:
        raise AssertionError("OpenCC was loaded")

    monkeypatch.setattr(convert, "_engine", no_opencc)
    assert _build(project, tmp_path / "second") == first


def test_a_new_chinese_text_is_converted_by_opencc_and_kept(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    _fresh_process(monkeypatch)
    _build(project, tmp_path / "first")
    history = project / "data" / "history.yaml"
    text = history.read_text(encoding="utf-8")
    old = "zh: 市政府第18次常务会议决定建设“北京市亦庄工业小区”,并成立市政府亦庄工业小区筹备组。"
    assert text.count(old) == 1
    history.write_text(text.replace(old, old.removesuffix("。")), encoding="utf-8")
    _only_conversions_kept(tmp_path / "cache")
    _fresh_process(monkeypatch)
    engine = convert._engine
    asked: list[str] = []

    class Counting:
        def __init__(self, configuration: str) -> None:
            self.opencc = engine(configuration)

        def convert(self, text: str) -> str:
            asked.append(text)
            return str(self.opencc.convert(text))

    monkeypatch.setattr(convert, "_engine", Counting)
    report = Pipeline(project, expensive=False, finishing=False).check()
    assert "市政府第18次常务会议决定建设“北京市亦庄工业小区”,并成立市政府亦庄工业小区筹备组" in asked
    assert len(asked) < 5  # the edited text, not the hundreds kept
    _fresh_process(monkeypatch)
    asked.clear()
    Pipeline(project, expensive=False, finishing=False).check()
    assert asked == []
    assert not any(problem.severity == "error" for problem in report.problems)
