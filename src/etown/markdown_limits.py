"""The limits within which a text is rendered as Markdown safely and quickly.

Validation refuses a text beyond them (at its line and column) before anything is rendered, and
the renderer relies on that: both read them here, so validation needs nothing of rendering.
"""

import re

MAX_TEXT_CHARACTERS = 5_000
"""The longest text etown renders (the longest paragraph of the data has under 800)."""
MAX_TEXT_LINES = 100
"""The most lines a text may have; Python-Markdown's time grows with the square of the number of
blocks in a text (5,000 characters of one-line headings: 0.3 s)."""
MAX_MARKDOWN_NESTING = 8
"""The deepest lists, quotes or square brackets may nest; Python-Markdown recurses once per level
and gives up (RecursionError) a few hundred levels down, which a 1 kB text can reach."""
MAX_MARKDOWN_MARKS = 1_000
"""The most Markdown marks (``* _ ` [ ] < > & ! \\`` and line breaks) the texts of one data file
may hold. Python-Markdown spends 20-300 µs on each, so 2 MB of them took minutes; the data uses
21 in all, 10 in the busiest file."""

# Text with none of these renders as one paragraph of itself, without Markdown.
MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&!\n\r]|^[\s#+\-=>|0-9]")
_MARKS = re.compile(r"[\\`*_\[\]<>&!\n]")
_NESTED_MARKERS = re.compile(r"[ ]*(?:(?:[*+-]|\d+\.)[ \t]+|>[ \t]*)")
_BRACKETS = re.compile(r"\\.|[\[\]]")


def markdown_problem(text: str) -> str | None:
    """Why ``text`` cannot be rendered as Markdown safely and quickly, or None when it can."""
    if len(text) > MAX_TEXT_CHARACTERS:
        return (
            f"the text is {len(text):,} characters long; a text may have at most "
            f"{MAX_TEXT_CHARACTERS:,} (split it into passages)"
        )
    lines = text.count("\n") + 1
    if lines > MAX_TEXT_LINES:
        return (
            f"the text has {lines:,} lines; a text may have at most {MAX_TEXT_LINES} (split it into passages)"
        )
    return nesting_problem(text)


def markdown_marks(text: str) -> int:
    """How many Markdown marks ``text`` holds (see MAX_MARKDOWN_MARKS)."""
    return len(_MARKS.findall(text))


def nesting_problem(text: str) -> str | None:
    """What Markdown would recurse on too deeply (a derived language's text, converted from the
    checked one, nests just as deeply: conversion changes words, not markup)."""
    if not MARKDOWN_SYNTAX.search(text):
        return None
    if _deepest_nesting(text) > MAX_MARKDOWN_NESTING:
        return (
            f"lists or quotes are nested more than {MAX_MARKDOWN_NESTING} levels deep; "
            "start lines with fewer '- ', '1. ' or '> '"
        )
    if _deepest_brackets(text) > MAX_MARKDOWN_NESTING:
        return (
            f"square brackets are nested more than {MAX_MARKDOWN_NESTING} levels deep; "
            "write \\[ for a bracket that does not start a link"
        )
    return None


def _deepest_nesting(text: str) -> int:
    deepest = 0
    for line in text.splitlines():
        depth, position = 0, 0
        while match := _NESTED_MARKERS.match(line, position):
            if match.end() == position:
                break
            depth, position = depth + 1, match.end()
        indent = len(line) - len(line.lstrip(" "))
        deepest = max(deepest, depth + indent // 4)
    return deepest


def _deepest_brackets(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif match.group() == "]":
            depth = max(0, depth - 1)
    return deepest
