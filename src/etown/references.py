"""References between data files, checked once every file has its model: the records a note
touches, the territory a figure's scope names, the event a 同年 date takes its year from."""

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from etown.load import LoadedFile, PathKey
from etown.problems import Problem, field_path
from etown.records import Record, records_in
from etown.schema import Fact, HistoryEvent, NotesFile
from etown.sections import NOTES

AREA_UNITS = {"平方公里", "平方米", "万平方米"}


def check_references(models: Mapping[str, BaseModel], files: Mapping[str, LoadedFile]) -> Iterator[Problem]:
    records = {record.ref: record for name, model in models.items() for record in records_in(name, model)}

    def problem(section: str, path: PathKey, message: str) -> Problem:
        loaded = files[section]
        line, column = loaded.source_map.locate(path)
        return Problem(loaded.display_path, line, column, field_path(path), message)

    notes = models[NOTES.name]
    assert isinstance(notes, NotesFile)
    for index, note in enumerate(notes.notes):
        for position, ref in enumerate(note.touches):
            if ref not in records:
                path = ("notes", index, "touches", position)
                yield problem(NOTES.name, path, f"no record is named {ref!r}{_close(ref, records)}")
    for record in records.values():
        yield from (
            problem(record.section, path, message) for path, message in _record_references(record, records)
        )


def _record_references(record: Record, records: Mapping[str, Record]) -> Iterator[tuple[PathKey, str]]:
    node = record.model
    if isinstance(node, Fact) and node.scope is not None:
        territory = records.get(node.scope)
        if territory is None:
            yield (*record.path, "scope"), f"no record is named {node.scope!r}{_close(node.scope, records)}"
        elif not (
            isinstance(territory.model, Fact)
            and territory.model.value
            and territory.model.value.unit in AREA_UNITS
        ):
            yield (
                (*record.path, "scope"),
                f"{node.scope!r} is not an area; a scope names the area fact of a territory",
            )
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


def _close(ref: str, records: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(ref, sorted(records), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
