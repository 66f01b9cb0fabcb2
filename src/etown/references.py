"""References between data files, checked once every file has its model: the records a note
touches or mentions, the overview's headline figures, the event a 同年 date takes its year from, the
flags a record claims for itself (each must come from what it is: a note of the flag's kind, its
period)."""

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from etown.load import LoadedFile, PathKey
from etown.problems import Problem
from etown.records import Record, field_value, note_flag, period_flags, records_in
from etown.schema import HistoryEvent, NotesFile, OverviewFile, Period, SourceNote
from etown.sections import NOTES, OVERVIEW


def check_references(
    models: Mapping[str, BaseModel], files: Mapping[str, LoadedFile], walked: Iterable[Record] | None = None
) -> Iterator[Problem]:
    """``walked``: the records of ``models``, in order, when they have been walked already."""
    if walked is None:
        walked = (record for name, model in models.items() for record in records_in(name, model))
    records = {record.ref: record for record in walked}

    def problem(section: str, path: PathKey, message: str) -> Problem:
        return files[section].problem_at(path, message)

    notes = models[NOTES.name]
    assert isinstance(notes, NotesFile)
    for index, note in enumerate(notes.notes):
        for field in ("touches", "mentions"):
            for position, ref in enumerate(getattr(note, field)):
                if ref not in records:
                    path = ("notes", index, field, position)
                    yield problem(NOTES.name, path, f"no record is named {ref!r}{_close(ref, records)}")
    overview = models.get(OVERVIEW.name)
    for position, ref in enumerate(overview.headlines if isinstance(overview, OverviewFile) else ()):
        headline = records.get(ref)
        if headline is None:
            message = f"no record is named {ref!r}{_close(ref, records)}"
        elif field_value(headline.model, "value") is None:
            message = f"{ref!r} is not a figure (it shows no value); a headline is a figure"
        else:
            continue
        yield problem(OVERVIEW.name, ("headlines", position), message)
    notes_of: dict[str, list[SourceNote]] = {}
    for note in notes.notes:
        for ref in note.touches:
            notes_of.setdefault(ref, []).append(note)
    for record in records.values():
        yield from (
            problem(record.section, path, message) for path, message in _record_references(record, records)
        )
        yield from (
            problem(record.section, path, message)
            for path, message in _own_flags(record, notes_of.get(record.ref, []))
        )
    for record, message in _same_year_not_circular(records):
        yield problem(record.section, (*record.path, "derived", "same_year_as"), message)


_FLAG_SOURCES = {
    "conflict": "a note of a kind that says two statements of the source disagree",
    "scope": "a note of the kind scope-unclear",
    "incomplete": "a note of the kind incomplete-count",
    "inferred": "a period this site infers (period: {…, inferred: {zh, en}})",
    "publication": "period: publication",
}


def _own_flags(record: Record, notes: list[SourceNote]) -> Iterator[tuple[PathKey, str]]:
    """A record may flag itself [sic] (a slip it shows); any other flag means one thing, and only
    what gives it may give it: a note of its kind touching the record, or the record's period."""
    node = record.model
    period = field_value(node, "period")
    given = {note_flag(note) for note in notes} | (
        period_flags(period) if isinstance(period, Period) else set()
    )
    for index, flag in enumerate(node.flags):
        if flag != "sic" and flag not in given:
            yield (
                (*record.path, "flags", index),
                f"[{flag}] comes from {_FLAG_SOURCES[flag]}; nothing of the kind gives it to this record, "
                "so the flag would say what no note says",
            )


def _record_references(record: Record, records: Mapping[str, Record]) -> Iterator[tuple[PathKey, str]]:
    node = record.model
    derived = node.derived
    if isinstance(node, HistoryEvent) and derived is not None and derived.same_year_as is not None:
        other = records.get(derived.same_year_as)
        path = (*record.path, "derived", "same_year_as")
        if other is None or not isinstance(other.model, HistoryEvent):
            yield path, f"no event is named {derived.same_year_as!r}{_close(derived.same_year_as, records)}"
        elif other.model.date.year != node.date.year:
            yield (
                path,
                (
                    f"同年 means the year of {derived.same_year_as!r} ({other.model.date.year}), "
                    f"but this event is dated {node.date}"
                ),
            )


def cycles(links: Mapping[str, str | None]) -> Iterator[list[str]]:
    """Each cycle of references among ``links`` (id → the id it refers to, in the order of the
    data), once, starting at its member that comes first; linear in the links."""
    order = {name: index for index, name in enumerate(links)}
    walked: set[str] = set()
    for start in links:
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in links and current not in walked and current not in chain:
            chain.append(current)
            current = links[current]
        walked.update(chain)
        if current is not None and current in chain:
            cycle = chain[chain.index(current) :]
            turn = cycle.index(min(cycle, key=order.__getitem__))
            yield [*cycle[turn:], *cycle[:turn]]


def _same_year_not_circular(records: Mapping[str, Record]) -> Iterator[tuple[Record, str]]:
    """同年 takes an event's year from another's: from itself, or round in a circle, from none."""
    links = {
        ref: record.model.derived.same_year_as
        for ref, record in records.items()
        if isinstance(record.model, HistoryEvent) and record.model.derived is not None
    }
    for cycle in cycles(links):
        if len(cycle) == 1:
            message = "an event cannot take its year (同年) from itself; name the event whose year 同年 means"
        else:
            message = (
                f"same_year_as goes round in a circle ({' → '.join([*cycle, cycle[0]])}), so none of "
                "these years is stated: one of the events must have its year from its own quote"
            )
        yield records[cycle[0]], message


def _close(ref: str, records: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(ref, sorted(records), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
