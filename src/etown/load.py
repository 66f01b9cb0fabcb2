"""Stage 1: read ``data/*.yaml`` strictly, keeping where every value stands in its file.

Strict means: every scalar stays the text it was written as (the schema decides what becomes a
number or a date, so ``010`` never turns into 8 and ``no`` never into false); duplicate keys,
anchors, aliases, tags and merge keys are refused; encoding and layout mistakes are reported with
their position instead of a traceback. The tree is built from the parser's events with an explicit
stack, so neither deep nesting nor shared nodes ("billion laughs") can exhaust the loader.
"""

import contextlib
import difflib
import errno
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from etown.problems import Problem, Severity, field_path, shorten

try:  # libyaml's C parser is several times faster; the pure-Python one gives the same events
    from yaml import CBaseLoader as EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as EventLoader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]
Position = tuple[int, int]
_Finding = tuple[Position, str, str, Severity]
"""Where, which field, what is wrong, how bad."""

MAX_BYTES = 2_000_000
"""The largest data file etown reads; the biggest real one is well under 100 kB."""
MAX_DEPTH = 32
"""The deepest nesting etown reads; the real files nest about eight levels."""

EAGER_POSITIONS_BYTES = 256_000
"""Up to this size (every real data file) a file's positions are recorded while it is read:
that costs less than reading it again when a problem asks for one, as an edit to an English
text does in ``etown serve`` (its fingerprint is then out of date). Larger files are read
again only when a problem needs a position (see SourceMap)."""

SCHEMA_LINE = "# yaml-language-server: $schema=schema/{name}.schema.json"
"""The first line of every data file, so that editors validate it while it is typed."""

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# YAML's printable set, minus the line separators NEL, LS and PS (which YAML, unlike editors,
# counts as line breaks, so every line number after them would be off).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CORE_TAG = "tag:yaml.org,2002:"

# What a text may not hold even when written as an escape ("\0", "\e", "\x7f", "\uFFFE"), since
# every text is published: control characters (a line break aside), surrogates, noncharacters,
# and the bidirectional embeddings, overrides and isolates that make text read in another order
# than it is stored. And what it should not hold unless meant: invisible characters of zero width
# and the bidirectional marks.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
_FORBIDDEN_CHARACTER = re.compile(
    f"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff{NONCHARACTERS}]"
)
_INVISIBLE_CHARACTER = re.compile(
    "[\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class SourceMap:
    """Where each value (and each mapping key) of one file was written, 1-based.

    A file's map is made only when something asks for a position, which only a problem does:
    ``reader`` reads the file again and returns the map. Kept for every value of every file, the
    positions were the largest thing in memory at scale (a third of a ×100 build's peak)."""

    def __init__(
        self,
        values: dict[PathKey, Position] | None = None,
        keys: dict[PathKey, Position] | None = None,
        *,
        reader: "Callable[[], SourceMap] | None" = None,
    ) -> None:
        self._values = values if values is not None else {}
        self._keys = keys if keys is not None else {}
        self._reader = reader

    @property
    def values(self) -> dict[PathKey, Position]:
        self._read()
        return self._values

    @property
    def keys(self) -> dict[PathKey, Position]:
        self._read()
        return self._keys

    def _read(self) -> None:
        if self._reader is not None:
            read, self._reader = self._reader(), None
            self._values, self._keys = read.values, read.keys

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceMap):
            return NotImplemented
        return (self.values, self.keys) == (other.values, other.keys)

    def __repr__(self) -> str:
        return (
            "SourceMap(not read yet)"
            if self._reader is not None
            else f"SourceMap({len(self._values)} values)"
        )

    def locate(self, path: PathKey, *, at_key: bool = False) -> Position:
        """The position of ``path``, or of its nearest ancestor that exists."""
        table = self.keys if at_key else self.values
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)


@dataclass
class LoadedFile:
    name: str
    """The section name: ``history`` for ``data/history.yaml``."""
    display_path: str
    """The path as messages show it, relative to the project root."""
    data: Any
    source_map: SourceMap
    first_line: str = ""
    """The file's first line, where data files name their JSON Schema."""

    def problem_at(self, path: PathKey, message: str, severity: Severity = "error") -> Problem:
        """A problem of this file, at the line and column of the value at ``path``."""
        line, column = self.source_map.locate(path)
        return Problem(self.display_path, line, column, field_path(path), message, severity)


class _Refused(Exception):
    """A mistake after which the rest of the file cannot be read."""

    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


# --- the data folder ---------------------------------------------------------------------------


def load_data_file(
    data_dir: Path, name: str, content: bytes | None = None
) -> tuple[LoadedFile | None, list[Problem]]:
    """``data/NAME.yaml``, or the problems that say why it cannot be used. ``content``: what the
    file would hold (a command checks what it is about to write, as check would read it)."""
    read, problems = read_data_file(data_dir, name, content)
    return parse_data_file(read) if read is not None else (None, problems)


def read_data_file(
    data_dir: Path, name: str, content: bytes | None = None
) -> tuple["FileBytes | None", list[Problem]]:
    """The bytes of ``data/NAME.yaml`` as etown reads them (not parsed yet), or the problems
    that say why it cannot be read."""
    path = data_dir / f"{name}.yaml"
    display = f"data/{name}.yaml"
    if content is None and not path.exists() and not path.is_symlink():
        return None, [Problem(display, 1, 1, "", f"the file is missing{_twin_hint(path)}")]
    return read_file(path, display, name, data_dir, content)


def parse_data_file(read: "FileBytes") -> tuple[LoadedFile | None, list[Problem]]:
    loaded, problems = parse_file(read)
    if loaded is not None:
        problems.extend(_schema_line_warning(loaded))
    return loaded, problems


def _twin_hint(path: Path) -> str:
    if not path.with_suffix(".yml").exists():
        return ""
    return f" ({path.stem}.yml is there: rename it to {path.name})"


def _schema_line_warning(loaded: LoadedFile) -> Iterator[Problem]:
    expected = SCHEMA_LINE.format(name=loaded.name)
    first_line = loaded.first_line
    if first_line != expected:
        yield Problem(
            loaded.display_path, 1, 1, "",
            f"the first line should be `{expected}`, so that editors check the file while you type "
            f"(got: {shorten(first_line) or 'nothing'})",
            severity="warning",
        )  # fmt: skip


def unexpected_files(
    data_dir: Path, names: list[str], folders: frozenset[str] = frozenset()
) -> Iterator[Problem]:
    """A warning for each file in data/ that etown does not read (a typo in a name, a stray copy)."""
    try:
        entries = sorted(data_dir.iterdir())
    except OSError:  # no readable folder: every file is reported missing or unreadable already
        return
    expected = {f"{name}.yaml" for name in names} | folders
    for path in entries:
        if path.name in expected or path.name.startswith("."):
            continue
        close = difflib.get_close_matches(path.stem.lower(), names, n=1)
        hint = f"; did you mean {close[0]}.yaml?" if close else ""
        yield Problem(
            f"data/{path.name}", 1, 1, "",
            f"etown does not read this {'folder' if path.is_dir() else 'file'} "
            f"(it reads {', '.join(f'{name}.yaml' for name in names)}){hint}",
            severity="warning",
        )  # fmt: skip


# --- one file ------------------------------------------------------------------------------------


def load_file(
    path: Path, display: str, name: str, folder: Path, content: bytes | None = None
) -> tuple[LoadedFile | None, list[Problem]]:
    """Read one YAML file of the project folder ``folder`` (a link may not lead out of it); on
    failure return no data and the problems that explain why. With ``content``, read that as
    the file's bytes (what a command is about to write there), as strictly."""
    read, problems = read_file(path, display, name, folder, content)
    return parse_file(read) if read is not None else (None, problems)


@dataclass(frozen=True)
class FileBytes:
    """A file's bytes as etown read them, before they are parsed: what a kept result of reading
    and checking them is found by (``etown.kept_state``)."""

    path: Path
    display: str
    name: str
    raw: bytes
    in_memory: bool
    """Given rather than read from ``path`` (a command checks what it is about to write)."""


def read_file(
    path: Path, display: str, name: str, folder: Path, content: bytes | None = None
) -> tuple[FileBytes | None, list[Problem]]:
    """The bytes of one file of ``folder`` (see ``load_file``), or why they cannot be read."""
    if content is None:
        refusal = refuse_location(path, folder, display.rsplit("/", 1)[0] + "/")
        if refusal:
            return None, [Problem(display, 1, 1, "", refusal)]
    raw = _read(path) if content is None else _bounded(content)
    if isinstance(raw, str):
        return None, [Problem(display, 1, 1, "", raw)]
    return FileBytes(path, display, name, raw, content is not None), []


def parse_file(read: FileBytes) -> tuple[LoadedFile | None, list[Problem]]:
    """The tree of values of a file's bytes, with where each stands, and the problems found."""
    path, display, name, raw = read.path, read.display, read.name, read.raw

    def located(problems: list[tuple[Position, str]]) -> list[Problem]:
        return [Problem(display, line, column, "", message) for (line, column), message in problems]

    def with_fields(findings: list[_Finding]) -> list[Problem]:
        return [
            Problem(display, line, column, field, message, severity)
            for (line, column), field, message, severity in findings
        ]

    text = _decode(raw)
    if isinstance(text, tuple):
        return None, located([text])
    layout_problems = list(_layout_problems(text))
    if layout_problems:
        return None, located(layout_problems)
    eager = len(raw) <= EAGER_POSITIONS_BYTES
    builder = _TreeBuilder(positions=eager)
    try:
        data = builder.build(text)
    except _Refused as refused:
        return None, [*with_fields(builder.problems), *located([(refused.position, refused.message)])]
    if builder.fatal:
        return None, with_fields(builder.problems)
    first_line = _LINE_BREAK.split(text, maxsplit=1)[0]
    source_map = (
        builder.source_map
        if eager
        else SourceMap(reader=_PositionsReader(path, raw, EventLoader, in_memory=read.in_memory))
    )
    return LoadedFile(name, display, data, source_map, first_line), with_fields(builder.problems)


class _PositionsReader:
    """What reads the positions of ``path`` when a problem first needs one: the file parsed again
    (with the parser that read it, ``loader``). Only a fingerprint of the bytes is kept; should
    the file have changed since, its problems point at its first line (the new bytes are not
    the ones checked, and the preview rebuilds on the change anyway). A class, not a closure, so
    that a file's checked state can be kept between runs (``etown.kept_state``)."""

    def __init__(self, path: Path, raw: bytes, loader: type, *, in_memory: bool) -> None:
        self.path, self.loader = path, loader
        self.size, self.checksum = len(raw), zlib.crc32(raw)
        self.kept = raw if in_memory else None  # not on disk: kept, as it is the candidate being checked

    def __call__(self) -> SourceMap:
        again = self.kept if self.kept is not None else _read(self.path)
        if isinstance(again, str) or len(again) != self.size or zlib.crc32(again) != self.checksum:
            return SourceMap()
        builder = _TreeBuilder(positions=True, loader=self.loader)
        with contextlib.suppress(_Refused):
            builder.build(again.decode("utf-8"))
        return builder.source_map


def refuse_location(path: Path, folder: Path, folder_shown: str) -> str | None:
    """Why ``path`` cannot be read as a file of ``folder`` (shown as ``folder_shown``), or None
    when it can be opened safely: a link may not lead out of the folder."""
    loop = "the file is a link that leads round in a circle; replace it with the file itself"
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return loop
    if path.is_symlink() and not target.is_relative_to(folder.resolve()):
        return (
            f"the file is a link to {target}, outside {folder_shown}; "
            f"refused (copy the file into {folder_shown})"
        )
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return f"the file is a link to {target}, which does not exist"
    except OSError as error:
        if error.errno == errno.ELOOP:  # from Python 3.13, resolve() leaves the loop in place
            return loop
        return f"cannot read the file ({error.strerror or error})"
    if stat.S_ISDIR(mode):
        return "this is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "this is not a regular file (a pipe, socket or device); etown reads plain files only"
    return None


def _read(path: Path) -> bytes | str:
    """The file's bytes, or why they cannot be read."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        return f"cannot read the file ({error.strerror or error})"
    return _bounded(raw)


def _bounded(raw: bytes) -> bytes | str:
    """The bytes, or why a file holding them is not read."""
    if len(raw) > MAX_BYTES:
        return (
            f"the file is larger than {MAX_BYTES // 1_000_000} MB; data files this big are not "
            "read (is it the right file?)"
        )
    return raw


def _decode(raw: bytes) -> str | tuple[Position, str]:
    if raw.startswith(_BOMS):
        kind = "UTF-8" if raw.startswith(_BOMS[0]) else "UTF-16"
        return (1, 1), f"the file starts with a {kind} byte-order mark; save it as UTF-8 (no BOM)"
    if b"\x00" in raw:
        return _byte_position(raw, raw.index(b"\x00")), (
            "the file holds zero bytes: it is UTF-16 or not text at all; save it as UTF-8"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return _byte_position(raw, error.start), (
            f"not UTF-8 text (byte {raw[error.start]:#04x}); save the file as UTF-8"
        )


def _byte_position(raw: bytes, offset: int) -> Position:
    before = raw[:offset].decode("utf-8", "replace")
    return _position_in(before, len(before))


def _position_in(text: str, index: int) -> Position:
    """Line and column (1-based) of ``text[index]``, counting line breaks as YAML does."""
    before = text[:index]
    breaks = list(_LINE_BREAK.finditer(before))
    line_start = breaks[-1].end() if breaks else 0
    return (len(breaks) + 1, index - line_start + 1)


def _layout_problems(text: str) -> Iterator[tuple[Position, str]]:
    """Tabs, invisible characters and emptiness, each line at most once."""
    if not text.strip():
        yield (1, 1), "the file is empty"
        return
    reported: set[int] = set()
    for match in re.finditer(r"\t|" + _NOT_PRINTABLE.pattern, text):
        line, column = _position_in(text, match.start())
        if line in reported:
            continue
        reported.add(line)
        character = match.group()
        if character == "\t":
            yield (line, column), "a tab character; YAML needs spaces (indent with two spaces)"
        else:
            yield (
                (line, column),
                (
                    f"an invisible control character (U+{ord(character):04X}); delete it "
                    "(it often comes with text pasted from elsewhere)"
                ),
            )


# --- YAML events → plain data ----------------------------------------------------------------


@dataclass
class _Container:
    value: dict[str, Any] | list[Any]
    path: PathKey
    keep: bool
    """False inside a value that is dropped (a duplicate key's, a merge key's)."""
    key: str | None = None
    """In a mapping: the key whose value comes next; None when a key comes next."""
    key_keep: bool = True
    key_lines: dict[str, int] = field(default_factory=dict)
    """In a mapping: the line of each key, for the message about a duplicate."""
    start: Position = (1, 1)
    flow: bool = False
    """Written inline, in [ ] or { }."""


class _TreeBuilder:
    """Turns parser events into plain dicts, lists and strings, recording positions on the way."""

    def __init__(self, *, positions: bool, loader: type = EventLoader) -> None:
        self.positions = positions
        """Whether to record where every value and key stands (see SourceMap)."""
        self.loader = loader
        self.source_map = SourceMap()
        self.problems: list[_Finding] = []
        self.fatal = False
        """True once a mistake makes the data unusable (it is still read on, to report more)."""
        self.stack: list[_Container] = []
        self.root: Any = None
        self.texts: dict[str, str] = {}
        """Every text read so far, so that equal texts (keys, units, a quote several records
        share) are kept once: in a large site the strings are most of the data's memory."""
        self.documents = 0

    def build(self, text: str) -> Any:
        take: dict[type, Callable[[Any], None]] = {  # one lookup, not a chain of up to six isinstance
            yaml.DocumentStartEvent: self._document,
            yaml.MappingStartEvent: self._open,
            yaml.SequenceStartEvent: self._open,
            yaml.MappingEndEvent: self._close,
            yaml.SequenceEndEvent: self._close,
            yaml.ScalarEvent: self._scalar,
            yaml.AliasEvent: self._alias,
        }
        try:
            for event in yaml.parse(text, Loader=self.loader):
                handler = take.get(type(event))
                if handler is not None:
                    handler(event)
        except yaml.MarkedYAMLError as error:
            position, message = _syntax_problem(error, text, self._open_flow())
            raise _Refused(_within(text, position), message) from None
        except yaml.YAMLError as error:  # the reader's errors carry no mark, only an index
            index = min(getattr(error, "position", 0) or 0, len(text))
            raise _Refused(_position_in(text, index), f"not valid YAML: {error}") from None
        if self.documents == 0 or self.root == "":
            raise _Refused((1, 1), "the file is empty (it holds no fields)")
        return self.root

    def _document(self, event: yaml.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _Refused(
                _mark(event), "a second YAML document starts here ('---'); a data file holds one document"
            )

    def _close(self, _event: yaml.MappingEndEvent | yaml.SequenceEndEvent) -> None:
        self._attach(self.stack.pop().value)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        if self.stack and self.stack[-1].key is None and isinstance(self.stack[-1].value, dict):
            self._key(event)
            return
        path, keep = self._place(event)
        if keep:
            self._check_characters(event, path)
        self._attach(self._pooled(event.value))

    def _check_characters(self, event: yaml.ScalarEvent, path: PathKey) -> None:
        found = character_problem(event.value)
        if found is not None:
            message, severity = found
            self.problems.append((_mark(event), field_path(path), message, severity))

    def _open(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        is_mapping = isinstance(event, yaml.MappingStartEvent)
        if self.stack and self.stack[-1].key is None and isinstance(self.stack[-1].value, dict):
            raise _Refused(_mark(event), "a key must be a plain name, not a list or a mapping")
        if not self.stack and not is_mapping:
            raise _Refused(_mark(event), "the file holds a list; a mapping of fields is expected")
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(_mark(event), f"the data is nested more than {MAX_DEPTH} levels deep")
        path, keep = self._place(event)
        container: dict[str, Any] | list[Any] = {} if is_mapping else []
        flow = bool(getattr(event, "flow_style", False))
        self.stack.append(_Container(container, path, keep, start=_mark(event), flow=flow))

    def _open_flow(self) -> Position | None:
        """Where the innermost [ or { still open began, if any."""
        return next((container.start for container in reversed(self.stack) if container.flow), None)

    def _place(self, event: yaml.NodeEvent, *, decorated: bool = True) -> tuple[PathKey, bool]:
        """Record where the value that ``event`` starts stands; refuse anchors and tags on it."""
        if not self.stack:
            path: PathKey = ()
            keep = True
            if isinstance(event, yaml.ScalarEvent) and event.value != "":
                raise _Refused(_mark(event), "the file holds a single value; a mapping of fields is expected")
        else:
            parent = self.stack[-1]
            if isinstance(parent.value, list):
                path, keep = (*parent.path, len(parent.value)), parent.keep
            else:
                assert parent.key is not None
                path, keep = (*parent.path, parent.key), parent.keep and parent.key_keep
        if keep and self.positions:
            self.source_map.values[path] = _mark(event)
        if decorated:
            self._refuse_decorations(event, path)
        return path, keep

    def _report(self, event: yaml.Event, path: PathKey, message: str) -> None:
        self.problems.append((_mark(event), field_path(path), message, "error"))

    def _refuse_decorations(self, event: yaml.NodeEvent, path: PathKey) -> None:
        if event.anchor is not None:
            message = f"the anchor &{event.anchor} is not allowed; write every value out in full"
            self._report(event, path, message)
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else tag
            message = f"the tag {shown} is not allowed; remove it (quote the value to keep it text)"
            self._report(event, path, message)

    def _key(self, event: yaml.ScalarEvent) -> None:
        mapping = self.stack[-1]
        assert isinstance(mapping.value, dict)
        key = self._pooled(event.value)
        key_path = (*mapping.path, key)
        self._refuse_decorations(event, key_path)
        mapping.key, mapping.key_keep = key, True
        if not event.style and key == "<<":  # plain: C parser says "", Python parser None
            self._report(event, key_path, "merge keys (<<) are not allowed; write the fields out")
            mapping.key_keep = False
        elif key in mapping.value:
            if mapping.keep:
                message = f"duplicate key {key!r}: it is already given at line {mapping.key_lines[key]}"
                self._report(event, key_path, message)
            mapping.key_keep = False
        elif mapping.keep:
            mark = _mark(event)
            mapping.key_lines[key] = mark[0]
            if self.positions:
                self.source_map.keys[key_path] = mark

    def _pooled(self, text: str) -> str:
        return self.texts.setdefault(text, text)

    def _alias(self, event: yaml.AliasEvent) -> None:
        if self.stack and self.stack[-1].key is None and isinstance(self.stack[-1].value, dict):
            raise _Refused(_mark(event), "a key must be a plain name, not an alias")
        path, _keep = self._place(event, decorated=False)
        self._report(event, path, f"the alias *{event.anchor} is not allowed; write the value out in full")
        self.fatal = True
        self._attach("")

    def _attach(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            parent.value.append(value)
            return
        assert parent.key is not None
        if parent.keep and parent.key_keep:
            parent.value[parent.key] = value
        parent.key = None


def forbidden_character(text: str) -> tuple[int, str] | None:
    """Where the first character a published text may not hold stands in ``text``, and what it
    is (``a line separator (U+2028)``), if there is one: the rule every loaded value is read by."""
    forbidden = _FORBIDDEN_CHARACTER.search(text)
    if forbidden is None:
        return None
    return forbidden.start(), forbidden_kind(forbidden.group())[0]


def character_problem(text: str) -> tuple[str, Severity] | None:
    """What is wrong with the characters of one text that will be published, if anything: the one
    check every loaded value passes (the data, the interface's words, the site's settings)."""
    forbidden = _FORBIDDEN_CHARACTER.search(text)
    if forbidden:
        what, advice = forbidden_kind(forbidden.group())
        return f"{what} at character {forbidden.start() + 1}; {advice}", "error"
    invisible = _INVISIBLE_CHARACTER.search(text)
    if invisible:
        code = f"U+{ord(invisible.group()):04X}"
        return (
            f"an invisible character ({code}) at character {invisible.start() + 1}; "
            "delete it unless it is meant to be there",
            "warning",
        )
    return None


def forbidden_kind(character: str) -> tuple[str, str]:
    code = f"U+{ord(character):04X}"
    if _BIDI_CONTROLS.match(character):
        return (
            f"a bidirectional control character ({code})",
            "it makes text display in another order than it is stored; delete it",
        )
    if character == "\t":
        return "a tab character (U+0009)", "write a space instead"
    if character in "\u2028\u2029":
        return f"a line separator ({code})", "start a new line with a line break instead"
    if ord(character) < 0x20 or 0x7F <= ord(character) <= 0x9F:
        what = f"an invisible control character ({code})"
    else:
        what = f"a code point that is not a character ({code})"
    return what, "delete it (an escape in double quotes, such as \\0 or \\e, writes one too)"


def _mark(event: yaml.Event) -> Position:
    return _mark_position(event.start_mark) or (1, 1)


# --- YAML syntax errors in plain words -----------------------------------------------------------


def _syntax_problem(
    error: yaml.MarkedYAMLError, text: str, open_flow: Position | None
) -> tuple[Position, str]:
    problem = error.problem or ""
    context = error.context or ""
    problem_at = _mark_position(error.problem_mark)
    context_at = _mark_position(error.context_mark) or problem_at
    problem_at = problem_at or context_at or (1, 1)
    context_at = context_at or problem_at
    if "quoted scalar" in context and "end of stream" in problem:
        return context_at, "this quote is never closed; end the text with the same quote mark"
    if "maximum nesting depth" in problem:
        return problem_at, f"the data is nested more than {MAX_DEPTH} levels deep"
    if "while parsing a flow" in context:
        context_at = open_flow or context_at
        bracket = _character_at(text, context_at)
        bracket = bracket if bracket in "[{" else "{" if "mapping" in context else "["
        closing = "}" if bracket == "{" else "]"
        return context_at, (
            f"this {bracket} is not closed with {closing} (or a comma is missing between its items)"
        )
    if "could not find expected ':'" in problem:
        return context_at, (
            "this line is not `key: value`; add the ':' (or indent it to continue the text above)"
        )
    if "mapping values are not allowed" in problem:
        return problem_at, (
            "a ': ' inside a value; put the whole value in quotes (or fix this line's indentation)"
        )
    if context.startswith("while parsing a block") and (
        problem.startswith("did not find expected") or problem.startswith("expected <block end>")
    ):
        return problem_at, (
            "this line is not indented like the lines above it (or a list item is out of place)"
        )
    if "cannot start any token" in problem:
        character = _character_at(text, problem_at)
        return problem_at, f"a value cannot start with {character!r}; put the value in quotes"
    if "unknown escape" in problem:
        return problem_at, (
            "a backslash in double quotes must start an escape such as \\n; "
            "write \\\\ for a backslash, or use single quotes"
        )
    details = f"{problem} ({context})" if context else problem
    return problem_at, f"not valid YAML: {details}"


def _within(text: str, position: Position) -> Position:
    """The parser may mark the end of the stream one line past the last; point at the last line."""
    lines = _LINE_BREAK.split(text)
    if position[0] <= len(lines):
        return position
    return (len(lines), len(lines[-1]) + 1)


def _mark_position(mark: Any) -> Position | None:
    return (mark.line + 1, mark.column + 1) if mark is not None else None


def _character_at(text: str, position: Position) -> str:
    lines = _LINE_BREAK.split(text)
    line, column = position
    if line - 1 < len(lines) and column - 1 < len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return "?"
