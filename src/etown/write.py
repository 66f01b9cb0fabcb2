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
import shutil
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from etown.problems import EtownError, UsageError
from etown.render import OutputFile

MARKER = ".etown-output"
MARKER_TEXT = "This folder was written by etown, which replaces it on every build.\n"
_STAGING = ".etown-staging"
_RETIRED = "-old"
_RENAME_EXCHANGE = 2
_AT_CWD = -100


def write_site(outputs: Iterable[OutputFile], out_dir: Path) -> int:
    """Write every file into a fresh copy of ``out_dir`` and swap it in; return the file count."""
    files = sorted(outputs, key=lambda output: output.path)
    _refuse_bad_paths(files)
    out_dir = out_dir.absolute()
    _refuse_foreign_folder(out_dir)
    _recover(out_dir)
    staging = out_dir.parent / f"{_STAGING}-{out_dir.name}-{os.getpid()}"
    try:
        _write_tree(files, staging)
        _swap_in(staging, out_dir)
    except OSError as error:
        where = error.filename or out_dir
        raise EtownError(f"cannot write {where} ({error.strerror or error})") from error
    finally:
        for leftover in (staging, _retired(staging)):
            if leftover.exists():
                _remove_owned(leftover)
    return len(files)


def update_files(outputs: Iterable[OutputFile], out_dir: Path) -> int:
    """Replace, in a site etown already wrote, only the files whose bytes changed, each with an
    atomic rename (``etown serve``, after an edit); return how many were written."""
    if not (out_dir / MARKER).is_file():
        raise EtownError(f"refusing to update {out_dir}: it does not carry etown's marker")
    written = 0
    for output in outputs:
        target = out_dir / output.path
        if target.is_file() and target.read_bytes() == output.content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(output.content)
        os.replace(temporary, target)
        written += 1
    return written


# --- refusals ---------------------------------------------------------------------------------


def _refuse_bad_paths(files: list[OutputFile]) -> None:
    """Every path must stay inside the site, and name one file that no other output names."""
    for output in files:
        path = output.path
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
    for output in files:  # case-folded: two such files are one on macOS and Windows
        by_name[posixpath.normpath(output.path).casefold()].append(output.path)
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


def _refuse_foreign_folder(out_dir: Path) -> None:
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


def _write_tree(files: list[OutputFile], staging: Path) -> None:
    staging.mkdir(parents=True)
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    for output in files:
        target = staging / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)


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
