"""The source document on the site: the seed verbatim, paragraph by paragraph; every quote's link
names the paragraph and a text fragment that a browser matches to exactly that quote."""

import html
import re
from pathlib import Path
from urllib.parse import unquote

from conftest import REPO
from etown.provenance import normalise, read_seed
from etown.sourcedoc import SourceDocument


def _paragraphs(page: str) -> dict[str, str]:
    document = page.split('<div class="document" lang="zh-Hans">', 1)[1].split("</div>", 1)[0]
    return {pid: html.unescape(text) for pid, text in re.findall(r'<p id="(p\d+)">(.*?)</p>', document, re.S)}


def _find(text: str, term: str, after: int = 0) -> int:
    """The first place of ``term`` not inside a run of Latin letters or digits (a browser matches
    text fragments at word boundaries)."""
    found = re.search(
        rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])" if term[0].isascii() else re.escape(term),
        text[after:],
    )
    return after + found.start() if found else -1


def _first_match(text: str, directive: str) -> tuple[int, int] | None:
    """Where a browser's text-fragment search lands: the first textStart that the prefix (with
    only white space between) precedes, then the first textEnd after it."""
    terms = directive.split(",")
    prefix = unquote(terms.pop(0)[:-1]) if terms[0].endswith("-") else ""
    first, last = unquote(terms[0]), (unquote(terms[1]) if len(terms) > 1 else "")
    start = _find(text, first)
    while start >= 0 and prefix and not text[:start].rstrip().endswith(prefix):
        start = _find(text, first, start + 1)
    if start < 0:
        return None
    if prefix and not last:  # the quote may begin with its prefix ("01" before "机关党委")
        prefix_start = text[:start].rstrip().rfind(prefix)
        if normalise(text[prefix_start : start + len(first)]) in QUOTES:
            return prefix_start, start + len(first)
    if not last:
        return start, start + len(first)
    end = _find(text, last, start + len(first))
    return (start, end + len(last)) if end >= 0 else None


def test_the_source_page_is_the_seed_verbatim_in_order(built_site: Path) -> None:
    seed = read_seed(REPO)
    for language in ("zh", "en", "zh-Hant"):
        paragraphs = _paragraphs((built_site / language / "source.html").read_text(encoding="utf-8"))
        lines = [line.strip() for line in seed.text.splitlines() if line.strip()]
        assert list(paragraphs.values()) == lines
        assert list(paragraphs) == [f"p{number}" for number in range(1, len(lines) + 1)]
        page = (built_site / language / "source.html").read_text(encoding="utf-8")
        assert (
            seed.sha256 in page
            and seed.sha256 == "49d056d9c9880643ef96d398f5e299bb3ce9f548eaef9507364129398c4e0e9a"
        )


def test_every_quote_link_lands_on_exactly_its_quote(built_site: Path) -> None:
    paragraphs = _paragraphs((built_site / "en" / "source.html").read_text(encoding="utf-8"))
    text = "\n".join(paragraphs.values())
    starts = {}
    offset = 0
    for pid, paragraph in paragraphs.items():
        starts[pid] = offset
        offset += len(paragraph) + 1
    links = set()
    for page in (built_site / "en").glob("*.html"):
        for href in re.findall(r'href="source\.html#([^"]+)"', page.read_text(encoding="utf-8")):
            links.add(html.unescape(href))
    checked = 0
    for link in sorted(links):
        if ":~:text=" not in link:
            assert link in paragraphs, link
            continue
        pid, directive = link.split(":~:text=", 1)
        match = _first_match(text, directive)
        assert match is not None, link
        start, end = match
        assert starts[pid] <= start < starts[pid] + len(paragraphs[pid]) + 1, f"{link} lands elsewhere"
        landed = text[start:end]
        assert _is_a_quote(landed), f"{link} lands on {landed!r}"
        checked += 1
    assert checked > 200


QUOTES = {normalise(quote) for quote in re.findall(r'<q lang="zh-Hans">(.*?)</q>', "".join(
    html.unescape(page.read_text(encoding="utf-8")) for page in (REPO / "tests" / "golden").rglob("*.html")
))}  # fmt: skip


def _is_a_quote(landed: str) -> bool:
    """The text landed on is, white space aside, the whole of some record's quote."""
    return normalise(landed) in QUOTES


def test_a_quote_found_twice_in_the_seed_links_to_its_first_place() -> None:
    document = SourceDocument(read_seed(REPO))
    passage = document.locate("序号")  # the institutions tables repeat their headers
    assert passage is not None and passage.paragraph == "p101"


def test_a_quote_that_breaks_where_the_seed_breaks_links_to_that_place() -> None:
    """ "面积 225平方公里" is the infobox's label and value, two lines of the seed; the same characters
    run together in a paragraph before it ("规划面积225平方公里"), which a quote without the break finds."""
    document = SourceDocument(read_seed(REPO))
    split, joined = document.locate("面积 225平方公里"), document.locate("规划面积225平方公里")
    assert split is not None and joined is not None
    split_text = next(p.text for p in document.paragraphs if p.id == split.paragraph)
    joined_text = next(p.text for p in document.paragraphs if p.id == joined.paragraph)
    assert split_text == "面积" and "规划面积225平方公里" in joined_text
    assert document.locate("面积\n225平方公里") == split
