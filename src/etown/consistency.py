"""What the site says of one passage of the source, it says wherever it shows that passage.

Checked once every file has its model, across files: records quoting the same passage carry the
same notes (a note on the passage concerns each of them).
"""

from collections.abc import Iterable, Iterator, Mapping

from pydantic import BaseModel

from etown.load import LoadedFile, PathKey
from etown.problems import Problem, field_path
from etown.provenance import normalise
from etown.records import Record
from etown.schema import NotesFile
from etown.sections import NOTES


def check_consistency(
    models: Mapping[str, BaseModel], files: Mapping[str, LoadedFile], records: Iterable[Record]
) -> Iterator[Problem]:
    def problem(section: str, path: PathKey, message: str) -> Problem:
        loaded = files[section]
        line, column = loaded.source_map.locate(path)
        return Problem(loaded.display_path, line, column, field_path(path), message)

    walked = list(records)
    notes = models[NOTES.name]
    assert isinstance(notes, NotesFile)
    for index, message in _same_passage_same_notes(notes, walked):
        yield problem(NOTES.name, ("notes", index, "touches"), message)


def _same_passage_same_notes(notes: NotesFile, records: list[Record]) -> Iterator[tuple[int, str]]:
    """A note that touches or mentions one record quoting a passage concerns every record quoting
    the same passage: the History's 25 June 2010 and the area table's core area are one fact."""
    by_passage: dict[str, list[str]] = {}
    passage_of: dict[str, str] = {}
    for record in records:
        passage = normalise(record.model.source)
        by_passage.setdefault(passage, []).append(record.ref)
        passage_of[record.ref] = passage
    for index, note in enumerate(notes.notes):
        named = {*note.touches, *note.mentions}
        missing: dict[str, str] = {}
        for ref in [*note.touches, *note.mentions]:
            for other in by_passage.get(passage_of.get(ref, ""), []):
                if other not in named and other not in missing:
                    missing[other] = ref
        for other, ref in missing.items():
            yield (
                index,
                f"{other!r} quotes the same passage as {ref!r}, which this note names: a note on "
                f"the passage concerns both; add {other!r} to touches (or mentions)",
            )
