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

from browser_support import SITE_PAGES, base_path
from conftest import REPO
from etown.languages import LANGUAGES, Language
from etown.pages import NOT_FOUND_PAGE, PAGES, ROOT_PAGE, SOURCE_PAGE, Page
from etown.pipeline import load_site_data
from etown.provenance import read_seed
from etown.records import anchor
from etown.schema import Sourced
from etown.sections import SiteData
from etown.sourcedoc import SourceDocument

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

    def words(self) -> str:
        """The text without the marks after a record (flags, note and source marks)."""
        return "".join(
            c if isinstance(c, str) else c.words()
            for c in self.children
            if isinstance(c, str) or not (c.classes() & {"nm", "sm", "flag"})
        )

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
    parts = parts._replace(fragment=parts.fragment.split(":~:", 1)[0])  # a text fragment's element id
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
        if page.endswith("/search.html"):  # its own module, inline, which loads the site's pagefind/
            assert [e.attrs for e in scripts] == [{"type": "module"}], page
        else:
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
                if header.parent is not None and "breakdown" in header.parent.classes():
                    expected = "rowgroup"  # the heading of one way of dividing the whole
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
    return [clean(row.children[index].words()) for row in _rows(table)]


def test_a_column_in_one_unit_says_it_once_in_its_header(documents: dict[str, Element]) -> None:
    expected = {
        "en": ("Value (RMB billion)", "Growth (%)", ["245.64", "537.12", "98", "37.24"]),
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
        table = _table(document, body.id)
        assert clean(table.find("caption").words()) == f"{body.name['en']} (as of publication)"
        shown = _column(table, 0)
        assert shown == [people[m.person].name["en"] for m in body.members]
        for member, name in zip(body.members, shown, strict=True):
            names_by_person.setdefault(member.person, set()).add(name)
    assert all(len(names) == 1 for names in names_by_person.values())


def test_institutions_are_numbered_as_in_the_seed(documents: dict[str, Element], data: SiteData) -> None:
    seed = "".join("".join(p.read_text(encoding="utf-8").split()) for p in (REPO / "seeds").glob("*.txt"))
    for code in ("zh", "en"):
        document = documents[f"{code}/government.html"]
        for group in data.institutions.groups:
            table = _table(document, group.id)
            numbers = _column(table, 0)
            assert numbers == [institution.number for institution in group.institutions]
            for institution, name in zip(group.institutions, _column(table, 1), strict=True):
                assert f"{institution.number}{institution.name['zh']}" in seed
                assert name == institution.name[code]


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


def _marks(document: Element) -> list[Element]:
    return [a for a in document.iter("a") if "sm" in a.classes()]


def _marked_record(mark: Element) -> str | None:
    """The anchor of the record a mark follows: the nearest element around it with an id (a
    headline figure's tile is ``glance-ANCHOR``)."""
    element = mark.parent
    while element is not None:
        if "id" in element.attrs and not element.attrs["id"].startswith(("ref-", "note-")):
            return element.attrs["id"].removeprefix("glance-")
        element = element.parent
    return None


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_every_record_is_marked_and_its_mark_leads_to_its_own_words_in_the_source(
    built_site: Path, documents: dict[str, Element], data: SiteData, language: Language
) -> None:
    """One click to the proof: on every page each record's source mark leads to the source page,
    straight to the text fragment of that very record's quote (which the browser gate shows it
    highlights), and the page's list of sources quotes it too. Every record is shown somewhere."""
    records = {anchor(record.ref): record for record in data._index.records}
    source_document = SourceDocument(read_seed(REPO))
    marked = set()
    for page in PAGES:
        path = page.path(language)
        listed = {clean(q.text()) for q in documents[path].iter("q")}
        for mark in _marks(documents[path]):
            target, _ = resolve(built_site, path, mark.attrs["href"])
            assert target == SOURCE_PAGE.path(language), (path, mark.attrs["href"])
            record_anchor = _marked_record(mark)
            assert record_anchor in records, (path, mark.attrs["href"], record_anchor)
            source = records[record_anchor].model.source
            passage = source_document.locate(source)
            assert passage is not None and mark.attrs["href"].endswith("#" + passage.fragment), (path, source)
            assert clean(source) in listed, (path, source)
            marked.add(record_anchor)
    assert set(records) - marked == set(), "records shown on no page"


def _numbers_named(mark: str) -> list[int]:
    numbers: list[int] = []
    for part in mark.strip("[]").split(","):
        first, _, last = part.strip().partition("–")
        numbers += range(int(first), int(last or first) + 1)
    return numbers


def test_each_page_lists_each_note_once_and_every_mark_finds_it(documents: dict[str, Element]) -> None:
    for path, document in documents.items():
        listed = [li for li in document.iter("li") if li.attrs.get("id", "").startswith("note-")]
        ids = [li.attrs["id"] for li in listed]
        texts = [clean(li.text()) for li in listed]
        assert len(ids) == len(set(ids)) and len(texts) == len(set(texts)), f"{path}: a note is listed twice"
        marked = {  # a mark names its notes: [1], [2, 3], [4–7]
            f"note-{number}"
            for a in document.iter("a")
            if a.attrs.get("href", "").startswith("#note-")
            for number in _numbers_named(a.text())
        }
        # a note of the sentence that opens the page is listed unmarked, and leads back to it
        unmarked = {
            li.attrs["id"]
            for li in listed
            if not any(a.attrs.get("href", "").startswith("#ref-") for a in li.iter("a"))
        }
        assert marked | unmarked == set(ids) and not marked & unmarked, f"{path}: marks and notes differ"


def test_the_about_page_lists_every_note_by_kind_with_where_it_appears(
    built_site: Path, documents: dict[str, Element], data: SiteData
) -> None:
    for language in LANGUAGES:
        about = documents[f"{language.code}/about.html"]
        sections = {s.attrs["id"]: s for s in about.iter("section") if "note" in s.classes()}
        assert set(sections) == {note.id for note in data.notes.notes}
        section_pages = {posixpath.basename(page.path(language)) for page in PAGES if page.sections}
        for note in data.notes.notes:
            links = [  # where it appears: the section page showing each record it names
                a.attrs["href"]
                for a in sections[note.id].iter("a")
                if a.attrs["href"].split("#")[0] in section_pages
            ]
            assert len(links) == len(note.touches) + len(note.mentions), note.id
            for href, ref in zip(links, note.touches + note.mentions, strict=True):
                target, fragment = resolve(built_site, f"{language.code}/about.html", href)
                assert target is not None and fragment == anchor(ref), (note.id, href)
                assert any(e.attrs.get("id") == fragment for e in documents[target].iter()), (note.id, href)


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


# --- periods, scope and flags -------------------------------------------------------------------


def test_captions_say_the_period_their_figures_share(documents: dict[str, Element]) -> None:
    captions = {
        code: clean(
            next(
                c
                for c in documents[f"{code}/economy.html"].iter("caption")
                if c.attrs.get("id") == "indicators"
            ).words()
        )
        for code in ("zh", "en", "zh-Hant")
    }
    assert captions == {
        "zh": "2022年主要经济指标",
        "en": "Headline indicators, 2022",
        "zh-Hant": "2022年主要經濟指標",
    }
    figure = documents["en/economy.html"].find("figcaption")
    assert clean(figure.text()).startswith("Output of the four leading industries, 2022")


def test_rows_say_their_period_when_the_table_has_none_in_common(documents: dict[str, Element]) -> None:
    population = _table(documents["en/index.html"], "population")
    assert clean(population.find("caption").words()) == "Area and population (as of publication)"
    enterprises = _table(documents["en/economy.html"], "enterprises-table")
    periods = {clean(e.text()) for e in enterprises.iter("small") if "period" in e.classes()}
    caption = clean(enterprises.find("caption").words())
    assert caption == "Shares, enterprises and projects (period not stated)" and not periods
    culture = _table(documents["zh/society.html"], "facts-culture")
    texts = [clean(e.text()) for e in culture.iter("small") if "period" in e.classes()]
    assert "(2020年末)" in texts and "(2020年)" in texts


def test_an_inferred_period_is_flagged_and_explained(documents: dict[str, Element]) -> None:
    document = documents["en/society.html"]
    flags = [clean(e.text()) for e in document.iter("span") if "flag" in e.classes()]
    assert "[inferred]" in flags
    sources = document.find("ol", "sources")
    assert "Period inferred by this site: end of 2020: The paragraph opens with “2020年”" in clean(
        sources.text()
    )
    legend = {
        clean(item.find("dt").text()): clean(item.find("dd").text())
        for item in document.find("dl", "legend").iter("div")
    }
    assert legend["[inferred]"].startswith("the period or reading is this site’s inference")


def test_a_figure_covering_part_of_the_bda_says_which(documents: dict[str, Element]) -> None:
    kindergartens = next(
        e for e in documents["en/society.html"].iter("tr") if e.attrs.get("id") == "kindergartens"
    )
    assert "Within: the core area" in clean(kindergartens.text())
    key_facts = clean(documents["en/index.html"].find("dl", "summary").text())
    assert "Area 225 km² [planned area of Yizhuang New Town]" in key_facts


def test_alternative_breakdowns_are_grouped_and_parts_say_of_which(documents: dict[str, Element]) -> None:
    areas = _table(documents["en/government.html"], "division-areas")
    groups = [clean(e.text()) for e in areas.iter("tr") if "breakdown" in e.classes()]
    assert groups == ["By the BDA’s boundary", "By administrative district"]
    parts = [clean(e.words()) for e in areas.iter("tr") if "part" in e.classes()]
    assert parts and all(part.startswith("of which:") for part in parts)
