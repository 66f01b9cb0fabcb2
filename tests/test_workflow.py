"""The Pages workflow's own steps, run in order in a fresh clone, publish the site and only the site.

The steps are read from .github/workflows/pages.yml, so the test cannot drift from the workflow.
`run:` steps run as GitHub runs them (bash -eo pipefail, with the workflow's env), except two:
a step that installs Debian packages, whose packages must be installed here instead (CI installs
them), and the test step, which must be the command the README gives and is run with
``--collect-only`` (the installed tests load and select; running them all again would only repeat
this very run). Each `uses:` step is stood in for by what it provides here, and an action the test
does not know fails it, so a new step is never skipped silently. Slow (a venv and a pip install):
`-m "not slow"` skips it; .ci/run runs it.
"""

import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from etown.pipeline import build
from etown.write import MARKER
from helpers_clone import files_in, fresh_clone, new_venv, outside_env, run, untracked_and_ignored

pytestmark = pytest.mark.slow

WORKFLOW = Path(".github/workflows/pages.yml")
PAGES_BASE_URL = "https://owner.github.io/repo"
"""What actions/configure-pages reports as base_url for a project site: no trailing slash."""
INSIDE_THE_WORKFLOW = "ETOWN_RUNNING_PAGES_WORKFLOW"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
APT_STEP = re.compile(
    r"sudo apt-get update && sudo apt-get install -y (?:--no-install-recommends )?"
    r"(?P<packages>[a-z0-9.+\- ]+)"
)
"""A step that installs Debian packages: checked here, not run (CI installs what the project needs)."""
TEST_STEP = re.compile(r"python -m pytest .*")
"""The workflow's test step: the README's command, run here with --collect-only."""
README = Path("README.md")
# What the workflow's test step may leave in the clone besides the site: the tools' caches.
TEST_LEFTOVERS = re.compile(r"(?:\.pytest_cache|\.hypothesis|test-artifacts)/.*|(?:.*/)?__pycache__/.*")


def _github_env(venv: Path | None) -> dict[str, str]:
    """A runner's environment: CI set, this checkout's venv and settings gone, ``venv`` on PATH."""
    return outside_env(venv, CI="true", GITHUB_ACTIONS="true", **{INSIDE_THE_WORKFLOW: "1"})


def _action(step: dict[str, Any]) -> tuple[str, int]:
    """("actions/setup-python", 5) for ``uses: actions/setup-python@v5``."""
    name, _, version = step["uses"].partition("@")
    major = re.match(r"v(\d+)", version)
    assert major, f"{step['uses']}: pin the action to a major version (@vN)"
    return name, int(major.group(1))


def _installed(package: str) -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Status}", package], capture_output=True, text=True, check=False
    )
    return status.stdout.endswith(" installed")


def _packed(folder: Path, upload_major: int) -> set[str]:
    """The files actions/upload-pages-artifact puts in the Pages artifact: it tars the folder
    without .git and .github, and from v4 on without any hidden file or folder."""
    packed = set()
    for name in files_in(folder):
        parts = name.split("/")
        if parts[0] in {".git", ".github"} or (upload_major >= 4 and any(p.startswith(".") for p in parts)):
            continue
        packed.add(name)
    return packed


class _Upload(NamedTuple):
    folder: Path
    action_major: int


def _run_build_job(clone: Path, tmp_path: Path) -> tuple[Path, _Upload]:
    """Run the job that uploads the Pages artifact, step by step; its Python and upload folder."""
    workflow = yaml.safe_load((clone / WORKFLOW).read_text(encoding="utf-8"))
    [job] = [
        job
        for job in workflow["jobs"].values()
        if any(_action(step)[0] == "actions/upload-pages-artifact" for step in job["steps"] if "uses" in step)
    ]
    assert "defaults" not in job and "defaults" not in workflow, "teach the test the workflow's defaults"
    declared_env = {**workflow.get("env", {}), **job.get("env", {})}
    outputs: dict[str, str] = {}
    venv: Path | None = None
    upload: _Upload | None = None
    tested: dict[str, Any] | None = None

    def expand(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            if match.group(1) not in outputs:
                pytest.fail(f"{WORKFLOW}: the test does not know what ${{{{ {match.group(1)} }}}} gives")
            return outputs[match.group(1)]

        return EXPRESSION.sub(value, str(text))

    for number, step in enumerate(job["steps"], 1):
        where = f"{WORKFLOW}, build step {number} ({step.get('name') or step.get('uses')})"
        assert "if" not in step, f"{where}: teach the test the step's condition"
        if "run" in step and (apt := APT_STEP.fullmatch(step["run"].strip())):
            missing = [package for package in apt["packages"].split() if not _installed(package)]
            assert not missing, f"{where}: install {' '.join(missing)} here to stand in for the step"
            continue
        if "run" in step and TEST_STEP.fullmatch(step["run"].strip()):
            command = step["run"].strip()
            readme = (clone / README).read_text(encoding="utf-8")
            assert f"`{command}`" in readme, f"{where}: {command!r} is not the test command the README gives"
            tested = step = {**step, "run": f"{command} --collect-only"}
        if "run" in step:
            assert venv is not None, f"{where}: runs before actions/setup-python"
            assert step.get("shell", "bash") == "bash", f"{where}: teach the test its shell"
            declared = {**declared_env, **step.get("env", {})}
            env = _github_env(venv) | {name: expand(value) for name, value in declared.items()}
            bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])]
            run(bash, clone / step.get("working-directory", "."), env, timeout=1800)
            continue
        action, major = _action(step)
        if action == "actions/checkout":
            continue  # the clone is the checkout
        elif action == "actions/setup-python":
            wanted = tuple(int(part) for part in str(step["with"]["python-version"]).split("."))
            project = tomllib.loads((clone / "pyproject.toml").read_text(encoding="utf-8"))["project"]
            minimum = tuple(int(p) for p in project["requires-python"].removeprefix(">=").split("."))
            assert wanted >= minimum, f"{where}: Python {wanted} is older than requires-python"
            venv = new_venv(tmp_path / "python")  # outside the checkout, as setup-python's is
        elif action == "actions/configure-pages":
            assert "id" in step, f"{where}: needs an id for its base_url output"
            outputs[f"steps.{step['id']}.outputs.base_url"] = PAGES_BASE_URL
        elif action == "actions/upload-pages-artifact":
            upload = _Upload(clone / step.get("with", {}).get("path", "_site/"), major)
        else:
            pytest.fail(f"{where}: the test does not know what {action} does; teach it")
    assert venv is not None and upload is not None
    assert tested is not None, f"{WORKFLOW}: no step runs the tests (python -m pytest …)"
    return venv, upload


def test_the_pages_workflow_publishes_the_site_and_only_the_site(tmp_path: Path) -> None:
    if os.environ.get(INSIDE_THE_WORKFLOW):
        pytest.fail(f"{WORKFLOW}'s test step ran this test again: deselect it there (-m 'not slow')")
    clone = fresh_clone(tmp_path / "checkout")
    venv, upload = _run_build_job(clone, tmp_path)

    installed_at = run([str(venv / "bin" / "python"), "-c", "import etown; print(etown.__file__)"], tmp_path)
    assert Path(installed_at.strip()).is_relative_to(venv), "the workflow must install etown non-editable"

    # The workflow's build, byte for byte the library's: nothing more (no build/lib, no
    # bdist.*, nothing pip or setuptools wrote), nothing less.
    build(clone, tmp_path / "expected", base_url=PAGES_BASE_URL + "/")
    expected = files_in(tmp_path / "expected")
    assert MARKER in expected and "index.html" in expected
    assert files_in(upload.folder) == expected
    # etown's marker stays on disk (it lets the next build replace the folder) but is not published.
    assert _packed(upload.folder, upload.action_major) == set(expected) - {MARKER}

    # Installing and testing wrote nothing into the checkout outside the site but test caches.
    site = upload.folder.relative_to(clone).as_posix().rstrip("/") + "/"
    leftovers = [path for path in untracked_and_ignored(clone) if not TEST_LEFTOVERS.fullmatch(path)]
    assert [path for path in leftovers if not path.startswith(site)] == []
