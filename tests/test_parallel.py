"""Rendering in forked worker processes (the command line's full builds and checks) makes the
same bytes and reports the same problems as rendering in one process."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import files_of
from etown.pipeline import Pipeline

pytestmark = pytest.mark.slow  # forked processes: seconds each


FORKED = """
import sys
from pathlib import Path
from etown.pipeline import Pipeline
from etown.workers import can_fork
assert can_fork(), "this process cannot fork: the test would test nothing"
pipeline = Pipeline(Path(sys.argv[1]), expensive=False, finishing=False, workers=2)
report = pipeline.check() if sys.argv[2] == "check" else pipeline.build(Path(sys.argv[3]))
print("\\n".join(map(str, report.problems)))
"""
"""Renders in two forked workers, in a process of its own: a test process under pytest-xdist runs
threads, and forking there falls back to one process (etown.workers.can_fork)."""


def _forked(project: Path, command: str, out: Path) -> list[str]:
    ran = subprocess.run(
        [sys.executable, "-c", FORKED, str(project), command, str(out)], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    return [line for line in ran.stdout.splitlines() if line]


def test_forked_workers_build_the_same_bytes_as_one_process(project: Path, tmp_path: Path) -> None:
    one = Pipeline(project, expensive=False, finishing=False, workers=1).build(tmp_path / "one")
    assert one.ok, one.problems
    assert _forked(project, "build", tmp_path / "two") == []
    assert files_of(tmp_path / "two") == files_of(tmp_path / "one")
    assert one.files > 100


@pytest.mark.parametrize("command", ["check", "build"])
def test_forked_workers_report_a_template_error_as_one_process_does(
    project: Path, tmp_path: Path, command: str
) -> None:
    history = project / "templates" / "history.html"
    opening = "{% block content %}"
    broken = history.read_text(encoding="utf-8").replace(opening, opening + "{{ 1 / 0 }}")
    history.write_text(broken, encoding="utf-8")
    pipeline = Pipeline(project, expensive=False, finishing=False, workers=1)
    one = pipeline.check() if command == "check" else pipeline.build(tmp_path / "out-1")
    assert not one.ok and any("templates/history.html" in str(problem) for problem in one.problems)
    assert _forked(project, command, tmp_path / "out-2") == [str(problem) for problem in one.problems]
    assert not (tmp_path / "out-1").exists() and not (tmp_path / "out-2").exists()


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
