"""Rendering in forked worker processes (the command line's full builds and checks) makes the
same bytes and reports the same problems as rendering in one process."""

import subprocess
import sys
from pathlib import Path

import pytest

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
    """In a process of its own: threads a test runner leaves running would be counted."""
    program = (
        "import threading\nfrom etown.workers import can_fork\nfrom etown.cli import _render_workers\n"
        "release = threading.Event()\nother = threading.Thread(target=release.wait)\nother.start()\n"
        "print(can_fork())\nrelease.set()\nother.join()\n"
        # a joined thread leaves the operating system's list a moment later
        "import time\nwaited = 0\n"
        "while not can_fork() and waited < 500:\n    time.sleep(0.01)\n    waited += 1\n"
        "print(can_fork(), 1 <= _render_workers() <= 4)"
    )
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["False", "True", "True"]


def test_opencc_is_loaded_only_to_render_and_once_for_all_workers(project: Path, tmp_path: Path) -> None:
    """Its dictionaries take 45 MB and 0.1 s: a command that renders nothing (coverage, the
    translations commands) never loads them, and a forked build loads them before forking, so
    that its workers share one copy instead of loading one each."""
    program = (
        "import sys\nfrom pathlib import Path\nfrom etown.pipeline import Pipeline\n"
        "assert Pipeline(Path(sys.argv[1])).validated()[0] is not None\n"
        "print('opencc' in sys.modules)\n"
        "pipeline = Pipeline(Path(sys.argv[1]), expensive=False, finishing=False, workers=2)\n"
        "assert pipeline.build(Path(sys.argv[2])).ok\nprint('opencc' in sys.modules)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", program, str(project), str(tmp_path / "out")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert ran.stdout.split() == ["False", "True"]
    assert (tmp_path / "out" / "zh-Hant" / "index.html").is_file()
