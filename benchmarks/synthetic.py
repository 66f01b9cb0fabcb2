"""Synthetic projects: the real data multiplied, every copy still a valid etown project.

Every list of records at the top of a data file (history events, institution groups, people and
leadership bodies, facts, topics …) is repeated FACTOR times. Copy ``n`` of a record gets ``-xn``
after its ids and after the ids it points to (``part_of``, ``added_to``, ``person``), so every copy is unique
and its references resolve to the same copy; the copies of one event follow it, so the history
stays in chronological order; a group keeps its own institutions, so they stay numbered 01, 02 …
(the schema allows two digits); quotes stay as they are, because they must stand in the seed.
A note's ``touches`` and ``mentions`` follow its copy too (``history-1994-x3``, ``institution:GROUP-x3:01``,
``member:BODY-x3:PERSON-x3``), so each copy of a record carries its own copy of the note.
The prose of each copy gets its copy number written in letters, as the site's own words
(``[copy bc]``), so that Markdown has new text to convert; unmarked, or in digits, they would be
words and numbers that the record's quote does not hold, which the check of its words refuses.
Lists whose rows are unique by a fixed ``key`` (the infobox) and the project's word lists (terms,
coverage skips) are kept once: they are not records that grow with a bigger site.
"""

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "etown.toml"
REFERENCE_KEYS = {"id", "part_of", "added_to", "person"}
PROSE_KEY = "text"
TOUCHES_KEYS = {"touches", "mentions"}
KEPT_ONCE = {"terms", "skip", "infobox"}
"""Top-level lists that are not multiplied (see above)."""


class _TextLoader(yaml.CSafeLoader):
    """Every scalar as the text it was written as (010 stays 010), as etown reads it."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012


def read_yaml(path: Path) -> Any:
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=_TextLoader)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10**6)


def count_records(node: Any) -> int:
    """Records are the mappings that carry a ``source`` quote."""
    if isinstance(node, dict):
        return ("source" in node) + sum(count_records(value) for value in node.values())
    if isinstance(node, list):
        return sum(count_records(item) for item in node)
    return 0


def multiplied(data: dict[str, Any], factor: int) -> dict[str, Any]:
    return {
        key: [numbered_copy(item, n) for item in value for n in range(factor)]
        if _is_record_list(value) and key not in KEPT_ONCE else value
        for key, value in data.items()
    }  # fmt: skip


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def numbered_copy(record: Any, n: int) -> Any:
    if n == 0:
        return record
    return _renumber(copy.deepcopy(record), n)


def _renumber(node: Any, n: int) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in REFERENCE_KEYS and isinstance(value, str):
                node[key] = f"{value}-x{n}"
            elif key in TOUCHES_KEYS and isinstance(value, list):
                node[key] = [_touched_copy(ref, n) for ref in value]
            elif key == PROSE_KEY and isinstance(value, dict):
                node[key] = {language: f"{text} [copy {_letters(n)}]" for language, text in value.items()}
            else:
                _renumber(value, n)
    elif isinstance(node, list):
        for item in node:
            _renumber(item, n)
    return node


def _touched_copy(ref: str, n: int) -> str:
    """The reference of copy ``n`` of the record ``ref`` names (see etown.records)."""
    kind, _, rest = ref.partition(":")
    if kind == "infobox":
        return ref
    if kind == "institution":
        group, number = rest.split(":")
        return f"institution:{group}-x{n}:{number}"
    if kind == "member":
        body, person = rest.split(":")
        return f"member:{body}-x{n}:{person}-x{n}"
    return f"{ref}-x{n}"


def _letters(n: int) -> str:
    """1 → b, 25 → z, 26 → ba: the copy number in letters (a is 0)."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if n == 0:
            return letters


def make_project(source: Path, target: Path, factor: int) -> int:
    """Write a project with every data file multiplied into ``target``; return its record count."""
    for folder in ("seeds", "templates", "data"):
        shutil.copytree(source / folder, target / folder)
    if (source / CONFIG_FILE).is_file():
        shutil.copy2(source / CONFIG_FILE, target / CONFIG_FILE)
    records = 0
    for path in sorted((target / "data").glob("*.yaml")):
        data = multiplied(read_yaml(path), factor)
        records += count_records(data)
        path.write_text(_leading_comment(path) + dump_yaml(data), encoding="utf-8")
    return records


def _leading_comment(path: Path) -> str:
    """The file's first line if it is a comment (the schema line editors read), else nothing."""
    with path.open(encoding="utf-8") as stream:
        first = stream.readline()
    return first if first.startswith("#") else ""


def remove_project(target: Path) -> None:
    """Delete a project that make_project wrote (and whatever was built inside it)."""
    if not (target / "seeds").is_dir() or not (target / "data").is_dir():
        raise ValueError(f"{target} is not a synthetic project")
    shutil.rmtree(target)


if __name__ == "__main__":
    import sys

    source, target, factor = sys.argv[1:4]
    print(make_project(Path(source), Path(target), int(factor)))
