"""Problems are values: every stage returns them, and only the CLI decides how to show them."""

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        label = " warning:" if self.severity == "warning" else ""
        return visible(f"{where}:{label}{field} {self.message}")


# Characters a terminal would act on or hide rather than show: control characters (escape
# sequences recolour or rewrite the screen), line breaks (a problem is one line), invisible and
# bidirectional ones, and surrogates (from file names that are not UTF-8, unprintable as text).
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\ufffe\uffff]"
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on or hide written as an escape
    (``\\x1b``, ``\\u202e``): a message shows what is in a file, and never does what it says."""
    return _UNSHOWABLE.sub(lambda match: _escaped(match.group()), text)


def _escaped(character: str) -> str:
    code = ord(character)
    return _SHORT_ESCAPES.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


class EtownError(Exception):
    """A failure etown explains in plain words (never a traceback)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = sorted(problems or [])


class DataError(EtownError):
    """The data in ``data/`` is wrong: exit code 1."""


class UsageError(EtownError):
    """The command line or the project layout is wrong: exit code 2."""


def field_path(path: tuple[str | int, ...]) -> str:
    """``("events", 3, "text", "en")`` → ``events[3].text.en``, as messages name fields."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == "error"]


def shorten(value: object, limit: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
