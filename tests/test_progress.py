"""Feedback on slow work (issue 25, item 9): a build or check that runs longer than two seconds
shows its stages on one line of a terminal, wiped before the summary; a log or a pipe gets the
one summary line and nothing else."""

import io
from pathlib import Path

import pytest

from etown import progress
from etown.cli import main
from etown.pipeline import Pipeline
from etown.progress import TerminalProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_drawn_in_the_first_two_seconds_and_the_line_is_wiped_at_the_end() -> None:
    stream, clock = io.StringIO(), Clock()
    shown = TerminalProgress(stream, clock)
    shown("checking the data", 0, 0)
    clock.now += 1.9
    shown("rendering", 1, 10)
    assert stream.getvalue() == ""
    clock.now += 0.2
    shown("rendering", 2, 10)
    assert stream.getvalue() == "\r\x1b[Ketown: rendering 2/10 (2 s)"
    clock.now += 0.01
    shown("rendering", 3, 10)  # a tenth of a second has not passed: not redrawn
    clock.now += 0.01
    shown("making the search index", 0, 0)  # a new stage is always drawn
    assert stream.getvalue().endswith("\r\x1b[Ketown: making the search index (2 s)")
    assert "3/10" not in stream.getvalue()
    shown.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_a_quick_run_leaves_nothing_to_wipe() -> None:
    stream = io.StringIO()
    shown = TerminalProgress(stream, Clock())
    shown("rendering", 1, 2)
    shown.close()
    assert stream.getvalue() == ""


def test_a_build_reports_its_stages_in_order_and_counts_every_file(project: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    report = Pipeline(
        project, expensive=False, finishing=False, progress=lambda *stage: seen.append(stage)
    ).build(tmp_path / "out")
    assert report.ok
    stages = [stage for stage, _, _ in seen]
    assert stages[0] == "checking the data" and stages[-1] == "replacing the last build"
    rendered = [(done, total) for stage, done, total in seen if stage == "rendering"]
    assert rendered == [(done, report.files) for done in range(report.files)]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("command", ["build", "check"])
def test_on_a_terminal_a_slow_run_shows_its_stages_then_one_summary_line(
    project: Path,
    tmp_path: Path,
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0.0)  # every run is slow
    options = ["--no-pdf", "--no-search", "--out", str(tmp_path / "out")] if command == "build" else []
    assert main([command, "--root", str(project), *options]) == 0
    drawn = terminal.getvalue()
    assert drawn.startswith("\r\x1b[Ketown: checking the data") and drawn.endswith("\r\x1b[K")
    assert "etown: rendering" in drawn and "\n" not in drawn
    assert capsys.readouterr().out.count("\n") == 1


def test_in_a_log_a_build_prints_one_line(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0.0)
    assert (
        main(["build", "--no-pdf", "--no-search", "--root", str(project), "--out", str(tmp_path / "o")]) == 0
    )
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1 and out.startswith("etown: built ")
