"""The seed as a document on the site: its paragraphs, verbatim and in order, each with an id;
and for every quote a link to its exact words there (a paragraph id plus a text fragment,
``#p12:~:text=…``, which browsers highlight without any script).

A text fragment is matched by the browser against the page's text, first occurrence first, at
word boundaries (which for Chinese come from a dictionary). So a fragment is cut only at
punctuation or paragraph ends, uses the seed's own characters (stray spaces included), and is
checked here to find this quote's place before any other.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from etown.provenance import Seed, normalise

PAGE = "source"
"""The page key of the source document (templates/source.html, LANG/source.html)."""

_BREAK = re.compile(r"[,,、。;;::!?!?]")


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str


@dataclass(frozen=True)
class Passage:
    paragraph: str
    """The id of the paragraph where the quote begins."""
    fragment: str
    """``p12:~:text=…`` (percent-encoded, without the ``#``)."""


class SourceDocument:
    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.paragraphs = [
            Paragraph(f"p{number}", line.strip())
            for number, line in enumerate((line for line in seed.text.splitlines() if line.strip()), start=1)
        ]
        self._located: dict[str, Passage | None] = {}

    @cached_property
    def _text(self) -> str:
        """The paragraphs in page order, one per line, as the browser sees the page's text."""
        return "\n".join(paragraph.text for paragraph in self.paragraphs)

    @cached_property
    def _kept(self) -> list[int]:
        return [index for index, character in enumerate(self._text) if not character.isspace()]

    @cached_property
    def _normalised(self) -> str:
        return "".join(self._text[index] for index in self._kept)

    def _paragraph_at(self, index: int) -> str:
        return self.paragraphs[self._text.count("\n", 0, index)].id

    def locate(self, quote: str) -> Passage | None:
        """Where ``quote`` stands, and a fragment that takes a browser to it; None when the quote
        is not in the seed. (Every page of every language links each quote it shows: each is
        found once.)"""
        if quote not in self._located:
            self._located[quote] = self._locate(quote)
        return self._located[quote]

    def _locate(self, quote: str) -> Passage | None:
        wanted = normalise(quote)
        position = self._best_match(wanted, _gaps(quote)) if wanted else -1
        if position < 0:
            return None
        start = self._kept[position]
        end = self._kept[position + len(wanted) - 1] + 1
        paragraph = self._paragraph_at(start)
        return Passage(paragraph, f"{paragraph}:~:text={self._directive(start, end)}")

    def _best_match(self, wanted: str, gaps: list[int]) -> int:
        """The first place the quote's characters stand, white space aside, preferring one that
        also breaks where the quote does: "面积 225平方公里" is the infobox's two lines, not the
        "规划面积225平方公里" of a paragraph before them."""
        first = position = self._normalised.find(wanted)
        while gaps and position >= 0:
            if all(self._kept[position + gap] - self._kept[position + gap - 1] > 1 for gap in gaps):
                return position
            position = self._normalised.find(wanted, position + 1)
        return first

    def _directive(self, start: int, end: int) -> str:
        """The shortest text directive a browser resolves to exactly ``start:end``: the quote,
        or its first and last words (``start,end``), with the words before it as a prefix
        (``prefix-,…``) where the quote's words occur earlier in the document."""
        span = self._text[start:end]
        lines = span.split("\n")
        if len(lines) > 1:
            candidates = [(lines[0], lines[-1])]
        else:
            head, tail = _through_first_break(span), _from_last_break(span)
            candidates = [(span, "")] + ([(head, tail)] if head and tail else [])
        prefix = self._words_before(start)
        for use_prefix in (False, True):
            for first, last in candidates:
                chosen_prefix = prefix if use_prefix else ""
                if (use_prefix and not prefix) or self._lands(chosen_prefix, first, last) != (start, end):
                    continue
                return _terms(chosen_prefix, first, last)
        if len(lines) == 2:  # "01" then "机关党委": the number as the prefix of the name it numbers
            name_start = end - len(lines[1])
            if self._lands(lines[0], lines[1], "") == (name_start, end):
                return _terms(lines[0], lines[1], "")
        return _terms("", lines[0], lines[-1] if len(lines) > 1 else "")

    def _words_before(self, start: int) -> str:
        """The words just before ``start``: back to a break in its paragraph, or the paragraph before."""
        line_start = self._text.rfind("\n", 0, start) + 1
        before = self._text[line_start:start]
        if before.strip():
            return _from_last_break(before) or before
        previous = self._text.rfind("\n", 0, max(line_start - 1, 0)) + 1
        return self._text[previous : max(line_start - 1, 0)].strip()

    def _lands(self, prefix: str, first: str, last: str) -> tuple[int, int] | None:
        """Where a browser lands for ``prefix-,first,last``: the first ``first`` that the prefix
        (with only white space between) precedes, then the first ``last`` after it."""
        position = self._first_match(first)
        while position >= 0:
            if not prefix or self._text[:position].rstrip().endswith(prefix):
                if not last:
                    return position, position + len(first)
                end = self._first_match(last, position + len(first))
                return (position, end + len(last)) if end >= 0 else None
            position = self._first_match(first, position + 1)
        return None

    def _first_match(self, text: str, after: int = 0) -> int:
        return find_word(self._text, text, after)


def _terms(prefix: str, first: str, last: str) -> str:
    terms = [f"{_encoded(prefix)}-"] if prefix else []
    return ",".join([*terms, _encoded(first), *([_encoded(last)] if last else [])])


def find_word(text: str, term: str, after: int = 0) -> int:
    """Where ``term`` first stands in ``text`` as a browser's text fragment finds it: not inside
    a run of Latin letters or digits (Chinese word boundaries come from a dictionary; the
    browser test checks those)."""
    position = text.find(term, after)
    while position >= 0:
        before = text[position - 1] if position else " "
        beyond = text[position + len(term)] if position + len(term) < len(text) else " "
        if not (_latin(before) and _latin(term[0])) and not (_latin(beyond) and _latin(term[-1])):
            return position
        position = text.find(term, position + 1)
    return -1


def _latin(character: str) -> bool:
    return character.isascii() and character.isalnum()


def _through_first_break(text: str) -> str:
    match = _BREAK.search(text)
    return text[: match.start()] if match and match.start() > 0 else ""


def _from_last_break(text: str) -> str:
    matches = list(_BREAK.finditer(text))
    if not matches or matches[-1].end() >= len(text):
        return ""
    return text[matches[-1].end() :]


_RESERVED = {character: f"%{ord(character):02X}" for character in ",-&%#? \"<>'`"}


def _encoded(text: str) -> str:
    """Percent-encode what the text directive reserves (, - &) and what a URL or an attribute
    cannot hold; Chinese stays as it is (a browser encodes it when it follows the link), which
    keeps pages small."""
    return "".join(_RESERVED.get(character, character) for character in text)


def _gaps(quote: str) -> list[int]:
    """Where the quote breaks: the counts of its non-space characters before each run of white space."""
    stripped = quote.strip()
    return [len(normalise(stripped[: match.start()])) for match in re.finditer(r"\s+", stripped)]
