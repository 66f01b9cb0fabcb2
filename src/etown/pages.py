"""The site's map: which pages exist, in which languages, and where each is written.

Every internal link is made by ``relative_url``, so the site works from a domain root, under any
sub-path, and straight from the file system.
"""

import functools
import posixpath
from dataclasses import dataclass

from etown.languages import Language


@dataclass(frozen=True)
class Page:
    key: str
    """Names the template (``KEY.html``), the output file and the title string."""
    data_files: tuple[str, ...] = ()
    """The open-data files (in ``data/`` of the site) holding what this page shows."""
    sections: tuple[str, ...] = ()
    """The data sections whose records this page shows, each with its anchor: where a link to a
    record goes (the About page's "appears at")."""

    def path(self, language: Language) -> str:
        return f"{language.code}/{self.key}.html"


PAGES = (
    Page("index", ("overview.json", "population.json", "figures.csv"), sections=("overview", "population")),
    Page("history", ("history.csv", "history.json"), sections=("history",)),
    Page(
        "government",
        ("leadership.csv", "institutions.csv", "divisions.json"),
        sections=("divisions", "leadership", "institutions"),
    ),
    Page("economy", ("figures.csv", "industries.csv", "economy.json"), sections=("economy",)),
    Page("society", ("figures.csv", "society.json", "ecology.json"), sections=("society", "ecology")),
    Page("vision", ("vision.json",), sections=("vision",)),
    Page("factsheet", ("overview.json", "population.json", "figures.csv", "industries.csv", "notes.csv")),
    Page("source"),
    Page("about", ("notes.csv", "notes.json")),
    Page("search"),
)
FACTSHEET_PAGE = next(page for page in PAGES if page.key == "factsheet")
"""The key facts and headline figures on two printable pages, and as a PDF (producers/pdf.py)."""
SOURCE_PAGE = next(page for page in PAGES if page.key == "source")
"""The source document itself, verbatim: every quote on the site links to its words there."""
ABOUT_PAGE = next(page for page in PAGES if page.key == "about")
"""What the source is, how the site treats it, and every weakness found in it."""


ROOT_PAGE = "index.html"
NOT_FOUND_PAGE = "404.html"


@functools.lru_cache(maxsize=4096)
def relative_url(from_path: str, to_path: str) -> str:
    """The link from one output file to another, both given relative to the site root. (Kept:
    pages ask for the same few links thousands of times, and relpath asks the OS for the
    working folder each time.)"""
    start = posixpath.dirname(from_path) or "."
    return posixpath.relpath(to_path, start)
