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
        is not in the seed."""
        wanted = normalise(quote)
        position = self._normalised.find(wanted) if wanted else -1
        if position < 0:
            return None
        start = self._kept[position]
        end = self._kept[position + len(wanted) - 1] + 1
        paragraph = self._paragraph_at(start)
        return Passage(paragraph, f"{paragraph}:~:text={self._directive(start, end)}")

    def _directive(self, start: int, end: int) -> str:
        span = self._text[start:end]
        lines = span.split("\n")
        if len(lines) == 1 and self._first_match(span) == start:
            return _encoded(span)
        first, last = lines[0], lines[-1]
        head = first if len(lines) > 1 else _through_first_break(first)
        tail = last if len(lines) > 1 else _from_last_break(last)
        if (
            head
            and tail
            and len(head) + len(tail) < len(span)
            and self._first_match(head) == start
            and self._text.find(tail, start + len(head)) + len(tail) == end
        ):
            return f"{_encoded(head)},{_encoded(tail)}"
        return _encoded(span) if len(lines) == 1 else f"{_encoded(first)},{_encoded(last)}"

    def _first_match(self, text: str) -> int:
        return self._text.find(text)


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
