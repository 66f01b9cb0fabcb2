"""Every word proves itself: each Chinese text a record shows stands in the record's own quote, as
the seed writes it, except the words the data marks as the site's own.

A text is aligned with its quote character by character (difflib's longest matching blocks), so
each word must stand where the quote has it: replaced by another word, even one of the same quote,
it no longer aligns. Every run of the text the quote does not write in that place, and every
number the quote does not write, is a problem, said in the quote's words: ``the quote writes
社会保险保障中心; the text writes 上海保险保障中心``. Punctuation may differ. What a text may leave out
depends on what it is:

- a name, an infobox value, a title or a position is a piece of its quote, whole;
- prose (a passage, an event, a figure's text) may leave out whole clauses (the quote's ends
  count as clause breaks) or a figure or date it shows in its own fields, but no words within a
  clause (没有大城市病 is not 有大城市病);
- a label (a figure's label, the breakdown it belongs to, a body's organisation) heads the quote's
  words and may reorder them (产值超十亿元工业企业 for 工业企业产值超亿元185家,超十亿元54家): what
  does not align must be made of pieces of two or more characters of its quote, of the passage
  stating its period, of the quote of the whole it is part of or (a body) of its members' quotes,
  or of LABEL_WORDS.

Words in square brackets are the site's own (``[开发区]以北京0.35%的土地…``): they are not checked,
and pages show them as the site's. A run whose quote writes ``derived.written`` there is the
reading the record declares (evidence.py checks it).
"""

import difflib
import functools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from etown.load import LoadedFile, PathKey
from etown.problems import Problem, field_path, shorten
from etown.provenance import normalise
from etown.records import Record, field_value, records_in
from etown.schema import (
    Body,
    Fact,
    InfoboxRow,
    Membership,
    Person,
    Sourced,
    Text,
    fields_of,
    without_site_words,
)

LABEL_FIELDS = frozenset({"label", "breakdown", "organization"})
"""The texts that head a record rather than tell what the source says."""
EXCERPT_FIELDS = frozenset({"text"})
"""The texts that tell what their quote says, in its words, perhaps leaving some out; every other
text (a name, a value, a title, a position) is a piece of its quote, whole."""

LABEL_WORDS = frozenset({
    "的", "与", "按", "占", "后", "之比", "相比", "比重", "比例", "面积", "规模", "浓度", "范围", "划分",
    "场次", "项目",
})  # fmt: skip
"""The words a label may add to its quotes' to say what a figure measures (占…比重, 面积, 与全市相比).
None names a body, place or thing, and none is a number: kept that way, and short, on review."""

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_BREAKS = frozenset(',。;:!?、,;:!?“”‘’"《》()()【】「」『』/')
"""Where a clause ends, for messages: the problem is shown with the clause around it."""
_CLAUSE_ENDS = frozenset(",。;:!?,;:!?")
"""What ends a clause an excerpt may leave out."""
_IGNORED = _BREAKS | frozenset("·-—–~ …")
"""Characters a text may add or change freely: punctuation."""
ALIGNMENT_BUDGET = 10_000_000
"""How much aligning the texts of one file may cost, in characters of a text times characters of
its quote (the real data's costliest file, economy.yaml, spends about 0.3 million). difflib's
time grows with that product, and with hostile input it is slow: 5,000 characters of one repeated
character against a quote of 20,000 took 7.6 s. A text beyond the budget is checked in one pass
instead, by the pairs of characters its quote writes."""
MAX_MESSAGES = 3
"""The most places one text is said to differ from its quote; the rest are counted."""
_SHOWN_WHOLE = 20
"""A clause up to this long is shown whole; a longer one as the problem and a few characters
either side."""
_CONTEXT = 6

Finding = tuple[PathKey, str]


def check_wording_in_quote(
    loaded: LoadedFile,
    model: BaseModel,
    records: Iterable[Record] | None = None,
    misquoted: Collection[str] = (),
) -> Iterator[Problem]:
    """``records``: those of ``model``, when they have been walked already; ``misquoted``: the
    fields (``events[4].source``) whose quote is not in the seed, the problem to fix first."""
    records = list(records if records is not None else records_in(loaded.name, model))
    related = _Related(records)
    people = _people(model)
    budget = [ALIGNMENT_BUDGET]
    for record in records:
        if misquoted and field_path((*record.path, "source")) in misquoted:
            continue
        for path, message in _record_findings(record, related, people, budget):
            line, column = loaded.source_map.locate(path)
            yield Problem(loaded.display_path, line, column, field_path(path), message)


def _people(model: BaseModel) -> dict[str, Person]:
    people = getattr(model, "people", None)
    return {person.id: person for person in people} if isinstance(people, list) else {}


def _record_findings(
    record: Record, related: "_Related", people: dict[str, Person], budget: list[int]
) -> Iterator[Finding]:
    """``budget``: what aligning may still cost in this file (see ALIGNMENT_BUDGET)."""
    node = record.model
    quote = _Quote(node.source)
    derived = node.derived.written if node.derived is not None and node.derived.written else None
    for name, value in fields_of(node):
        if not isinstance(value, Text):
            continue
        how = _how(node, name)
        if how == "label" and not related.known(node):
            continue  # the whole it names is missing: that is the problem to fix first
        others = functools.partial(related.passages, node, name) if how == "label" else _none
        for message in _text_findings(value["zh"], quote, how, budget, others, derived):
            yield (*record.path, name, "zh"), message
    if isinstance(node, Membership) and node.person in people:
        name = people[node.person].name["zh"]
        if normalise(name) not in quote.text:
            yield (
                (*record.path, "person"),
                f"the quote does not name {name} ({node.person}); it says: {shorten(node.source, 80)}",
            )


How = Literal["whole", "excerpt", "label"]
"""How a text stands in its quote: whole (a name, a value, a title), an excerpt (prose, which
may leave out clauses) or a label."""


def _how(record: Sourced, field: str) -> How:
    if field in EXCERPT_FIELDS:
        return "excerpt"
    if field in LABEL_FIELDS and not isinstance(record, InfoboxRow):  # a key fact's label is the seed's
        return "label"
    return "whole"


class _Passages:
    """Passages as a label's check reads them: the pairs of characters they write, and their
    numbers, each made once when first asked for (and once for all the labels sharing them)."""

    def __init__(self, passages: Iterable[str]) -> None:
        self.texts = [normalise(passage) for passage in passages]

    @functools.cached_property
    def pairs(self) -> frozenset[str]:
        return frozenset(text[index : index + 2] for text in self.texts for index in range(len(text) - 1))

    @functools.cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(number for text in self.texts for number in _NUMBER.findall(text))


_NONE = _Passages(())


def _none() -> _Passages:
    return _NONE


class _Related:
    """The passages a label may take its words from besides its own quote: its period's
    stated_by, the quote of the whole it is part of, a body's members' quotes, and for a
    breakdown (shared by the parts of one way of dividing a whole) the quotes of those parts."""

    def __init__(self, records: list[Record]) -> None:
        facts = [record.model for record in records if isinstance(record.model, Fact)]
        self.wholes = {fact.id: fact.source for fact in facts}
        self._breakdowns: dict[str, list[str]] = {}
        for fact in facts:
            if fact.breakdown is not None:
                self._breakdowns.setdefault(fact.breakdown["zh"], []).append(fact.source)
        self._shared: dict[str, _Passages] = {}

    def known(self, node: Sourced) -> bool:
        return not isinstance(node, Fact) or node.part_of is None or node.part_of in self.wholes

    def passages(self, node: Sourced, field: str) -> _Passages:
        if field == "breakdown" and isinstance(node, Fact) and node.breakdown is not None:
            key = node.breakdown["zh"]
            if key not in self._shared:
                self._shared[key] = _Passages(self._breakdowns[key])
            return self._shared[key]
        passages = []
        period = field_value(node, "period")
        if period is not None and period.stated_by is not None:
            passages.append(period.stated_by)
        if isinstance(node, Fact) and node.part_of is not None:
            passages.append(self.wholes[node.part_of])
        if isinstance(node, Body):
            passages.extend(member.source for member in node.members)
        return _Passages(passages)


Opcode = tuple[str, int, int, int, int]
"""One step of difflib's alignment: (tag, quote start, quote end, text start, text end)."""


class _Quote:
    """A record's quote, white space removed; its map back to the quote as written is made only
    for a text that is not simply a piece of it."""

    def __init__(self, written: str) -> None:
        self.written = written
        self.text = normalise(written)

    @functools.cached_property
    def mapped(self) -> "_Written":
        return _Written.of(self.written)


def _text_findings(
    written: str,
    quote: _Quote,
    how: How,
    budget: list[int],
    others: Callable[[], _Passages] = _none,
    derived: str | None = None,
) -> list[str]:
    """What is wrong with one Chinese text against its quote: a message per clause. ``others``:
    the passages a label may also take words from (made only for a label not cut from its quote)."""
    bare = without_site_words(written)
    if normalise(bare) in quote.text:  # cut from its quote whole: most texts
        return []
    text, mapped = _Written.of(bare), quote.mapped
    passages = (_Passages([mapped.text]), others())
    spans = [
        match.span()
        for match in _NUMBER.finditer(text.text)
        if not any(match.group() in passage.numbers for passage in passages)
        and match.group() not in (derived or "")
    ]
    cost = len(text.text) * len(mapped.text)
    if cost > budget[0]:
        budget[0] = 0
        covered = _cover(text.text, passages, label=how == "label")
        spans += [(index, index + 1) for index, is_covered in enumerate(covered) if not is_covered]
        clauses = _clauses(text.text, spans)
        messages = [f"the quote does not write {text.shown(start, end)}" for start, end in clauses]
    else:
        budget[0] -= cost
        opcodes = difflib.SequenceMatcher(None, mapped.text, text.text, autojunk=False).get_opcodes()
        allowed = _Allowed(text.text, mapped.text, passages, derived, how)
        spans += [(j1, j2) for (*_, j1, j2) in opcodes if not allowed.change((*_, j1, j2), opcodes)]
        clauses = _clauses(text.text, spans)
        messages = [_message(mapped, text, opcodes, start, end, how) for start, end in clauses[:MAX_MESSAGES]]
    if len(clauses) > MAX_MESSAGES:
        messages[MAX_MESSAGES:] = [
            f"and in {len(clauses) - MAX_MESSAGES} more places the text differs from its quote"
        ]
    return messages


class _Allowed:
    """Which differences from its quote a text may make: punctuation; leaving words out (a whole
    text: only before or after it; an excerpt: whole clauses, or a figure or date it shows in its
    own fields; a label: anything); the reading ``derived`` declares; in a label, pieces of its
    passages and the label words."""

    def __init__(
        self, text: str, quote: str, passages: tuple[_Passages, ...], derived: str | None, how: How
    ) -> None:
        self.text, self.quote, self.how = text, quote, how
        self.derived = derived
        self.derived_at = _occurrences(quote, derived) if derived else []
        self.covered = _cover(text, passages, label=True) if how == "label" else None

    def change(self, opcode: Opcode, opcodes: Sequence[Opcode]) -> bool:
        tag, i1, i2, j1, j2 = opcode
        if tag == "equal" or any(start <= i1 and i2 <= end for start, end in self.derived_at):
            return True
        if not all(character in _IGNORED for character in self.text[j1:j2]):
            return self.covered is not None and all(self.covered[j1:j2])
        return tag == "insert" or self._left_out(i1, i2, opcode, opcodes)

    def _left_out(self, i1: int, i2: int, opcode: Opcode, opcodes: Sequence[Opcode]) -> bool:
        left_out = self.quote[i1:i2]
        if self.how == "label" or all(character in _IGNORED for character in left_out):
            return True
        if self.how == "whole":
            return opcode in (opcodes[0], opcodes[-1])
        starts_clause = i1 == 0 or self.quote[i1 - 1] in _CLAUSE_ENDS
        ends_clause = i2 == len(self.quote) or self.quote[i2] in _CLAUSE_ENDS or left_out[-1] in _CLAUSE_ENDS
        return (
            (starts_clause and ends_clause)
            or any(character.isdigit() for character in left_out)
            or (self.derived is not None and self.derived in left_out)
        )


def _occurrences(text: str, words: str) -> list[tuple[int, int]]:
    found, start = [], text.find(words)
    while start >= 0:
        found.append((start, start + len(words)))
        start = text.find(words, start + 1)
    return found


def _cover(text: str, passages: tuple[_Passages, ...], *, label: bool) -> list[bool]:
    """Which characters of a text lie in a piece of two or more characters of one of its
    passages (that is, in a pair of characters one of them writes), or (a label's) in a label
    word."""
    covered = [character in _IGNORED or character.isdigit() for character in text]
    for index in range(len(text) - 1):
        if any(text[index : index + 2] in passage.pairs for passage in passages):
            covered[index] = covered[index + 1] = True
    for word in LABEL_WORDS if label else ():
        for start, end in _occurrences(text, word):
            covered[start:end] = [True] * (end - start)
    return covered


def _clauses(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The clauses of ``text`` holding the spans (a clause runs between punctuation marks; a span
    of nothing, where words were left out, is in the clauses either side), each once, in order.
    Each character is walked over once however many spans a clause holds."""
    found: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if start == end:
            start, end = max(0, start - 1), min(len(text), end + 1)
        if found and start < found[-1][1]:  # within the clause found last
            if end <= found[-1][1]:
                continue
            start = found.pop()[0]
        else:
            while start > 0 and text[start - 1] not in _BREAKS:
                start -= 1
        while end < len(text) and text[end] not in _BREAKS:
            end += 1
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(end, found[-1][1]))
        else:
            found.append((start, end))
    return found


_HINTS = {
    "label": (
        " (a label may reorder the words of its quote, of its period's stated_by and of the whole it is "
        "part of, and add the label words {words}; other words of the site's own go in square brackets)"
    ),
    "added": "; words of the site's own go in square brackets: [{words}]",
    "whole": " (a name, value or title is a piece of its quote, whole)",
    "excerpt": (
        " (a text may leave out whole clauses, or a figure or date it shows in its own fields, but not "
        "words within a clause)"
    ),
}


def _message(
    quote: "_Written", text: "_Written", opcodes: Sequence[Opcode], start: int, end: int, how: How
) -> str:
    start, end = _narrowed(text.text, opcodes, start, end)
    whole_words = how != "label"
    said = quote.shown(
        _aligned_start(quote, opcodes, start, whole_words=whole_words),
        _aligned_end(quote, opcodes, end, whole_words=whole_words),
    )
    written = text.shown(start, end)
    if said:
        message = f"the quote writes {said}; the text writes {written}"
    else:
        message = f"the quote does not write {written} (it says: {shorten(quote.original, 80)})"
    changes = [(tag, j1, j2) for tag, _, _, j1, j2 in opcodes if tag != "equal" and j1 <= end and j2 >= start]
    if how == "label":
        return message + _HINTS["label"].format(words="、".join(sorted(LABEL_WORDS)))
    if changes and all(tag == "insert" for tag, _, _ in changes):
        return message + _HINTS["added"].format(words="…".join(text.text[j1:j2] for _, j1, j2 in changes))
    if changes and all(tag == "delete" for tag, _, _ in changes):
        return message + _HINTS[how]
    return message


def _narrowed(text: str, opcodes: Sequence[Opcode], start: int, end: int) -> tuple[int, int]:
    """A long clause cut to its unaligned part and a few characters either side (never within a
    number)."""
    if end - start <= _SHOWN_WHOLE:
        return start, end
    unaligned = [
        (max(j1, start), min(j2, end))
        for tag, _, _, j1, j2 in opcodes
        if tag != "equal" and j1 < end and j2 > start
    ] or [(start, end)]
    first, last = unaligned[0][0], unaligned[-1][1]
    cut_start, cut_end = max(start, first - _CONTEXT), min(end, max(last, first + 1) + _CONTEXT)
    while cut_start > start and _in_number(text, cut_start):
        cut_start -= 1
    while cut_end < end and _in_number(text, cut_end):
        cut_end += 1
    return cut_start, cut_end


def _in_number(text: str, index: int) -> bool:
    """Whether a cut before ``text[index]`` would split a number."""
    number = "0123456789."
    return text[index - 1] in number and text[index] in number


def _aligned_start(quote: "_Written", opcodes: Sequence[Opcode], position: int, *, whole_words: bool) -> int:
    """Where in the quote the text's ``position`` starts: within a matched block, its twin; in a
    run the quote writes otherwise, that run from its last word break (06 社会保险… → 社会). With
    ``whole_words``, a position just after words the text leaves out starts with the word they
    end (政务服务中心 for 服务中心)."""
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if j1 <= position < j2:
            if tag != "equal":
                return max([i1, *(at for at in range(i1 + 1, i2) if quote.breaks_at(at))])
            before = opcodes[index - 1] if index else None
            if whole_words and position == j1 and before is not None and before[0] == "delete":
                return max(
                    [before[1], *(at for at in range(before[1], before[2] + 1) if quote.breaks_at(at))]
                )
            return i1 + position - j1
    return len(quote.text)


def _aligned_end(quote: "_Written", opcodes: Sequence[Opcode], position: int, *, whole_words: bool) -> int:
    """Where in the quote the text's ``position`` ends, likewise (to a word break)."""
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if j1 < position <= j2:
            if tag != "equal":
                return (
                    i2
                    if position == j2
                    else min([i2, *(at for at in range(i1 + 1, i2) if quote.breaks_at(at))])
                )
            after = opcodes[index + 1] if index + 1 < len(opcodes) else None
            if whole_words and position == j2 and after is not None and after[0] == "delete":
                return min([after[2], *(at for at in range(after[1], after[2] + 1) if quote.breaks_at(at))])
            return i1 + position - j1
    return 0


@dataclass(frozen=True)
class _Written:
    """A text or quote with its white space removed (the seed wraps its lines at random), and
    where each remaining character stands in it as written."""

    original: str
    text: str
    at: tuple[int, ...]

    @staticmethod
    def of(written: str) -> "_Written":
        at = tuple(index for index, character in enumerate(written) if not character.isspace())
        return _Written(written, "".join(written[index] for index in at), at)

    def shown(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        return " ".join(self.original[self.at[start] : self.at[end - 1] + 1].split())

    def breaks_at(self, index: int) -> bool:
        """Whether a word ends before ``text[index]``: white space or punctuation is there."""
        return (
            index in (0, len(self.text))
            or self.at[index] > self.at[index - 1] + 1
            or self.text[index - 1] in _BREAKS
            or self.text[index] in _BREAKS
        )
