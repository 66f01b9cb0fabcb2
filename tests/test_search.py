"""Search: a Pagefind index of every language, a search page per language that works as
progressive enhancement, and real queries in Chromium, Chinese and English."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from browser_support import browser as chromium  # noqa: F401 (the fixture "browser")
from browser_support import open_tab, show
from browser_support import site_url as served_site  # noqa: F401 (the fixture "site_url")
from etown.languages import LANGUAGES, by_code
from etown.pages import PAGES
from etown.producers.search import BUNDLE, SEARCHED, UNUSED, spaced

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SEARCH_PAGE = next(page for page in PAGES if page.key == "search")
QUERIES = [
    # (language, query, the page and place the first results must include)
    ("zh", "小米汽车", "zh/history.html#xiaomi-auto"),
    ("zh-Hant", "小米汽車", "zh-Hant/history.html#xiaomi-auto"),
    ("en", "Xiaomi", "en/history.html#xiaomi-auto"),
    ("zh", "亦庄新城", "zh/government.html#"),  # the Government page, wherever on it
    ("en", "Yizhuang New Town", "en/government.html#"),
    ("zh", "地区生产总值", "zh/economy.html#gdp-2022"),  # the headline figure's own row
    ("en", "GDP", "en/economy.html#gdp-2022"),
]


def test_chinese_is_indexed_character_by_character_in_text_only() -> None:
    html = '<p title="亦庄">北京亦庄,2456.4亿元 and JSON</p>'
    assert spaced(html) == '<p title="亦庄">北 京 亦 庄 ,2456.4 亿 元 and JSON</p>'


def test_the_index_holds_every_searched_page_of_every_language_in_a_fixed_order(built_site: Path) -> None:
    bundle = built_site / BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == sorted(entry["languages"]) == ["en", "zh-hans", "zh-hant"]
    assert {language["page_count"] for language in entry["languages"].values()} == {len(SEARCHED)}
    assert {"factsheet", "search"}.isdisjoint(page.key for page in SEARCHED)
    assert (bundle / "pagefind.js").is_file() and list((bundle / "fragment").iterdir())
    assert not [name for name in UNUSED if (bundle / name).exists()]


def test_no_search_builds_everything_but_the_index(project: Path, tmp_path: Path) -> None:
    from etown.cli import main

    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "--out", str(out), "--no-pdf", "--no-search"]) == 0
    assert not (out / BUNDLE).exists()
    assert (out / "en" / "search.html").is_file() and (out / "data" / "datapackage.json").is_file()


def test_only_the_search_pages_load_the_search_code(built_site: Path) -> None:
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        is_search_page = path.name == "search.html"
        assert ('<script type="module">' in html) == is_search_page, path
        assert ("pagefind/pagefind.js" in html) == is_search_page, path


def test_without_javascript_the_search_page_says_so_and_links_the_fact_sheet(built_site: Path) -> None:
    for language in LANGUAGES:
        html = (built_site / SEARCH_PAGE.path(language)).read_text(encoding="utf-8")
        hint = re.search(r'<p id="search-hint">(.*?)</p>', html, re.DOTALL)
        assert hint and '<a href="factsheet.html">' in hint.group(1), language.code
        assert '<form id="search" role="search" hidden' in html
    english = (built_site / SEARCH_PAGE.path(by_code("en"))).read_text(encoding="utf-8")
    says = "Search needs JavaScript. The site menu leads to every page; the headline figures are on one:"
    assert says in english


# --- in Chromium ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def search_tab(browser: "Browser") -> Iterator["Page"]:
    tab = open_tab(browser, "desktop")
    yield tab
    tab.context.close()


def _results(tab: "Page", site_url: str, language: str, query: str) -> list[str]:
    show(tab, site_url, f"{SEARCH_PAGE.path(by_code(language))}?q={quote(query)}")
    tab.wait_for_function("document.getElementById('search-status').textContent !== ''", timeout=20_000)
    hrefs: list[str] = tab.eval_on_selector_all("#search-results a", "links => links.map(a => a.href)")
    return [href.removeprefix(site_url) for href in hrefs]


@pytest.mark.browser
@pytest.mark.parametrize(("language", "query", "expected"), QUERIES)
def test_a_real_query_finds_the_right_place(
    site_url: str, search_tab: "Page", language: str, query: str, expected: str
) -> None:
    results = _results(search_tab, site_url, language, query)
    assert any(
        result == expected or (expected.endswith("#") and result.startswith(expected))
        for result in results[:3]
    ), results
    assert search_tab.is_hidden("#search-hint") and search_tab.is_visible("#search-input")
    marked = search_tab.eval_on_selector_all("#search-results mark", "marks => marks.map(m => m.textContent)")
    assert any(query.split()[0].lower() in text.lower() for text in marked), marked


@pytest.mark.browser
def test_excerpts_show_chinese_as_written(site_url: str, search_tab: "Page") -> None:
    _results(search_tab, site_url, "zh", "小米汽车")
    text = search_tab.text_content("#search-results li p") or ""
    assert "小米汽车落户亦庄" in text.replace(" ", "") and "小米汽车落户亦庄" in text, text


@pytest.mark.browser
def test_a_query_that_matches_nothing_says_so(site_url: str, search_tab: "Page") -> None:
    assert _results(search_tab, site_url, "en", "zzzzqqq") == []
    assert (search_tab.text_content("#search-status") or "").startswith("Nothing found for “zzzzqqq”.")


@pytest.mark.browser
def test_without_javascript_the_hint_shows_and_the_form_does_not(site_url: str, browser: "Browser") -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        show(tab, site_url, SEARCH_PAGE.path(by_code("en")))
        assert tab.is_visible("#search-hint") and tab.is_hidden("#search")
    finally:
        context.close()
