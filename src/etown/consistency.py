"""What the site says of one passage of the source, it says wherever it shows that passage.

Checked once every file has its model, across files:

- one period per clause: a word that says "at present" (目前, 截至目前, 现阶段, 已, 现任) governs
  its clause, to the end of its sentence; every figure whose words stand there holds as of
  publication, and says so (``period: publication``, with ``stated_by`` the clause where the
  figure's own words lack the word);
- one period per figure: records that show the same figure from the same words of the source
  give it the same period, wherever they stand (the 225 km² of the overview and of the divisions);
- records quoting the same passage carry the same notes (a note on the passage concerns each);
- no text says what a note says the source leaves open: the words of its ``leaves_open`` stand
  in no text of a record it touches or mentions, in either language, nor in its own reading.
"""

import functools
import re
from collections.abc import Iterable, Iterator, Mapping

from pydantic import BaseModel

from etown.languages import AUTHORED
from etown.load import LoadedFile, PathKey
from etown.problems import Problem, shorten
from etown.provenance import Seed, normalise
from etown.records import Record, field_value
from etown.schema import PERIOD_WORDS, NotesFile, Period, Quantity, SourceNote, Text, fields_of
from etown.sections import NOTES


def check_consistency(
    models: Mapping[str, BaseModel],
    files: Mapping[str, LoadedFile],
    records: Iterable[Record],
    seed: Seed | None = None,
) -> Iterator[Problem]:
    """``seed``: the source, for the clauses its period words govern (None: not checked)."""

    def problem(section: str, path: PathKey, message: str) -> Problem:
        return files[section].problem_at(path, message)

    walked = list(records)
    notes = models[NOTES.name]
    assert isinstance(notes, NotesFile)
    for index, message in _same_passage_same_notes(notes, walked):
        yield problem(NOTES.name, ("notes", index, "touches"), message)
    by_ref = {record.ref: record for record in walked}
    for index, note in enumerate(notes.notes):
        for section, path, message in _left_open(index, note, by_ref):
            yield problem(section, path, message)
    if seed is not None:
        clauses = _clauses(seed)
        for record, message in _one_period_per_clause(walked, clauses):
            yield problem(record.section, (*record.path, "period"), message)
    for record, message in _one_period_per_figure(walked):
        yield problem(record.section, (*record.path, "period"), message)


def _left_open(
    index: int, note: SourceNote, records: Mapping[str, Record]
) -> Iterator[tuple[str, PathKey, str]]:
    """Texts that decide what the note says the source leaves open ("the plant’s first engine"
    where the note says the source does not say whose)."""
    if not note.leaves_open:
        return
    texts: list[tuple[str, PathKey, Text]] = []
    if note.reading is not None:
        texts.append((NOTES.name, ("notes", index, "reading"), note.reading))
    for ref in [*note.touches, *note.mentions]:
        record = records.get(ref)
        if record is not None:
            texts += [
                (record.section, (*record.path, name), value)
                for name, value in fields_of(record.model)
                if isinstance(value, Text)
            ]
    for section, path, text in texts:
        for language in AUTHORED:
            for words in note.leaves_open:
                if words in text[language]:
                    yield (
                        section,
                        (*path, language),
                        f"this text says “{words}”, which the note {note.id!r} says the source leaves "
                        "open; say no more than the source does",
                    )


_SENTENCE_END = re.compile(r"[。;;!?!?]")


@functools.lru_cache(maxsize=1)
def _clauses(seed: Seed) -> "Clauses":
    """The seed's clauses, kept while the seed is the same: etown serve checks again at each edit."""
    return Clauses(seed)


class Clauses:
    """The seed's sentences (white space removed, one paragraph never runs into the next) and,
    in each, where the words that say "at present" stand."""

    def __init__(self, seed: Seed) -> None:
        self._sentences: list[str] = []
        self._governing: dict[str, str | None] = {}
        """By quote: a large site repeats its quotes, and each reads every sentence."""
        for line in seed.text.splitlines():
            text = normalise(line)
            start = 0
            for end in _SENTENCE_END.finditer(text):
                self._sentences.append(text[start : end.end()])
                start = end.end()
            if text[start:]:
                self._sentences.append(text[start:])

    def governing(self, quote: str) -> str | None:
        """The clause that governs ``quote``: from the nearest word saying "at present" that
        stands before the quote's end, in the quote's sentence, to the end of the quote; None when
        no such word stands there (or the quote runs over more than one sentence)."""
        wanted = normalise(quote)
        if wanted not in self._governing:
            self._governing[wanted] = self._clause(wanted)
        return self._governing[wanted]

    def _clause(self, wanted: str) -> str | None:
        for sentence in self._sentences:
            position = sentence.find(wanted)
            if position < 0:
                continue
            end = position + len(wanted)
            starts = [sentence.rfind(word, 0, end - len(word) + 1) for word in PERIOD_WORDS]
            nearest = max(starts)
            return sentence[nearest:end] if nearest >= 0 else None  # its first place, as links find it
        return None


def _one_period_per_clause(records: list[Record], clauses: Clauses) -> Iterator[tuple[Record, str]]:
    for record in records:
        period = field_value(record.model, "period")
        if not isinstance(period, Period) or period.publication:
            continue
        clause = clauses.governing(record.model.source)
        if clause is None:
            continue
        word = next(word for word in PERIOD_WORDS if word in clause)
        yield (
            record,
            f"in the source this figure stands in a clause that “{word}” governs ({shorten(clause, 60)}): "
            "every figure of the clause holds at present, as of publication; say period: publication"
            + ("" if word in normalise(record.model.source) else f', stated_by: "{clause}"'),
        )


def _one_period_per_figure(records: list[Record]) -> Iterator[tuple[Record, str]]:
    """The same figure (value and unit) from the same words of the source has one period."""
    by_figure: dict[tuple[object, ...], dict[str, list[Record]]] = {}
    for record in records:
        value = field_value(record.model, "value")
        period = field_value(record.model, "period")
        if isinstance(value, Quantity) and isinstance(period, Period):
            quotes = by_figure.setdefault((value.value, value.unit, value.qualifier), {})
            quotes.setdefault(normalise(record.model.source), []).append(record)
    for quotes in by_figure.values():  # grouped by quote first: a large site repeats its quotes
        shown: list[tuple[str, Record]] = []
        for quote, same in quotes.items():
            first = same[0]
            yield from (
                (record, _another_period(first)) for record in same[1:] if _meaning(record) != _meaning(first)
            )
            for other_quote, other in shown:
                if (quote in other_quote or other_quote in quote) and _meaning(first) != _meaning(other):
                    yield first, _another_period(other)
                    break
            shown.append((quote, first))


def _meaning(record: Record) -> tuple[object, ...]:
    period = field_value(record.model, "period")
    return period.meaning if isinstance(period, Period) else ()


def _another_period(earlier: Record) -> str:
    return (
        f"{earlier.ref!r} shows the same figure from the same words of the source with another "
        "period; one figure holds for one period: give both the same"
    )


def _same_passage_same_notes(notes: NotesFile, records: list[Record]) -> Iterator[tuple[int, str]]:
    """A note that touches or mentions one record quoting a passage concerns every record quoting
    the same passage: the History's 25 June 2010 and the area table's core area are one fact.
    (A note is known by its kind and title, so that a project repeating its records and notes,
    as the benchmark's do, asks each copy of a record for a copy of the note.)"""
    passage_of = {record.ref: normalise(record.model.source) for record in records}
    named: dict[str, set[tuple[str, str]]] = {}
    first: dict[tuple[str, str], tuple[int, str]] = {}
    on_passage: dict[str, set[tuple[str, str]]] = {}
    for index, note in enumerate(notes.notes):
        key: tuple[str, str] = (note.kind, note.title["en"])
        for ref in [*note.touches, *note.mentions]:
            named.setdefault(ref, set()).add(key)
            first.setdefault(key, (index, ref))
            if ref in passage_of:
                on_passage.setdefault(passage_of[ref], set()).add(key)
    for record in records:
        for missing in sorted(on_passage.get(passage_of[record.ref], set()) - named.get(record.ref, set())):
            index, ref = first[missing]
            yield (
                index,
                f"{record.ref!r} quotes the same passage as {ref!r}, which this note names: a note on "
                f"the passage concerns both; add {record.ref!r} to touches (or mentions)",
            )
