"""Shared fixtures: a run folder of its own, a throw-away copy of the project, one build of the real
site, and a live preview server.

Every pytest run gets a folder of its own, made before anything of etown is imported, and points
etown's cache, HOME and the XDG folders into it: no test reads or writes the user's cache or home,
so a run's speed and results never depend on what ran before on the machine, and a run leaves
nothing behind (the folder goes at the end of the run). Worker processes of pytest-xdist inherit
the folder from the run that started them, so they share one cache.
"""

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

RUN_FOLDER_ENV = "ETOWN_TEST_RUN_FOLDER"
_OWN_RUN_FOLDER = RUN_FOLDER_ENV not in os.environ
if _OWN_RUN_FOLDER:
    os.environ[RUN_FOLDER_ENV] = tempfile.mkdtemp(prefix="etown-tests-")
RUN_FOLDER = Path(os.environ[RUN_FOLDER_ENV])
for variable, inside in {
    "ETOWN_CACHE_DIR": "cache/etown",
    "HOME": "home",
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
}.items():
    os.environ[variable] = str(RUN_FOLDER / inside)
    (RUN_FOLDER / inside).mkdir(parents=True, exist_ok=True)
# The goldens and the citation tests carry the site's date as the seed's taken date.
os.environ.pop("SOURCE_DATE_EPOCH", None)

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from etown.check_cache import PROJECT_PARTS  # noqa: E402
from etown.pipeline import Pipeline  # noqa: E402
from etown.report import Report  # noqa: E402
from etown.serve import Preview, open_server, watch  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("ETOWN_TEST_ARTIFACTS") or RUN_FOLDER / "artifacts")
"""Where tests leave files for a person to look at (printed pages): the run folder, unless
ETOWN_TEST_ARTIFACTS names a folder to keep them in."""

# Property tests explore new inputs on every local run; in CI they replay a fixed sequence, so that
# a landing is never blocked by chance (a case found locally is pinned as an ordinary test).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
PLACEHOLDER_LINE = 'base_url = "https://example.org/"'
PUBLISHED_BASE_URL = "https://bda-facts.github.io/site/"
"""The address a test project is published at: the repository's etown.toml holds a placeholder
(which a build warns about), a project being tested holds a real-looking one."""


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_RUN_FOLDER:
        shutil.rmtree(RUN_FOLDER, ignore_errors=True)


T = TypeVar("T")


def sampled(cases: Iterable[T], every: int = 3) -> list[Any]:
    """``cases`` as parameters, every ``every``-th one (the first included) in the quick selection
    and the rest marked slow: a family of cases that all take the same path through etown is
    sampled by the quick selection and run whole by the full one. A tuple is the values of
    several argument names, as pytest takes it."""
    slow = pytest.mark.slow
    return [
        case
        if index % every == 0
        else pytest.param(*case, marks=slow)
        if isinstance(case, tuple)
        else pytest.param(case, marks=slow)
        for index, case in enumerate(cases)
    ]


def copy_project(target: Path) -> Path:
    """seeds/, data/, templates/ and the config, copied so a test may break them freely."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    config = target / "etown.toml"
    text = config.read_text(encoding="utf-8")
    assert PLACEHOLDER_LINE in text, "etown.toml's base_url changed: update PLACEHOLDER_LINE"
    config.write_text(text.replace(PLACEHOLDER_LINE, f'base_url = "{PUBLISHED_BASE_URL}"'), encoding="utf-8")
    return target


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by its path there, with its bytes (two builds compared whole)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def quick_build(root: Path, out: Path, **options: object) -> Report:
    """A build without the PDFs and the search index (what most tests look at is the pages; the
    PDFs take seconds to make for each changed project). Fails the test on any problem."""
    report = Pipeline(root, expensive=False, finishing=False, **options).build(out)  # type: ignore[arg-type]
    assert report.ok, "\n".join(map(str, report.problems))
    return report


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@contextlib.contextmanager
def run_lock(name: str) -> Iterator[None]:
    """Held by one process of the run at a time (pytest-xdist's workers share the run folder)."""
    with open(RUN_FOLDER / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The real site, built whole (PDFs and search index) once per pytest run by `etown build`,
    with the base URL https://example.org/etown/, and shared by the run's worker processes. Read
    it; never change it. (The command renders on every core, which a test process cannot: it
    runs threads, and forking those is unsafe.)"""
    out = RUN_FOLDER / "site"
    with run_lock("site"):
        if not out.is_dir():  # a build appears whole or not at all
            command = [
                "build",
                "--root",
                str(REPO),
                "--out",
                str(out),
                "--base-url",
                "https://example.org/etown/",
            ]
            built = subprocess.run([sys.executable, "-m", "etown", *command], capture_output=True, text=True)
            assert built.returncode == 0, built.stdout + built.stderr
    return out


def wait_for(condition: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def live(project: Path, tmp_path: Path) -> Iterator[tuple[Preview, str]]:
    """A preview server over a copy of the project, as `etown serve` runs it (no PDFs), with its
    watcher: the preview and its address, http://127.0.0.1:PORT. It makes no search index
    (Pagefind takes longer than the rest of a build); test_serve follows the index's remaking."""
    pipeline = Pipeline(project, base_url="http://127.0.0.1/", expensive=False, finishing=False)
    preview = Preview(pipeline, tmp_path / "preview")
    assert preview.build().ok, preview.problems
    server = open_server(0, preview)
    stop = threading.Event()
    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True),
        threading.Thread(target=watch, args=(preview, stop, lambda report: None), daemon=True),
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # let the watcher start before the test edits anything
    yield preview, f"http://127.0.0.1:{server.server_port}"
    stop.set()
    server.shutdown()
    server.server_close()
