"""Search across every language: a Pagefind index of the written pages (``pagefind/``).

Pagefind's extended build (the ``pagefind[extended]`` wheel, which carries its binary: nothing is
downloaded) splits the index by each page's ``<html lang>``. It reads only ``<main>``, so the
navigation and footer every page repeats are not indexed; the fact sheet, which repeats every
other page, and the search page itself are left out. The search page of each language
(``templates/search.html``) loads ``pagefind/pagefind.js``; no other page loads any script.

Chinese is indexed character by character. Pagefind segments Chinese into words twice, with two
different dictionaries: jieba when it indexes, the browser's ICU when it searches, and where they
disagree a search finds nothing (亦庄新城 is 亦庄|新城 to one and 亦|庄|新城 to the other, so the
Government page was not found). So the index is made from copies of the pages with a space
around every Chinese character, and the search page asks for the characters of a Chinese query
as a phrase: what it finds is exactly the pages where the text stands, whatever the dictionaries.

Pagefind writes its language table in the order its threads finish; it is rewritten sorted, so
that the same pages always give the same bytes.
"""

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
    "source": "it is the Chinese source itself, which every page's facts already quote",
    "about": "its notes on the source's weaknesses would outrank the facts they are about",
}
SEARCHED = [page for page in PAGES if page.key not in NOT_SEARCHED]
NOT_INDEXED = "summary, .apparatus"
"""The page's sources and notes (quotes and remarks about the facts, not the facts) and the
labels of the boxes that fold them away."""
UNUSED = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)  # fmt: skip
"""Pagefind's ready-made interfaces: the search page uses its API with a few lines of its own."""
ENTRY = "pagefind-entry.json"
TIMEOUT = 300
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Kept in step with ``IDEOGRAPHS`` in templates/search.js, which splits queries the same way."""
_AROUND_IDEOGRAPH = re.compile(f"(?<=[{IDEOGRAPHS}])(?=\\S)|(?<=\\S)(?=[{IDEOGRAPHS}])")
_TAG = re.compile(r"(<[^>]*>)")


def spaced(html: str) -> str:
    """The page with a space between each Chinese character of its text (not its tags) and whatever
    stands next to it."""
    pieces = _TAG.split(html)
    for index in range(0, len(pieces), 2):  # even pieces are text, odd ones are tags
        pieces[index] = _AROUND_IDEOGRAPH.sub(" ", pieces[index])
    return "".join(pieces)


def searched_paths() -> list[str]:
    return [page.path(language) for language in LANGUAGES for page in SEARCHED]


class Search:
    name = "search"

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
                for path in searched_paths():
                    copy = copies / path
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    copy.write_text(spaced((folder / path).read_text(encoding="utf-8")), encoding="utf-8")
            except OSError as error:
                return [_problem(f"cannot copy the pages to index: {error}")]
            command = [
                str(executable), "--site", str(copies), "--output-path", str(made), "--root-selector", "main",
                "--exclude-selectors", NOT_INDEXED, "--silent",
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
