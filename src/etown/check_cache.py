"""What ``etown check`` found, kept for the exact inputs it checked.

A check loads, validates and renders the whole site, so that it fails whenever a build would:
a second or more. Run again on a project that has not changed since (a pre-commit hook, an
editor's save of another file, a habit), it answers from here in a few milliseconds, as ruff
and mypy answer from their caches. The key is a digest of everything the check's result depends
on: the project's folder, the name and bytes of every file under seeds/, data/ and templates/
and of etown.toml, the options, etown's own code, the Python that runs it and the distributions
installed beside it. Whatever cannot be read as a plain file, or is too large to read quickly,
makes no key: the check then simply runs. Entries live in the user's cache folder (see ``etown.cache``).
"""

import contextlib
import functools
import hashlib
import json
import os
import stat
import sys
from collections.abc import Collection
from pathlib import Path

from etown.cache import cache_folder, trim
from etown.problems import EtownError, Problem
from etown.report import Report

FORMAT = "etown-check-1"
KIND = "check"
KEPT = 32
"""Entries kept: a few projects, a few variants of options each."""
LARGEST_FILE = 8_000_000
MOST_FILES = 5_000
"""Beyond these a project is not one etown would check in a blink anyway (data files over 2 MB
are refused): hashing it is not worth it, and a hostile folder cannot make the key slow."""
PROJECT_PARTS = ("seeds", "data", "templates", "etown.toml")
"""What etown reads of a project: a check's key and a build's snapshot of its inputs are made of them."""
CODE = Path(__file__).resolve().parent
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
"""Variables a check's result can depend on."""


def inputs_digest(root: Path, *, strict: bool, base_url: str | None) -> str | None:
    """The key of a check of ``root`` with these options, or None when it cannot be made."""
    return project_digest(root, code_digest(), FORMAT, repr((strict, base_url)))


def project_digest(
    root: Path, code: str | None, *header: str, stand_ins: Collection[str] = frozenset()
) -> str | None:
    """A digest of ``header``, etown's ``code``, the project's folder, the variables a result can
    depend on, and the name and bytes of every file etown reads of the project (the files in
    ``stand_ins`` by their names alone: what depends on them is keyed by them apart). None when
    the code cannot be read, or the project holds what makes no key."""
    if code is None:
        return None
    try:
        files = [file for part in PROJECT_PARTS for file in project_files(root / part, part)]
        if len(files) > MOST_FILES:
            return None
        contents = [(shown, shown if shown in stand_ins else file_content(path)) for path, shown in files]
    except (OSError, Unkeyable):
        return None
    return digest_of(
        *header, code, str(root.resolve()),
        *(f"{name}={os.environ.get(name, '')}" for name in ENVIRONMENT),
        *(part for pair in contents for part in pair),
    )  # fmt: skip


def digest_of(*parts: str | bytes) -> str:
    """The SHA-256 of ``parts``, each preceded by its length (so no two lists of parts meet)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@functools.cache
def running_code() -> str | None:
    """``code_digest()`` read once a process: a running process does not change its own code."""
    return code_digest()


def code_digest() -> str | None:
    """A digest of what runs a check: etown's own code, the Python that runs it and the
    distributions installed beside it (None when the code cannot be read). Every result
    etown keeps between runs is keyed by it, so a new version never reads an old one's."""
    digest = hashlib.sha256()
    try:
        for part in (sys.version, sys.platform, *_distributions()):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        for path, shown in project_files(CODE, "etown", ".py"):
            content = file_content(path)
            digest.update(b"%s %d\0" % (shown.encode("utf-8", "surrogateescape"), len(content)))
            digest.update(content)
    except (OSError, Unkeyable):
        return None
    return digest.hexdigest()


def recall(digest: str) -> Report | None:
    """The report of the check with this key, if one is kept."""
    try:
        kept = json.loads((cache_folder(KIND) / f"{digest}.json").read_text(encoding="utf-8"))
        problems = [Problem(**fields) for fields in kept["problems"]]
        report = Report(sorted(problems), bool(kept["strict"]), int(kept["files"]))
    except (OSError, ValueError, KeyError, TypeError):  # none kept, or a damaged entry: check
        return None
    with contextlib.suppress(OSError):
        os.utime(cache_folder(KIND) / f"{digest}.json")  # recently used: trimmed last
    return report


def remember(digest: str, report: Report) -> None:
    """Keep ``report`` under ``digest``; a cache that cannot be written costs time only."""
    from etown.files import write_atomically  # not at import: a cached answer needs none of it

    folder = cache_folder(KIND)
    kept = {
        "problems": [vars(problem) for problem in report.problems],
        "strict": report.strict,
        "files": report.files,
    }
    with contextlib.suppress(OSError, ValueError, EtownError):  # EtownError: a link where the entry goes
        folder.mkdir(parents=True, exist_ok=True)
        content = json.dumps(kept).encode("ascii")  # escaped: names may hold surrogates
        write_atomically(folder / f"{digest}.json", content, durable=False)
        trim(folder, "*.json", KEPT)


class Unkeyable(Exception):
    """An entry the key cannot stand for: a link, a special file, a file too large."""


def project_files(top: Path, shown: str, suffix: str = "") -> list[tuple[Path, str]]:
    """Every file under ``top`` (itself if a file) whose name ends with ``suffix``, named as
    shown, in a stable order. Folders count by their names too: an empty or unexpected one can
    change the result."""
    try:
        mode = os.lstat(top).st_mode
    except FileNotFoundError:
        return [(top, shown)]  # its content says it is missing
    if not stat.S_ISDIR(mode):
        return [(top, shown)]
    found: list[tuple[Path, str]] = []
    for folder, folders, names in os.walk(top, onerror=_refuse):
        folders.sort()
        relative = Path(folder).relative_to(top).as_posix()
        prefix = f"{shown}/" if relative == "." else f"{shown}/{relative}/"
        found += [(Path(folder) / name, prefix + name) for name in sorted(names) if name.endswith(suffix)]
        found += [(Path(folder) / name, f"{prefix}{name}/") for name in folders if not suffix]
        if len(found) > MOST_FILES:
            break
    return found


def file_content(path: Path) -> bytes:
    """What the key takes of one entry: a plain file's bytes, a marker for a folder or a missing
    file. Never reads what could block or never end (a pipe, a device), nor follows a link (which
    could lead anywhere, or round in a loop): a project with one is checked every time."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return b"missing"
    if stat.S_ISDIR(info.st_mode):
        return b"folder"
    if not stat.S_ISREG(info.st_mode) or info.st_size > LARGEST_FILE:
        raise Unkeyable(str(path))
    return b"file:" + path.read_bytes()


def _refuse(error: OSError) -> None:
    raise error


def _distributions() -> list[str]:
    """The installed distributions, by name and version (the names of their metadata folders)."""
    names: list[str] = []
    for entry in sys.path:
        with contextlib.suppress(OSError), os.scandir(entry or ".") as listing:
            names += sorted(item.name for item in listing if item.name.endswith((".dist-info", ".egg-info")))
    return names
