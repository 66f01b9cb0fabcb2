"""Text of a derived language, made from its source language's (script conversion)."""

import functools
from collections.abc import Callable

from etown.languages import Language
from etown.schema import Text


def converter(language: Language) -> Callable[[str], str]:
    """``language``'s text made from the text of ``language.text_from``."""
    return _converter(language.conversion)


@functools.cache
def _converter(conversion: str | None) -> Callable[[str], str]:
    if conversion is None:
        return _unchanged
    raise NotImplementedError(conversion)


def _unchanged(text: str) -> str:
    return text


def text_in(language: Language, text: Text) -> str:
    """A record's text in ``language``: its own, or made from the language it derives from."""
    return converter(language)(text[language.text_from])
