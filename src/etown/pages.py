"""The site's map: which pages exist, in which languages, and where each is written.

Every internal link is made by ``relative_url``, so the site works from a domain root, under any
sub-path, and straight from the file system.
"""

import posixpath
from dataclasses import dataclass

from etown.languages import Language


@dataclass(frozen=True)
class Page:
    key: str
    """Names the template (``KEY.html``), the output file and the title string."""
    data_files: tuple[str, ...] = ()
    """The open-data files (in ``data/`` of the site) holding what this page shows."""
    gathers_sources: bool = True
    """Whether the page lists the quotes of what it shows at its end. The fact sheet shows every
    section on one page within the weight budget: its marks lead to each section page's list."""

    def path(self, language: Language) -> str:
        return f"{language.code}/{self.key}.html"


PAGES = (
    Page("index", ("overview.json", "population.json", "figures.csv")),
    Page("history", ("history.csv", "history.json")),
    Page("government", ("leadership.csv", "institutions.csv", "divisions.json")),
    Page("economy", ("figures.csv", "industries.csv", "economy.json")),
    Page("society", ("figures.csv", "society.json", "ecology.json")),
    Page("vision", ("vision.json",)),
    Page(
        "factsheet",
        ("history.csv", "leadership.csv", "institutions.csv", "figures.csv", "industries.csv", "notes.csv"),
        gathers_sources=False,
    ),
    Page("source"),
    Page("about", ("notes.csv", "notes.json")),
    Page("search"),
)
FACTSHEET_PAGE = next(page for page in PAGES if page.key == "factsheet")
"""Every record on one page: links to a record anywhere go here."""
SOURCE_PAGE = next(page for page in PAGES if page.key == "source")
"""The source document itself, verbatim: every quote on the site links to its words there."""
ABOUT_PAGE = next(page for page in PAGES if page.key == "about")
"""What the source is, how the site treats it, and every weakness found in it."""


ROOT_PAGE = "index.html"
NOT_FOUND_PAGE = "404.html"


def relative_url(from_path: str, to_path: str) -> str:
    """The link from one output file to another, both given relative to the site root."""
    start = posixpath.dirname(from_path) or "."
    return posixpath.relpath(to_path, start)
