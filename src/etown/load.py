"""Stage 1: read ``data/*.yaml`` strictly, keeping where every value stands in its file.

Strict means: every scalar stays the text it was written as (the schema decides what becomes a
number or a date, so ``010`` never turns into 8 and ``no`` never into false); duplicate keys,
anchors, aliases and tags are refused; encoding and layout mistakes are reported with their
position instead of a traceback.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from etown.problems import Problem, shorten

try:  # libyaml's C parser is several times faster; the pure-Python one gives identical nodes
    from yaml import CBaseLoader as NodeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as NodeLoader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]
Position = tuple[int, int]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of one file was written, 1-based."""

    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

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


@dataclass
class LoadResult:
    files: dict[str, LoadedFile]
    problems: list[Problem]


class _Refused(Exception):
    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


def load_data(root: Path, names: list[str]) -> LoadResult:
    """Load ``data/NAME.yaml`` for every name; report missing and unexpected files."""
    data_dir = root / "data"
    files: dict[str, LoadedFile] = {}
    problems: list[Problem] = []
    for name in names:
        path = data_dir / f"{name}.yaml"
        display = f"data/{name}.yaml"
        if not path.exists() and not path.is_symlink():
            problems.append(Problem(display, 1, 1, "", "the file is missing"))
            continue
        loaded, file_problems = load_file(path, display, name, data_dir)
        problems.extend(file_problems)
        if loaded is not None:
            files[name] = loaded
    problems.extend(_unexpected_files(data_dir, names))
    return LoadResult(files, problems)


def _unexpected_files(data_dir: Path, names: list[str]) -> Iterator[Problem]:
    import difflib

    if not data_dir.is_dir():
        return
    for path in sorted(data_dir.iterdir()):
        if path.suffix in {".yaml", ".yml"} and path.stem not in names or path.suffix == ".yml":
            close = difflib.get_close_matches(path.stem, names, n=1)
            hint = f"; did you mean {close[0]}.yaml?" if close else ""
            yield Problem(
                f"data/{path.name}", 1, 1, "",
                f"etown does not read this file (it reads {', '.join(n + '.yaml' for n in names)})"
                f"{hint}",
                severity="warning",
            )  # fmt: skip


def load_file(
    path: Path, display: str, name: str, data_dir: Path
) -> tuple[LoadedFile | None, list[Problem]]:
    """Read one file; on failure return no data and the problems that explain why."""

    def fail(line: int, column: int, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(display, line, column, "", message)]

    if path.is_symlink() and not path.resolve().is_relative_to(data_dir.resolve()):
        return fail(1, 1, f"the file is a link to {path.resolve()}, outside data/; refused")
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        return fail(1, 1, "this is a folder, not a file")
    except OSError as error:
        return fail(1, 1, f"cannot read the file ({error.strerror or error})")
    text_or_problem = _decode(raw)
    if isinstance(text_or_problem, Problem):
        problem = text_or_problem
        return None, [Problem(display, problem.line, problem.column, "", problem.message)]
    text = text_or_problem
    if not text.strip() or all(_is_comment_or_blank(line) for line in text.splitlines()):
        return fail(1, 1, "the file is empty")
    tab = _first_tab(text)
    if tab:
        return fail(*tab, "a tab character; YAML indentation must use spaces")
    try:
        root = yaml.compose(text, Loader=NodeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return fail(line, column, f"not valid YAML: {error.problem or error.context}")
    except yaml.YAMLError as error:
        return fail(1, 1, f"not valid YAML: {error}")
    if root is None:
        return fail(1, 1, "the file is empty")
    if not isinstance(root, yaml.MappingNode):
        line, column = _position(root)
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        return fail(line, column, f"the file holds {kind}; a mapping of fields is expected")
    builder = _TreeBuilder(SourceMap())
    try:
        data = builder.build(root, ())
    except _Refused as refused:
        return fail(*refused.position, refused.message)
    duplicates = [Problem(display, *position, "", message) for position, message in builder.duplicates]
    return LoadedFile(name, display, data, builder.source_map), duplicates


def _decode(raw: bytes) -> str | Problem:
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return Problem("", 1, 1, "", "the file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return Problem(
            "", line, column, "",
            f"not UTF-8 text (byte {raw[error.start]:#04x}); save the file as UTF-8",
        )  # fmt: skip


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or stripped == "---"


def _first_tab(text: str) -> Position | None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            return (number, line.index("\t") + 1)
    return None


def _position(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _TreeBuilder:
    """Turns nodes into plain dicts, lists and strings, recording positions on the way."""

    def __init__(self, source_map: SourceMap) -> None:
        self.source_map = source_map
        self.seen: set[int] = set()
        self.duplicates: list[tuple[Position, str]] = []

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        if id(node) in self.seen:
            raise _Refused(_position(node), "anchors and aliases (&, *) are not allowed; write the value out")
        self.seen.add(id(node))
        self.source_map.values[path] = _position(node)
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(_position(node), f"the tag {node.tag} is not allowed; remove it")
        if isinstance(node, yaml.ScalarNode):
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        return self._mapping(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise _Refused(_position(key_node), "a key must be a plain name")
            key = key_node.value
            if key == "<<":
                raise _Refused(_position(key_node), "merge keys (<<) are not allowed; write the fields out")
            if key in mapping:
                first_line = self.source_map.keys[(*path, key)][0]
                self.duplicates.append(
                    (_position(key_node), f"duplicate key {key!r}: it is already given at line {first_line}; "
                     "the first one is kept")
                )
                continue
            self.source_map.keys[(*path, key)] = _position(key_node)
            mapping[key] = self.build(value_node, (*path, key))
        return mapping
