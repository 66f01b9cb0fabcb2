"""Helpers for the slow tests that treat the project as a stranger would: a fresh clone, a fresh
virtual environment, a non-editable install, commands run from outside the checkout."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

GIT_IDENTITY = ["-c", "user.name=etown tests", "-c", "user.email=tests@etown.invalid"]


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> str:
    """Run a command; fail the test with its output when it fails, else return its stdout."""
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} (in {cwd}) exited with {result.returncode}\n"
            f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}",
            pytrace=False,
        )
    return result.stdout


def fresh_clone(target: Path) -> Path:
    """A new repository holding what a clone of this checkout would hold once its changes were
    committed: every file git tracks or would track, nothing it ignores (no .venv, build/, caches).

    Not ``git clone`` of HEAD, so that an uncommitted edit to the workflow or pyproject.toml is
    what gets tested; in CI's clean checkout the two are the same."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of the project")
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO)
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = REPO / name
        if source.is_file() or source.is_symlink():  # a tracked file deleted in the work tree is gone
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name, follow_symlinks=False)
    run(["git", "init", "-q"], target)
    run(["git", "add", "-A"], target)
    run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "snapshot"], target)
    return target


def untracked_and_ignored(clone: Path) -> list[str]:
    """What git sees in the clone beyond its commit: changed, untracked and ignored paths."""
    status = run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], clone)
    return sorted(line[3:] for line in status.splitlines())


def outside_env(venv: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a shell that never activated this checkout's venv: no etown settings,
    no VIRTUAL_ENV or PYTHONPATH, and nothing on PATH from inside the checkout; ``venv``'s bin
    first when given."""
    path = [
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and not Path(entry).resolve().is_relative_to(REPO)
    ]
    if venv is not None:
        path.insert(0, str(venv / "bin"))
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("ETOWN_") and name not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
    }
    return {**env, "PATH": os.pathsep.join(path), **extra}


def new_venv(target: Path) -> Path:
    """A fresh virtual environment made by the Python running the tests."""
    run([sys.executable, "-m", "venv", str(target)], target.parent, env=outside_env())
    return target


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
