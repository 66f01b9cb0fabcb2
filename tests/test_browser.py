"""The reader-facing gates, in Debian's Chromium: WCAG A/AA by axe-core in light and dark, valid
HTML by the Nu HTML Checker, no sideways scrolling at 320 px, visible keyboard focus, a clean
print layout. (Screenshots for a person to look at: tests/tools/screenshots.py.)

The checks that need no browser (links, the language switcher, table markup, the weight budget)
are in test_pages_html.py.
"""

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser_support import (
    SITE_PAGES,
    open_tab,
    run_axe,
    run_vnu,
    show,
)
from browser_support import browser as chromium  # noqa: F401 (the fixture "browser")
from browser_support import site_url as served_site  # noqa: F401 (the fixture "site_url")
from conftest import ARTIFACTS
from etown.languages import LANGUAGES

pytestmark = pytest.mark.browser

if TYPE_CHECKING:
    from PIL import Image
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def light_tab(browser: "Browser") -> Iterator["Page"]:
    tab = open_tab(browser, "desktop")
    yield tab
    tab.context.close()


@pytest.fixture(scope="session")
def dark_tab(browser: "Browser") -> Iterator["Page"]:
    tab = open_tab(browser, "desktop", color_scheme="dark")
    yield tab
    tab.context.close()


@pytest.fixture(scope="session")
def narrow_tab(browser: "Browser") -> Iterator["Page"]:
    tab = open_tab(browser, "narrowest")
    yield tab
    tab.context.close()


@pytest.fixture(scope="session")
def mobile_tab(browser: "Browser") -> Iterator["Page"]:
    tab = open_tab(browser, "mobile")
    yield tab
    tab.context.close()


def _describe(violations: list[dict[str, object]]) -> str:
    return "\n".join(f"  {v['rule']}: {v['help']} at {v['where']}" for v in violations)


@pytest.mark.parametrize("page", SITE_PAGES)
def test_axe_finds_no_wcag_violations_in_light_mode(site_url: str, light_tab: "Page", page: str) -> None:
    show(light_tab, site_url, page)
    violations = run_axe(light_tab)
    assert violations == [], f"{page}:\n{_describe(violations)}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_axe_finds_no_wcag_violations_in_dark_mode(site_url: str, dark_tab: "Page", page: str) -> None:
    show(dark_tab, site_url, page)
    assert dark_tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    violations = run_axe(dark_tab)
    assert violations == [], f"{page} (dark):\n{_describe(violations)}"


def test_nu_html_checker_finds_no_errors(built_site: Path) -> None:
    files = [built_site / page for page in SITE_PAGES]
    errors = run_vnu(files)
    listed = "\n".join(
        f"  {Path(e.get('url', '')).name}:{e.get('lastLine')}: {e.get('message')}" for e in errors
    )
    assert errors == [], f"vnu reports:\n{listed}"


@pytest.fixture(scope="session")
def phone_tab(browser: "Browser") -> Iterator["Page"]:
    tab = open_tab(browser, "phone")
    yield tab
    tab.context.close()


LAYOUT = """() => ({
    height: document.documentElement.scrollHeight,
    title: document.querySelector('h1').getBoundingClientRect().top,
    figures: document.querySelector('dl.headlines').getBoundingClientRect().bottom,
    menuShown: getComputedStyle(document.querySelector('nav.menu')).display !== 'none',
})"""


@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_the_overview_leads_with_its_figures_and_stays_short(
    site_url: str, light_tab: "Page", phone_tab: "Page", language: str
) -> None:
    """At 1280 px the headline figures are above the fold and the English page is at most
    4,000 px tall (8,000 at 390 px); on a phone the title starts within 200 px, under a folded menu."""
    show(light_tab, site_url, f"{language}/index.html")
    wide = light_tab.evaluate(LAYOUT)
    show(phone_tab, site_url, f"{language}/index.html")
    phone = phone_tab.evaluate(LAYOUT)
    assert wide["figures"] <= 900, wide
    assert phone["title"] <= 200 and phone["menuShown"], phone
    if language == "en":
        assert wide["height"] <= 4000 and phone["height"] <= 8000, (wide, phone)


@pytest.mark.parametrize("page", SITE_PAGES)
def test_no_page_scrolls_sideways_at_320_px(site_url: str, narrow_tab: "Page", page: str) -> None:
    show(narrow_tab, site_url, page)
    width = narrow_tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page} is {width} px wide in a 320 px viewport"


FOCUS_STYLE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {tag: element.tagName, text: (element.textContent || '').trim().slice(0, 40),
            outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
            visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight};
}"""


def test_keyboard_focus_is_always_visible(site_url: str, light_tab: "Page") -> None:
    show(light_tab, site_url, "en/economy.html")
    light_tab.keyboard.press("Tab")
    first = light_tab.evaluate(FOCUS_STYLE)
    assert first["tag"] == "A" and first["text"] == "Skip to main content", first
    hidden = []
    for _ in range(40):  # the skip link, header, navigation, and well into the content
        focused = light_tab.evaluate(FOCUS_STYLE)
        if focused["outline"] == "none" or focused["width"] < 2 or not focused["visible"]:
            hidden.append(focused)
        light_tab.keyboard.press("Tab")
    assert hidden == [], hidden


def test_skip_link_moves_focus_to_the_main_content(site_url: str, light_tab: "Page") -> None:
    show(light_tab, site_url, "zh/history.html")
    light_tab.keyboard.press("Tab")
    light_tab.keyboard.press("Enter")
    assert light_tab.evaluate("document.activeElement.id") == "main"


PRINT_HIDDEN = [".skip-link", ".site-nav", ".languages", "details", "a.src"]


@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_fact_sheet_prints_on_a4_without_navigation(site_url: str, light_tab: "Page", language: str) -> None:
    show(light_tab, site_url, f"{language}/factsheet.html")
    light_tab.emulate_media(media="print")
    try:
        shown = light_tab.evaluate(
            """selectors => selectors.filter(s => [...document.querySelectorAll(s)]
                   .some(e => getComputedStyle(e).display !== 'none'))""",
            PRINT_HIDDEN,
        )
        assert shown == [], f"printed although navigation or sources: {shown}"
        pdf = light_tab.pdf(format="A4", print_background=True)
    finally:
        light_tab.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")
    artifact = ARTIFACTS / f"factsheet-{language}.pdf"
    artifact.parent.mkdir(parents=True, exist_ok=True)
    artifact.write_bytes(pdf)


HIGHLIGHT_STYLE = """document.addEventListener("DOMContentLoaded", () => {
    const style = document.createElement("style");
    style.textContent = "::target-text{background:rgb(255,0,255)!important;color:#000!important}";
    document.head.append(style);
});"""
PARAGRAPH_BOX = """id => { const element = document.getElementById(id);
    if (!element) return null; const box = element.getBoundingClientRect(); return [box.top, box.height]; }"""


def _highlighted(shot: bytes) -> "Image.Image":
    """A mask of the screenshot's pixels in the colour the test gives ::target-text, rgb(255, 0,
    255), so that the browser's highlight can be found (255 where painted, else 0)."""
    from PIL import Image, ImageChops

    red, green, blue = Image.open(io.BytesIO(shot)).convert("RGB").split()
    mask = ImageChops.multiply(red.point([0] * 255 + [255]), green.point([255] + [0] * 255))
    return ImageChops.multiply(mask, blue.point([0] * 255 + [255]))


def _source_links(built_site: Path, language: str) -> list[str]:
    """Every distinct link to the source document's text fragments on one language's pages."""
    links: set[str] = set()
    for page in (built_site / language).glob("*.html"):
        links |= {
            html.unescape(href)
            for href in re.findall(
                r'href="(source\.html#[^"]+:~:text=[^"]+)"', page.read_text(encoding="utf-8")
            )
        }
    return sorted(links)


def test_every_source_link_highlights_its_quote_in_the_source_document(
    built_site: Path, site_url: str, browser: "Browser"
) -> None:
    """Chromium follows each link to the source page and paints the text fragment, inside the
    paragraph the link names (that the fragment matches exactly the quote is checked without a
    browser, in test_sourcedoc.py)."""
    links = _source_links(built_site, "en")
    assert len(links) > 200
    tab = open_tab(browser, "desktop")
    tab.context.add_init_script(HIGHLIGHT_STYLE)
    unhighlighted = []
    for visit, link in enumerate(links):
        # a text fragment applies only when a document is loaded: each visit loads the page anew
        page, fragment = link.split("#", 1)
        tab.goto(f"{site_url}en/{page}?visit={visit}#{fragment}")
        paragraph = fragment.split(":~:", 1)[0]
        box = tab.evaluate(PARAGRAPH_BOX, paragraph)
        if box is None:
            unhighlighted.append(link)
            continue
        painted = _highlighted(tab.screenshot())
        # the paragraph, and the one after it (a number and the name it numbers are two)
        top = max(int(box[0]) - 4, 0)
        inside = painted.crop((0, top, painted.width, min(top + int(box[1]) + 64, painted.height)))
        painted_inside, painted_anywhere = inside.histogram()[255], painted.histogram()[255]
        if painted_inside == 0 or painted_inside < painted_anywhere:
            unhighlighted.append(link)
    tab.context.close()
    assert unhighlighted == [], (
        f"{len(unhighlighted)} of {len(links)} not highlighted in place: {unhighlighted[:3]}"
    )
