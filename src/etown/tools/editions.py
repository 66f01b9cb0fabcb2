"""Editions of the source: where the seed came from, what a new edition changes, and adopting it.

The seed never changes by hand. Beside it, ``seeds/NAME.meta.yaml`` records what is known of it
(its SHA-256, the date it was taken, its URL only where one is known) and the editions it
replaced, which are kept under ``seeds/editions/``. ``etown check`` verifies the SHA-256, so an
edited seed cannot slip through; ``etown seed diff`` lists, at the data's file:line:col, what a new
edition means for the records; ``etown seed adopt`` makes it the current one.
"""

import bisect
import collections
import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from etown.files import refuse_links, write_atomically, write_project_file
from etown.load import LoadedFile, PathKey, character_problem, load_file
from etown.pipeline import Pipeline
from etown.problems import DataError, Problem, UsageError, errors_only, field_path, shorten
from etown.provenance import (
    HINT_QUOTE_LENGTH,
    HintBudget,
    HintBudgetSpent,
    Seed,
    normalise,
    read_edition_text,
    read_seed,
)
from etown.seed_metadata import (
    EDITIONS_FOLDER,
    Edition,
    EditionFields,
    MetadataFile,
    SeedMetadata,
    checked_metadata,
    current_seed_path,
    field_problem,
    load_seed_metadata,
    metadata_of,
    metadata_path,
    read_seed_metadata,
    sha256_of,
    value_message,
)
from etown.validate import QUOTE_FIELDS

SURVIVES = 0.8
"""How alike (difflib's ratio, white space removed) a passage of the new edition must be to one of
the current edition to count as the same passage changed, rather than one removed and one added."""

_SOME_EDITION = {"file": "x.txt", "sha256": "0" * 64, "taken": "2000-01-01"}
"""The required fields, valid, for checking one field given on the command line by the model."""
_OPTIONS = {"title": "--title", "taken_note": "--taken-note", "url": "--url", "published": "--published"}


def _refuse_bad_options(given: dict[str, str | None]) -> None:
    """Each text given on the command line, by the rules check reads the metadata file with:
    refused (a usage error naming the option) before anything is written."""
    for name, value in given.items():
        if value is None:
            continue
        option = _OPTIONS[name]
        refusal = character_problem(value)
        if refusal is not None and refusal[1] == "error":
            raise UsageError(f"{option}: {refusal[0]}")
        try:
            EditionFields.model_validate({**_SOME_EDITION, name: value})
        except ValidationError as error:
            raise UsageError(f"{option}: {value_message(name, error.errors()[0])}") from None


def metadata_text(metadata: SeedMetadata, seed_name: str) -> str:
    """The metadata file as etown writes it (by `etown seed record` and `etown seed adopt`)."""
    lines = [
        f"# What is known of seeds/{seed_name}, the source document. Written by `etown seed record`",
        "# and `etown seed adopt`; `etown check` verifies sha256. A field that is not known is left",
        "# out, never guessed.",
    ]

    def fields(edition: Edition, indent: str, first: str) -> None:
        values: list[tuple[str, str | None]] = [
            ("file", edition.file),
            ("sha256", edition.sha256),
            ("title", _quoted(edition.title)),
            ("taken", edition.taken.isoformat()),
            ("taken_note", _quoted(edition.taken_note)),
            ("url", _quoted(edition.url)),
            ("published", _quoted(edition.published)),
            ("replaced", edition.replaced.isoformat() if edition.replaced else None),
        ]
        shown = [(name, value) for name, value in values if value is not None]
        for number, (name, value) in enumerate(shown):
            lines.append(f"{first if number == 0 else indent}{name}: {value}")

    fields(metadata.current, "", "")
    if metadata.earlier:
        lines.append("editions:  # earlier editions, the latest first")
        for edition in metadata.earlier:
            fields(edition, "    ", "  - ")
    else:
        lines.append("editions: []  # earlier editions, the latest first")
    return "\n".join(lines) + "\n"


def _quoted(text: str | None) -> str | None:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return None if text is None else json.dumps(text, ensure_ascii=False)


def record_metadata(
    root: Path,
    *,
    taken: date | None,
    taken_note: str | None = None,
    url: str | None = None,
    published: str | None = None,
    title: str | None = None,
) -> SeedMetadata:
    """Write (or amend) the current seed's metadata without touching the seed.

    A field not given keeps what the file says (a field given replaces what is there, so a wrong
    value is repaired by giving it again); a new file needs ``taken``. What is written is checked
    as ``etown check`` reads it first: refused when the seed no longer matches its recorded
    SHA-256 (that is a new edition, taken in with ``adopt``) or when the file would still be wrong."""
    seed_path = _seed_path_or_refuse(root)
    given = {"title": title, "taken_note": taken_note, "url": url, "published": published}
    _refuse_bad_options(given)
    meta_path = metadata_path(seed_path)
    display = meta_path.relative_to(root).as_posix()
    fields = {name: value for name, value in given.items() if value is not None}
    if taken is not None:
        fields["taken"] = taken.isoformat()
    if meta_path.exists() or meta_path.is_symlink():
        loaded, problems = load_file(meta_path, display, "seed metadata", meta_path.parent)
        if loaded is None or not isinstance(loaded.data, dict):
            problems = problems or [Problem(display, 1, 1, "", "expected the fields of the seed's edition")]
            raise DataError("the seed's metadata cannot be read; fix it by hand or delete it", problems)
        raw: dict[str, Any] = {**loaded.data, **fields}
    elif taken is None:
        raise UsageError("the seed has no metadata yet: give the day it was taken with --taken YYYY-MM-DD")
    else:
        loaded = None
        raw = {"file": seed_path.name, "sha256": sha256_of(seed_path), **fields, "editions": []}
    try:
        model = MetadataFile.model_validate(raw)
    except ValidationError as error:  # a field not given is wrong in the file
        assert loaded is not None  # what a new file holds was checked above
        problems = [field_problem(loaded, detail) for detail in error.errors(include_url=False)]
        raise DataError("fix the seed's metadata first (or give the field again)", problems) from None
    metadata = metadata_of(model, display)
    _write_metadata(root, seed_path, metadata, {})
    return metadata


def _write_metadata(root: Path, seed_path: Path, metadata: SeedMetadata, pending: dict[str, str]) -> None:
    """Write the metadata file, once what it will hold passes check (``pending``: the files
    written with it, by path in seeds/ and SHA-256)."""
    text = metadata_text(metadata, seed_path.name)
    meta_path = metadata_path(seed_path)
    _, problems = checked_metadata(root, seed_path, text.encode("utf-8"), pending)
    errors = errors_only(problems)
    if errors:
        raise DataError("the seed's metadata would not pass check; nothing was written", errors)
    write_project_file(root, meta_path.relative_to(root).as_posix(), text)


def _seed_path_or_refuse(root: Path) -> Path:
    read_seed(root)  # raises UsageError when seeds/ does not hold exactly one readable seed
    seed_path = current_seed_path(root)
    assert seed_path is not None
    return seed_path


# --- comparing two editions -------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One paragraph of an edition: a non-blank line of the file."""

    line: int
    column: int
    text: str
    """As the file writes it, runs of white space made one space."""
    normalised: str
    start: int
    """Where it starts in the edition's text with white space removed (``Seed.normalised``)."""

    @property
    def end(self) -> int:
        return self.start + len(self.normalised)


def passages(seed: Seed) -> list[Passage]:
    found: list[Passage] = []
    offset = 0
    for number, line in enumerate(seed.text.splitlines(), start=1):
        squeezed = normalise(line)
        if not squeezed:
            continue
        column = len(line) - len(line.lstrip()) + 1
        found.append(Passage(number, column, " ".join(line.split()), squeezed, offset))
        offset += len(squeezed)
    return found


Kind = Literal["kept", "moved", "changed", "removed", "added"]


@dataclass(frozen=True)
class Pairing:
    kind: Kind
    old: Passage | None
    new: Passage | None


def pair_passages(old: list[Passage], new: list[Passage]) -> list[Pairing]:
    """Which passage of the new edition each passage of the current one became.

    Identical passages pair first (in order, so repeated lines pair one to one); those out of
    their old order are ``moved``. Of the rest, the most alike pairs above ``SURVIVES`` are the
    same passage ``changed``; what is left was ``removed`` or ``added``. Only likely pairs are
    compared (``_likely_pairs``), so the time grows with the editions, not with their product."""
    waiting: dict[str, collections.deque[int]] = {}
    for index, passage in enumerate(new):
        waiting.setdefault(passage.normalised, collections.deque()).append(index)
    exact: list[tuple[int, int]] = []
    for index, passage in enumerate(old):
        queue = waiting.get(passage.normalised)
        if queue:
            exact.append((index, queue.popleft()))
    in_order = _longest_increasing([new_index for _, new_index in exact])
    pairings = [
        Pairing("kept" if new_index in in_order else "moved", old[old_index], new[new_index])
        for old_index, new_index in exact
    ]
    old_left = sorted(set(range(len(old))) - {o for o, _ in exact})
    new_left = sorted(set(range(len(new))) - {n for _, n in exact})
    candidates: list[tuple[float, int, int, int]] = []
    for o, n in _likely_pairs(old, new, old_left, new_left):
        matcher = difflib.SequenceMatcher(None, old[o].normalised, new[n].normalised, autojunk=False)
        if matcher.real_quick_ratio() < SURVIVES or matcher.quick_ratio() < SURVIVES:
            continue
        ratio = matcher.ratio()
        if ratio >= SURVIVES:
            candidates.append((-ratio, abs(o - n), o, n))
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for _, _, o, n in sorted(candidates):
        if o in taken_old or n in taken_new:
            continue
        taken_old.add(o)
        taken_new.add(n)
        pairings.append(Pairing("changed", old[o], new[n]))
    pairings += [Pairing("removed", old[o], None) for o in old_left if o not in taken_old]
    pairings += [Pairing("added", None, new[n]) for n in new_left if n not in taken_new]
    return pairings


COMPARED = 16
"""The most passages of the new edition compared with each unpaired passage of the current one."""
LONGEST_COMPARED = 20_000
"""Passages longer than this (white space removed) pair only when identical: difflib's time
grows with the square of their length."""
POSTINGS_READ = 4_000
"""How many (pair of characters, passage) entries are read to find one text's likely passages."""


class _PairIndex:
    """Which passages hold each pair of characters, to find the passages likely to be alike to a
    text without comparing it with every one: those sharing most of its rarer pairs."""

    def __init__(self, passages_: list[Passage], chosen: Iterable[int]) -> None:
        self.lists: dict[str, list[int]] = {}
        for index in chosen:
            for pair in _character_pairs(passages_[index].normalised):
                self.lists.setdefault(pair, []).append(index)

    def likely(self, text: str, count: int, *, kept: float, near: int = 0) -> list[int]:
        """The ``count`` passages sharing most of the rarest ``kept`` part of ``text``'s pairs
        (ties: the nearest to ``near``). A passage alike enough to keep more than 1 - kept of
        them shares at least one of those (prefix filtering, as similarity joins do)."""
        pairs = _character_pairs(text)
        shared = sorted(
            (pair for pair in pairs if pair in self.lists), key=lambda pair: (len(self.lists[pair]), pair)
        )
        counts: collections.Counter[int] = collections.Counter()
        read = 0
        for pair in shared[: int(len(pairs) * kept) + 1]:
            if read >= POSTINGS_READ:
                break
            postings = self.lists[pair][: POSTINGS_READ - read]
            counts.update(postings)
            read += len(postings)
        return sorted(counts, key=lambda index: (-counts[index], abs(index - near), index))[:count]


def _likely_pairs(
    old: list[Passage], new: list[Passage], old_left: list[int], new_left: list[int]
) -> Iterator[tuple[int, int]]:
    """For each unpaired passage of the current edition, the unpaired passages of the new one
    worth comparing with difflib. A passage at least SURVIVES alike keeps well over half of its
    character pairs (each changed character breaks at most two), so the rarer half will do."""
    index = _PairIndex(new, (n for n in new_left if len(new[n].normalised) <= LONGEST_COMPARED))
    for o in old_left:
        if len(old[o].normalised) <= LONGEST_COMPARED:
            yield from ((o, n) for n in index.likely(old[o].normalised, COMPARED, kept=0.5, near=o))


def _character_pairs(text: str) -> set[str]:
    return {text[index : index + 2] for index in range(len(text) - 1)}


def _longest_increasing(sequence: list[int]) -> set[int]:
    """The values of one longest increasing subsequence (the passages that kept their order)."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous: list[int] = [-1] * len(sequence)
    for index, value in enumerate(sequence):
        place = bisect.bisect_left(tails, value)
        if place == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[place] = value
            tail_at[place] = index
        previous[index] = tail_at[place - 1] if place else -1
    kept: set[int] = set()
    index = tail_at[-1] if tail_at else -1
    while index != -1:
        kept.add(sequence[index])
        index = previous[index]
    return kept


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class NumberChange:
    old: str | None
    new: str | None
    old_at: int | None
    """Where the old number stands in the current edition's normalised text."""
    context: str
    """The new number with a few characters either side, or the new passage when it is gone."""


def number_changes(old: Passage, new: Passage) -> list[NumberChange]:
    """The numbers that differ between two versions of a passage, in order."""
    old_numbers = list(_NUMBER.finditer(old.normalised))
    new_numbers = list(_NUMBER.finditer(new.normalised))
    matcher = difflib.SequenceMatcher(
        None, [m.group() for m in old_numbers], [m.group() for m in new_numbers], autojunk=False
    )
    changes: list[NumberChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old_numbers[i1:i2], new_numbers[j1:j2]
        for position in range(max(len(olds), len(news))):
            before = olds[position] if position < len(olds) else None
            after = news[position] if position < len(news) else None
            changes.append(
                NumberChange(
                    before.group() if before else None,
                    after.group() if after else None,
                    old.start + before.start() if before else None,
                    _around(new.normalised, after.start(), after.end()) if after else shorten(new.text, 60),
                )
            )
    return changes


def _around(text: str, start: int, end: int, margin: int = 12) -> str:
    before = "…" if start > margin else ""
    after = "…" if end + margin < len(text) else ""
    return before + text[max(0, start - margin) : end + margin] + after


@dataclass(frozen=True)
class Quote:
    """A ``source`` quote of the data, and the record it belongs to."""

    file: LoadedFile
    path: PathKey
    """The path of the ``source`` field."""
    text: str
    record: dict[str, Any]
    """The record the quote supports (for a period's ``stated_by``: the record holding the period)."""
    record_path: PathKey


_RECORD_QUOTES = QUOTE_FIELDS - {"stated_by"}
"""The quote fields that make a mapping a record of its own (``stated_by`` belongs to a period)."""


def quotes_in(loaded: LoadedFile) -> Iterator[Quote]:
    """Every quote of the seed in a loaded file (the fields validation checks against the seed)."""

    def walk(node: Any, path: PathKey, record: dict[str, Any], record_path: PathKey) -> Iterator[Quote]:
        if isinstance(node, dict):
            if _RECORD_QUOTES & set(node):
                record, record_path = node, path
            for key, value in node.items():
                if key in QUOTE_FIELDS and isinstance(value, str) and value.strip():
                    yield Quote(loaded, (*path, key), value, record, record_path)
                elif key in QUOTE_FIELDS and isinstance(value, list):
                    for index, item in enumerate(value):
                        if isinstance(item, str) and item.strip():
                            yield Quote(loaded, (*path, key, index), item, record, record_path)
                else:
                    yield from walk(value, (*path, key), record, record_path)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, (*path, index), record, record_path)

    yield from walk(loaded.data, (), {}, ())


def _occurrences(text: str, part: str) -> list[int]:
    found: list[int] = []
    start = text.find(part)
    while start != -1 and part:
        found.append(start)
        start = text.find(part, start + 1)
    return found


@dataclass
class EditionDiff:
    """What a new edition changes for the data: findings located in the data (or, for what no
    record cites, in the new edition), and how its passages pair with the current ones."""

    findings: list[Problem]
    pairings: list[Pairing] = field(default_factory=list)

    def count(self, kind: Kind) -> int:
        return sum(1 for pairing in self.pairings if pairing.kind == kind)

    def summary(self) -> str:
        kinds: tuple[Kind, ...] = ("kept", "moved", "changed", "removed", "added")
        return ", ".join(f"{self.count(kind)} {kind}" for kind in kinds)


def diff_editions(current: Seed, new: Seed, files: Iterable[LoadedFile]) -> EditionDiff:
    """Each record whose quote is not in ``new`` (with the closest passage there), each number
    that changed in a passage that survived (at the record's value and texts that hold it), and
    each new passage that no record cites."""
    old_passages, new_passages = passages(current), passages(new)
    pairings = pair_passages(old_passages, new_passages)
    quotes = [quote for loaded in files for quote in quotes_in(loaded)]
    findings: list[Problem] = []
    hints = _Hints(new, new_passages)
    for quote in quotes:
        wanted = normalise(quote.text)
        if wanted in current.normalised and wanted not in new.normalised:
            findings.append(_vanished(quote, hints))
    citing = _quotes_by_passage(quotes, current, old_passages)
    for pairing in pairings:
        if pairing.kind == "changed":
            assert pairing.old is not None and pairing.new is not None
            findings += _numbers_changed(pairing.old, pairing.new, citing.get(pairing.old.start, []), new)
    findings += _uncited(pairings, quotes, new, new_passages)
    return EditionDiff(sorted(set(findings)), pairings)


Spots = list[tuple[Quote, list[int]]]
"""Quotes, each with where it stands in an edition's normalised text."""


def _quotes_by_passage(quotes: list[Quote], seed: Seed, passages_: list[Passage]) -> dict[int, Spots]:
    """The quotes standing (in part) in each passage of ``seed``, by the passage's start, each
    with all the places it stands: found once for all passages, not once per passage."""
    starts = [passage.start for passage in passages_]
    found: dict[int, Spots] = {}
    for quote in quotes:
        wanted = normalise(quote.text)
        spots = _occurrences(seed.normalised, wanted)
        for index in sorted({index for at in spots for index in _passages_under(starts, at, len(wanted))}):
            found.setdefault(starts[index], []).append((quote, spots))
    return found


def _passages_under(starts: list[int], at: int, length: int) -> range:
    """The passages (by index; they follow each other) that a text at ``at`` touches."""
    first = max(bisect.bisect_right(starts, at) - 1, 0)
    return range(first, max(bisect.bisect_right(starts, at + length - 1), first + 1))


def _at(quote: Quote, path: PathKey, message: str) -> Problem:
    line, column = quote.file.source_map.locate(path)
    return Problem(quote.file.display_path, line, column, field_path(path), message)


HINTED_PASSAGES = 3
"""The passages of the new edition searched for the closest passage to a vanished quote."""


class _Hints:
    """Where in the new edition a quote that is gone from it comes closest: looked for in the
    few passages sharing most of its pairs of characters, not in the whole edition each time
    (a 0.9 MB edition and hundreds of vanished quotes took minutes); what is read is bounded
    by a HintBudget, as check's hints are."""

    def __init__(self, edition: Seed, passages_: list[Passage]) -> None:
        self.edition = edition
        self.passages = passages_
        self.index = _PairIndex(passages_, range(len(passages_)))
        self.budget = HintBudget()

    def closest(self, quote: str) -> tuple[str, Passage] | None:
        """The closest passage to ``quote`` and the paragraph it is in, or None.
        Raises HintBudgetSpent once the hints have read as much as they may."""
        wanted = normalise(quote)[:HINT_QUOTE_LENGTH]
        found: list[tuple[float, int, str]] = []
        for index in self.index.likely(wanted, HINTED_PASSAGES, kept=1.0):
            passage = self.passages[index]
            closest = Seed(self.edition.display_path, passage.text).closest_passage(quote, self.budget)
            if closest is not None:
                ratio = difflib.SequenceMatcher(None, wanted, normalise(closest), autojunk=False).ratio()
                found.append((-ratio, index, closest))
        if not found:
            return None
        _, index, closest = min(found)
        return closest, self.passages[index]


def _vanished(quote: Quote, hints: _Hints) -> Problem:
    try:
        closest = hints.closest(quote.text)
    except HintBudgetSpent:
        message = (
            "this quote is not in the new edition (etown stopped looking for the closest passages "
            "there, as too many quotes are gone or the edition is very long)"
        )
        return _at(quote, quote.path, message)
    if closest is None:
        where = "no passage of the new edition is close to it (was it removed?)"
    else:
        text, passage = closest
        where = f"the closest passage there ({hints.edition.display_path}:{passage.line}) is: {text}"
    return _at(quote, quote.path, f"this quote is not in the new edition; {where}")


def _numbers_changed(old: Passage, new: Passage, citing: Spots, edition: Seed) -> list[Problem]:
    """``citing``: the quotes standing in ``old``, with where each stands in the current edition."""
    findings: list[Problem] = []
    for change in number_changes(old, new):
        if change.old is None or change.old_at is None:
            continue
        after = change.new if change.new is not None else "(gone)"
        where = f"{edition.display_path}:{new.line}: {change.context}"
        said = f"{change.old} → {after} in the new edition ({where})"
        start, end = change.old_at, change.old_at + len(change.old)
        for quote, spots in citing:
            length = len(normalise(quote.text))
            if not any(at <= start and end <= at + length for at in spots):
                continue
            places = list(_holding(quote.record, quote.record_path, change.old))
            for path in places or [quote.path]:
                findings.append(_at(quote, path, said))
        if not citing:
            findings.append(
                Problem(edition.display_path, new.line, new.column, "", f"no record cites it; {said}")
            )
    return findings


def _holding(record: dict[str, Any], path: PathKey, number: str) -> Iterator[PathKey]:
    """The fields of one record (not of the records inside it) that hold ``number``: quantities
    whose value it is, dates in its year, Chinese texts that write it."""
    token = re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)")
    for key, value in record.items():
        here = (*path, key)
        if key in QUOTE_FIELDS:
            continue
        if isinstance(value, dict) and not _RECORD_QUOTES & set(value):
            if "unit" in value and _same_number(value.get("value"), number):
                yield (*here, "value")
            elif isinstance(value.get("zh"), str) and token.search(value["zh"]):
                yield (*here, "zh")
            else:
                yield from _holding(value, here, number)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict) and not _RECORD_QUOTES & set(item):
                    yield from _holding(item, (*here, index), number)
        elif isinstance(value, str) and _writes(key, value, number, token):
            yield here


def _writes(key: str, value: str, number: str, token: re.Pattern[str]) -> bool:
    if key in {"date", "as_of", "period"}:  # a year: dates are written YYYY[-MM[-DD]]
        return len(number) == 4 and value.startswith(number)
    return key == "zh" and token.search(value) is not None


def _same_number(raw: object, number: str) -> bool:
    if not isinstance(raw, str):
        return False
    try:
        return Decimal(raw.strip()) == Decimal(number)
    except InvalidOperation:
        return False


def _uncited(
    pairings: list[Pairing], quotes: list[Quote], new: Seed, new_passages: list[Passage]
) -> list[Problem]:
    """A new passage counts as cited when a quote stands in it that stands in no passage the
    new edition kept from the current one (a generic quote that also stands elsewhere does not).
    Each quote is looked for once in the whole edition."""
    added = {pairing.new.start for pairing in pairings if pairing.kind == "added" and pairing.new is not None}
    if not added:
        return []
    starts = [passage.start for passage in new_passages]
    cited: set[int] = set()
    for wanted in {normalise(quote.text) for quote in quotes}:
        touched = {
            starts[index]
            for at in _occurrences(new.normalised, wanted)
            for index in _passages_under(starts, at, len(wanted))
        }
        if touched <= added:  # in no passage the edition kept
            cited |= touched
    return [
        Problem(
            new.display_path, passage.line, passage.column, "",
            f"a new passage that no record cites: {passage.text}",
        )
        for passage in new_passages
        if passage.start in added and passage.start not in cited
    ]  # fmt: skip


def read_edition(path: Path, display: str) -> Seed:
    """A new edition, by the rules the seed is read with (etown.provenance.read_edition_text):
    UsageError when it cannot be read, DataError naming each character no page may hold."""
    if path.is_dir():
        raise UsageError(f"cannot read {display}: it is a folder")
    raw, text = read_edition_text(path, display)
    return Seed(display, text, hashlib.sha256(raw).hexdigest())


def diff_against_current(root: Path, new_path: Path, display: str) -> EditionDiff:
    """``etown seed diff``: the new edition against the current seed and the data."""
    return _diff_with(root, read_edition(new_path, display))


def _diff_with(root: Path, new: Seed) -> EditionDiff:
    current = read_seed(root)
    files, problems = Pipeline(root).loaded()
    result = diff_editions(current, new, files)
    result.findings = sorted(set(result.findings + problems))
    return result


def diff_since_adoption(root: Path) -> tuple[EditionDiff, Edition]:
    """``etown seed diff`` without a file: the edition the current one replaced against the current
    seed and the data, that is what adopting it still leaves to update (the list shrinks as the
    data is updated, since an updated quote is no longer one of the earlier edition's)."""
    metadata = read_seed_metadata(root)
    if not metadata.earlier:
        raise UsageError(
            "no earlier edition is recorded, so there is nothing left over from an adoption; "
            "give the new edition to compare: etown seed diff NEW_FILE"
        )
    previous = metadata.earlier[0]
    earlier = read_edition(root / "seeds" / previous.file, previous.path)
    files, problems = Pipeline(root).loaded()
    result = diff_editions(earlier, read_seed(root), files)
    result.findings = sorted(set(result.findings + problems))
    return result, previous


# --- adopting a new edition ---------------------------------------------------------------------


def adopt_edition(
    root: Path,
    new_path: Path,
    display: str,
    *,
    today: date,
    taken: date | None = None,
    url: str | None = None,
    published: str | None = None,
    title: str | None = None,
) -> tuple[EditionDiff, SeedMetadata]:
    """Make ``new_path`` the seed: the current edition is kept in seeds/editions/ and listed in
    the metadata; the new one takes the current file's name, so its history reads as one file.
    Its title is the current edition's unless ``title`` is given (a page keeps its title).

    Returns what the data must now be updated for (the same findings as ``diff``)."""
    seed_path = _seed_path_or_refuse(root)
    metadata, problems = load_seed_metadata(root)
    errors = errors_only(problems)
    if errors:
        raise DataError("the current seed does not match its metadata; nothing was adopted", errors)
    if metadata is None:
        raise UsageError(
            "the current seed has no metadata: record it first with `etown seed record --taken YYYY-MM-DD`"
        )
    try:
        same_file = new_path.resolve() == seed_path.resolve()
    except OSError:
        same_file = False
    if same_file:
        raise UsageError(f"{display} is the current seed; adopt a copy of the new edition kept elsewhere")
    _refuse_bad_options({"title": title, "url": url, "published": published})
    new = read_edition(new_path, display)  # what check would refuse in a seed is refused here
    result = _diff_with(root, new)
    raw = new.text.encode("utf-8")  # the bytes read: UTF-8 decodes and encodes one to one
    sha = new.sha256
    old = metadata.current
    if sha == old.sha256:
        raise UsageError(f"{display} is the current edition already (the same SHA-256); nothing to adopt")
    kept_name = f"{EDITIONS_FOLDER}/{old.taken.isoformat()}_{old.sha256[:12]}.txt"
    kept = root / "seeds" / kept_name
    note = (
        None
        if taken
        else "the day this copy was adopted (`etown seed adopt`); when it was retrieved was not given"
    )
    current = Edition(
        seed_path.name, sha, taken or today, note, url, published or "unknown", title=title or old.title
    )
    earlier = (replace(old, file=kept_name, replaced=today), *metadata.earlier)
    adopted = SeedMetadata(current, earlier, metadata.display_path)
    pending = {seed_path.name: sha, kept_name: old.sha256}
    text = metadata_text(adopted, seed_path.name)
    _, problems = checked_metadata(root, seed_path, text.encode("utf-8"), pending)
    errors = errors_only(problems)
    if errors:
        raise DataError("the seed's metadata would not pass check; nothing was adopted", errors)
    meta_path = metadata_path(seed_path)
    refuse_links({path: path.relative_to(root).as_posix() for path in (kept, meta_path, seed_path)})
    try:
        if not kept.is_file() or sha256_of(kept) != old.sha256:
            kept.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(kept, seed_path.read_bytes(), shown=f"seeds/{kept_name}")
        # metadata first: a run killed between the two writes leaves a seed that check reports
        # as not matching its metadata, never a silently unrecorded edition
        write_project_file(root, meta_path.relative_to(root).as_posix(), text)  # checked above
        write_atomically(seed_path, raw, shown=f"seeds/{seed_path.name}")
    except OSError as error:
        raise DataError(f"cannot write {error.filename} ({error.strerror or error})") from error
    return result, adopted
