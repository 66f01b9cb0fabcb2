"""Search across every language: a Pagefind index of the written pages (``pagefind/``).

Pagefind's extended build (the ``pagefind[extended]`` wheel, which carries its binary: nothing is
downloaded) splits the index by each page's ``<html lang>``. It reads only ``<main>``, so the
navigation and footer every page repeats are not indexed; the fact sheet, which repeats every
other page, and the search page itself are left out. The search page of each language
(``templates/search.html``) loads ``pagefind/pagefind.js``; no other page loads any script.

What a search shows of a page is the page's text, as a reader reads it: the apparatus around the
facts (source and note marks, flags, "cite this" boxes, the sources and notes at the foot) is
left out of the index, and table cells and rows, captions, headings, terms and their
descriptions, and the lines of a cell are kept apart in the copies indexed (Pagefind ends
paragraphs and list items with a stop, but runs the rest together: "ItemValue (RMB
billion)Growth", "GDP245.646", "2.7Growth on a …").

Chinese is indexed character by character. Pagefind segments Chinese into words twice, with two
different dictionaries: jieba when it indexes, the browser's ICU when it searches, and where they
disagree a search finds nothing (亦庄新城 is 亦庄|新城 to one and 亦|庄|新城 to the other, so the
Government page was not found). So the index is made from copies of the pages with a space
around every Chinese character, and the search page asks for the characters of each Chinese word
of a query as a phrase: what it finds is exactly the pages where the text stands, whatever the
dictionaries. A page that has the characters only apart is no result (templates/search_query.js).

Pagefind writes its language table in the order its threads finish; it is rewritten sorted, so
that the same pages always give the same bytes.
"""

import functools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from etown.languages import LANGUAGES
from etown.outputs import Context, Target
from etown.pages import PAGES
from etown.problems import Problem

BUNDLE = "pagefind"
NOT_SEARCHED = {
    "factsheet": "it repeats every other page, so each fact would be found twice",
    "search": "it has nothing to find",
}
SEARCHED = [page for page in PAGES if page.key not in NOT_SEARCHED]
WEIGHTS = {
    "about": "0.25",
    "source": "0.25",
}
"""Pages whose words count for less (Pagefind's ``data-pagefind-weight`` on the ``<main>`` of the
copy indexed; 1 elsewhere). Both are about the source, not the facts: the About page's notes
quote the source's words, often in their titles (a heading's words count up to 7 times over), and
the source page holds every passage a fact quotes. At full weight a note outranked the fact it
is about (小米汽车, 亦庄新城, 常住人口 and "resident population" found the About page first), and
at half weight still did for 常住人口 and "resident population"; at a quarter both pages come
after the pages of facts that show the same words, and first for words only they have (矛盾,
"undated")."""
IGNORED_MARKS = {
    "sm": "a record's source mark (S12), which only leads to its quote",
    "nm": "a note mark ([3]), which only leads to its note",
    "flag": "a record's flags ([sic], [conflict] …); the legends that explain them (in a <dt>) stay",
    "outdated-mark": "“(translation may be out of date)” after an English text",
}
"""The marks after a record's text, by class, and why each is left out of the index. They carry
``data-pagefind-ignore`` in the copies indexed, not on the pages (thousands of marks: bytes on
every page). Pagefind's ``--exclude-selectors`` would leave out their text but not their ids,
which became places for results to link to ("#ref-12", a note mark) and a space before a stop."""
_MAIN = re.compile(r"<main(?=[\s>])")
_MARK_CLASSES = "|".join(map(re.escape, IGNORED_MARKS))
_MARK = re.compile(f'(?<!<dt>)(?<!\\s)\\s*<(\\w+) (?=class="(?:{_MARK_CLASSES})")')
NOT_INDEXED = {
    ".apparatus": "the page's sources and notes: quotes and remarks about the facts, not the facts",
    ".cite": "the “cite this” boxes",
    "summary": "the labels of the boxes that fold things away",
    ".note small": "where a note of the About page appears: links, each repeating a page's words",
}
"""The parts of a page left out of the index, by CSS selector (Pagefind's
``--exclude-selectors``), and why."""
UNUSED = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)  # fmt: skip
"""Pagefind's ready-made interfaces: the search page uses its API with a few lines of its own."""
ENTRY = "pagefind-entry.json"
TIMEOUT = 300
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Kept in step with ``IDEOGRAPHS`` in templates/search_query.js, which splits queries the same way."""
_AROUND_IDEOGRAPH = re.compile(f"(?<=[{IDEOGRAPHS}])(?=\\S)|(?<=\\S)(?=[{IDEOGRAPHS}])")
_TAG = re.compile(r"(<[^>]*>)")

SEPARATOR = " · "
"""Between the cells of a table row, and before the second line of a cell or the text after a
date. templates/search_query.js keeps the spaces around its dot when it removes those the index
added around Chinese characters."""
STOPS = ".。!?!?;;::"
_BETWEEN = re.compile(r'(?=</t[dh]>\s*<t[dh][\s>])|(?<!\s)\s*(?=<small class="block">)|(?<=</time>)\s*')
_ENDS = (
    (re.compile(r"(?=</dt>)"), ": "),
    (re.compile(r"(?=</h[2-6]>|</dd>|</caption>|</figcaption>|</t[dh]>\s*</tr>)"), ". "),
)
"""What ends a term (before its description), a heading (but the h1: it is the title), a
description, a caption or a table row, unless its text ends with a stop already, as Pagefind ends
a paragraph or a list item."""


def spaced(html: str) -> str:
    """The page with a space between each Chinese character of its text (not its tags) and whatever
    stands next to it."""
    pieces = _TAG.split(html)
    for index in range(0, len(pieces), 2):  # even pieces are text, odd ones are tags
        pieces[index] = _AROUND_IDEOGRAPH.sub(" ", pieces[index])
    return "".join(pieces)


def separated(html: str) -> str:
    """The page with its table cells and rows, captions, headings, terms and descriptions, and the
    lines within a cell, kept apart in its text (the page as indexed, not as shown)."""
    html = _BETWEEN.sub(SEPARATOR, html)
    for end, text in _ENDS:
        html = end.sub(functools.partial(_stop, text), html)
    return html


def _stop(text: str, end: re.Match[str]) -> str:
    return "" if _last_visible(end.string, end.start()) in STOPS else text


def _last_visible(html: str, end: int) -> str:
    """The last character of text before ``end``, past tags and white space ("" if none)."""
    index = end - 1
    while index >= 0:
        character = html[index]
        if character == ">":
            index = html.rfind("<", 0, index) - 1
        elif character.isspace():
            index -= 1
        else:
            return character
    return ""


def unmarked(html: str) -> str:
    """The page with its records' marks ignored by Pagefind, and the space before them dropped
    (a mark follows its record's text)."""
    return _MARK.sub(r"<\1 data-pagefind-ignore ", html)


def indexed(html: str, weight: str | None = None) -> str:
    """The copy of a page that Pagefind indexes, its words weighted as ``weight`` says."""
    if weight is not None:
        html = _MAIN.sub(f'<main data-pagefind-weight="{weight}"', html, count=1)
    return spaced(separated(unmarked(html)))


def searched_paths() -> list[str]:
    return [page.path(language) for language in LANGUAGES for page in SEARCHED]


class Search:
    name = "search"
    stage = "making the search index"

    def targets(self, context: Context) -> list[Target]:
        return []

    def finish(self, context: Context, folder: Path) -> list[Problem]:
        bundle = folder / BUNDLE
        try:
            from pagefind_bin_extended import get_executable

            executable = get_executable()
        except (ImportError, FileNotFoundError):
            return [_problem("Pagefind's extended build is not installed: pip install 'pagefind[extended]'")]
        with tempfile.TemporaryDirectory(prefix="etown-search-") as work:
            copies, made = Path(work) / "pages", Path(work) / BUNDLE
            try:
                for language in LANGUAGES:
                    for page in SEARCHED:
                        path = page.path(language)
                        copy = copies / path
                        copy.parent.mkdir(parents=True, exist_ok=True)
                        html = (folder / path).read_text(encoding="utf-8")
                        copy.write_text(indexed(html, WEIGHTS.get(page.key)), encoding="utf-8")
            except OSError as error:
                return [_problem(f"cannot copy the pages to index: {error}")]
            command = [
                str(executable), "--site", str(copies), "--output-path", str(made), "--root-selector", "main",
                *(argument for selector in NOT_INDEXED for argument in ("--exclude-selectors", selector)),
                "--silent",
            ]  # fmt: skip
            try:
                result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
            except (OSError, subprocess.TimeoutExpired) as error:
                return [_problem(f"Pagefind did not run: {error}")]
            if result.returncode != 0:
                said = " ".join((result.stderr or result.stdout).split())[-500:]
                return [_problem(f"Pagefind failed (exit {result.returncode}): {said}")]
            for name in UNUSED:
                (made / name).unlink(missing_ok=True)
            problems = _sorted_entry(made / ENTRY)
            _replace_changed(made, bundle)
        return problems


def _replace_changed(made: Path, bundle: Path) -> None:
    """Put the new index in place, writing only files whose bytes changed (a preview after an edit)
    and removing those the new index no longer has."""
    new = {path.relative_to(made) for path in made.rglob("*") if path.is_file()}
    if bundle.is_dir():
        for path in bundle.rglob("*"):
            if path.is_file() and path.relative_to(bundle) not in new:
                path.unlink()
    for name in sorted(new):
        target = bundle / name
        content = (made / name).read_bytes()
        if target.is_file() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made / name, target)


def _sorted_entry(path: Path) -> list[Problem]:
    """Rewrite the entry file with its languages in a fixed order, and check every page is in it."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        languages = entry["languages"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [_problem(f"Pagefind wrote no usable {ENTRY}: {error}")]
    entry["languages"] = dict(sorted(languages.items()))
    path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    indexed = sum(language.get("page_count", 0) for language in languages.values())
    expected = len(searched_paths())
    if indexed != expected or len(languages) != len(LANGUAGES):
        return [
            _problem(
                f"Pagefind indexed {indexed} pages in {len(languages)} languages; "
                f"expected {expected} pages in {len(LANGUAGES)}"
            )
        ]
    return []


def _problem(message: str) -> Problem:
    return Problem(f"build:{BUNDLE}/", 0, 0, "", message)


SEARCH = Search()
