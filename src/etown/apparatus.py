"""A page's scholarly apparatus: what its figures lean on, gathered once at the end of the page.

While a page renders, each record it shows registers its source quote (numbered S1, S2 … in
order, a quote shared by several records listed once), the notes that touch it (numbered once
per page, however often they are marked) and the status flags it carries (so the page's legend
explains exactly those). Templates print the marks inline and the lists at the end; in print the
lists are the "Sources and notes" appendix.
"""

from dataclasses import dataclass, field

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
    also: dict[str, None] = field(default_factory=dict)
    """The anchors of the other records citing it (each record's ``s-ANCHOR`` leads here), in
    order: a dict, since at scale a quote is cited by thousands of records and looking each one
    up in a list made a page's apparatus quadratic."""
    inferred: list[Period] = field(default_factory=list)
    """Periods this site inferred for records citing this quote (the page says why)."""


@dataclass
class Apparatus:
    notes: list[SourceNote] = field(default_factory=list)
    sources: list[SourceEntry] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    site_words: bool = False
    """Whether a record on the page shows words of the site's own ([开发区]): the legend says so."""
    home: str = ""
    """The key of the page where the records now being shown have their sources gathered: the
    page itself, or (on a page that shows every section, the fact sheet) each section's own page."""
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

    def at(self, home: str) -> str:
        """Records shown from now on belong to the page ``home`` (called by each section)."""
        self.home = home
        return ""

    def source(self, record: Sourced, anchor: str) -> SourceEntry:
        entry = self._by_quote.get(record.source)
        if entry is None:
            entry = SourceEntry(len(self.sources) + 1, record.source, anchor)
            self.sources.append(entry)
            self._by_quote[record.source] = entry
        elif anchor != entry.anchor:
            entry.also[anchor] = None
        period = getattr(record, "period", None)
        if isinstance(period, Period) and period.inferred is not None and period not in entry.inferred:
            entry.inferred.append(period)
        return entry

    def flag(self, flag: Flag) -> Flag:
        if flag not in self.flags:
            self.flags.append(flag)
        return flag
