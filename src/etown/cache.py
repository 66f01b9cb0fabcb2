"""What etown keeps between runs to save time, never to change a result.

Everything lives in one folder: ``.etown-cache/`` in the project, or ``$ETOWN_CACHE_DIR`` when
set (the tests share one for every copy of the project). Each kind of entry has a subfolder and
is named by everything that goes into it, so a stale entry is never read, only left to be
trimmed; a cache that cannot be read or written costs time and nothing else. Deleting the folder
is always safe.
"""

import contextlib
import os
from pathlib import Path

CACHE_ENV = "ETOWN_CACHE_DIR"
CACHE_FOLDER = ".etown-cache"


def cache_folder(root: Path, kind: str) -> Path:
    """Where entries of ``kind`` (``pdf``, ``jinja``) of the project at ``root`` are kept."""
    configured = os.environ.get(CACHE_ENV)
    return (Path(configured) if configured else root / CACHE_FOLDER) / kind


def trim(folder: Path, pattern: str, kept: int) -> None:
    """Delete all but the ``kept`` most recently used entries matching ``pattern``."""
    entries = []
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime_ns, path))
    entries.sort(reverse=True)
    for _, path in entries[kept:]:
        with contextlib.suppress(OSError):
            path.unlink()
