"""The site's map: which pages exist, in which languages, and where each is written.

Every internal link is made by ``relative_url``, so the site works from a domain root, under any
sub-path, and straight from the file system.
"""

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    """The folder and the key of translated fields: ``zh`` or ``en``."""
    html_lang: str
    name: str
    """The language's name in itself, for the switcher."""


LANGUAGES = (
    Language("zh", "zh-Hans", "简体中文"),
    Language("en", "en", "English"),
)


@dataclass(frozen=True)
class Page:
    key: str
    """Names the template (``KEY.html``), the output file and the title string."""
    shows: tuple[str, ...] = ()
    """The data files (``data/NAME.yaml``) whose facts this page shows, so an edit to one of
    them re-renders only these pages."""
    data_files: tuple[str, ...] = ()
    """The open-data files (in ``data/`` of the site) holding what this page shows."""

    def path(self, language: Language) -> str:
        return f"{language.code}/{self.key}.html"


SHOWN_ON_EVERY_PAGE = ("overview", "leadership")
"""Every page's JSON-LD describes the place (overview) and its government (leadership)."""

PAGES = (
    Page("index", ("population", "economy"), ("overview.json", "population.json", "figures.csv")),
    Page("history", ("history",), ("history.csv", "history.json")),
    Page(
        "government",
        ("divisions", "institutions"),
        ("leadership.csv", "institutions.csv", "divisions.json"),
    ),
    Page("economy", ("economy",), ("figures.csv", "industries.csv", "economy.json")),
    Page("society", ("society", "ecology"), ("figures.csv", "society.json", "ecology.json")),
    Page("vision", ("vision",), ("vision.json",)),
    Page(
        "factsheet",
        ("history", "divisions", "institutions", "population", "economy", "ecology", "society", "vision"),
        ("history.csv", "leadership.csv", "institutions.csv", "figures.csv", "industries.csv"),
    ),
)


def pages_showing(names: set[str]) -> set[str] | None:
    """The keys of the pages that show any of these data files; None when every page does."""
    if names & set(SHOWN_ON_EVERY_PAGE):
        return None
    return {page.key for page in PAGES if names & set(page.shows)}


ROOT_PAGE = "index.html"
NOT_FOUND_PAGE = "404.html"


def relative_url(from_path: str, to_path: str) -> str:
    """The link from one output file to another, both given relative to the site root."""
    start = posixpath.dirname(from_path) or "."
    return posixpath.relpath(to_path, start)
