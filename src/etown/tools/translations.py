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
"""

import difflib
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from etown.languages import AUTHORED, LANGUAGES
from etown.load import LoadedFile, PathKey, Position, load_data_file
from etown.problems import EtownError, Problem, UsageError, field_path, shorten
from etown.provenance import normalise
from etown.sections import SECTION_NAMES
from etown.write import write_project_file

try:  # the same parser the loader uses, for the same positions
    from yaml import CBaseLoader as EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as EventLoader  # type: ignore[assignment]

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

    @property
    def source_position(self) -> Position:
        return self.file.source_map.locate((*self.path, SOURCE))

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


def write_lock(data_dir: Path, lock: Lock) -> None:
    """Write the lock file (atomically, keeping its line ends)."""
    write_project_file(data_dir.parent, LOCK_PATH, lock_text(lock))


# --- the review -----------------------------------------------------------------------------------


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
        """One warning for all new or edited English texts, on the lock file: it is the lock that
        is behind (the texts themselves are fine), and naming the first text says where to look."""
        items = [item for item in self.items if item.state in {"new", "edited"}]
        if not items:
            return
        first = items[0].translation
        line, column = first.position
        where = f"{first.file.display_path}:{line}:{column} {first.field}"
        count = f"{len(items)} English texts are" if len(items) > 1 else "an English text is"
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
    return Problem(
        translation.file.display_path, line, column, translation.field,
        f"translation may be out of date: the Chinese changed since this English was confirmed "
        f"(was: {was} | now: {now}); update the English, or if it still holds run "
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


# --- the commands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a translations command did: problems to show, a sentence to end with, and whether it
    failed (nothing written)."""

    problems: list[Problem]
    message: str
    failed: bool = False


def load_all(root: Path) -> tuple[list[LoadedFile], list[Problem]]:
    files: list[LoadedFile] = []
    problems: list[Problem] = []
    for name in SECTION_NAMES:
        loaded, file_problems = load_data_file(root / "data", name)
        problems += [problem for problem in file_problems if problem.severity == "error"]
        if loaded is not None:
            files.append(loaded)
    return files, problems


def _reviewed(root: Path) -> tuple[Review, list[Problem]]:
    files, problems = load_all(root)
    result = review(root / "data", files)
    if result.lock_problems:
        raise _Failed(result.lock_problems)
    return result, problems


class _Failed(EtownError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("the lock file cannot be read", problems)


def _project_errors(root: Path) -> list[Problem]:
    """The errors ``etown check`` would find in the data (a fingerprint of a text check refuses
    records nothing worth keeping): the command writes nothing while there are any."""
    from etown.pipeline import Pipeline  # the whole pipeline, for the commands that write

    _, problems = Pipeline(root).validated()
    return [problem for problem in problems if problem.severity == "error"]


def update(root: Path) -> Outcome:
    """Record new and edited texts, drop entries of texts that are gone; outdated ones stay."""
    try:
        result, problems = _reviewed(root)
    except _Failed as failed:
        return Outcome(failed.problems, "fix the lock file first; nothing was written", failed=True)
    errors = _project_errors(root)
    if errors:
        return Outcome(errors, "fix these first; nothing was written", failed=True)
    lock = result.lock
    recorded = 0
    for item in result.items:
        if item.state in {"new", "edited"}:
            lock.entries[item.translation.key] = item.translation.fingerprint()
            recorded += 1
    for key in result.orphans:
        del lock.entries[key]
    write_lock(root / "data", lock)
    outdated = result.outdated()
    message = (
        f"recorded {recorded} fingerprint(s), removed {len(result.orphans)} of texts that are gone; "
        f"{LOCK_PATH} holds {len(lock.entries)}"
    )
    if outdated:
        message += (
            f"; {len(outdated)} translation(s) listed above may be out of date: update each English, "
            "or confirm it with `etown translations confirm FILE:LINE`"
        )
    return Outcome([*problems, *(outdated_problem(item) for item in outdated)], message)


def confirm(root: Path, targets: list[str], *, everything: bool) -> Outcome:
    """Say that the English of the named texts still translates their Chinese (after a typo fix
    in the Chinese, say): write their fingerprints as they are now."""
    try:
        result, problems = _reviewed(root)
    except _Failed as failed:
        return Outcome(failed.problems, "fix the lock file first; nothing was written", failed=True)
    errors = problems or _project_errors(root)
    if errors:
        return Outcome(errors, "fix the data files first; nothing was written", failed=True)
    chosen = result.items if everything else _chosen(root, result, targets)
    lock = result.lock
    changed = 0
    for item in chosen:
        fingerprint = item.translation.fingerprint()
        if lock.entries.get(item.translation.key) != fingerprint:
            changed += 1
        lock.entries[item.translation.key] = fingerprint
    if everything:
        for key in result.orphans:
            del lock.entries[key]
    write_lock(root / "data", lock)
    was_outdated = sum(1 for item in chosen if item.state == "outdated")
    return Outcome(
        [],
        f"confirmed {len(chosen)} translation(s) ({was_outdated} marked out of date before, "
        f"{changed} fingerprint(s) written)",
    )


def _chosen(root: Path, result: Review, targets: list[str]) -> list[Reviewed]:
    chosen: list[Reviewed] = []
    by_file: dict[str, list[Reviewed]] = {}
    for item in result.items:
        by_file.setdefault(item.translation.file.display_path, []).append(item)
    for target in targets:
        file, line = _parse_target(target)
        if file not in by_file:
            known = ", ".join(sorted(by_file))
            raise UsageError(f"{target}: not a data file with translations (they are: {known})")
        items = by_file[file]
        if line is not None:
            spans = _text_lines(root / file, items)
            items = [item for item, (first, last) in zip(items, spans, strict=True) if first <= line <= last]
            if not items:
                raise UsageError(f"{target}: no English text is written at line {line} of {file}")
        chosen += [item for item in items if item not in chosen]
    return chosen


_LINE_NUMBER = re.compile(r"[0-9]{1,9}")


def _parse_target(target: str) -> tuple[str, int | None]:
    """``data/x.yaml``, ``data/x.yaml:12`` or ``data/x.yaml:12:9`` (as check prints them)."""
    parts = target.split(":")
    file = parts[0].removeprefix("./")
    if not file.startswith("data/"):
        file = f"data/{file}"
    if len(parts) == 1:
        return file, None
    # ASCII digits only: str.isdigit() also takes ²⁸ and other digits int() refuses
    if len(parts) > 3 or not all(_LINE_NUMBER.fullmatch(part) for part in parts[1:]):
        raise UsageError(f"{target}: name a text as FILE or FILE:LINE, like data/history.yaml:42")
    return file, int(parts[1])


def _text_lines(path: Path, items: list[Reviewed]) -> list[tuple[int, int]]:
    """The lines each text's mapping spans, from its key to the end of its last text."""
    spans = scalar_spans(path.read_text(encoding="utf-8"))
    lines: list[tuple[int, int]] = []
    for item in items:
        translation = item.translation
        source_map = translation.file.source_map
        first = min(
            source_map.keys.get(translation.path, source_map.locate(translation.path))[0],
            source_map.locate(translation.path)[0],
        )
        ends = [
            spans[path].end_line for path in ((*translation.path, code) for code in AUTHORED) if path in spans
        ]
        lines.append((first, max(ends, default=first)))
    return lines


# --- where each scalar of a YAML file is written ----------------------------------------------


@dataclass(frozen=True)
class ScalarSpan:
    start: int
    """Character offset of the scalar's first character (its quote or block indicator)."""
    end: int
    """Character offset just after it (for a block scalar: after its last line break)."""
    line: int
    column: int
    end_line: int
    """The last line holding the scalar's text."""
    style: str | None
    """None (plain), ``'``, ``"``, ``|`` or ``>``."""
    in_flow: bool = False
    """Inside ``{ }`` or ``[ ]``, where commas and brackets end a plain scalar."""


def scalar_spans(text: str) -> dict[PathKey, ScalarSpan]:
    """Where the value at each path stands (for files that load, so the text is valid YAML)."""
    spans: dict[PathKey, ScalarSpan] = {}
    frames: list[list[Any]] = []  # [path, is_mapping, key or None, index, written in flow style]

    def child() -> PathKey:
        if not frames:
            return ()
        path, is_mapping, key, index, _flow = frames[-1]
        return (*path, key) if is_mapping else (*path, index)

    def advance() -> None:
        if frames:
            if frames[-1][1]:
                frames[-1][2] = None
            else:
                frames[-1][3] += 1

    for event in yaml.parse(text, Loader=EventLoader):
        if isinstance(event, yaml.ScalarEvent):
            if frames and frames[-1][1] and frames[-1][2] is None:
                frames[-1][2] = event.value
                continue
            start, end = event.start_mark, event.end_mark
            assert start is not None and end is not None
            end_line = end.line if end.column == 0 and end.line > start.line else end.line + 1
            in_flow = bool(frames) and frames[-1][4]
            spans[child()] = ScalarSpan(
                start.index,
                end.index,
                start.line + 1,
                start.column + 1,
                end_line,
                event.style or None,
                in_flow,
            )
            advance()
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            flow = bool(event.flow_style) or (bool(frames) and frames[-1][4])
            frames.append([child(), isinstance(event, yaml.MappingStartEvent), None, 0, flow])
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frames.pop()
            advance()
    return spans
