"""Every record of the data with its reference: the id notes and links use to name it.

Most records carry an ``id``; rows that do not are named by their place: ``infobox:area``,
``institution:GROUP:NUMBER``, ``member:BODY:PERSON``. Notes name the records they touch this way,
pages use the reference (made safe for HTML) as the anchor of a record's source and notes.
"""

import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from etown.load import PathKey
from etown.schema import (
    CONFLICT_KINDS,
    Body,
    Flag,
    InfoboxRow,
    Institution,
    InstitutionGroup,
    Membership,
    NotesFile,
    Period,
    Sourced,
    SourceNote,
    Text,
    fields_of,
)

FLAGS: tuple[Flag, ...] = typing.get_args(Flag)


@dataclass(frozen=True)
class Record:
    ref: str
    model: Sourced
    section: str
    path: PathKey
    """Where the record stands in its data file (for messages)."""

    @property
    def anchor(self) -> str:
        return anchor(self.ref)


_NOT_IN_ANCHOR = re.compile(r"[^a-z0-9-]")


def anchor(ref: str) -> str:
    """``institution:functional-departments:01`` → ``institution-functional-departments-01``."""
    return _NOT_IN_ANCHOR.sub("-", ref.lower())


def records_in(section: str, model: BaseModel) -> Iterator[Record]:
    """Every sourced record of one data file, outermost first."""
    yield from _walk(model, section, (), None)


def _walk(node: Any, section: str, path: PathKey, parent: Any) -> Iterator[Record]:
    if isinstance(node, BaseModel):
        if isinstance(node, Sourced):
            ref = _ref(node, parent)
            if ref is not None:
                yield Record(ref, node, section, path)
        for name, value in fields_of(node):
            yield from _walk(value, section, (*path, name), node)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, section, (*path, index), parent)


def _ref(record: Sourced, parent: Any) -> str | None:
    if isinstance(record, InfoboxRow):
        return f"infobox:{record.key}"
    if isinstance(record, Institution) and isinstance(parent, InstitutionGroup):
        return f"institution:{parent.id}:{record.number}"
    if isinstance(record, Membership) and isinstance(parent, Body):
        return f"member:{parent.id}:{record.person}"
    record_id = getattr(record, "id", None)
    return record_id if isinstance(record_id, str) else None


NOTE_FLAGS: dict[str, Flag | None] = {
    **dict.fromkeys(CONFLICT_KINDS, "conflict"),
    "scope-unclear": "scope",
    "incomplete-count": "incomplete",
    "same-number-different-things": None,
    "different-names": None,
    "reference-year": None,
    "typo-or-garble": None,
    "repeated-sentence": None,
    "toc-vs-headings": None,
    "typography": None,
    "brand-for-name": None,
    "other": None,
}
"""The flag a note gives the records it touches, by its kind: one meaning per flag, so [conflict]
only where the note says two statements of the source disagree. A slip in the source is flagged
[sic] only where the record shows the slipped words themselves: such notes say ``flag: sic``.
The other kinds give no flag; the note's number beside the record leads to it."""
FIGURE_FLAGS: frozenset[Flag] = frozenset({"scope", "incomplete"})
"""Flags that say something about a figure: a record that shows no number does not carry them."""


def field_value(model: object, name: str) -> Any:
    """The value of ``model``'s field ``name``, or None where it has no such field. Read from the
    instance's fields, not with getattr: a miss there goes through pydantic's ``__getattr__``
    and an exception, and the checks across files ask every record for its period and value
    after every edit (a tenth of their time)."""
    fields = getattr(model, "__dict__", None)
    return fields.get(name) if fields is not None else None


def note_flag(note: SourceNote) -> Flag | None:
    """The flag a note gives the records it touches: its own ([sic]) or its kind's."""
    return note.flag or NOTE_FLAGS[note.kind]


def period_flags(period: Period) -> set[Flag]:
    """The flags a record's period gives it: [inferred], [as of publication]."""
    flags: set[Flag] = set()
    if period.inferred is not None:
        flags.add("inferred")
    if period.publication or period.years_to_publication is not None:
        flags.add("publication")
    return flags


def shows_a_figure(record: object) -> bool:
    """Whether a record shows a number: a quantity, or a text whose Chinese writes digits."""
    if any(getattr(record, name, None) is not None for name in ("value", "quantity", "output")):
        return True
    text = getattr(record, "text", None)
    return isinstance(text, Text) and any(character.isdigit() for character in text["zh"])


class UnknownRecord(KeyError):
    """A reference that names no record (a template's choice of records, for one)."""

    def __str__(self) -> str:
        return f"no record of the data is named {self.args[0]!r}"


class RecordIndex:
    """Who is who in the data: each record's ref (by the model object), the notes that touch it,
    the flags it carries. Made once per validated site, outside any recording view."""

    def __init__(self, models: Mapping[str, BaseModel], records: list[Record] | None = None) -> None:
        """``records``: those of ``models``, in order, when they have been walked already."""
        if records is None:
            records = [record for name, model in models.items() for record in records_in(name, model)]
        self.records = records
        self._refs = {id(record.model): record.ref for record in self.records}
        self._by_ref = {record.ref: record for record in self.records}
        notes = models.get("notes")
        self._flags: dict[int, tuple[Flag, ...]] = {}
        self._notes: dict[str, list[SourceNote]] = {}
        self._touching: dict[str, list[SourceNote]] = {}
        if isinstance(notes, NotesFile):
            for note in notes.notes:
                for ref in note.touches:
                    self._touching.setdefault(ref, []).append(note)
                for ref in (*note.touches, *note.mentions):
                    self._notes.setdefault(ref, []).append(note)

    def ref(self, record: object) -> str | None:
        return self._refs.get(id(record))

    def record(self, ref: str) -> Record:
        try:
            return self._by_ref[ref]
        except KeyError:
            raise UnknownRecord(ref) from None

    def notes(self, record: object) -> list[SourceNote]:
        """The notes that touch or mention it, in the order of data/notes.yaml."""
        ref = self.ref(record)
        return self._notes.get(ref, []) if ref is not None else []

    def flags(self, record: object) -> list[Flag]:
        """Its own flags, its period's (inferred, as of publication), its notes' (in FLAG order).
        (Worked out once per record: every page and table showing the record asks.)"""
        key = id(record)
        if key not in self._flags:
            self._flags[key] = self._flags_of(record)
        return list(self._flags[key])

    def flag_notes(self, record: object) -> list[tuple[Flag, SourceNote]]:
        """The notes that give a record a flag, each with the flag it gives, in the order of
        data/notes.yaml: what a page that shows the flag without the record's other notes (the
        fact sheet) footnotes it with."""
        ref = self.ref(record)
        figure = shows_a_figure(record)
        found = []
        for note in self._touching.get(ref, []) if ref is not None else []:
            flag = note_flag(note)
            if flag is not None and (figure or flag not in FIGURE_FLAGS):
                found.append((flag, note))
        return found

    def _flags_of(self, record: object) -> tuple[Flag, ...]:
        found: set[str] = set(getattr(record, "flags", []))
        period = field_value(record, "period")
        if isinstance(period, Period):
            found |= period_flags(period)
        found.update(flag for flag, _ in self.flag_notes(record))
        return tuple(flag for flag in FLAGS if flag in found)
