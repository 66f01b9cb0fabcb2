"""Shared fixtures: a throw-away copy of the project, and one build of the real site."""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from etown.pipeline import build

REPO = Path(__file__).resolve().parent.parent

# Property tests explore new inputs on every local run; in CI they replay a fixed sequence, so that
# a landing is never blocked by chance (a case found locally is pinned as an ordinary test).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
PROJECT_PARTS = ("seeds", "data", "templates", "etown.toml")

# The goldens and the citation tests carry the site's date as the seed's taken date.
os.environ.pop("SOURCE_DATE_EPOCH", None)


def copy_project(target: Path) -> Path:
    """seeds/, data/, templates/ and the config, copied so a test may break them freely."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session (base URL https://example.org/etown/)."""
    out = tmp_path_factory.mktemp("site") / "build"
    build(REPO, out, base_url="https://example.org/etown/")
    return out
