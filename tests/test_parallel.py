"""Rendering in forked worker processes (the command line's full builds and checks) makes the
same bytes and reports the same problems as rendering in one process."""

import threading
from pathlib import Path

import pytest

from etown.cli import _render_workers
from etown.pipeline import Pipeline


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_forked_workers_build_the_same_bytes_as_one_process(project: Path, tmp_path: Path) -> None:
    one = Pipeline(project, expensive=False, finishing=False, workers=1).build(tmp_path / "one")
    two = Pipeline(project, expensive=False, finishing=False, workers=2).build(tmp_path / "two")
    assert one.ok and two.ok, (one.problems, two.problems)
    assert two.files == one.files > 100
    assert _files(tmp_path / "two") == _files(tmp_path / "one")


@pytest.mark.parametrize("command", ["check", "build"])
def test_forked_workers_report_a_template_error_as_one_process_does(
    project: Path, tmp_path: Path, command: str
) -> None:
    history = project / "templates" / "history.html"
    opening = "{% block content %}"
    broken = history.read_text(encoding="utf-8").replace(opening, opening + "{{ 1 / 0 }}")
    history.write_text(broken, encoding="utf-8")
    reports = []
    for workers in (1, 2):
        pipeline = Pipeline(project, expensive=False, finishing=False, workers=workers)
        out = tmp_path / f"out-{workers}"
        reports.append(pipeline.check() if command == "check" else pipeline.build(out))
        assert not out.exists()
    one, two = reports
    assert not one.ok and two.problems == one.problems
    assert any("templates/history.html" in str(problem) for problem in one.problems)


def test_the_command_line_forks_only_while_no_other_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert _render_workers() == 1
    finally:
        release.set()
        other.join()
    assert 1 <= _render_workers() <= 4
