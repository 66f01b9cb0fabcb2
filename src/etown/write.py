"""Stage 4: put the rendered files on disk without ever losing the last good site.

The site is written into a staging folder beside the output and swapped in with one atomic
rename, so a failed or killed build leaves either the whole old site or the whole new one.
etown only ever replaces or removes folders that carry its marker file, and only ever writes
inside its own staging folder.
"""

import ctypes
import functools
import os
import posixpath
import re
import shutil
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from etown.files import os_errors, write_atomically
from etown.outputs import OutputFile
from etown.problems import EtownError, UsageError

MARKER = ".etown-output"
MARKER_TEXT = "This folder was written by etown, which replaces it on every build.\n"
_STAGING = ".etown-staging"
_RETIRED = "-old"
_RENAME_EXCHANGE = 2
_AT_CWD = -100


def write_site(outputs: Iterable[OutputFile], out_dir: Path) -> int:
    """Write every file into a fresh copy of ``out_dir`` and swap it in; return the file count."""
    files = list(outputs)
    refuse_bad_paths([output.path for output in files])
    with Staging(out_dir) as staging:
        for output in files:
            staging.write(output)
        staging.commit()
    return len(files)


class Staging:
    """A fresh copy of the output folder, filled file by file and swapped in by ``commit``; left
    without a commit (a problem, an exception), it is removed and the old site stays as it was.

    Files are written as they are rendered, so a build never holds the whole site in memory."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir.absolute()
        self.folder = self.out_dir.parent / f"{_STAGING}-{self.out_dir.name}-{os.getpid()}"
        self.count = 0
        self._committed = False

    def __enter__(self) -> "Staging":
        refuse_foreign_folder(self.out_dir)
        with os_errors(self.out_dir):
            _recover(self.out_dir)
            self.folder.mkdir(parents=True)
            (self.folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return self

    def write(self, output: OutputFile) -> None:
        target = self.folder / output.path
        with os_errors(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.content)
        self.count += 1

    def commit(self) -> None:
        with os_errors(self.out_dir):
            _swap_in(self.folder, self.out_dir)
        self._committed = True

    def __exit__(self, *_exception: object) -> None:
        for leftover in (self.folder, _retired(self.folder)):
            if leftover.exists():
                _remove_owned(leftover)


class SiteUpdate:
    """Replace, in a site etown already wrote, only the files whose bytes changed, each with an
    atomic rename, one at a time as they are made (``etown serve``, after an edit)."""

    def __init__(self, out_dir: Path) -> None:
        if not (out_dir / MARKER).is_file():
            raise EtownError(f"refusing to update {out_dir}: it does not carry etown's marker")
        self.out_dir = out_dir
        self.written = 0

    def write(self, output: OutputFile) -> None:
        target = self.out_dir / output.path
        with os_errors(target):
            if target.is_file() and target.read_bytes() == output.content:
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, output.content, durable=False)
        self.written += 1


# --- refusals ---------------------------------------------------------------------------------

TEXT_SUFFIXES = (".html", ".xml", ".svg", ".txt", ".csv", ".json", ".css", ".js")
# In UTF-8: control characters but tab and line breaks, C1 controls, LS and PS, the bidirectional
# embeddings, overrides and isolates, and the noncharacters U+FFFE and U+FFFF. One pattern each:
# searched apart, each runs at the speed of its literal start; as one alternation they took 90 ms
# of a real-site build (3 MB of text), apart 35 ms.
_UNPUBLISHABLE = tuple(
    re.compile(pattern)
    for pattern in (
        rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]",
        rb"\xc2[\x80-\x9f]",
        rb"\xe2\x80[\xa8-\xae]",
        rb"\xe2\x81[\xa6-\xa9]",
        rb"\xef\xbf[\xbe\xbf]",
    )
)


def unpublishable(output: OutputFile) -> str | None:
    """Why a text file must not be published as made, if it must not: the last check that no
    control or bidirectional character reaches a published file, wherever it came from (data
    and settings are checked where they are read; this catches templates and the stylesheet)."""
    if not output.path.endswith(TEXT_SUFFIXES):
        return None
    matches = [found for pattern in _UNPUBLISHABLE if (found := pattern.search(output.content))]
    if not matches:
        return None
    found = min(matches, key=lambda match: match.start())
    character = found.group().decode("utf-8")
    line = output.content.count(b"\n", 0, found.start()) + 1
    return (
        f"the file would hold an invisible control or bidirectional character (U+{ord(character):04X}) "
        f"at its line {line}; it comes from a template or the stylesheet: delete it there"
    )


def refuse_bad_paths(paths: list[str]) -> None:
    """Every path must stay inside the site, and name one file that no other output names."""
    for path in paths:
        parts = path.split("/")
        if (
            not path
            or path.startswith("/")
            or "\\" in path
            or ":" in parts[0]
            or any(part in {"", ".", ".."} for part in parts)
            or path == MARKER
        ):
            raise EtownError(f"refusing to write {path!r}: an output path must stay inside the site")
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):  # case-folded: two such files are one on macOS and Windows
        by_name[posixpath.normpath(path).casefold()].append(path)
    clashes = sorted(" and ".join(paths) for paths in by_name.values() if len(paths) > 1)
    if clashes:
        raise EtownError(f"two pages would write the same file: {'; '.join(clashes)}")
    folders = {parent for name in by_name for parent in _parents(name)}
    conflicts = sorted(name for name in by_name if name in folders)
    if conflicts:
        raise EtownError(f"a page would write a file where other pages need a folder: {', '.join(conflicts)}")


def _parents(path: str) -> Iterable[str]:
    parts = path.split("/")
    return ("/".join(parts[:length]) for length in range(1, len(parts)))


def refuse_foreign_folder(out_dir: Path) -> None:
    """A folder etown did not write is never replaced (UsageError)."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise UsageError(f"{out_dir} exists and is not a folder; choose another --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise UsageError(
            f"{out_dir} is not empty and was not written by etown; refusing to replace it "
            "(choose another --out, or empty the folder yourself)"
        )


# --- what a killed build leaves behind --------------------------------------------------------


def _recover(out_dir: Path) -> None:
    """Clear what killed builds left behind (only folders carrying etown's marker).

    Without an atomic exchange a build killed between its two renames leaves no output folder,
    only the retired old site; it is put back first, so the old site is never lost.
    """
    if not out_dir.parent.is_dir():
        return
    prefix = f"{_STAGING}-{out_dir.name}-"
    for leftover in sorted(out_dir.parent.iterdir()):
        owner = leftover.name.removeprefix(prefix).removesuffix(_RETIRED)
        if not leftover.name.startswith(prefix) or not owner.isdigit() or _is_running(int(owner)):
            continue
        if leftover.is_dir() and not leftover.is_symlink() and not any(leftover.iterdir()):
            leftover.rmdir()  # all that a removal killed after its last step leaves
            continue
        if not (leftover / MARKER).is_file():
            continue
        if leftover.name.endswith(_RETIRED) and not out_dir.exists():
            os.replace(leftover, out_dir)
        else:
            _remove_owned(leftover)


def _is_running(pid: int) -> bool:
    """Whether another build (a live process other than this one) may own a staging folder."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- writing and swapping ---------------------------------------------------------------------


def _swap_in(staging: Path, out_dir: Path) -> None:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if out_dir.is_dir() and not any(out_dir.iterdir()):
        out_dir.rmdir()
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    if not _exchange(staging, out_dir):
        # no atomic exchange on this system: for a moment there is no output folder, and a
        # build killed in that moment leaves the old site as the retired folder (see _recover)
        os.replace(out_dir, _retired(staging))
        os.replace(staging, out_dir)
        return
    _remove_owned(staging)  # it now holds the old site


def _retired(staging: Path) -> Path:
    return staging.with_name(staging.name + _RETIRED)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two folders (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_CWD, os.fsencode(first), _AT_CWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):  # renameat2 is Linux's alone
        return None
    # the running program's own symbols include libc's; ctypes.util.find_library would spawn
    # ldconfig and gcc to find it, costing more than the whole build
    function: Callable[..., int] | None = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    return function


def _remove_owned(folder: Path) -> None:
    """Delete a folder etown wrote; its marker goes last, so a killed removal can be resumed."""
    marker = folder / MARKER
    if folder.is_symlink() or not marker.is_file():
        raise EtownError(f"refusing to delete {folder}: it does not carry etown's marker")
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    marker.unlink()
    folder.rmdir()
