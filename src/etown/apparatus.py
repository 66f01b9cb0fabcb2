"""A page's scholarly apparatus: what its figures lean on, gathered once at the end of the page.

While a page renders, each record it shows registers its source quote (numbered S1, S2 … in
order, a quote shared by several records listed once), the notes that touch it (numbered once
per page, however often they are marked) and the status flags it carries (so the page's legend
explains exactly those). Templates print the marks inline and the lists at the end; in print the
lists are the "Sources and notes" appendix.
"""

from dataclasses import dataclass, field

from etown.records import field_value
from etown.schema import Flag, Period, Sourced, SourceNote


@dataclass(frozen=True)
class Mark:
    number: int
    first: bool
    """The first mark of its note on the page carries the id the note links back to."""


@dataclass
class SourceEntry:
    number: int
    quote: str
    anchor: str
    """The first record citing it: the entry links back there."""
    inferred: list[Period] = field(default_factory=list)
    """Periods this site inferred for records citing this quote (the page says why)."""


@dataclass
class Apparatus:
    notes: list[SourceNote] = field(default_factory=list)
    sources: list[SourceEntry] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    site_words: bool = False
    """Whether a record on the page shows words of the site's own ([开发区]): the legend says so."""
    unmarked: dict[str, tuple[SourceNote, str]] = field(default_factory=dict)
    """Notes touching a record shown without its note marks (the sentence that opens a page), by
    id, with the record's anchor: listed at the end of the page unless a mark numbers them first
    (see settled)."""
    backs: dict[int, str] = field(default_factory=dict)
    """Where a note listed without a mark leads back to: its record's anchor, by number."""
    _note_numbers: dict[str, int] = field(default_factory=dict)
    _note_marks: dict[str, int] = field(default_factory=dict)
    _by_quote: dict[str, SourceEntry] = field(default_factory=dict)

    def note(self, note: SourceNote) -> Mark:
        if note.id not in self._note_numbers:
            self.notes.append(note)
            self._note_numbers[note.id] = len(self.notes)
        number = self._note_numbers[note.id]
        self._note_marks[note.id] = self._note_marks.get(note.id, 0) + 1
        return Mark(number, self._note_marks[note.id] == 1)

    def unmarked_note(self, note: SourceNote, anchor: str) -> None:
        """A note touching a record shown without marks: listed, but numbered only at the end."""
        self.unmarked.setdefault(note.id, (note, anchor))

    def settled(self) -> "Apparatus":
        """The apparatus once the page is rendered: the unmarked notes that no mark has numbered
        get the numbers after the others, leading back to their records."""
        for note, anchor in self.unmarked.values():
            if note.id not in self._note_numbers:
                self.note(note)
                self.backs[self._note_numbers[note.id]] = anchor
        self.unmarked.clear()
        return self

    def source(self, record: Sourced, anchor: str) -> SourceEntry:
        entry = self._by_quote.get(record.source)
        if entry is None:
            entry = SourceEntry(len(self.sources) + 1, record.source, anchor)
            self.sources.append(entry)
            self._by_quote[record.source] = entry
        period = field_value(record, "period")
        if isinstance(period, Period) and period.inferred is not None and period not in entry.inferred:
            entry.inferred.append(period)
        return entry

    def flag(self, flag: Flag) -> Flag:
        if flag not in self.flags:
            self.flags.append(flag)
        return flag
