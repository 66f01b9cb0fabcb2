"""Search that tells the truth (issue 25): what the index holds of a page is its text as a reader
reads it, a result has every word of its query as written, and the About and Source pages are
found too. Read from the built index, and queried with the search page's own code
(templates/search_query.js) and Pagefind's, in Node; one check in Chromium."""

import csv
import gzip
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from browser_support import browser as chromium  # noqa: F401 (the fixture "browser")
from browser_support import missing, open_tab, show
from browser_support import site_url as served_site  # noqa: F401 (the fixture "site_url")
from conftest import REPO
from etown.languages import LANGUAGES, Language, by_code
from etown.pages import PAGES
from etown.producers.search import BUNDLE, IGNORED_MARKS, SEARCHED

if TYPE_CHECKING:
    from playwright.sync_api import Browser

QUERY_SCRIPT = REPO / "templates" / "search_query.js"
RUNNER = Path(__file__).parent / "tools" / "search.mjs"
IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SOURCE_MARK = re.compile(r"(?<![A-Za-z0-9])S\d+\b")
NOTE_MARK = re.compile(r"\[\d+\]")
ABOUT_THE_SOURCE = {"about", "source"}
CHINESE = [language for language in LANGUAGES if language.script != "Latn"]


# --- what the index holds ---------------------------------------------------------------------


def fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Every indexed page's fragment (its text, title and places), by URL: /zh/economy.html, /en/."""
    found = {}
    for path in (site / BUNDLE / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        fragment["content"] = fragment["content"].replace("\u200b", "")
        found[fragment["url"]] = fragment
    return found


def url_of(page_path: str) -> str:
    return "/" + page_path.removesuffix("index.html")


def squeezed(text: str) -> str:
    """Text without white space: Chinese is indexed with a space around each character."""
    return re.sub(r"\s+", "", text)


class _Page(HTMLParser):
    """A page's <main> as a reader reads it: its table rows as lists of cells (each a list of its
    lines), its captions and its flag labels, without the marks after a record."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[list[str]]] = []
        self.captions: list[str] = []
        self.legend_flags: list[str] = []
        self.ids: set[str] = set()
        self._stack: list[tuple[str, set[str]]] = []
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag in {"br", "img", "meta", "link", "input", "wbr", "hr", "col"}:
            return
        self._stack.append((tag, classes))
        if not self._in_main() or self._hidden():
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"} and self.rows:
            self.rows[-1].append([""])
        elif tag == "small" and "block" in classes and self.rows and self.rows[-1]:
            self.rows[-1][-1].append("")
        elif tag in {"caption", "figcaption"}:
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"caption", "figcaption"} and self._caption is not None:
            self.captions.append("".join(self._caption))
            self._caption = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._in_main():
            return
        if self._hidden():
            return
        tags = [tag for tag, _ in self._stack]
        if self._stack and "flag" in self._stack[-1][1] and tags[-2:-1] == ["dt"]:
            self.legend_flags.append(data)
        if self._caption is not None:
            self._caption.append(data)
        if self.rows and self.rows[-1] and ("td" in tags or "th" in tags):
            self.rows[-1][-1][-1] += data

    def _in_main(self) -> bool:
        return any(tag == "main" for tag, _ in self._stack)

    def _hidden(self) -> bool:
        """Inside the apparatus, or a mark after a record (a flag in a legend's term is no mark)."""
        tags = [tag for tag, _ in self._stack]
        return any(
            "apparatus" in classes or (classes & set(IGNORED_MARKS) and tags[index - 1 : index] != ["dt"])
            for index, (_, classes) in enumerate(self._stack)
        )


@cache
def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def searched() -> Iterator[tuple[Language, str]]:
    for language in LANGUAGES:
        for page in SEARCHED:
            yield language, page.path(language)


def test_about_and_source_are_indexed_in_every_language(built_site: Path) -> None:
    indexed = fragments(built_site)
    assert {page.key for page in SEARCHED} >= ABOUT_THE_SOURCE
    for language in LANGUAGES:
        for page in PAGES:
            assert (url_of(page.path(language)) in indexed) == (page in SEARCHED), page.path(language)


def test_the_index_holds_no_marks_note_numbers_flags_or_cite_boxes(built_site: Path) -> None:
    indexed = fragments(built_site)
    for language, path in searched():
        fragment = indexed[url_of(path)]
        text = squeezed(fragment["content"])
        assert not SOURCE_MARK.findall(text), (path, SOURCE_MARK.findall(text)[:5])
        assert not NOTE_MARK.findall(text), (path, NOTE_MARK.findall(text)[:5])
        flags = read_page(built_site / language.code / "about.html").legend_flags
        assert len(flags) >= 4
        legend = read_page(built_site / path).legend_flags  # the About page explains every flag
        for flag in flags:
            assert text.count(squeezed(flag)) == legend.count(flag), (path, flag)
        assert squeezed(cite_label(built_site, language)) not in text, path
        # a result links to the place its words stand, never to a mark
        places = {anchor["id"] for anchor in fragment["anchors"]}
        assert not {place for place in places if re.match(r"(ref|note|s)-", place)}, path
        assert places <= read_page(built_site / path).ids | {"main"}


def cite_label(site: Path, language: Language) -> str:
    """The label of a page's "cite this" box, read from the History page."""
    html = (site / language.code / "history.html").read_text(encoding="utf-8")
    match = re.search(r'<details class="cite"><summary>([^<]+)</summary>', html)
    assert match, "the History page has no “cite this” box"
    return match.group(1)


def test_table_cells_rows_and_captions_are_kept_apart(built_site: Path) -> None:
    """Each row reads "label · value · growth." and a cell's second line follows a dot: the index
    no longer runs them together ("GDP245.646", "ItemValue (RMB billion)Growth")."""
    indexed = fragments(built_site)
    rows_seen = 0
    for _language, path in searched():
        text = squeezed(indexed[url_of(path)]["content"])
        page = read_page(built_site / path)
        for row in page.rows:
            cells = ["·".join(squeezed(line) for line in cell if squeezed(line)) for cell in row]
            written = "·".join(cell for cell in cells if cell)
            if written:
                rows_seen += 1
                assert written in text, (path, written)
        for caption in page.captions:
            assert re.search(re.escape(squeezed(caption)) + r"[.。]", text), (path, caption)
    assert rows_seen > 100


# --- queries, as the search page asks them ----------------------------------------------------


def search(site: Path, language: Language, queries: list[str]) -> list[list[dict[str, str]]]:
    """The results the search page shows for each query: url, place (the link), title and excerpt
    as shown, and the page's indexed text."""
    node = shutil.which("node")
    if node is None:
        missing("node is not installed; the search page's queries are run in it")
    command = [node, str(RUNNER), str(site), language.html_lang, str(QUERY_SCRIPT)]
    ran = subprocess.run(command, input=json.dumps(queries), capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    answers: list[list[dict[str, str]]] = json.loads(ran.stdout)
    return answers


def figure_labels(site: Path, language: Language) -> list[str]:
    """The figures' labels in a Chinese language that are Chinese words only: queries to try."""
    with (site / "data" / "figures.csv").open(encoding="utf-8-sig", newline="") as stream:
        column = f"label_{language.code.replace('-', '_').lower()}"
        labels = [row[column] for row in csv.DictReader(stream)]
    return sorted({label for label in labels if re.fullmatch(r"[\u4e00-\u9fff]{2,}", label)})


@pytest.mark.parametrize("language", CHINESE, ids=lambda language: language.code)
def test_a_chinese_query_finds_exactly_the_pages_that_write_it(built_site: Path, language: Language) -> None:
    indexed = fragments(built_site)
    texts = {url: squeezed(fragment["content"]) for url, fragment in indexed.items()}
    facts = {url_of(page.path(language)) for page in SEARCHED if page.key not in ABOUT_THE_SOURCE}
    queries = figure_labels(built_site, language)
    assert len(queries) >= 20
    for query, results in zip(queries, search(built_site, language, queries), strict=True):
        writing = {url for url in texts if url.startswith(f"/{language.code}/") and query in texts[url]}
        assert {result["url"] for result in results} == writing, query
        for result in results:
            assert f"<mark>{query}</mark>" in result["excerpt"], (query, result["excerpt"])
        # where a page of facts writes the words, one comes before those about the source
        if writing & facts:
            assert results[0]["url"] in facts, (query, [result["url"] for result in results])


def test_scattered_characters_are_no_result(built_site: Path) -> None:
    """人口总数 is written nowhere, but its characters stand apart on several pages: Pagefind's
    own search lists those; the search page lists none and says so."""
    language = by_code("zh")
    query = "人口总数"
    indexed = fragments(built_site)
    texts = [squeezed(found["content"]) for url, found in indexed.items() if url.startswith("/zh/")]
    assert not any(query in text for text in texts)
    assert sum(all(character in text for character in query) for text in texts) >= 2
    apart, together, words = search(built_site, language, [query, "人口", "常住 人口"])
    assert apart == []
    assert together, "a word the pages write is found"
    # words a space separates may stand apart, but each stands as written on every result
    assert words and all("常住" in squeezed(r["content"]) and "人口" in squeezed(r["content"]) for r in words)


def test_every_word_of_a_query_must_be_on_the_page(built_site: Path) -> None:
    english = by_code("en")
    found, with_unknown_word = search(built_site, english, ["Xiaomi", "Xiaomi zzzqqq"])
    assert found and with_unknown_word == []


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_excerpts_and_titles_are_clean_text(built_site: Path, language: Language) -> None:
    queries = ["北京", "2022", "Beijing", "GDP", "亦庄"]
    flags = read_page(built_site / language.code / "about.html").legend_flags
    shown = 0
    for results in search(built_site, language, queries):
        for result in results:
            shown += 1
            text = re.sub(r"</?mark>", "", result["excerpt"]) + result["title"]
            assert not SOURCE_MARK.search(text) and not NOTE_MARK.search(text), text
            if not result["url"].endswith("/about.html"):  # whose legend explains the flags
                assert not any(flag in text for flag in flags), text
            # Chinese as written: no space the index put between two characters is shown
            assert not re.search(f"{IDEOGRAPH.pattern} +{IDEOGRAPH.pattern}", text), text
    assert shown >= 10


def test_about_and_source_pages_are_found(built_site: Path) -> None:
    """Words of the source that no other page shows find the source page, at their paragraph;
    words only the About page has find it."""
    chinese, english = by_code("zh"), by_code("en")
    elsewhere = [
        squeezed(fragment["content"]) for url, fragment in fragments(built_site).items()
        if url.startswith("/zh/") and not url.endswith("/source.html")
    ]  # fmt: skip
    seed = next((REPO / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    runs = re.findall(r"[\u4e00-\u9fff]{6,}", seed)
    passage = next(words for words in runs if not any(words in text for text in elsewhere))
    (only_source,) = search(built_site, chinese, [passage])
    assert [result["url"] for result in only_source] == ["/zh/source.html"], passage
    paragraph = only_source[0]["place"].removeprefix("zh/source.html#")
    html = (built_site / "zh" / "source.html").read_text(encoding="utf-8")
    assert re.search(f'<p id="{re.escape(paragraph)}">[^<]*{passage}', html), only_source[0]["place"]
    (undated,) = search(built_site, english, ["undated"])
    assert "/en/about.html" in [result["url"] for result in undated]


# --- in Chromium ------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_search_page_shows_clean_results_and_no_scattered_ones(site_url: str, browser: "Browser") -> None:
    tab = open_tab(browser, "desktop")
    try:
        page = next(page for page in PAGES if page.key == "search").path(by_code("zh"))
        show(tab, site_url, f"{page}?q={quote('地区生产总值')}")
        tab.wait_for_function("document.getElementById('search-status').textContent !== ''", timeout=20_000)
        excerpts = tab.eval_on_selector_all("#search-results li p", "items => items.map(p => p.textContent)")
        marks = [text for text in excerpts if SOURCE_MARK.search(text) or NOTE_MARK.search(text)]
        assert excerpts and not marks, marks
        assert any(re.search(r"地区生产总值 · 2456\.4 · 6", text) for text in excerpts), excerpts
        marked = tab.eval_on_selector_all("#search-results mark", "marks => marks.map(m => m.textContent)")
        assert "地区生产总值" in marked
        show(tab, site_url, f"{page}?q={quote('人口总数')}")
        tab.wait_for_function("document.getElementById('search-status').textContent !== ''", timeout=20_000)
        assert tab.eval_on_selector_all("#search-results li", "items => items.length") == 0
        assert (tab.text_content("#search-status") or "").startswith("没有找到“人口总数”。")
    finally:
        tab.context.close()
