"""Citations say only what is known: the source page names no publisher, so no footer, citation,
citation file, JSON-LD or data package names one; and its access date is the day this project's
copy was taken, which every place that shows the date says."""

import json
import re
from pathlib import Path

import pytest

PUBLISHERS = (
    "Government website",
    "government website of",
    "政府网站《",
    "政府網站《",
    "政府网站.",
    "政府網站.",
)
DATE_SHOWN = re.compile(r"Accessed 24 November 2026|\[2026-11-24\]")
CAVEATS = ("(the day this site’s copy was taken;", "(本站副本取得日期,", "(本站副本取得日期,")


def _pages(site: Path) -> list[Path]:
    return sorted(site.glob("*/*.html"))


def test_no_footer_or_citation_names_a_publisher(built_site: Path) -> None:
    for page in _pages(built_site):
        html = page.read_text(encoding="utf-8")
        footer = html[html.index('<footer class="site-footer">') :]
        cited = re.findall(r'<details class="(?:figure-)?cite">.*?</details>', html, re.DOTALL)
        for text in [footer, *cited]:
            assert not any(name in text for name in PUBLISHERS), page


def test_no_citation_file_names_a_publisher(built_site: Path) -> None:
    for path in sorted((built_site / "cite").rglob("*.*")):
        text = path.read_text(encoding="utf-8")
        source = text.split("\n\n")[0] if path.suffix != ".json" else json.dumps(json.loads(text)[0])
        assert "howpublished" not in source and "\nT2  -" not in source and "PB  -" not in source, path
        assert "container-title" not in source and "publisher" not in source.replace("no publisher", ""), path


def test_the_data_package_names_no_publisher(built_site: Path) -> None:
    package = json.loads((built_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    [source] = package["sources"]
    assert "names no publisher" in source["title"] and "website" not in source["title"]


def test_json_ld_names_no_publisher_and_no_administrative_area(built_site: Path) -> None:
    for page in _pages(built_site):
        html = page.read_text(encoding="utf-8")
        match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
        if match is None:
            continue
        document = json.loads(match.group(1))
        flat = json.dumps(document, ensure_ascii=False)
        assert "publisher" not in flat and "AdministrativeArea" not in flat, page
        assert "of the Beijing Economic-Technological Development Area" not in flat, page


@pytest.mark.parametrize("code", ["en", "zh", "zh-Hant"])
def test_the_access_date_always_comes_with_its_caveat(built_site: Path, code: str) -> None:
    shown = 0
    pages = sorted((built_site / code).glob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for match in DATE_SHOWN.finditer(html):
            shown += 1
            assert html[match.end() : match.end() + 60].lstrip().startswith(CAVEATS), (page, match.group())
    assert shown >= len(pages)  # each page's citation, and its one example of citing a figure
