"""Every ``source`` quote must stand in the seed, word for word (white space aside)."""

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[。;;!?])|\n")


def normalise(text: str) -> str:
    """Remove all white space: the seed wraps and pads lines at random, Chinese needs no spaces."""
    return _WHITESPACE.sub("", text)


@dataclass(frozen=True)
class Seed:
    display_path: str
    text: str

    @cached_property
    def normalised(self) -> str:
        return normalise(self.text)

    @cached_property
    def passages(self) -> list[str]:
        """The seed cut into sentences and lines, to suggest the closest one to a bad quote."""
        pieces = (piece.strip() for piece in _SENTENCE_END.split(self.text))
        return [piece for piece in pieces if len(piece) > 1]

    def contains(self, quote: str) -> bool:
        return normalise(quote) in self.normalised

    def closest_passage(self, quote: str) -> str | None:
        wanted = normalise(quote)
        best, best_ratio = None, 0.0
        for passage in self.passages:
            matcher = difflib.SequenceMatcher(None, wanted, normalise(passage), autojunk=False)
            if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = passage, ratio
        return best if best_ratio >= 0.3 else None


def read_seed(root: Path) -> Seed:
    """The one seed document in ``seeds/``."""
    from etown.problems import UsageError

    seeds = sorted((root / "seeds").glob("*.txt")) if (root / "seeds").is_dir() else []
    if len(seeds) != 1:
        found = ", ".join(path.name for path in seeds) or "none"
        raise UsageError(f"seeds/ must hold exactly one .txt source document (found: {found})")
    path = seeds[0]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path.relative_to(root)}: {error}") from error
    return Seed(str(path.relative_to(root)), text)
