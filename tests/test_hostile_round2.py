"""The second hostile probe (issue 28), outside the write commands, the published files and the
processes (tests/test_hostile_writes.py, test_hostile_outputs.py, test_hostile_processes.py):
internal errors where a clear message belongs, and contradictions in the data accepted."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from etown.cli import DEBUG_VARIABLE, main
from etown.pipeline import Pipeline
from etown.problems import Problem, errors_only


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(arguments)
    output = capsys.readouterr()
    assert "Traceback" not in output.err + output.out
    return code, output.out, output.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def shown(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in errors_only(problems)]


# --- no home folder ------------------------------------------------------------------------------

NO_HOME = """
import pathlib, sys
def no_home(cls=None):
    raise RuntimeError("Could not determine home directory.")
pathlib.Path.home = classmethod(no_home)
from etown.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", [["check"], ["build", "--no-pdf", "--no-search"], ["coverage"]])
def test_no_home_folder_is_no_error(project: Path, tmp_path: Path, command: list[str]) -> None:
    """A service user with no home folder: Python cannot tell where ``~`` is (HOME unset, no
    entry in the passwd file), and nothing but the PDFs' font folders ever asked."""
    environment = {key: value for key, value in os.environ.items() if key not in {"HOME", "XDG_CACHE_HOME"}}
    environment.pop(DEBUG_VARIABLE, None)
    environment.pop("ETOWN_CACHE_DIR", None)
    environment["TMPDIR"] = str(tmp_path)  # where the cache goes without a home
    arguments = [*command, "--root", str(project)]
    if command[0] == "build":
        arguments += ["--out", str(tmp_path / "site")]
    result = subprocess.run(
        [sys.executable, "-c", NO_HOME, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    if command[0] != "coverage":  # which renders nothing, so keeps nothing
        assert (tmp_path / f"etown-cache-{os.getuid()}").is_dir()


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["data/history.yaml:²⁸", "data/history.yaml:١٢", "data/history.yaml:1:²"])
def test_a_line_that_is_not_ascii_digits_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    lock = (project / "data" / "translations.lock").read_bytes()
    code, _, err = run(["translations", "confirm", target, "--root", str(project)], capsys)
    assert code == 2
    assert err == f"etown: {target}: name a text as FILE or FILE:LINE, like data/history.yaml:42\n"
    assert (project / "data" / "translations.lock").read_bytes() == lock


def test_a_line_number_too_long_for_python_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["translations", "confirm", "data/history.yaml:" + "9" * 5000, "--root", str(project)], capsys
    )
    assert code == 2 and "name a text as FILE or FILE:LINE" in err
