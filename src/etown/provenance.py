"""Every ``source`` quote must stand in the seed, word for word (white space aside)."""

import bisect
import difflib
import hashlib
import itertools
import operator
import re
import stat
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from etown.load import NONCHARACTERS, forbidden_kind, refuse_location
from etown.problems import DataError, Problem, UsageError, shorten

_WHITESPACE = re.compile(r"\s+")
_CLOSEST_ENOUGH = 0.5
MAX_SEED_BYTES = 2_000_000
"""The longest seed etown reads; the real one is 21 kB."""
HINT_BUDGET = 2_000_000
"""How many characters of the seed the closest-passage hints of one check may read (a hint reads
the whole seed once). With the real seed that is some 200 hints; a seed of 2 MB and thousands of
wrong quotes would otherwise take minutes (88 s measured)."""
HINT_QUOTE_LENGTH = 200
"""The first this many characters of a quote (white space removed) are compared for a hint: the
hint shows only the start of the passage, and difflib's time grows with the square of the length
(the longest quote of the data has 172)."""


@dataclass
class HintBudget:
    """What is left of HINT_BUDGET in one run; once spent, no more hints are looked for."""

    characters: int = HINT_BUDGET

    def spend(self, characters: int) -> bool:
        if characters > self.characters:
            self.characters = 0
            return False
        self.characters -= characters
        return True


def normalise(text: str) -> str:
    """Remove all white space: the seed wraps and pads lines at random, Chinese needs no spaces."""
    return _WHITESPACE.sub("", text)


def _fold_width(text: str) -> str:
    """Full-width and half-width forms alike (',' and ',', '1' and '1'), white space removed."""
    return normalise(unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Seed:
    display_path: str
    text: str
    sha256: str = ""

    @cached_property
    def normalised(self) -> str:
        return normalise(self.text)

    @cached_property
    def width_folded(self) -> str:
        return _fold_width(self.text)

    @cached_property
    def _gaps(self) -> tuple[list[int], list[int]]:
        """Where in ``normalised`` white space was removed, and how much in all up to there."""
        starts, removed, total = [], [0], 0
        for run in _WHITESPACE.finditer(self.text):
            starts.append(run.start() - total)
            total += len(run.group())
            removed.append(total)
        return starts, removed

    def _in_text(self, index: int) -> int:
        """Where the character ``normalised[index]`` stands in ``text``."""
        starts, removed = self._gaps
        return index + removed[bisect.bisect_right(starts, index)]

    def contains(self, quote: str) -> bool:
        return normalise(quote) in self.normalised

    def closest_passage(self, quote: str, budget: HintBudget | None = None) -> str | None:
        """The passage of the seed most like (the start of) ``quote``, as the seed writes it, or
        None; raises HintBudgetSpent when ``budget`` does not cover the search.

        The window of the seed sharing most character pairs with the quote is found in one
        pass, then trimmed to what really matches it.
        """
        wanted = normalise(quote)[:HINT_QUOTE_LENGTH]
        seed = self.normalised
        if len(wanted) < 2 or len(seed) < 2:
            return None
        cost = len(seed) + len(wanted) ** 2 * 3 // 2  # one pass over the seed, then difflib
        if "_gaps" not in self.__dict__:
            cost += len(self.text) - len(seed)  # finding the white space, once
        if budget is not None and not budget.spend(cost):
            raise HintBudgetSpent
        start = _best_window(wanted, seed)
        margin = len(wanted)
        region_start = max(0, start - margin)
        region = seed[region_start : start + len(wanted) + margin]
        matcher = difflib.SequenceMatcher(None, wanted, region, autojunk=False)
        blocks = [block for block in matcher.get_matching_blocks() if block.size]
        while len(blocks) > 1 and blocks[0].size == 1:  # a stray character is no passage
            blocks.pop(0)
        while len(blocks) > 1 and blocks[-1].size == 1:
            blocks.pop()
        if not blocks:
            return None
        first, last = region_start + blocks[0].b, region_start + blocks[-1].b + blocks[-1].size
        ratio = difflib.SequenceMatcher(None, wanted, seed[first:last], autojunk=False).ratio()
        if ratio < _CLOSEST_ENOUGH:
            return None
        return " ".join(self.text[self._in_text(first) : self._in_text(last - 1) + 1].split())

    def hint(self, quote: str, budget: HintBudget | None = None) -> str:
        """What to tell someone whose quote is not in the seed."""
        if _fold_width(quote) in self.width_folded:
            return (
                "it differs from the seed only in full-width or half-width characters "
                "(such as \uff0c and ,); copy the passage from the seed"
            )
        try:
            closest = self.closest_passage(quote, budget)
        except HintBudgetSpent:
            return (
                "etown stopped looking for the closest passages, as too many quotes differ from "
                "the seed (or it is very long); fix the first ones and check again"
            )
        if closest is None:
            return "no passage of the seed is close to it"
        return f"the closest passage of the seed is: {shorten(closest, 80)}"


class HintBudgetSpent(Exception):
    """The hints of this run have read as much of the seed as they may."""


def _best_window(wanted: str, seed: str) -> int:
    """Where the (first) window of ``len(wanted)`` characters sharing most character pairs starts."""
    pairs = {wanted[index : index + 2] for index in range(len(wanted) - 1)}
    hits = bytes(map(pairs.__contains__, map(operator.add, seed, seed[1:])))  # 1 where a pair is shared
    width = min(len(wanted) - 1, len(hits))
    running = [0, *itertools.accumulate(hits)]
    shared = list(map(operator.sub, running[width:], running))  # shared[start]: pairs in the window
    return shared.index(max(shared))


def read_seed(root: Path) -> Seed:
    """The one seed document in ``seeds/``."""
    folder = root / "seeds"
    seeds = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if len(seeds) != 1:
        found = ", ".join(path.name for path in seeds) or "none"
        raise UsageError(f"seeds/ must hold exactly one .txt source document (found: {found})")
    path = seeds[0]
    shown = str(path.relative_to(root))
    refusal = refuse_location(path, folder, "seeds/")
    if refusal:
        raise UsageError(f"cannot read {shown}: {refusal}")
    raw, text = read_edition_text(path, shown)
    return Seed(shown, text, hashlib.sha256(raw).hexdigest())


def read_edition_text(path: Path, shown: str) -> tuple[bytes, str]:
    """An edition of the source (the seed, or a new edition about to be adopted), by the rules
    every seed is read with: a plain file of at most MAX_SEED_BYTES of UTF-8 text, not empty,
    holding nothing a published file may not (UsageError when it cannot be read, DataError
    with each character's place)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe would be read for ever
            raise UsageError(f"cannot read {shown}: it is not a plain file")
        with path.open("rb") as stream:
            raw = stream.read(MAX_SEED_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read {shown}: {error.strerror or error}") from error
    if len(raw) > MAX_SEED_BYTES:
        raise UsageError(
            f"{shown} is larger than {MAX_SEED_BYTES // 1_000_000} MB; etown reads seeds up to that size"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte, line = raw[error.start], raw[: error.start].count(b"\n") + 1
        raise UsageError(
            f"cannot read {shown}: not UTF-8 text (byte {byte:#04x} on line {line}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise UsageError(f"{shown} is empty; an edition of the source holds its text")
    problems = unpublishable_characters(text, shown)
    if problems:
        raise DataError(f"{shown} holds characters no published page may hold", problems)
    return raw, text


# What a published file may not hold (write.unpublishable): control characters but tab and line
# breaks, line and paragraph separators, bidirectional embeddings, overrides and isolates,
# surrogates and noncharacters. The seed is published as it is, on the source page.
_UNPUBLISHABLE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff{NONCHARACTERS}]"
)
SHOWN_CHARACTERS = 10
"""How many of the characters a seed may not hold are named one by one (a binary file has many)."""


def unpublishable_characters(text: str, shown: str) -> list[Problem]:
    """Each character of an edition that no published file may hold, at its line and column."""
    problems: list[Problem] = []
    found = list(itertools.islice(_UNPUBLISHABLE.finditer(text), SHOWN_CHARACTERS + 1))
    for match in found[:SHOWN_CHARACTERS]:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        what = forbidden_kind(match.group())[0]
        problems.append(
            Problem(
                shown, line, column, "",
                f"{what}; the source is published as it is, and no published page may hold one: "
                "take in an edition without it (etown seed adopt)",
            )
        )  # fmt: skip
    if len(found) > SHOWN_CHARACTERS:
        rest = len(_UNPUBLISHABLE.findall(text)) - SHOWN_CHARACTERS
        problems.append(Problem(shown, 0, 0, "", f"and {rest:,} more such characters"))
    return problems
