"""Text of a derived language, made from its source language's: a script conversion by OpenCC
(the configuration named in the language's row), then the project's reviewed corrections
(``data/conversion/CODE.yaml``), for words the conversion gets wrong in this document's context.

Everything a derived language shows is made this way: the data's texts, the interface's words,
numbers with their units. Verbatim quotes from the seed are never converted.
"""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etown.languages import LANGUAGES, Language
from etown.load import LoadedFile, load_file
from etown.problems import Problem, shorten
from etown.schema import Text

FOLDER = "data/conversion"
"""One file per derived language: ``data/conversion/zh-Hant.yaml``."""

Correction = tuple[str, str]
"""(what the conversion writes, what the site shows instead)."""


@dataclass(frozen=True)
class Conversions:
    corrections: Mapping[str, tuple[Correction, ...]] = field(default_factory=dict)
    """By language code, longest first, so a long phrase wins over a shorter one inside it."""

    def converter(self, language: Language) -> Callable[[str], str]:
        if language.conversion is None:
            return _unchanged
        return _converter(language.conversion, self.corrections.get(language.code, ()))

    def text_in(self, language: Language, text: Text) -> str:
        """A record's text in ``language``: its own, or made from the language it derives from."""
        return self.converter(language)(text[language.text_from])


NO_CONVERSIONS = Conversions()


def _unchanged(text: str) -> str:
    return text


@functools.cache
def _engine(configuration: str) -> Any:
    """OpenCC's converter, made when a derived language's first text is converted: its
    dictionaries take 45 MB and 0.1 s, which a command that renders nothing need not spend."""
    import opencc

    return opencc.OpenCC(configuration)


@functools.cache
def _converter(configuration: str, corrections: tuple[Correction, ...]) -> Callable[[str], str]:
    @functools.cache
    def convert(text: str) -> str:
        converted = str(_engine(configuration).convert(text))
        for wrong, right in corrections:
            converted = converted.replace(wrong, right)
        return converted

    return convert


_MISSING = (
    "the file is missing; the {code} pages are made by OpenCC and then the corrections this file "
    "lists: restore it (git checkout), or if the pages need none, write `corrections: []` in it"
)


def read_conversions(root: Path) -> tuple[Conversions, list[Problem]]:
    """The corrections of every derived language, and the problems in their files."""
    folder = root / FOLDER
    corrections: dict[str, tuple[Correction, ...]] = {}
    problems: list[Problem] = []
    for language in LANGUAGES:
        path = folder / f"{language.code}.yaml"
        shown = f"{FOLDER}/{path.name}"
        if language.conversion is None:
            continue
        if not (path.exists() or path.is_symlink()):
            # never read as "no corrections": the pages would change without a word (于 → 於)
            problems.append(Problem(shown, 1, 1, "", _MISSING.format(code=language.code)))
            continue
        loaded, file_problems = load_file(path, shown, path.stem, folder)
        problems += file_problems
        if loaded is not None:
            entries, entry_problems = _corrections(loaded)
            problems += entry_problems
            corrections[language.code] = tuple(sorted(entries, key=lambda entry: -len(entry[0])))
    return Conversions(corrections), problems


def _corrections(loaded: LoadedFile) -> tuple[list[Correction], list[Problem]]:
    problem = loaded.problem_at

    entries = loaded.data.get("corrections") if isinstance(loaded.data, dict) else None
    if not isinstance(entries, list):
        return [], [problem((), "expected `corrections:` followed by a list of {from, to, why}")]
    found: list[Correction] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"from", "to", "why"}:
            problems.append(problem(("corrections", index), "each correction has exactly from, to and why"))
            continue
        empty = [
            key for key in ("from", "to", "why") if not isinstance(entry[key], str) or not entry[key].strip()
        ]
        if empty:
            problems.append(problem(("corrections", index, empty[0]), f"{empty[0]} must be a non-empty text"))
            continue
        wrong, right = entry["from"], entry["to"]
        if wrong in seen:
            message = f"{shorten(wrong)} is already corrected by correction {seen[wrong] + 1}"
            problems.append(problem(("corrections", index, "from"), message))
            continue
        seen[wrong] = index
        found.append((wrong, right))
    return found, problems
