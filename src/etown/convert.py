"""Text of a derived language, made from its source language's: a script conversion by OpenCC
(the configuration named in the language's row), then the project's reviewed corrections
(``data/conversion/CODE.yaml``), for words the conversion gets wrong in this document's context.

Everything a derived language shows is made this way: the data's texts, the interface's words,
numbers with their units. Verbatim quotes from the seed are never converted.
"""

import functools
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etown.cache import cache_folder, read_entry, trim, write_entry
from etown.check_cache import digest_of, running_code
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
    kept, new = _kept(configuration), _NEW.setdefault(configuration, {})

    @functools.cache
    def convert(text: str) -> str:
        converted = kept.get(text)
        if converted is None:
            converted = kept[text] = new[text] = str(_engine(configuration).convert(text))
        for wrong, right in corrections:
            converted = converted.replace(wrong, right)
        return converted

    return convert


# --- OpenCC's conversions, kept between runs ------------------------------------------------------
# Most runs convert the texts the last run converted (an edit changes a few, an English edit
# none), and loading OpenCC's dictionaries alone takes 0.1 s and 45 MB. So what OpenCC made of
# each text (before the corrections, which are applied every time) is kept in the cache folder
# (see etown.cache), named by the configuration and etown's code and installed distributions
# (OpenCC's version among them); a run loads OpenCC only for a text it has not seen.

KEPT_KIND = "conversions"
KEPT_MOST = 500_000
"""Texts kept for one configuration at most; beyond, the next run starts afresh (edits add the
texts as they were before, which no later run asks for)."""

_NEW: dict[str, dict[str, str]] = {}
"""The conversions this process made, by configuration, not yet kept."""


@functools.cache
def _kept(configuration: str) -> dict[str, str]:
    path = _kept_path(configuration)
    content = read_entry(path) if path is not None else None
    try:
        kept = pickle.loads(content) if content is not None else {}
    except Exception:  # an entry of another version, or not one at all: made again
        kept = {}
    valid = isinstance(kept, dict) and all(type(k) is str and type(v) is str for k, v in kept.items())
    return kept if valid else {}


def _kept_path(configuration: str) -> Path | None:
    code = running_code()
    if code is None:
        return None
    name = digest_of(code, configuration)
    return cache_folder(KEPT_KIND) / f"{name}.pickle"


def new_conversions() -> dict[str, dict[str, str]]:
    """The conversions made since the last call (a rendering worker hands them to its parent)."""
    made = {configuration: dict(new) for configuration, new in _NEW.items() if new}
    for new in _NEW.values():
        new.clear()
    return made


def add_conversions(made: Mapping[str, Mapping[str, str]]) -> None:
    """Take conversions a rendering worker made, to be kept with this process's own."""
    for configuration, texts in made.items():
        _kept(configuration).update(texts)
        _NEW.setdefault(configuration, {}).update(texts)


def keep_conversions() -> None:
    """Keep every conversion known to this process, if it made any; a cache that cannot be
    written costs time only."""
    for configuration, new in _NEW.items():
        path = _kept_path(configuration) if new else None
        if path is None:
            continue
        kept = _kept(configuration)
        if len(kept) <= KEPT_MOST:
            write_entry(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
            trim(path.parent, "*.pickle", 8)
        new.clear()


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
