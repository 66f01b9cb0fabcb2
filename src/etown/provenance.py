"""Every ``source`` quote must stand in the seed, word for word (white space aside)."""

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from etown.problems import UsageError, shorten

_WHITESPACE = re.compile(r"\s+")
_CLOSEST_ENOUGH = 0.5


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
    taken: str = ""
    """When this copy was taken (YYYY-MM-DD), from the metadata file beside it; empty if unknown."""

    @cached_property
    def normalised(self) -> str:
        return normalise(self.text)

    @cached_property
    def width_folded(self) -> str:
        return _fold_width(self.text)

    @cached_property
    def _kept(self) -> list[int]:
        """For each character of ``normalised``, where it stands in ``text``."""
        return [index for index, character in enumerate(self.text) if not character.isspace()]

    def contains(self, quote: str) -> bool:
        return normalise(quote) in self.normalised

    def closest_passage(self, quote: str) -> str | None:
        """The passage of the seed most like ``quote``, as the seed writes it, or None.

        The window of the seed sharing most character pairs with the quote is found in one
        pass, then trimmed to what really matches it.
        """
        wanted = normalise(quote)
        seed = self.normalised
        if len(wanted) < 2 or len(seed) < 2:
            return None
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
        return " ".join(self.text[self._kept[first] : self._kept[last - 1] + 1].split())

    def hint(self, quote: str) -> str:
        """What to tell someone whose quote is not in the seed."""
        if _fold_width(quote) in self.width_folded:
            return (
                "it differs from the seed only in full-width or half-width characters "
                "(such as \uff0c and ,); copy the passage from the seed"
            )
        closest = self.closest_passage(quote)
        if closest is None:
            return "no passage of the seed is close to it"
        return f"the closest passage of the seed is: {shorten(closest, 80)}"


def _best_window(wanted: str, seed: str) -> int:
    """Where the window of ``len(wanted)`` characters sharing most character pairs starts."""
    pairs = {wanted[index : index + 2] for index in range(len(wanted) - 1)}
    hits = [seed[index : index + 2] in pairs for index in range(len(seed) - 1)]
    width = min(len(wanted) - 1, len(hits))
    current = best = sum(hits[:width])
    best_start = 0
    for start in range(1, len(hits) - width + 1):
        current += hits[start + width - 1] - hits[start - 1]
        if current > best:
            best, best_start = current, start
    return best_start


def read_seed(root: Path) -> Seed:
    """The one seed document in ``seeds/``."""
    seeds = sorted((root / "seeds").glob("*.txt")) if (root / "seeds").is_dir() else []
    if len(seeds) != 1:
        found = ", ".join(path.name for path in seeds) or "none"
        raise UsageError(f"seeds/ must hold exactly one .txt source document (found: {found})")
    path = seeds[0]
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path.relative_to(root)}: {error}") from error
    return Seed(str(path.relative_to(root)), text, hashlib.sha256(raw).hexdigest(), _taken(path))


def _taken(seed: Path) -> str:
    """The date in ``taken:`` of the metadata beside the seed (NAME.meta.yaml), or ""."""
    meta = seed.with_name(seed.stem + ".meta.yaml")
    try:
        match = re.search(
            r"^taken:\s*(\d{4}-\d{2}-\d{2})\s*$", meta.read_text(encoding="utf-8"), re.MULTILINE
        )
    except (OSError, UnicodeDecodeError):
        return ""
    return match.group(1) if match else ""
