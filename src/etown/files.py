"""Writing one file safely: atomically (a reader sees the old file or the new one), never through
a link, with the line ends the file has. The site's writer (``write.py``), the caches and the
commands that write into the project all write this way; this module needs nothing of etown's
stages, so any of them may use it.
"""

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from etown.problems import EtownError


@contextlib.contextmanager
def os_errors(where: Path) -> Iterator[None]:
    """A disk error is the user's to fix: say what and where, in plain words."""
    try:
        yield
    except OSError as error:
        raise EtownError(f"cannot write {error.filename or where} ({error.strerror or error})") from error


def write_project_file(root: Path, relative: str, text: str) -> None:
    """Write one file the project keeps (``etown schema``'s JSON Schemas, the translations'
    fingerprints, the seed's metadata), atomically, with the line ends the file has, and never
    through a link or into a folder that leads out of the project."""
    path = root / relative
    with os_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.resolve().is_relative_to(root.resolve()):
            raise EtownError(f"refusing to write {relative}: its folder leads out of the project")
        write_atomically(path, with_line_ends_of(path, text).encode("utf-8"), shown=relative)


def refuse_links(paths: dict[Path, str]) -> None:
    """Before a command writes several files (each shown as named): refuse, before writing any,
    when one is a link, which write_atomically would refuse half way."""
    links = [shown for path, shown in paths.items() if path.is_symlink()]
    if links:
        named = ", ".join(links)
        message = f"refusing to write {named}: a link (replace it with the file itself); nothing was written"
        raise EtownError(message)


def write_atomically(
    path: Path, content: bytes | Sequence[bytes], *, shown: str | None = None, durable: bool = True
) -> None:
    """Replace ``path`` with ``content`` in one step: a reader sees the old file or the new one.
    A write that fails (a full disk, an interruption) leaves the old file and no temporary one;
    a link is refused, never written through. OSError says what failed. ``durable``: on disk
    before it takes the name, so that a crash leaves the old file or the new one (the preview's
    throw-away files skip that, which takes milliseconds each). ``content`` may come in parts,
    written one after another (a large cache entry is not copied whole to add its header)."""
    if path.is_symlink():
        where = shown or path
        target = os.readlink(path)
        raise EtownError(f"refusing to write {where}: it is a link (to {target}); replace it with a file")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            for part in [content] if isinstance(content, bytes) else content:
                stream.write(part)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            shutil.copymode(path, temporary)  # an existing file keeps its permissions
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def with_line_ends_of(path: Path, text: str) -> str:
    """``text`` (lines ending in \\n) with the line ends ``path`` has now: a file checked out with
    CRLF (git's autocrlf) stays CRLF, so a rewrite changes only what it means to."""
    try:
        with path.open("rb") as stream:
            start = stream.read(64 * 1024)
    except OSError:
        return text
    return text.replace("\n", line_end(start.decode("latin-1")))


def line_end(text: str) -> str:
    """The line end ``text`` uses, judged by its first line: CRLF or LF."""
    first_break = text.find("\n")
    return "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
