"""The fact sheet is a fact sheet: at most two A4 pages a language, in its PDF and printed from
the page; every mark on it explained on it (a figure's number by its numbered source, a flag by
the legend and the note that gives it, no section page's S12 or [3]); its chart's text in the page
language's CJK font; a light page that leads to the section pages, which hold everything."""

import gzip
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from browser_support import missing
from conftest import REPO
from etown.charts import bar_chart
from etown.convert import read_conversions
from etown.languages import LANGUAGES, Language, by_code
from etown.pages import FACTSHEET_PAGE, PAGES
from etown.pipeline import Pipeline, load_site_data
from etown.producers import pdf
from etown.records import FLAGS
from etown.schema import Quantity
from etown.sections import SiteData
from etown.strings import Strings, read_strings

BASE = "https://example.org/etown/"
"""The session's site is built with this base URL (conftest.built_site)."""
BUDGET = 30 * 1024
CHART_FONT = {"zh": "Noto Sans CJK SC", "en": "Noto Sans CJK SC", "zh-Hant": "Noto Sans CJK TC"}
CODES = [language.code for language in LANGUAGES]


# --- reading the page --------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list["Node | str"] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> "list[Node]":
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    found.append(child)
                found.extend(child.iter(tag))
        return found

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source", "wbr", "col", "area", "base"})


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while len(self.open) > 1 and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def main_of(site: Path, language: Language) -> Node:
    tree = _Tree()
    tree.feed((site / FACTSHEET_PAGE.path(language)).read_text(encoding="utf-8"))
    return tree.root.iter("main")[0]


def squeezed(text: str) -> str:
    return "".join(text.split())


def strings() -> Strings:
    conversions, _ = read_conversions(REPO)
    words, problems = read_strings(REPO / "templates", {"site_name": {"zh": "-", "en": "-"}}, conversions)
    assert words is not None, problems
    return words


@dataclass
class Sheet:
    marks: list[Node]
    """Each figure's number: a link in a <sup>."""
    entries: list[Node]
    """The numbered sources, in order."""
    legend: list[str]
    """The flags the legend explains, as printed."""
    body_flags: list[tuple[list[str], Node]]
    """The flags printed with each figure (before its number), and that number."""


def read_sheet(site: Path, language: Language) -> Sheet:
    main = main_of(site, language)
    sources = [ol for ol in main.iter("ol") if "sheet-sources" in ol.classes()]
    assert len(sources) == 1
    legends = [dl for dl in main.iter("dl") if "legend" in dl.classes()]
    legend = [dt.text() for dl in legends for dt in dl.iter("dt")]
    in_legend = {id(node) for dl in legends for node in dl.iter()}
    marks, body_flags = [], []
    for parent in main.iter():
        pending: list[str] = []
        for child in parent.children:
            if not isinstance(child, Node) or id(child) in in_legend:
                continue
            if "flag" in child.classes():
                pending.append(child.text())
            elif child.tag == "sup":
                (link,) = child.iter("a")
                marks.append(link)
                body_flags.append((pending, link))
                pending = []
    entries = [li for li in sources[0].children if isinstance(li, Node) and li.tag == "li"]
    return Sheet(marks, entries, legend, body_flags)


# --- on paper ----------------------------------------------------------------------------------


def poppler(tool: str, *arguments: str) -> str:
    if shutil.which(tool) is None:
        missing(f"{tool} not found (Debian: poppler-utils)")
    return subprocess.run([tool, *arguments], capture_output=True, text=True, check=True).stdout


def _pdf(site: Path, code: str) -> str:
    return str(site / pdf.pdf_path(FACTSHEET_PAGE, by_code(code)))


@pytest.mark.parametrize("code", CODES)
def test_each_pdf_is_at_most_two_a4_pages(built_site: Path, code: str) -> None:
    info = poppler("pdfinfo", _pdf(built_site, code))
    pages = re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE)
    assert pages and 1 <= int(pages.group(1)) <= 2, info
    assert re.search(r"^Page size:\s+595\.276 x 841\.89 pts \(A4\)$", info, re.MULTILINE), info


@pytest.mark.parametrize("code", CODES)
def test_the_pdf_prints_no_mark_without_its_meaning(built_site: Path, code: str) -> None:
    """No section page's marks (S12, [3]) reach paper; every flag printed has its meaning beside
    it; the numbers lead to sources on the sheet itself, and the notes to an address printed."""
    language = by_code(code)
    text = squeezed(poppler("pdftotext", "-enc", "UTF-8", _pdf(built_site, code), "-"))
    assert not re.findall(r"(?<![A-Za-z0-9])S\d+(?![A-Za-z0-9])", text)
    assert not re.findall(r"\[\d+\]", text)
    words = strings()
    printed = [flag for flag in FLAGS if squeezed(words.get(f"flag_{flag}", language)) in text]
    assert printed  # the sheet shows flagged figures (the area of the BDA: [conflict] [scope])
    for flag in printed:
        assert squeezed(words.get(f"flag_{flag}_means", language)) in text, flag
    for key in ("factsheet_sources_lede", "factsheet_all_notes", "factsheet_full_site"):
        assert squeezed(words.get(key, language)) in text, key
    assert f"{BASE}{code}/about.html" in text and f"{BASE}{code}/" in text


@pytest.mark.parametrize("code", CODES)
def test_the_chart_is_drawn_in_the_cjk_font_of_the_page_language(built_site: Path, code: str) -> None:
    """An SVG's text in WeasyPrint inherits neither the page's fonts nor its language: without a
    font named on the chart, fontconfig drew its Chinese in Noto Sans CJK JP glyph forms."""
    (chart,) = main_of(built_site, by_code(code)).iter("svg")
    assert chart.attrs["font-family"].startswith(CHART_FONT[code]), chart.attrs
    fonts = [row.split()[0] for row in poppler("pdffonts", _pdf(built_site, code)).splitlines()[2:]]
    cjk = {re.sub(r"^[A-Z]{6}\+Noto-Sans-CJK-(\w\w).*$", r"\1", name) for name in fonts if "CJK" in name}
    # Traditional pages quote the source in Simplified Chinese, in the Simplified font
    assert cjk == ({"TC", "SC"} if code == "zh-Hant" else {"SC"}), fonts


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_number_leads_to_its_own_numbered_source(built_site: Path, code: str) -> None:
    """Each figure's number n names the n-th source on the sheet, and leads (as that source's
    paragraph does) straight to its quoted words in the source document; every source listed
    is some figure's."""
    sheet = read_sheet(built_site, by_code(code))
    assert sheet.entries and sheet.marks
    numbers = [int(mark.text()) for mark in sheet.marks]
    assert set(numbers) == set(range(1, len(sheet.entries) + 1))
    first_shown = list(dict.fromkeys(numbers))
    assert first_shown == sorted(first_shown)  # numbered in the order the figures are shown
    for mark, number in zip(sheet.marks, numbers, strict=True):
        entry = sheet.entries[number - 1]
        paragraph_link = entry.iter("a")[0]
        assert mark.attrs["href"] == paragraph_link.attrs["href"], number
        found = re.fullmatch(r"source\.html#p(\d+):~:text=(.+)", mark.attrs["href"])
        assert found, mark.attrs["href"]
        assert paragraph_link.text() == f"¶{found.group(1)}"
        quote = squeezed(entry.iter("q")[0].text())
        # the fragment's terms (commas part them; a prefix- or -suffix is context around them)
        terms = [unquote(term) for term in found.group(2).split(",") if not term.endswith("-")]
        terms = [term for term in terms if not term.startswith("-")]
        assert terms and all(squeezed(term) in quote for term in terms), (mark.attrs["href"], quote)


@pytest.mark.parametrize("code", CODES)
def test_every_flag_is_in_the_legend_and_its_note_follows_the_quote(built_site: Path, code: str) -> None:
    language = by_code(code)
    sheet = read_sheet(built_site, language)
    main = main_of(built_site, language)
    shown = {node.text() for node in main.iter("span") if "flag" in node.classes()}
    shown |= {  # a chart's labels carry its bars' flags
        flag for chart in main.iter("svg") for flag in re.findall(r"\[[^\]]+\]", chart.text())
    }
    assert shown and shown <= set(sheet.legend) and len(sheet.legend) == len(set(sheet.legend))
    words = strings()
    for flags, mark in sheet.body_flags:
        entry = sheet.entries[int(mark.text()) - 1]
        in_entry = [node.text() for node in entry.iter("span") if "flag" in node.classes()]
        for flag in flags:
            if flag == words.get("flag_inferred", language):
                assert squeezed(words.get("period_inferred", language)) in squeezed(entry.text())
            else:  # a note gives it: its title, linked to the note in full on the About page
                assert flag in in_entry, (mark.text(), flag)
                notes = [a for a in entry.iter("a") if "about.html#" in a.attrs["href"]]
                assert notes, mark.text()


def test_the_flags_the_sheet_footnotes_are_those_the_notes_give() -> None:
    data: SiteData = load_site_data(REPO)
    robotics = data.record("robotics")
    assert [(flag, note.id) for flag, note in data.flag_notes(robotics)] == [
        ("conflict", "robotics-share-24-vs-23-9")
    ]  # its other notes (names, a garbled sentence) give no flag
    for record in data.index.records:
        given = {flag for flag, _ in data.flag_notes(record.model)}
        assert given <= set(data.flags_of(record.model)), record.ref


@pytest.mark.parametrize("code", CODES)
def test_the_page_is_light_and_leads_to_the_full_site(built_site: Path, code: str) -> None:
    language = by_code(code)
    page = built_site / FACTSHEET_PAGE.path(language)
    stylesheet = next((built_site / "assets").glob("style.*.css"))
    weight = len(gzip.compress(page.read_bytes(), 6)) + len(gzip.compress(stylesheet.read_bytes(), 6))
    assert weight <= BUDGET, weight
    main = main_of(built_site, language)
    links = {a.attrs["href"] for a in main.iter("a")}
    assert {"index.html", "economy.html", "factsheet.pdf"} <= links
    assert not [a for a in main.iter("a") if {"sm", "nm"} & a.classes()]  # no section page's marks
    text = main.text()
    assert f"{BASE}{code}/" in text and f"{BASE}{code}/about.html" in text


def test_a_reference_to_no_record_stops_the_build_at_its_line(project: Path) -> None:
    template = project / "templates" / "factsheet.html"
    text = template.read_text(encoding="utf-8")
    assert text.count("'fortune-global-500'") == 1
    template.write_text(text.replace("'fortune-global-500'", "'fortune-global-5000'"), encoding="utf-8")
    line = next(
        number for number, row in enumerate(text.splitlines(), start=1) if "'fortune-global-500'" in row
    )
    problems = [str(problem) for problem in Pipeline(project).check().problems]
    assert problems == [
        f"templates/factsheet.html:{line}:1: template error: no record of the data is named "
        "'fortune-global-5000'"
    ]


def test_a_chart_names_its_font_only_when_asked_and_carries_its_own_look() -> None:
    """Attributes for a renderer that no stylesheet reaches (WeasyPrint); a browser's stylesheet
    overrides them."""
    language = by_code("zh")
    bars = [("甲", Quantity(value=Decimal(3), unit="亿元")), ("乙", Quantity(value=Decimal(1), unit="亿元"))]
    plain = bar_chart(language=language, chart_id="c", title="t", description="d", bars=bars)
    named = bar_chart(
        language=language, chart_id="c", title="t", description="d", bars=bars, font_family="Noto Sans CJK TC"
    )
    assert "font-family" not in plain
    font = ' font-family="Noto Sans CJK TC"'
    assert str(named) == str(plain).replace(' font-size="13">', f'{font} font-size="13">', 1)
    assert plain.count('fill="#444"') == len(bars) and plain.count('font-weight="700"') == len(bars)


def test_the_fact_sheet_is_no_section_page() -> None:
    """The About page's "appears at" links go to the section page holding each record, never to
    the fact sheet, which shows a few."""
    assert not FACTSHEET_PAGE.sections
    sections = [section for page in PAGES for section in page.sections]
    assert len(sections) == len(set(sections))
