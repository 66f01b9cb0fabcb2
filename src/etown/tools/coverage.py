"""Seed coverage: every sentence of the source is cited by some record, or deliberately left out.

The seed is cut into sentences (at 。 ; ; and line ends); a sentence counts as cited when every
character of it that is not white space or punctuation stands inside some record's quote, or
inside a passage that ``data/coverage.yaml`` leaves out with its reason (the breadcrumb, the table
of contents, the repeated table headers).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from etown.provenance import Seed, normalise
from etown.records import RecordIndex, field_value
from etown.schema import Period
from etown.sections import COVERAGE, SiteData
from etown.sourcedoc import SourceDocument

_SENTENCE_END = re.compile(r"(?<=[。;;!?!?])")
_PUNCTUATION = re.compile(r"[\s,,、。;;::“”\"()()《》【】>·!?!?.\-/+%]")


@dataclass(frozen=True)
class Sentence:
    paragraph: str
    """The id of its paragraph in the source document (p12)."""
    text: str


@dataclass(frozen=True)
class Coverage:
    sentences: list[Sentence]
    uncited: list[Sentence]
    skipped: int
    seed_path: str = ""

    @property
    def percent(self) -> float:
        counted = len(self.sentences) - self.skipped
        return 100.0 if counted <= 0 else 100.0 * (counted - len(self.uncited)) / counted


def sentences(document: SourceDocument) -> Iterator[Sentence]:
    for paragraph in document.paragraphs:
        for piece in _SENTENCE_END.split(paragraph.text):
            if _PUNCTUATION.sub("", piece):
                yield Sentence(paragraph.id, piece.strip())


def quotes_of(index: RecordIndex) -> Iterator[str]:
    """Every passage the records cite: their quotes and the passages that state their periods."""
    for record in index.records:
        yield record.model.source
        period = field_value(record.model, "period")
        if isinstance(period, Period) and period.stated_by:
            yield period.stated_by


def measure(seed: Seed, cited: Iterable[str], skipped: Iterable[str]) -> Coverage:
    """Which sentences of the seed the ``cited`` passages leave out (``skipped`` ones aside)."""
    text = normalise(seed.text)
    cited_mask = _mask(text, cited)
    skipped_mask = _mask(text, skipped)
    all_sentences = list(sentences(SourceDocument(seed)))
    uncited: list[Sentence] = []
    skipped_count = 0
    position = 0
    for sentence in all_sentences:
        wanted = normalise(sentence.text)
        start = text.find(wanted, position)
        if start < 0:  # pragma: no cover - every sentence is cut from the seed itself
            continue
        position = start + len(wanted)
        places = [
            start + offset for offset, character in enumerate(wanted) if not _PUNCTUATION.match(character)
        ]
        if all(skipped_mask[place] for place in places):
            skipped_count += 1
        elif not all(cited_mask[place] or skipped_mask[place] for place in places):
            uncited.append(sentence)
    return Coverage(all_sentences, uncited, skipped_count, seed.display_path)


def measure_site(seed: Seed, data: SiteData) -> Coverage:
    """The coverage of a project's seed by its checked data and data/coverage.yaml, both as the
    pipeline read them."""
    skipped = [entry.passage for entry in data[COVERAGE].skip]
    return measure(seed, quotes_of(data.index), skipped)


def _mask(text: str, passages: Iterable[str]) -> list[bool]:
    """Which characters of the (normalised) seed the passages cover, every occurrence counted."""
    mask = [False] * len(text)
    for passage in {normalise(passage) for passage in passages}:
        if not passage:
            continue
        start = text.find(passage)
        while start >= 0:
            mask[start : start + len(passage)] = [True] * len(passage)
            start = text.find(passage, start + 1)
    return mask
