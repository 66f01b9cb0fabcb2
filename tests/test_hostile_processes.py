"""The second hostile probe (issue 28): processes and timing. A build reads one version of the
project or fails; workers end quietly with their parent and never outlive it; temporary folders
go on SIGTERM and on a full disk; no fork while threads run; the preview misses no save and
serves an error page until its first good build."""

import contextlib
import errno
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import files_of
from etown.cache import CACHE_ENV
from etown.cli import DEBUG_VARIABLE
from etown.pipeline import Pipeline
from etown.serve import RELOAD_SCRIPT_PATH, STATUS_PATH

LINUX_ONLY = pytest.mark.skipif(sys.platform != "linux", reason="forked workers are Linux's alone")
"""Whether the build may fork is the build's to ask: a pytest-xdist worker runs threads, so
asking in the test's own process (can_fork) skipped these tests on Linux too."""

pytestmark = pytest.mark.slow  # real processes and servers: seconds each


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- a build reads one version of the project --------------------------------------------------


@pytest.mark.parametrize("changed", ["templates/base.html", "data/history.yaml", "etown.toml"])
def test_a_save_during_a_build_fails_it_and_leaves_the_last_build(
    project: Path, monkeypatch: pytest.MonkeyPatch, changed: str
) -> None:
    out = project / "site"
    assert Pipeline(project, expensive=False, finishing=False).build(out).ok
    before = files_of(out)
    made = Pipeline._make

    def make_then_save(pipeline: Pipeline, *arguments: object) -> object:
        """The editor saves once the first pages are made (as it did with 2 of 30 made)."""
        result = made(pipeline, *arguments)  # type: ignore[arg-type]
        path = project / changed
        if b"saved mid-build" not in path.read_bytes():
            comment = b"{# saved mid-build #}\n" if path.suffix == ".html" else b"# saved mid-build\n"
            path.write_bytes(path.read_bytes() + comment)
        return result

    monkeypatch.setattr(Pipeline, "_make", make_then_save)
    monkeypatch.setenv(CACHE_ENV, str(project.parent / "empty cache"))  # nothing kept: pages are made
    report = Pipeline(project, expensive=False, finishing=False).build(out)
    assert not report.ok
    assert [str(problem) for problem in report.problems] == [
        f"{changed}: changed while the site was being built, so its files could mix the old and the new "
        "version; nothing was written (the previous build is as it was): build again"
    ]
    assert files_of(out) == before
    monkeypatch.undo()
    assert Pipeline(project, expensive=False, finishing=False).build(out).ok  # the next build takes it in


# --- signals: workers end with their parent, temporary folders go -------------------------------


def etown_process(arguments: list[str], tmp_path: Path, program: str | None = None) -> subprocess.Popen[str]:
    """etown in a session of its own (so that its workers can be found and signalled as a group),
    with its temporary folders and its cache in ``tmp_path``."""
    environment = {**os.environ, "TMPDIR": str(tmp_path), CACHE_ENV: str(tmp_path / "cache")}
    environment.pop(DEBUG_VARIABLE, None)
    command = (
        [sys.executable, "-c", program, *arguments]
        if program
        else [sys.executable, "-m", "etown", *arguments]
    )
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
        start_new_session=True,
    )  # fmt: skip


def group_members(group: int) -> list[int]:
    """The processes left in a process group (a worker that outlived its parent would be one)."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == group and fields[0] != "Z":
                    members.append(int(entry))
    return members


def children_of(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def eventually(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def rendering_pdfs(project: Path, tmp_path: Path) -> subprocess.Popen[str]:
    """A build whose workers are making the PDFs (seconds each with an empty cache)."""
    process = etown_process(["build", "--root", str(project), "--out", str(tmp_path / "site")], tmp_path)
    assert eventually(lambda: len(children_of(process.pid)) >= 2), "no workers started"
    time.sleep(0.5)  # into the PDFs: the pages take a fraction of a second
    return process


@LINUX_ONLY
def test_ctrl_c_during_the_pdfs_ends_every_worker_quietly(project: Path, tmp_path: Path) -> None:
    process = rendering_pdfs(project, tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends: to the whole group
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == ""
    assert eventually(lambda: group_members(process.pid) == [], 5), group_members(process.pid)
    assert not (tmp_path / "site").exists()
    assert [path.name for path in project.parent.iterdir() if path.name.startswith(".etown-staging")] == []


@LINUX_ONLY
def test_workers_end_with_a_killed_parent_without_a_traceback(project: Path, tmp_path: Path) -> None:
    """As the OOM killer would kill it: the workers' pipes break, and they used to say so."""
    process = rendering_pdfs(project, tmp_path)
    workers = children_of(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    _, err = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert eventually(lambda: group_members(process.pid) == [], 5), (workers, group_members(process.pid))
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_sigterm_removes_the_preview_folder(project: Path, tmp_path: Path) -> None:
    process = etown_process(["serve", "--root", str(project), "--port", "0"], tmp_path)
    assert process.stdout is not None
    for line in process.stdout:
        if "serving a preview" in line:
            break
    assert [path.name[:14] for path in tmp_path.glob("etown-preview-*")] == ["etown-preview-"]
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert list(tmp_path.glob("etown-preview-*")) == []


SLOW_SEARCH = """
import subprocess, sys, time
import etown.producers.search as search
ran = subprocess.run
def slow(*arguments, **options):
    result = ran(*arguments, **options)
    print("indexed", flush=True)
    time.sleep(60)  # the signal comes now, while the search index's folder is there
    return result
search.subprocess.run = slow
from etown.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_during_the_search_index_removes_its_folder(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    process = etown_process(
        ["build", "--root", str(project), "--out", str(out), "--no-pdf"], tmp_path, SLOW_SEARCH
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "indexed\n"
    assert len(list(tmp_path.glob("etown-search-*"))) == 1
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert list(tmp_path.glob("etown-search-*")) == []
    assert not out.exists() and list(tmp_path.glob(".etown-staging*")) == []


def test_a_full_disk_while_indexing_leaves_no_search_folder(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    written = Path.write_text

    def full(path: Path, *arguments: Any, **options: Any) -> int:
        if "etown-search-" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return written(path, *arguments, **options)

    monkeypatch.setattr(Path, "write_text", full)
    report = Pipeline(project, expensive=False).build(tmp_path / "site")
    assert [problem.message[:39] for problem in report.problems] == [
        "cannot copy the pages to index: [Errno "
    ]
    assert list(tmp_path.glob("etown-search-*")) == []
    assert not (tmp_path / "site").exists()


# --- no fork while another thread runs ---------------------------------------------------------

COUNT_THREADS_AT_FORK = """
import os, sys
def before():
    threads = len(os.listdir("/proc/self/task"))
    sys.stderr.write(f"fork with {threads} thread(s)\\n")
os.register_at_fork(before=before)
from etown.cli import main
sys.exit(main(sys.argv[1:]))
"""


@LINUX_ONLY
def test_a_build_forks_its_workers_from_its_only_thread(project: Path, tmp_path: Path) -> None:
    """Python 3.12 and later warn (DeprecationWarning) of a fork from a process with threads."""
    process = etown_process(
        ["build", "--root", str(project), "--out", str(tmp_path / "site"), "--no-search"],
        tmp_path,
        "import warnings\nwarnings.simplefilter('error', DeprecationWarning)\n" + COUNT_THREADS_AT_FORK,
    )
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    forks = err.splitlines()
    assert len(forks) >= 2 and set(forks) == {"fork with 1 thread(s)"}, err


# --- the preview: no save missed, and an error page until the first good build -----------------


SLOW_WATCHER = """
import sys, time
import watchfiles
watch = watchfiles.watch
def slow(*arguments, **options):
    time.sleep(0.5)  # a loaded machine: the watcher takes its time to start watching
    return watch(*arguments, **options)
watchfiles.watch = slow
from etown.cli import main
sys.exit(main(sys.argv[1:]))
"""


def serving(project: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    """``etown serve`` running (its watcher slow to start), and its address once it says it serves."""
    process = etown_process(["serve", "--root", str(project), "--port", "0"], tmp_path, SLOW_WATCHER)
    assert process.stdout is not None
    for line in process.stdout:
        if "serving a preview at " in line:
            return process, line.split("serving a preview at ", 1)[1].split()[0].rstrip("/")
    raise AssertionError(process.communicate(timeout=10))


def answer(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def version(base: str) -> int:
    return int(json.loads(answer(base + STATUS_PATH)[1])["version"])


def test_a_save_right_after_the_first_answer_is_not_missed(project: Path, tmp_path: Path) -> None:
    process, base = serving(project, tmp_path)
    try:
        status, page = answer(base + "/en/vision.html")
        vision = project / "data" / "vision.yaml"
        edit(vision, "Looking ahead", "Saved at once")  # within milliseconds of the first answer
        assert status == 200 and "Saved at once" not in page
        assert eventually(lambda: "Saved at once" in answer(base + "/en/vision.html")[1], 30)
        assert eventually(lambda: version(base) == 2, 10)  # told once the pages it changed are written
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_a_first_build_that_fails_is_served_as_its_problems_until_a_save_fixes_it(
    project: Path, tmp_path: Path
) -> None:
    history = project / "data" / "history.yaml"
    edit(history, "date: 1992-04\n", "date: 1992-13\n")
    process, base = serving(project, tmp_path)
    try:
        status, page = answer(base + "/en/history.html")
        assert status == 500
        assert "<h1>The project has problems</h1>" in page
        assert re.search(r"data/history\.yaml:\d+:\d+: events\[2\]\.date: ", page), page
        assert f'<script src="{RELOAD_SCRIPT_PATH}"></script>' in page  # which reloads it once fixed
        assert answer(base + "/")[0] == 500 and version(base) == 0
        edit(history, "date: 1992-13\n", "date: 1992-04\n")
        assert eventually(lambda: version(base) == 1, 30)
        status, page = answer(base + "/en/history.html")
        assert status == 200 and "The project has problems" not in page
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "serving a page of these problems until a save fixes them" in err
    assert "still serving the last good build" not in err


FORKED_MAP = """
import sys
from etown.workers import can_fork, forked_map
def square(item):
    if item == int(sys.argv[1]):
        raise ValueError("a bug in etown")
    return item * item
assert can_fork()
try:
    print(list(forked_map(square, list(range(40)), 3)))
except RuntimeError as error:
    print(str(error).splitlines()[0])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers are Linux's alone")
@pytest.mark.parametrize(
    ("failing", "printed"),
    [
        (-1, str([item * item for item in range(40)])),
        (5, "in a rendering process: ValueError: a bug in etown"),
    ],
)
def test_forked_results_come_in_order_and_a_workers_bug_is_raised(failing: int, printed: str) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", FORKED_MAP, str(failing)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert ran.stdout.strip() == printed
    assert ran.stderr == ""
