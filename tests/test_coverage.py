"""Seed coverage: every sentence of the source is cited by a record or left out with a reason."""

from pathlib import Path

import pytest

from conftest import REPO
from etown.cli import main
from etown.pipeline import Pipeline
from etown.tools.coverage import measure_site
from helpers_data import replace


def test_the_real_data_cites_every_sentence_of_the_source() -> None:
    pipeline = Pipeline(REPO)
    data, _ = pipeline.validated()
    assert data is not None and pipeline.seed is not None
    coverage = measure_site(pipeline.seed, data)
    assert [sentence.text for sentence in coverage.uncited] == []
    assert coverage.percent == 100.0
    assert coverage.skipped > 0 and len(coverage.sentences) - coverage.skipped > 200


def test_an_uncited_sentence_is_listed_with_its_paragraph(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 1993 event is the only record citing its sentence: cut its quote short, and the rest
    of the sentence is reported, with the paragraph a maintainer finds it in (¶N)."""
    replace("history", "source: 1993年4月26日,第一栋办公楼“小红楼”建成并投入使用。", "source: 1993年4月26日")(
        project
    )
    replace("history", "      zh: 第一栋办公楼“小红楼”建成并投入使用。", '      zh: "[建成。]"')(project)
    assert main(["coverage", "--root", str(project)]) == 1
    out = capsys.readouterr().out
    assert "not cited: 1993年4月26日,第一栋办公楼“小红楼”建成并投入使用。" in out
    assert "seeds/000_c6099870205fbbe0.txt: ¶46:" in out
    assert "289 sentences: 46 left out on purpose (data/coverage.yaml) and 243 to cite, of which" in out
    assert "records cite 242 (99.6 %)" in out


def test_a_passage_left_out_needs_its_reason(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace("coverage", "    reason:\n      zh: 网页的导航路径", "    reasn:\n      zh: 网页的导航路径")(
        project
    )
    assert main(["coverage", "--root", str(project)]) == 1
    assert "data/coverage.yaml:" in capsys.readouterr().err


def test_the_real_coverage_command_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--root", str(REPO)]) == 0
    assert "100.0 %" in capsys.readouterr().out
