"""PO files (gettext's format for translators) read as strictly as ``msgfmt -c`` reads them.

Every line is a comment (``#``, with ``#,`` flags and ``#|`` the previous msgid), a keyword
(``msgctxt``, ``msgid``, ``msgstr``) with its quoted string, a quoted string that continues the
keyword above, or blank. A string ends at its closing quote on the same line and knows C's escapes
(``\\n``, ``\\t``, ``\\"``, ``\\\\`` …). Lines end at a line feed and nowhere else: a line or
paragraph separator (U+2028, U+2029) is a character of the text it stands in, which the data's own
rules then refuse, never a place to cut it. Whatever does not follow these rules is a problem at
its line and column; nothing is guessed (polib, which writes etown's PO files, reads an unclosed
string as if it were closed one character early, and splits lines at U+2028).
"""

import re
from dataclasses import dataclass, field

from etown.problems import Problem

MAX_PO_BYTES = 16_000_000
"""The largest PO file read; etown's own export of the real data is some 400 kB."""

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[[0-9]+\])?)(?=[ \t\"]|$)[ \t]*")
_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
    "\\": "\\", '"': '"', "'": "'", "?": "?",
}  # fmt: skip
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_CHARSET = re.compile(r"^Content-Type:.*?charset=([^\s;]+)", re.MULTILINE | re.IGNORECASE)
_SYNTAX_HINT = (
    "each line is a comment (#), a keyword (msgctxt, msgid, msgstr) with a quoted string, or a quoted string"
)


@dataclass
class PoEntry:
    """One message of a PO file, with the line of each of its keywords."""

    msgid: str = ""
    msgstr: str = ""
    msgctxt: str | None = None
    flags: list[str] = field(default_factory=list)
    previous_msgid: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    """``msgctxt``, ``msgid`` and ``msgstr`` → the line its keyword stands on."""

    @property
    def line(self) -> int:
        return min(self.lines.values(), default=1)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


class _Refused(Exception):
    def __init__(self, column: int, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def read_po(text: str, display: str) -> tuple[list[PoEntry], list[Problem]]:
    """The entries of a PO file (its header and obsolete entries left out), or the problems that
    keep it from being read: every one of them, each at its line."""
    reader = _Reader(display)
    for number, line in enumerate(text.split("\n"), start=1):
        try:
            reader.line(number, line.removesuffix("\r"))
        except _Refused as refused:
            reader.problem(number, refused.column, refused.message)
            reader.broken = True
    reader.end()
    return reader.entries, reader.problems


class _Reader:
    def __init__(self, display: str) -> None:
        self.display = display
        self.entries: list[PoEntry] = []
        self.problems: list[Problem] = []
        self.entry = PoEntry()
        """Flags and previous msgid read in comments before the entry's first keyword."""
        self.flags: list[str] = []
        self.previous: str | None = None
        self.keyword: str | None = None
        """The keyword whose string a quoted line continues (``#|`` keywords are ``|msgid``)."""
        self.header_checked = False
        self.broken = False
        """Whether a line of the entry could not be read: the entry is then not used."""

    def problem(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, column, "", f"not a valid PO file: {message}"))

    def line(self, number: int, line: str) -> None:
        body = line.lstrip(" \t")
        indent = len(line) - len(body)
        if not body or body.startswith("#~"):  # a blank line, or an obsolete entry, read by no one
            self.end()
        elif body.startswith("#|"):
            self._previous(body[2:], indent + 3)
        elif body.startswith("#"):
            if "msgstr" in self.entry.lines:  # a comment after a whole entry starts the next one
                self.end()
            if body.startswith("#,"):
                self.flags += [flag.strip() for flag in body[2:].split(",") if flag.strip()]
            self.keyword = None
        elif body.startswith('"'):
            if self.keyword is None or self.keyword.startswith("|"):
                raise _Refused(indent + 1, "a string that continues nothing: no msgid or msgstr above it")
            self._append(self.keyword, _string(body, indent + 1))
        elif match := _KEYWORD.match(body):
            self._keyword(number, match.group(1), body[match.end() :], indent + match.end() + 1)
        else:
            raise _Refused(indent + 1, f"Syntax error ({_SYNTAX_HINT})")

    def _previous(self, rest: str, column: int) -> None:
        body = rest.lstrip(" \t")
        column += len(rest) - len(body)
        if "msgstr" in self.entry.lines:
            self.end()
        if body.startswith('"'):
            if self.keyword != "|msgid":
                self.keyword = None
                return  # the continuation of a previous msgctxt: nothing etown reads
            self.previous = (self.previous or "") + _string(body, column)
            return
        match = _KEYWORD.match(body)
        if not match:
            raise _Refused(column, f"Syntax error ({_SYNTAX_HINT})")
        value = _string(body[match.end() :], column + match.end())
        self.keyword = "|" + match.group(1)
        if match.group(1) == "msgid":
            self.previous = value

    def _keyword(self, number: int, keyword: str, rest: str, column: int) -> None:
        value = _string(rest, column)
        entry = self.entry
        if keyword == "msgid_plural" or keyword.startswith("msgstr["):
            raise _Refused(1, f"{keyword}: etown's texts have no plural forms; export the file again")
        if keyword in {"msgctxt", "msgid"} and "msgstr" in entry.lines:
            self.end()
            entry = self.entry
        if keyword in entry.lines:
            raise _Refused(
                1, f"a second {keyword} in one entry (the first is at line {entry.lines[keyword]})"
            )
        if keyword == "msgctxt" and "msgid" in entry.lines:
            raise _Refused(1, "msgctxt comes before the msgid of its entry")
        if keyword == "msgstr" and "msgid" not in entry.lines:
            raise _Refused(1, "a msgstr without a msgid before it")
        entry.lines[keyword] = number
        self.keyword = keyword
        self._append(keyword, value)

    def _append(self, keyword: str, value: str) -> None:
        if keyword == "msgctxt":
            self.entry.msgctxt = (self.entry.msgctxt or "") + value
        elif keyword == "msgid":
            self.entry.msgid += value
        else:
            self.entry.msgstr += value

    def end(self) -> None:
        """The entry read so far is whole (a blank line, an obsolete entry or the end follows)."""
        entry, self.keyword = self.entry, None
        if entry.lines and self.broken:
            self.flags, self.previous = [], None
        elif entry.lines:
            if "msgstr" not in entry.lines:
                where = entry.lines.get("msgid", entry.line)
                self.problem(where, 1, "the entry has no msgstr (each msgid is followed by its msgstr)")
            elif "msgid" in entry.lines:
                entry.flags, entry.previous_msgid = self.flags, self.previous
                self._take(entry)
            self.flags, self.previous = [], None
        self.entry, self.broken = PoEntry(), False

    def _take(self, entry: PoEntry) -> None:
        if entry.msgid == "" and entry.msgctxt is None:  # the header
            if not self.header_checked:
                self.header_checked = True
                charset = _CHARSET.search(entry.msgstr)
                if charset and charset.group(1).lower().replace("_", "-") not in {"utf-8", "utf8"}:
                    self.problem(
                        entry.lines["msgstr"], 1,
                        f"the header says charset={charset.group(1)}; etown reads PO files as UTF-8: "
                        "save the file as UTF-8 and say charset=UTF-8",
                    )  # fmt: skip
            return
        self.entries.append(entry)


def _string(text: str, column: int) -> str:
    """The value of the quoted string ``text`` starts with (``column``: where it starts, for
    messages); nothing but white space may follow it on its line."""
    if not text.startswith('"'):
        shown = f" (got: {text[:20]})" if text else ""
        raise _Refused(column, f"a quoted string is expected here{shown}")
    value: list[str] = []
    index = 1
    while index < len(text):
        character = text[index]
        if character == '"':
            after = text[index + 1 :]
            if after.strip(" \t"):
                raise _Refused(
                    column + index + 1 + len(after) - len(after.lstrip(" \t")),
                    "something follows the string's closing quote; a quote inside a text is written \\\"",
                )
            return "".join(value)
        if character != "\\":
            value.append(character)
            index += 1
            continue
        escape = text[index + 1 : index + 2]
        if escape in _ESCAPES:
            value.append(_ESCAPES[escape])
            index += 2
        elif (digits := _OCTAL.match(text, index + 1)) or (
            escape == "x" and (digits := _HEX.match(text, index + 2))
        ):
            code = int(digits.group(), 8 if escape != "x" else 16)
            if code >= 0x80:
                written = text[index : digits.end()]
                raise _Refused(
                    column + index, f"{written} writes a byte, not a character; write the character itself"
                )
            value.append(chr(code))
            index = digits.end()
        elif not escape:
            break  # a backslash at the end of the line: the string is not closed
        else:
            raise _Refused(
                column + index,
                f'\\{escape} is not an escape a PO file may hold (they are \\n, \\t, \\" and \\\\ …); '
                "a backslash itself is written \\\\",
            )
    raise _Refused(column, 'this string is never closed: it needs a " at the end of its line')
