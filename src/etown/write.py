"""Stage 4: put the rendered files on disk without ever losing the last good site.

The site is written into a staging folder beside the output and swapped in with one atomic
rename, so a failed or killed build leaves either the whole old site or the whole new one.
etown only ever replaces or removes folders that carry its marker file.
"""

import ctypes
import ctypes.util
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from etown.problems import EtownError, UsageError
from etown.render import OutputFile

MARKER = ".etown-output"
MARKER_TEXT = "This folder was written by etown, which replaces it on every build.\n"
_STAGING = ".etown-staging"
_RENAME_EXCHANGE = 2


def write_site(outputs: Iterable[OutputFile], out_dir: Path) -> int:
    """Write every file into a fresh copy of ``out_dir`` and swap it in; return the file count."""
    files = sorted(outputs, key=lambda output: output.path)
    _refuse_collisions(files)
    out_dir = out_dir.absolute()
    _refuse_foreign_folder(out_dir)
    _remove_stale_staging(out_dir)
    staging = out_dir.parent / f"{_STAGING}-{out_dir.name}-{os.getpid()}"
    try:
        _write_tree(files, staging)
        _swap_in(staging, out_dir)
    finally:
        if staging.exists():
            _remove_owned(staging)
    return len(files)


def _refuse_collisions(files: list[OutputFile]) -> None:
    counts = Counter(output.path for output in files)
    clashes = sorted(path for path, count in counts.items() if count > 1)
    if clashes:
        raise EtownError(f"two pages would write the same file: {', '.join(clashes)}")


def _refuse_foreign_folder(out_dir: Path) -> None:
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise UsageError(f"{out_dir} exists and is not a folder; choose another --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise UsageError(
            f"{out_dir} is not empty and was not written by etown; refusing to replace it "
            "(choose another --out, or empty the folder yourself)"
        )


def _remove_stale_staging(out_dir: Path) -> None:
    """Clear what a killed build left behind (only folders carrying etown's marker)."""
    if not out_dir.parent.is_dir():
        return
    for leftover in out_dir.parent.glob(f"{_STAGING}-{out_dir.name}-*"):
        if (leftover / MARKER).is_file():
            _remove_owned(leftover)


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
        # no atomic exchange on this system: the old site is gone for a moment only
        retired = staging.with_name(staging.name + "-old")
        os.replace(out_dir, retired)
        os.replace(staging, out_dir)
        staging = retired
    _remove_owned(staging)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two folders (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def _remove_owned(folder: Path) -> None:
    if not (folder / MARKER).is_file():
        raise EtownError(f"refusing to delete {folder}: it does not carry etown's marker")
    shutil.rmtree(folder)
