"""Fingerprints of translations: which English texts were made from a Chinese text since changed.

Each English text has an entry in ``data/translations.lock``, written by ``etown translations``
and never by hand: a short hash of the Chinese it translates (white space removed, as quotes are
compared), that Chinese itself (so a warning can show what changed), and a hash of the English.
A text is then in one of four states:

- ``current``: both hashes match.
- ``outdated``: the Chinese changed and the English did not. ``etown check`` warns (an error with
  ``--strict``) and the English page marks the text "translation may be out of date", until the
  English is edited or ``etown translations confirm`` says it still holds.
- ``edited``: the English changed since its entry was written. Editing the English is how a
  translator answers a changed Chinese, so the mark goes; ``check`` asks for the edit to be
  recorded with ``etown translations update``, since an entry whose English hash no longer
  matches could not tell the next change of the Chinese from this one.
- ``new``: no entry yet; ``etown translations update`` writes one.

Entries are keyed by file and record, ``data/history.yaml:events[state-council-approval].text.en``:
list items by their id (or key, person or number; a skipped passage by its passage, a term by
its Chinese name, which is what it is) where they have one, so that inserting a record moves no
other record's fingerprint.

This module reads the lock file and reviews the texts against it, for ``etown check`` and the
renderer's marks; the commands that write the file are ``etown.tools.translations``.
"""

import difflib
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from etown.languages import AUTHORED, LANGUAGES, by_code
from etown.load import LoadedFile, PathKey, Position
from etown.problems import Problem, field_path, shorten
from etown.provenance import normalise

LOCK_NAME = "translations.lock"
LOCK_PATH = f"data/{LOCK_NAME}"
SOURCE = next(language.code for language in LANGUAGES if language.is_authored and not language.is_translation)
"""The language the texts are written in first (the seed's): zh."""
TRANSLATED = tuple(
    language.code for language in LANGUAGES if language.is_authored and language.is_translation
)
"""The authored languages translated from it: en."""
IDENTITY_FIELDS = ("id", "key", "person", "number", "passage", SOURCE)
"""What names a list item in a fingerprint's key, in order of preference."""
_ABOUT = (
    "Fingerprints of the Chinese each English text was translated from. Written by `etown translations "
    "update` and `etown translations confirm`; never edit by hand."
)

State = Literal["current", "outdated", "edited", "new"]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Kept for the texts of one review of the real site: ``etown serve`` reviews them all again after
# every edit, and all but the edited ones are the same strings.
@functools.lru_cache(maxsize=4096)
def source_hash(text: str) -> str:
    """The fingerprint of a Chinese text: its white space does not count (the YAML may rewrap it)."""
    return _digest(normalise(text))


@functools.lru_cache(maxsize=4096)
def translation_hash(text: str) -> str:
    """The fingerprint of an English text: runs of white space count as one space."""
    return _digest(" ".join(text.split()))


# --- the texts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Translation:
    """One translated text, with the Chinese it translates."""

    key: str
    file: LoadedFile
    path: PathKey
    """The mapping that holds the texts, one field per language."""
    language: str
    source: str
    text: str
    quote: str | None
    """The ``source`` quote of the record the text belongs to."""
    pair: tuple[str, ...]
    """Every authored text of the mapping, as the models hold them (stripped): how the
    renderer recognises the text."""

    @property
    def field(self) -> str:
        return field_path((*self.path, self.language))

    @property
    def position(self) -> Position:
        return self.file.source_map.locate((*self.path, self.language))

    def fingerprint(self) -> "Fingerprint":
        return Fingerprint(self.source.strip(), source_hash(self.source), translation_hash(self.text))


def _pair_of(node: dict[str, Any]) -> tuple[str, ...]:
    return tuple(text.strip() if isinstance(text := node.get(code), str) else "" for code in AUTHORED)


def translations_in(loaded: LoadedFile, holder: LoadedFile | None = None) -> list[Translation]:
    """Every translated text of a loaded data file, in file order. ``holder`` is the file the
    texts point at for their positions, when it differs from ``loaded`` (the pipeline keeps a
    copy without the loaded tree)."""
    found: list[Translation] = []
    file = holder or loaded

    def walk(node: Any, path: PathKey, label: str, quote: str | None) -> None:
        if isinstance(node, dict):
            own = node.get("source")
            quote = own if isinstance(own, str) else quote
            source = node.get(SOURCE)
            if isinstance(source, str):
                for language in TRANSLATED:
                    text = node.get(language)
                    if isinstance(text, str):
                        key = f"{loaded.display_path}:{label}.{language}"
                        pair = _pair_of(node)
                        found.append(Translation(key, file, path, language, source, text, quote, pair))
            for name, value in node.items():
                walk(value, (*path, name), f"{label}.{name}" if label else str(name), quote)
        elif isinstance(node, list):
            labels = _item_labels(node)
            for index, item in enumerate(node):
                walk(item, (*path, index), f"{label}[{labels[index]}]", quote)

    walk(loaded.data, (), "", None)
    return found


def _item_labels(items: list[Any]) -> list[str]:
    """Each item's identity where it has one that is unique in the list, else its index."""
    for name in IDENTITY_FIELDS:
        values = [item.get(name) if isinstance(item, dict) else None for item in items]
        if all(isinstance(value, str) and value and "]" not in value for value in values) and len(
            set(values)
        ) == len(values):
            return [str(value) for value in values]
    return [str(index) for index in range(len(items))]


# --- the lock file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    source: str
    """The Chinese the English was last confirmed against, as written."""
    source_hash: str
    text_hash: str


@dataclass
class Lock:
    entries: dict[str, Fingerprint] = field(default_factory=dict)
    found: bool = True
    """False when there is no lock file yet."""
    text: str = ""
    """The file as read, to point at its lines."""


def read_lock(data_dir: Path) -> tuple[Lock, list[Problem]]:
    """The fingerprints, or an empty lock and the problems that say why."""
    path = data_dir / LOCK_NAME
    if not path.exists():
        return Lock(found=False), []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Lock(), [Problem(LOCK_PATH, 1, 1, "", f"cannot read the file ({error}); {_RESTORE}")]
    entries, problems = _parsed_lock(text)
    return Lock(dict(entries), text=text), list(problems)


@functools.lru_cache(maxsize=1)
def _parsed_lock(text: str) -> tuple[dict[str, "Fingerprint"], tuple[Problem, ...]]:
    """The lock file's entries, parsed once per version of the file: ``etown serve`` reviews the
    translations after every edit, and the file seldom changes between edits. (Callers copy.)"""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return {}, (
            Problem(LOCK_PATH, error.lineno, error.colno, "", f"not valid JSON: {error.msg}; {_RESTORE}"),
        )
    texts = raw.get("texts") if isinstance(raw, dict) else None
    if not isinstance(texts, dict):
        return {}, (Problem(LOCK_PATH, 1, 1, "", f'expected an object with "texts"; {_RESTORE}'),)
    entries: dict[str, Fingerprint] = {}
    problems: list[Problem] = []
    for key, entry in texts.items():
        fingerprint = _fingerprint_of(key, entry)
        if fingerprint is None:
            line = _line_holding(text, json.dumps(key, ensure_ascii=False))
            problems.append(
                Problem(LOCK_PATH, line, 1, "", f"the entry {shorten(key)} is damaged; {_RESTORE}")
            )
        else:
            entries[key] = fingerprint
    return entries, tuple(problems)


_RESTORE = "the file is written by etown: restore it (git checkout data/translations.lock)"


def _fingerprint_of(key: str, entry: Any) -> Fingerprint | None:
    language = key.rsplit(".", 1)[-1]
    if not isinstance(entry, dict) or language not in TRANSLATED:
        return None
    values = (entry.get(SOURCE), entry.get(f"{SOURCE}_sha256"), entry.get(f"{language}_sha256"))
    if not all(isinstance(value, str) for value in values):
        return None
    source, source_digest, text_digest = (str(value) for value in values)
    return Fingerprint(source, source_digest, text_digest)


def _line_holding(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def lock_text(lock: Lock) -> str:
    """One line per entry, sorted, so that a change to one text is a one-line diff."""
    entries = []
    for key in sorted(lock.entries):
        fingerprint = lock.entries[key]
        language = key.rsplit(".", 1)[-1]
        entry = {
            SOURCE: fingerprint.source,
            f"{SOURCE}_sha256": fingerprint.source_hash,
            f"{language}_sha256": fingerprint.text_hash,
        }
        entries.append(f"    {json.dumps(key, ensure_ascii=False)}: {json.dumps(entry, ensure_ascii=False)}")
    body = ",\n".join(entries)
    return f'{{\n  "about": {json.dumps(_ABOUT)},\n  "texts": {{\n{body}\n  }}\n}}\n'


def state_of(translation: Translation, fingerprint: Fingerprint | None) -> State:
    if fingerprint is None:
        return "new"
    if translation_hash(translation.text) != fingerprint.text_hash:
        return "edited"
    if source_hash(translation.source) != fingerprint.source_hash:
        return "outdated"
    return "current"


@dataclass(frozen=True)
class Reviewed:
    translation: Translation
    state: State
    fingerprint: Fingerprint | None


@dataclass
class Review:
    """Every translated text of the loaded files with its state, and the lock's own problems."""

    items: list[Reviewed]
    lock: Lock
    orphans: list[str]
    """Entries of texts that are no longer in the (loaded) data."""
    lock_problems: list[Problem] = field(default_factory=list)

    def outdated(self) -> list[Reviewed]:
        return [item for item in self.items if item.state == "outdated"]

    def outdated_texts(self) -> frozenset[tuple[str, ...]]:
        """What the renderer marks: the authored texts of each outdated translation."""
        return frozenset(item.translation.pair for item in self.outdated())

    def problems(self) -> list[Problem]:
        if self.lock_problems:  # an unreadable lock has no fingerprints to compare with
            return list(self.lock_problems)
        problems: list[Problem] = []
        if not self.lock.found:
            if self.items:
                problems.append(
                    Problem(
                        LOCK_PATH, 1, 1, "",
                        "there are no fingerprints of the translations yet, so etown cannot tell which "
                        "English texts a change to the Chinese outdates; run `etown translations update`",
                        severity="warning",
                    )
                )  # fmt: skip
            return problems
        problems += [outdated_problem(item) for item in self.outdated()]
        problems += list(self._unrecorded())
        if self.orphans:
            problems.append(
                Problem(
                    LOCK_PATH, _line_holding(self.lock.text, json.dumps(self.orphans[0], ensure_ascii=False)),
                    1, "",
                    f"{len(self.orphans)} fingerprint(s) of texts no longer in the data (the first: "
                    f"{shorten(self.orphans[0], 80)}); run `etown translations update` to remove them",
                    severity="warning",
                )
            )  # fmt: skip
        return problems

    def _unrecorded(self) -> Iterator[Problem]:
        """One warning for all new or edited texts of each translated language, on the lock file:
        it is the lock that is behind (the texts themselves are fine), and naming the first text
        says where to look."""
        for language in TRANSLATED:
            items = [
                item
                for item in self.items
                if item.state in {"new", "edited"} and item.translation.language == language
            ]
            if not items:
                continue
            first = items[0].translation
            line, column = first.position
            where = f"{first.file.display_path}:{line}:{column} {first.field}"
            name = by_code(language).english_name
            count = (
                f"{len(items)} {name} texts are"
                if len(items) > 1
                else f"{'an' if name[0] in 'AEIOU' else 'a'} {name} text is"
            )
            yield Problem(
                LOCK_PATH, 1, 1, "",
                f"{count} new or edited since the fingerprints were written (the first: {where}); "
                "run `etown translations update` to record them",
                severity="warning",
            )  # fmt: skip


def outdated_problem(item: Reviewed) -> Problem:
    translation = item.translation
    assert item.fingerprint is not None
    was, now = what_changed(item.fingerprint.source, translation.source.strip())
    line, column = translation.position
    name, source_name = by_code(translation.language).english_name, by_code(SOURCE).english_name
    return Problem(
        translation.file.display_path, line, column, translation.field,
        f"translation may be out of date: the {source_name} changed since this {name} was confirmed "
        f"(was: {was} | now: {now}); update the {name}, or if it still holds run "
        f"`etown translations confirm {translation.file.display_path}:{line}`",
        severity="warning",
    )  # fmt: skip


def what_changed(old: str, new: str, limit: int = 60, margin: int = 10) -> tuple[str, str]:
    """The two texts, or where they differ with a few characters around, when they are long."""
    if len(old) <= limit and len(new) <= limit:
        return old, new
    operations = [
        op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"
    ]
    if not operations:
        return shorten(old, limit), shorten(new, limit)
    old_start, old_end = operations[0][1], operations[-1][2]
    new_start, new_end = operations[0][3], operations[-1][4]
    return _cut(old, old_start, old_end, margin), _cut(new, new_start, new_end, margin)


def _cut(text: str, start: int, end: int, margin: int) -> str:
    first, last = max(0, start - margin), min(len(text), end + margin)
    return ("…" if first else "") + text[first:last] + ("…" if last < len(text) else "")


def review(data_dir: Path, files: Iterable[LoadedFile]) -> Review:
    """Compare the loaded files' translations with their fingerprints."""
    return review_texts(data_dir, {loaded.display_path: translations_in(loaded) for loaded in files})


def review_texts(
    data_dir: Path, texts: Mapping[str, list[Translation]], memo: "ReviewMemo | None" = None
) -> Review:
    """Compare translations, by the data file that holds them, with their fingerprints."""
    lock, problems = read_lock(data_dir)
    memo = memo if memo is not None else ReviewMemo()  # a new memo keeps nothing from one review
    items = [item for path, file_texts in texts.items() for item in memo.reviewed(path, file_texts, lock)]
    present = {item.translation.key for item in items}
    orphans = sorted(key for key in lock.entries if key not in present and key.split(":", 1)[0] in texts)
    return Review(items, lock, orphans, problems)


def _reviewed_texts(texts: list[Translation], lock: Lock) -> list[Reviewed]:
    return [
        Reviewed(translation, state_of(translation, fingerprint), fingerprint)
        for translation in texts
        for fingerprint in [lock.entries.get(translation.key)]
    ]


class ReviewMemo:
    """Each file's reviewed texts, kept while the file's texts (the same list, taken from the
    same load) and the lock file are unchanged: after an edit ``etown serve`` reviews the edited
    file's texts alone. Kept from a file's second review on (an edit session), so that a one-off
    build or check, which reviews each file once, holds nothing more."""

    def __init__(self) -> None:
        self._lock: tuple[bool, str] | None = None
        self._kept: dict[str, tuple[list[Translation], list[Reviewed]] | None] = {}

    def reviewed(self, path: str, texts: list[Translation], lock: Lock) -> list[Reviewed]:
        if self._lock != (lock.found, lock.text):
            self._lock = (lock.found, lock.text)
            self._kept = dict.fromkeys(self._kept)
        kept = self._kept.get(path)
        if kept is not None and kept[0] is texts:
            return kept[1]
        items = _reviewed_texts(texts, lock)
        self._kept[path] = (texts, items) if path in self._kept else None
        return items
