"""The interface's own words (``templates/strings.yaml``), read as strictly as the data.

Each entry maps a key to its text in every authored language (exactly those codes, each a
non-empty string); a derived language may give its own wording, and otherwise its text is made
from its source language's, as its data is. Facts never live here.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import Any

from etown.convert import NO_CONVERSIONS, Conversions
from etown.languages import AUTHORED, LANGUAGES, Language
from etown.load import LoadedFile, load_file
from etown.problems import Problem, shorten

STRINGS_FILE = "strings.yaml"
DISPLAY_PATH = f"templates/{STRINGS_FILE}"


class MissingString(Exception):
    """A key that a template (or etown, making a page for one) asks templates/strings.yaml for,
    which it does not have. Not a LookupError: Jinja would turn that into an undefined value and
    report it without naming the file or the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no such key in {DISPLAY_PATH}: {key!r}")
        self.key = key


class Words(dict[str, str]):
    """One language's words, by key (``t`` in templates); a missing key is a MissingString."""

    def __missing__(self, key: str) -> str:
        raise MissingString(key)


@dataclass(frozen=True)
class Strings:
    values: Mapping[str, Mapping[str, str]]
    """key → language code → text."""

    conversions: Conversions = NO_CONVERSIONS

    def get(self, key: str, language: Language) -> str:
        texts = self.values.get(key)
        if texts is None:
            raise MissingString(key)
        if language.code in texts:
            return texts[language.code]
        return self.conversions.converter(language)(texts[language.text_from])

    def in_language(self, language: Language) -> Words:
        return Words({key: self.get(key, language) for key in self.values})

    def __getattr__(self, key: str) -> dict[str, str]:
        """``strings.title_index['en']`` in templates that show every language at once."""
        if key.startswith("_"):
            raise AttributeError(key)
        return {language.code: self.get(key, language) for language in LANGUAGES}


def read_strings(
    templates_dir: Path, settings: Mapping[str, Mapping[str, str]], conversions: Conversions
) -> tuple[Strings | None, list[Problem]]:
    """The interface's words, with the site's names from etown.toml (``settings``: its title as
    ``site_name``, its publisher as ``site_publisher``) among them."""
    path = templates_dir / STRINGS_FILE
    if not path.exists() and not path.is_symlink():
        return None, [Problem(DISPLAY_PATH, 1, 1, "", "the file is missing; the interface's words live here")]
    loaded, problems = load_file(path, DISPLAY_PATH, "strings", templates_dir)
    if loaded is None:
        return None, problems
    problems += list(_entry_problems(loaded))
    if any(problem.severity == "error" for problem in problems):
        return None, problems
    return Strings(
        {**loaded.data, **{key: dict(texts) for key, texts in settings.items()}}, conversions
    ), problems


def _entry_problems(loaded: LoadedFile) -> Iterator[Problem]:
    def problem(path: tuple[str, ...], message: str, *, at_key: bool = False) -> Problem:
        line, column = loaded.source_map.locate(path, at_key=at_key)
        return Problem(loaded.display_path, line, column, ".".join(path), message)

    allowed = {language.code for language in LANGUAGES}
    for key, texts in loaded.data.items():
        if not isinstance(texts, dict):
            yield problem(
                (key,), f"expected a mapping of texts by language ({', '.join(AUTHORED)}){_got(texts)}"
            )
            continue
        for code in AUTHORED:
            if code not in texts:
                yield problem((key,), f"the {code} text is missing")
        yield from _pattern_problems(key, texts, problem)
        for code, text in texts.items():
            if code not in allowed:
                cut = (
                    "; a comma inside { } ends the text before it: put the whole text in quotes"
                    if text == ""
                    else ""
                )
                known = ", ".join(sorted(allowed))
                message = f"unknown language {code!r} (the languages are: {known}){cut}"
                yield problem((key, code), message, at_key=True)
            elif not isinstance(text, str):
                yield problem((key, code), f"expected text{_got(text)}")
            elif not text.strip():
                yield problem((key, code), f"the {code} text is empty")


def _pattern_problems(key: str, texts: dict[str, Any], problem: Any) -> Iterator[Problem]:
    """A text with {placeholders} is a pattern that etown or a template fills in: every language
    must be one that can be filled, with the same placeholders."""
    placeholders: dict[str, set[str]] = {}
    broken: dict[str, str] = {}
    for code, text in texts.items():
        if isinstance(text, str):
            try:
                placeholders[code] = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
            except ValueError as error:
                broken[code] = str(error)
    if not any(placeholders.values()):
        return
    for code, reason in broken.items():
        yield problem(
            (key, code),
            f"not a pattern that can be filled in ({reason}); a placeholder is written {{name}}, and a "
            "brace itself {{ or }}",
        )
    first, expected = next((code, names) for code, names in placeholders.items() if names)
    for code, names in placeholders.items():
        if names != expected:
            yield problem(
                (key, code),
                f"its placeholders ({_listed(names)}) are not the {first} text's ({_listed(expected)}); "
                "every language fills in the same ones",
            )


def _listed(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return " (got: a mapping)"
    if isinstance(value, list):
        return " (got: a list)"
    return f" (got: {shorten(value)})"
