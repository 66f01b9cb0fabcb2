"""What a reader relies on in the built HTML, checked without a browser: links and anchors resolve,
the language switcher round-trips, the weight budget holds, tables, dates, charts, leadership and
institutions are marked up as the issue asks, and every fact can show the seed's words behind it.
"""

import gzip
import hashlib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import REPO, SITE_PAGES, base_path
from etown.languages import LANGUAGES
from etown.pages import NOT_FOUND_PAGE, PAGES, ROOT_PAGE, Page
from etown.pipeline import load_site_data
from etown.schema import Sourced
from etown.sections import SiteData

BUDGET = 30 * 1024
"""Bytes of HTML plus CSS, gzip-compressed (level 6, as a static host serves them)."""
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "col", "area", "base"}
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str, css_class: str | None = None) -> "Element":
        found = [e for e in self.iter(tag) if css_class is None or css_class in e.classes()]
        assert found, f"no <{tag} class={css_class}>"
        return found[0]

    def lang(self) -> str:
        element: Element | None = self
        while element is not None:
            if "lang" in element.attrs:
                return element.attrs["lang"]
            element = element.parent
        return ""


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_endtag(self, tag: str) -> None:
        element: Element | None = self.open
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.open = element.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


@pytest.fixture(scope="session")
def documents(built_site: Path) -> dict[str, Element]:
    return {page: parse((built_site / page).read_text(encoding="utf-8")) for page in SITE_PAGES}


@pytest.fixture(scope="session")
def data() -> SiteData:
    return load_site_data(REPO)


def clean(text: str) -> str:
    return " ".join(text.split())


def resolve(site: Path, page: str, href: str) -> tuple[str | None, str]:
    """The page an internal link leads to (relative to the site root) and its fragment;
    None for an external or non-file link."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, ""
    path = parts.path
    if path.startswith("/"):
        prefix = base_path(site)
        assert path.startswith(prefix), f"{page}: {href} is outside the site"
        target = path[len(prefix) :]
    elif path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    else:
        target = page
    if target.endswith("/") or target in ("", "."):
        target = posixpath.join(target, "index.html")
    return target, parts.fragment


# --- the build as a whole ---------------------------------------------------------------------


def test_the_build_holds_every_page_in_both_languages(built_site: Path) -> None:
    written = {str(p.relative_to(built_site)) for p in built_site.rglob("*.html")}
    assert written == set(SITE_PAGES)


def test_every_page_fits_the_weight_budget(built_site: Path, documents: dict[str, Element]) -> None:
    over = {}
    for page, document in documents.items():
        sheets = [e.attrs["href"] for e in document.iter("link") if e.attrs.get("rel") == "stylesheet"]
        files = [built_site / page] + [built_site / resolve(built_site, page, s)[0] for s in sheets]  # type: ignore[operator]
        weight = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
        if weight > BUDGET:
            over[page] = weight
    assert over == {}, f"over {BUDGET} bytes gzipped: {over}"


def test_one_hashed_stylesheet_no_script_no_external_request(
    built_site: Path, documents: dict[str, Element]
) -> None:
    for page, document in documents.items():
        sheets = [e for e in document.iter("link") if e.attrs.get("rel") == "stylesheet"]
        assert len(sheets) == 1, page
        target, _ = resolve(built_site, page, sheets[0].attrs["href"])
        assert target is not None
        digest = hashlib.sha256((built_site / target).read_bytes()).hexdigest()[:10]
        assert target == f"assets/style.{digest}.css", page
        scripts = [e for e in document.iter("script") if e.attrs.get("type") != "application/ld+json"]
        assert scripts == [], f"{page} runs JavaScript"
        assert not list(document.iter("style")) and not list(document.iter("iframe")), page
        for element in document.iter():
            for attribute in ("src", "srcset", "poster", "data"):
                value = element.attrs.get(attribute, "")
                assert not value.startswith(("http:", "https:", "//")), f"{page} loads {value}"
            if element.tag == "link" and element.attrs.get("rel") not in ("canonical", "alternate"):
                assert not element.attrs["href"].startswith(("http:", "https:", "//")), page
            if element.tag == "img":
                assert {"alt", "width", "height"} <= element.attrs.keys(), page


def test_every_internal_link_and_anchor_resolves(built_site: Path, documents: dict[str, Element]) -> None:
    ids = {page: {e.attrs["id"] for e in d.iter() if "id" in e.attrs} for page, d in documents.items()}
    broken = []
    for page, document in documents.items():
        for element in document.iter():
            if element.tag == "link" and element.attrs.get("rel") in ("canonical", "alternate"):
                continue  # absolute URLs of the published site, checked by the SEO tests
            for attribute in ("href", "src"):
                if attribute not in element.attrs or element.attrs[attribute].startswith("data:"):
                    continue
                target, fragment = resolve(built_site, page, element.attrs[attribute])
                if target is None:
                    continue
                if not (built_site / target).is_file():
                    broken.append(f"{page}: {element.attrs[attribute]} (no file)")
                elif fragment and fragment not in ids.get(target, set()):
                    broken.append(f"{page}: {element.attrs[attribute]} (no id {fragment})")
    assert broken == []


# --- navigation ------------------------------------------------------------------------------


def _switcher(document: Element) -> list[Element]:
    nav = document.find("nav", "languages")
    lists = list(nav.iter("ul"))
    assert len(lists) == 1, "the language links are one list"
    return list(lists[0].iter("a"))


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.key)
def test_language_switcher_leads_to_the_counterpart_and_back(
    built_site: Path, documents: dict[str, Element], page: Page
) -> None:
    for language in LANGUAGES:
        here = page.path(language)
        links = _switcher(documents[here])
        assert [a.attrs["lang"] for a in links] == [other.html_lang for other in LANGUAGES]
        assert [clean(a.text()) for a in links] == [other.name for other in LANGUAGES]
        current = [a for a in links if a.attrs.get("aria-current") == "true"]
        assert [a.attrs["lang"] for a in current] == [language.html_lang]
        for other, link in zip(LANGUAGES, links, strict=True):
            there, _ = resolve(built_site, here, link.attrs["href"])
            assert there is not None and there == page.path(other)
            back = _switcher(documents[there])[LANGUAGES.index(language)]
            assert resolve(built_site, there, back.attrs["href"])[0] == here


def test_navigation_marks_the_current_page_and_skip_link_comes_first(
    built_site: Path, documents: dict[str, Element]
) -> None:
    for language in LANGUAGES:
        for page in PAGES:
            path = page.path(language)
            document = documents[path]
            current = [a for a in document.find("nav", "site-nav").iter("a") if "aria-current" in a.attrs]
            assert len(current) == 1 and current[0].attrs["aria-current"] == "page", path
            assert resolve(built_site, path, current[0].attrs["href"])[0] == path
            first_link = next(document.find("body").iter("a"))
            assert "skip-link" in first_link.classes() and first_link.attrs["href"] == "#main"
            assert document.find("main").attrs["id"] == "main"


def test_chinese_in_english_pages_is_marked_as_chinese(documents: dict[str, Element]) -> None:
    unmarked = []
    for page, document in documents.items():
        if not page.startswith("en/"):
            continue
        for element in document.find("body").iter():
            for child in element.children:
                if isinstance(child, str) and _CJK.search(child) and not element.lang().startswith("zh"):
                    unmarked.append(f"{page}: {child.strip()[:30]}")
    assert unmarked == []


# --- components ------------------------------------------------------------------------------


def test_tables_have_captions_and_scoped_headers(documents: dict[str, Element]) -> None:
    for page, document in documents.items():
        for table in document.iter("table"):
            first = next(c for c in table.children if isinstance(c, Element))
            assert first.tag == "caption" and clean(first.text()), page
            for header in table.iter("th"):
                section = header.parent.parent if header.parent else None
                expected = "col" if section and section.tag == "thead" else "row"
                assert header.attrs.get("scope") == expected, f"{page}: {clean(header.text())}"


def _table(document: Element, caption_id: str) -> Element:
    caption = next(e for e in document.iter("caption") if e.attrs.get("id") == caption_id)
    assert caption.parent is not None
    return caption.parent


@dataclass
class _Row:
    children: list[Element]


def _rows(table: Element) -> list[_Row]:
    return [
        _Row([c for c in row.children if isinstance(c, Element)]) for row in table.find("tbody").iter("tr")
    ]


def _column(table: Element, index: int) -> list[str]:
    return [clean(row.children[index].text()) for row in _rows(table)]


def test_a_column_in_one_unit_says_it_once_in_its_header(documents: dict[str, Element]) -> None:
    expected = {
        "en": ("Value (RMB billion)", "Growth, year on year (%)", ["245.64", "537.12", "98", "37.24"]),
        "zh": ("数值(亿元)", "增长(%)", ["2456.4", "5371.2", "980", "372.4"]),
    }
    for code, (value_header, growth_header, values) in expected.items():
        table = _table(documents[f"{code}/economy.html"], "indicators")
        headers = [clean(th.text()) for th in table.find("thead").iter("th")]
        assert headers[1:] == [value_header, growth_header]
        assert _column(table, 1) == values
        growth = [
            clean("".join(c for c in row.children[2].children if isinstance(c, str))) for row in _rows(table)
        ]
        assert all(re.fullmatch(r"[\d.]+", cell) for cell in growth), growth


def test_history_dates_keep_the_precision_the_seed_gives(
    documents: dict[str, Element], data: SiteData
) -> None:
    for language in LANGUAGES:
        times = list(documents[f"{language.code}/history.html"].find("ol", "timeline").iter("time"))
        assert [t.attrs["datetime"] for t in times] == [str(e.date) for e in data.history.events]
    precisions = {len(t.attrs["datetime"]) for t in times}
    assert precisions == {4, 7, 10}, "the seed has years, months and days"


def test_leadership_is_grouped_by_body_with_one_name_per_person(
    documents: dict[str, Element], data: SiteData
) -> None:
    people = {person.id: person for person in data.leadership.people}
    document = documents["en/government.html"]
    names_by_person: dict[str, set[str]] = {}
    for body in data.leadership.bodies:
        table = _table(document, f"body-{body.id}")
        assert clean(table.find("caption").text()) == body.name.en
        shown = _column(table, 0)
        assert shown == [people[m.person].name.en for m in body.members]
        for member, name in zip(body.members, shown, strict=True):
            names_by_person.setdefault(member.person, set()).add(name)
    assert all(len(names) == 1 for names in names_by_person.values())


def test_institutions_are_numbered_as_in_the_seed(documents: dict[str, Element], data: SiteData) -> None:
    seed = "".join("".join(p.read_text(encoding="utf-8").split()) for p in (REPO / "seeds").glob("*.txt"))
    for code in ("zh", "en"):
        document = documents[f"{code}/government.html"]
        for group in data.institutions.groups:
            table = _table(document, f"group-{group.id}")
            numbers = _column(table, 0)
            assert numbers == [institution.number for institution in group.institutions]
            for institution, name in zip(group.institutions, _column(table, 1), strict=True):
                assert f"{institution.number}{institution.name.zh}" in seed
                assert name == getattr(institution.name, code)


def test_charts_are_named_described_and_match_their_table(documents: dict[str, Element]) -> None:
    for code in ("zh", "en"):
        document = documents[f"{code}/economy.html"]
        charts = list(document.iter("svg"))
        assert len(charts) == 2
        table = _table(document, "industries-table")
        for chart, column in zip(charts, (1, 2), strict=True):
            assert chart.attrs["role"] == "img"
            title_id, desc_id = chart.attrs["aria-labelledby"].split()
            assert clean(chart.find("title").text()) and chart.find("title").attrs["id"] == title_id
            assert clean(chart.find("desc").text()) and chart.find("desc").attrs["id"] == desc_id
            values = [clean(t.text()) for t in chart.iter("text") if "chart-value" in t.classes()]
            assert values == _column(table, column)


def _quotes(document: Element) -> set[str]:
    return {clean(q.text()) for q in document.iter("q") if q.attrs.get("lang") == "zh-Hans"}


def _sourced_records(value: object) -> Iterator[Sourced]:
    """Every record that carries a quote from the seed, at any depth of the data."""
    if isinstance(value, Sourced):
        yield value
    if isinstance(value, SiteData):
        for _name, model in value.items():
            yield from _sourced_records(model)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _sourced_records(item)
    elif hasattr(value, "__dict__"):
        for item in vars(value).values():
            yield from _sourced_records(item)


def _fact_quotes(data: SiteData, language: str) -> set[str]:
    """Quotes of facts. Headings (topics, bodies, groups) quote their own title; a Chinese
    institution row shows its number and name, which are the seed's own words."""
    quotes = set()
    for record in _sourced_records(data):
        kind = type(record).__name__
        if kind in ("Topic", "Body", "InstitutionGroup") or (kind == "Institution" and language == "zh"):
            continue
        quotes.add(clean(record.source))
    return quotes


def test_every_fact_on_the_section_pages_shows_its_source(
    documents: dict[str, Element], data: SiteData
) -> None:
    for language in LANGUAGES:
        shown: set[str] = set()
        for page in PAGES:
            if page.key != "factsheet":
                shown |= _quotes(documents[page.path(language)])
        shown |= {
            clean(td.text())
            for document in documents.values()
            for td in document.iter("td")
            if td.attrs.get("lang") == "zh-Hans"
        }
        missing = _fact_quotes(data, language.code) - shown
        assert missing == set(), f"{language.code}: no source shown for {sorted(missing)[:5]}"


def test_every_fact_on_the_fact_sheet_can_show_its_source(
    built_site: Path, documents: dict[str, Element], data: SiteData
) -> None:
    for language in LANGUAGES:
        page = f"{language.code}/factsheet.html"
        document = documents[page]
        shown = _quotes(document)
        shown |= {clean(td.text()) for td in document.iter("td") if td.attrs.get("lang") == "zh-Hans"}
        for link in document.iter("a"):
            if "src" in link.classes():  # the quote is on the section page, one link away
                target, fragment = resolve(built_site, page, link.attrs["href"])
                assert target is not None
                details = next(e for e in documents[target].iter("details") if e.attrs.get("id") == fragment)
                shown |= _quotes(details)
        missing = _fact_quotes(data, language.code) - shown
        assert missing == set(), f"{page}: no source for {sorted(missing)[:5]}"


def test_every_discrepancy_is_footnoted_on_the_fact_sheet(
    documents: dict[str, Element], data: SiteData
) -> None:
    notes = {clean(note["en"]) for record in _sourced_records(data) for note in record.notes}
    footnotes = documents["en/factsheet.html"].find("section", "footnotes")
    shown = [clean(li.text()) for li in footnotes.iter("li")]
    assert all(any(s.startswith(note) for s in shown) for note in notes)
    assert len(shown) == sum(len(record.notes) for record in _sourced_records(data))


def test_infobox_shows_only_rows_with_values(documents: dict[str, Element]) -> None:
    for language in LANGUAGES:
        summary = documents[f"{language.code}/index.html"].find("dl", "summary")
        rows = [row for row in summary.iter("div")]
        assert rows
        for row in rows:
            assert clean(row.find("dt").text()) and clean(row.find("dd").text()), row.attrs


def test_root_and_404_pages_offer_both_languages(built_site: Path, documents: dict[str, Element]) -> None:
    for special in (ROOT_PAGE, NOT_FOUND_PAGE):
        targets = {resolve(built_site, special, a.attrs["href"])[0] for a in documents[special].iter("a")}
        assert {page.path(language) for language in LANGUAGES for page in PAGES[:1]} <= targets
