"""What etown keeps between runs to save time, never to change a result.

Everything lives in one folder, the user's, as Hugo and pip keep theirs: ``$ETOWN_CACHE_DIR``
when set, else ``$XDG_CACHE_HOME/etown``, else ``~/.cache/etown``. Not in the project: a build
writes nothing into the project but its output folder, so a checkout stays as git left it (and
the Pages workflow publishes what it built and nothing else). Each kind of entry has a subfolder
and is named by everything that goes into it, project included, so projects can share the
folder, a stale entry is never read, only left to be trimmed, and a cache that cannot be read or
written costs time and nothing else. Deleting the folder is always safe.

Not platformdirs: on Linux it names the same folder, but it is a dependency more and adds about
20 ms to every command's start (an unchanged ``etown check`` answers in about 80 ms).
"""

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from etown.problems import EtownError

CACHE_ENV = "ETOWN_CACHE_DIR"
NAME = "etown"


def cache_home() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec: a relative path is invalid and ignored
        return Path(xdg) / NAME
    try:
        return Path.home() / ".cache" / NAME
    except RuntimeError:  # no home directory (a bare container user): a cache still saves time
        return Path(tempfile.gettempdir()) / f"{NAME}-cache-{os.getuid()}"


def cache_folder(kind: str) -> Path:
    """Where entries of ``kind`` (``pdf``, ``jinja``) are kept."""
    return cache_home() / kind


def trim(folder: Path, pattern: str, kept: int, most_bytes: int | None = None) -> None:
    """Delete all but the ``kept`` most recently used entries matching ``pattern``, and, with
    ``most_bytes``, all but the most recent that fit in that many bytes together."""
    entries = []
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            status = path.stat()
            entries.append((status.st_mtime_ns, status.st_size, path))
    entries.sort(reverse=True)
    total = 0
    for number, (_, size, path) in enumerate(entries):
        total += size
        if number >= kept or (most_bytes is not None and total > most_bytes):
            with contextlib.suppress(OSError):
                path.unlink()


_ENTRY = b"etown-cache-entry"
_HEADER_MOST = 128
"""Longer than any header (``_header``: the marker, the size and a SHA-256 in hex)."""


def read_entry(path: Path) -> bytes | None:
    """What ``write_entry`` kept at ``path``, or None when there is none or it is not whole: its
    size and SHA-256 are recorded with it and checked, so an entry cut short (a full disk, a kill,
    a copy gone wrong) or emptied is made again, never used. The header is read apart (unbuffered,
    a byte at a time) so that the content is read into one buffer of its own: a large entry (a
    kept page or state at scale) is not copied again."""
    try:
        with path.open("rb", buffering=0) as stream:
            header = stream.readline(_HEADER_MOST).removesuffix(b"\n")
            content = stream.readall()
    except OSError:
        return None
    if header == _header(content):
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept when the cache is trimmed
        return content
    with contextlib.suppress(OSError):
        path.unlink()  # damaged: made again, and kept whole this time
    return None


def write_entry(path: Path, content: bytes) -> None:
    """Keep ``content`` at ``path`` with its size and SHA-256; a cache that cannot be written
    costs time and nothing else (and leaves no temporary file behind)."""
    from etown.files import write_atomically  # not at import: check's cached answer needs none of it

    with contextlib.suppress(OSError, EtownError):  # EtownError: a link where the entry goes
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, [_header(content), b"\n", content], durable=False)


def _header(content: bytes) -> bytes:
    return b"%s %d %s" % (_ENTRY, len(content), hashlib.sha256(content).hexdigest().encode())
