"""Stage 4: nothing lost. A failed or killed build leaves the old site whole; etown's hands stay
inside the folders it owns."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project
from etown import write
from etown.cli import main
from etown.outputs import OutputFile
from etown.pipeline import Pipeline
from etown.problems import EtownError, UsageError
from etown.write import MARKER, unpublishable, write_site


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def site(version: str, pages: int = 5) -> list[OutputFile]:
    return [
        OutputFile(f"{language}/page{number}.html", f"{version} {language} {number}".encode())
        for language in ("zh", "en")
        for number in range(pages)
    ]


def restore(files: dict[str, bytes], folder: Path) -> None:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".etown-staging"))


def test_the_site_is_written_whole_with_etowns_marker(tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert write_site(site("v1"), out) == 10
    files = snapshot(out)
    assert files.pop(MARKER).startswith(b"This folder was written by etown")
    assert files == {output.path: output.content for output in site("v1")}
    assert leftovers(tmp_path) == []


def test_a_rebuild_replaces_the_old_site_entirely(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(site("v1", pages=8), out)
    write_site(site("v2", pages=2), out)
    files = snapshot(out)
    del files[MARKER]
    assert files == {output.path: output.content for output in site("v2", pages=2)}
    assert leftovers(tmp_path) == []


def test_an_empty_folder_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    write_site(site("v1"), out)
    assert (out / MARKER).is_file()


def test_a_non_empty_folder_etown_did_not_create_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work", encoding="utf-8")
    (out / ".git").mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(UsageError, match="is not empty and was not written by etown; refusing to replace it"):
        write_site(site("v1"), out)
    assert snapshot(tmp_path) == before
    assert leftovers(tmp_path) == []


def test_out_must_be_a_real_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        write_site(site("v1"), tmp_path / "file")
    (tmp_path / "target").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        write_site(site("v1"), tmp_path / "link")
    assert list((tmp_path / "target").iterdir()) == []


@pytest.mark.parametrize(
    "path", ["../escape.html", "/etc/passwd", "en/../../escape.html", "en//index.html", "./index.html",
             "en\\index.html", "C:/index.html", "", MARKER],
)  # fmt: skip
def test_an_output_path_must_stay_inside_the_site(tmp_path: Path, path: str) -> None:
    out = tmp_path / "site" / "build"
    with pytest.raises(EtownError, match="an output path must stay inside the site"):
        write_site([*site("v1"), OutputFile(path, b"x")], out)
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("zh/page1.html", "two pages would write the same file: zh/page1.html and zh/page1.html"),
        ("ZH/Page1.html", "two pages would write the same file: ZH/Page1.html and zh/page1.html"),
        ("zh", "a page would write a file where other pages need a folder: zh"),
    ],
)
def test_two_outputs_may_not_claim_the_same_path(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(EtownError) as error:
        write_site([*site("v1"), OutputFile(extra, b"x")], tmp_path / "build")
    assert str(error.value) == message
    assert list(tmp_path.iterdir()) == []


def test_a_write_failing_midway_leaves_the_old_site_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    write_site(site("v1"), out)
    before = snapshot(out)
    real_write_bytes = Path.write_bytes
    written: list[Path] = []

    def disk_full_after_three(self: Path, data: bytes) -> int:
        if len(written) == 3:
            raise OSError(28, "No space left on device", str(self))
        written.append(self)
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full_after_three)
    with pytest.raises(EtownError, match="No space left on device"):
        write_site(site("v2"), out)
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


@pytest.mark.slow  # a separate process or server, or many builds
def test_a_failed_build_leaves_the_old_build_byte_identical(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "build"
    assert main(["build", "--root", str(project), "--out", str(out), "--no-pdf"]) == 0
    before = snapshot(out)
    history = project / "data" / "history.yaml"
    history.write_text(
        history.read_text(encoding="utf-8").replace("date: 1992-04\n", "date: 1992-13\n"), "utf-8"
    )
    assert main(["build", "--root", str(project), "--out", str(out), "--no-pdf"]) == 1
    assert "events[2].date: there is no month 13" in capsys.readouterr().err
    assert snapshot(out) == before
    (project / "templates" / "vision.html").write_text("{% if %}", encoding="utf-8")
    history.write_text(
        history.read_text(encoding="utf-8").replace("date: 1992-13\n", "date: 1992-04\n"), "utf-8"
    )
    assert main(["build", "--root", str(project), "--out", str(out), "--no-pdf"]) == 1
    assert snapshot(out) == before
    assert leftovers(project) == []


def test_build_refuses_a_foreign_out_folder_with_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = project / "templates"
    before = snapshot(foreign)
    assert main(["build", "--root", str(project), "--out", str(foreign)]) == 2
    assert "was not written by etown; refusing to replace it" in capsys.readouterr().err
    assert snapshot(foreign) == before


def test_what_a_dead_build_left_is_cleared_and_nothing_else(tmp_path: Path) -> None:
    dead_pid = _finished_pid()
    stale = tmp_path / f".etown-staging-build-{dead_pid}"
    stale.mkdir()
    (stale / MARKER).write_text("", encoding="utf-8")
    (stale / "half.html").write_text("", encoding="utf-8")
    emptied = tmp_path / f".etown-staging-build-{dead_pid}-old"
    emptied.mkdir()
    live = tmp_path / f".etown-staging-build-{os.getppid()}"  # another build, still running
    live.mkdir()
    (live / MARKER).write_text("", encoding="utf-8")
    foreign = tmp_path / ".etown-staging-build-1234567890"  # no marker: not etown's
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    write_site(site("v1"), tmp_path / "build")
    assert leftovers(tmp_path) == sorted([live.name, foreign.name])
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_the_old_site_retired_by_a_killed_fallback_swap_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(site("v1"), out)
    before = snapshot(out)
    dead_pid = _finished_pid()
    retired = tmp_path / f".etown-staging-build-{dead_pid}-old"
    out.rename(retired)  # as a build killed between its two renames leaves it
    write._recover(out)
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_without_an_atomic_exchange_the_swap_still_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    out = tmp_path / "build"
    write_site(site("v1"), out)
    write_site(site("v2"), out)
    assert snapshot(out)["zh/page0.html"] == b"v2 zh 0"
    assert leftovers(tmp_path) == []


def test_etown_deletes_only_folders_carrying_its_marker(tmp_path: Path) -> None:
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "data.txt").write_text("x", encoding="utf-8")
    with pytest.raises(EtownError, match="does not carry etown's marker"):
        write._remove_owned(tmp_path / "precious")
    owned = tmp_path / "owned"
    owned.mkdir()
    (owned / MARKER).write_text("", encoding="utf-8")
    (owned / "link").symlink_to(tmp_path / "precious")
    write._remove_owned(owned)
    assert not owned.exists()
    assert (tmp_path / "precious" / "data.txt").read_text(encoding="utf-8") == "x"


def _finished_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# --- SIGKILL at every moment ----------------------------------------------------------------------

PAUSING_BUILD = """
import os, pathlib, sys, time
from etown import write
from etown.write import unpublishable

def announce(event):
    print(event, flush=True)
    if event == os.environ["KILL_AT"]:
        time.sleep(60)  # here the test kills this build

real_write_bytes = pathlib.Path.write_bytes
written = 0
def write_bytes(self, data):
    global written
    written += 1
    announce(f"file {written}")
    return real_write_bytes(self, data)
pathlib.Path.write_bytes = write_bytes

real_exchange = write._exchange
def exchange(first, second):
    announce("swap")
    swapped = real_exchange(first, second)
    announce("swapped")
    return swapped
write._exchange = exchange

real_remove = write._remove_owned
def remove_owned(folder):
    announce("removing")
    real_remove(folder)
write._remove_owned = remove_owned

from etown.cli import main
sys.exit(main(sys.argv[1:]))
"""

KILL_MOMENTS = {"file 1": "old", "file 12": "old", "swap": "old", "swapped": "new", "removing": "new"}
"""Where a paused build is killed, and which site must then be in place."""


@pytest.fixture(scope="module")
def old_and_new(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """Two versions of the project and the complete site each builds."""
    base = tmp_path_factory.mktemp("kill")
    old = copy_project(base / "old")
    new = copy_project(base / "new")
    vision = new / "data" / "vision.yaml"
    vision.write_text(
        vision.read_text(encoding="utf-8").replace("Looking ahead,", "Looking ahead (new),", 1), "utf-8"
    )
    sites = []
    for project in (old, new):
        assert Pipeline(project, expensive=False).build(base / f"{project.name}-site").ok
        sites.append(snapshot(base / f"{project.name}-site"))
    assert sites[0] != sites[1]
    return old, new, sites[0], sites[1]


@pytest.mark.parametrize("moment", [*KILL_MOMENTS, 0.3, 0.6])
@pytest.mark.slow  # a separate process or server, or many builds
def test_a_build_killed_at_any_moment_leaves_the_whole_old_or_the_whole_new_site(
    tmp_path: Path,
    old_and_new: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    moment: str | float,
) -> None:
    _old, new, old_site, new_site = old_and_new
    out = tmp_path / "build"
    restore(old_site, out)
    arguments = ["build", "--root", str(new), "--out", str(out), "--no-pdf"]
    if isinstance(moment, str):
        _kill_paused_build(arguments, moment)
        assert snapshot(out) == (old_site if KILL_MOMENTS[moment] == "old" else new_site)
    else:  # the real command, killed after a while, wherever it stands then
        child = subprocess.Popen([sys.executable, "-m", "etown", *arguments], stdout=subprocess.DEVNULL)
        try:
            child.wait(timeout=moment)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
        after = snapshot(out)
        assert after in (old_site, new_site), sorted(set(after) ^ set(old_site))
    write_site(site("next"), out)  # the next build clears whatever the killed one left
    assert leftovers(tmp_path) == []


def _kill_paused_build(arguments: list[str], moment: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSING_BUILD, *arguments],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "KILL_AT": moment},
    )
    assert child.stdout is not None
    seen = []
    for line in child.stdout:
        seen.append(line.strip())
        if line.strip() == moment:
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL, f"the build never reached {moment!r}: {seen}"


@pytest.mark.parametrize(
    ("character", "earlier"),
    [
        ("\x07", "\u202e"),
        ("\u0085", "\x07"),
        ("\u2028", "\u2066"),
        ("\ufffe", "\u0085"),
        ("\u2069", "\ufffe"),
    ],
)
def test_the_first_unpublishable_character_is_the_one_named(character: str, earlier: str) -> None:
    """Each kind of character is found, and of several the first in the file is named."""
    text = f"<p>“ok” — fine</p>\n<p>a{earlier}b</p>\n<p>c{character}d</p>\n"
    refusal = unpublishable(OutputFile("en/page.html", text.encode("utf-8")))
    assert refusal is not None
    assert f"(U+{ord(earlier):04X})" in refusal and "at its line 2" in refusal
    assert unpublishable(OutputFile("en/page.html", text.replace(earlier, "").encode("utf-8"))) is not None
    assert unpublishable(OutputFile("en/page.html", "<p>“ok” — fine</p>".encode())) is None
