"""Citations: the source first, then this site; text in each language's style, and files that real
parsers read back (bibtexparser, rispy, the CSL-JSON schema)."""

import datetime
import json
import re
from pathlib import Path

import jsonschema
import pytest
import rispy
from bibtexparser.entrypoint import parse_string

from conftest import REPO
from etown.languages import LANGUAGES, by_code
from etown.pages import PAGES
from etown.producers.citations import (
    SOURCE_KEY,
    Citation,
    Work,
    apa,
    edition_date,
    gbt_7714,
)
from etown.seed_metadata import Edition, read_seed_metadata

BASE = "https://example.org/etown/"
TAKEN = datetime.date(2026, 11, 24)
CSL_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "csl-data.json").read_text(encoding="utf-8"))
CITED = [page for page in PAGES if page.data_files]


def _files(site: Path, suffix: str) -> list[tuple[str, str, Path]]:
    """(language code, page key or "site", path) of every citation file of one format."""
    return [
        (language.code, key, site / "cite" / language.code / f"{key}.{suffix}")
        for language in LANGUAGES
        for key in [*(page.key for page in CITED), "site"]
    ]


def _page_url(language_code: str, key: str) -> str:
    if key == "site":
        key = "index"
    return BASE + f"{language_code}/{key}.html".removesuffix("index.html")


def test_the_seed_record_is_read_as_written() -> None:
    edition = read_seed_metadata(REPO).current
    assert (edition.title, edition.taken, edition.published_date, edition.url) == (
        "北京经济技术开发区介绍",
        TAKEN,
        None,
        None,
    )


def test_the_build_date_is_the_taken_date_unless_source_date_epoch_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = Edition("t.txt", "0" * 64, TAKEN)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert edition_date(record) == TAKEN
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert edition_date(record) == datetime.date(2026, 1, 1)


def test_bibtex_files_parse_with_the_source_first(built_site: Path) -> None:
    for code, key, path in _files(built_site, "bib"):
        library = parse_string(path.read_text(encoding="utf-8"))
        assert library.failed_blocks == [], path
        source, work = library.entries
        assert source.key == SOURCE_KEY and source.entry_type == "misc"
        assert source["title"] == "北京经济技术开发区介绍"
        assert source["urldate"] == "2026-11-24"
        assert "url" not in source.fields_dict and "year" not in source.fields_dict, "nothing is invented"
        assert work["url"] == _page_url(code, key)
        assert work["year"] == "2026" and work["langid"] == by_code(code).html_lang


def test_ris_files_parse_with_the_source_first(built_site: Path) -> None:
    for code, key, path in _files(built_site, "ris"):
        source, work = rispy.loads(path.read_text(encoding="utf-8"))
        assert source["type_of_reference"] == work["type_of_reference"] == "ELEC"
        assert source["title"] == "北京经济技术开发区介绍"
        assert source["access_date"] == "2026/11/24/"
        assert "urls" not in source and "year" not in source, "nothing is invented"
        assert work["urls"] == [_page_url(code, key)]
        assert work["year"] == "2026" and work["date"] == "2026/11/24/"


def test_csl_json_files_validate_against_the_csl_schema(built_site: Path) -> None:
    for code, key, path in _files(built_site, "json"):
        items = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(items, CSL_SCHEMA)
        source, work = items
        assert source["id"] == SOURCE_KEY and source["title"] == "北京经济技术开发区介绍"
        assert source["accessed"] == {"date-parts": [[2026, 11, 24]]}
        assert "URL" not in source and "issued" not in source, "nothing is invented"
        assert work["URL"] == _page_url(code, key)
        assert work["issued"] == {"date-parts": [[2026, 11, 24]]}


def test_the_schema_check_can_fail() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "webpage", "url": "x"}], CSL_SCHEMA)  # CSL says "URL"


def _cite_block(site: Path, path: str) -> str:
    html = (site / path).read_text(encoding="utf-8")
    match = re.search(r'<details class="cite">.*?</details>', html, re.DOTALL)
    assert match, f"{path} has no citation block"
    return match.group(0)


def test_each_page_shows_its_citation_in_its_language(built_site: Path) -> None:
    for page in CITED:
        english = _cite_block(built_site, page.path(by_code("en")))
        canonical = _page_url("en", page.key)
        assert (
            '<li><span lang="zh-Hans">北京经济技术开发区介绍</span> [Introduction to the Beijing '
            "Economic-Technological Development Area]. (n.d.). [Web page naming no publisher]. Accessed 24 "
            "November 2026 (the day this site’s copy was taken; when it was retrieved from the web was not "
            "recorded).</li>"
        ) in english
        # this site's part names its publisher and says it is not official
        assert "<li>etown contributors. (2026, 24 November). " in english
        assert (
            ". [Independent site, not published by the Beijing Economic-Technological Development Area’s "
            f"Administrative Committee]. Beijing E-Town. {canonical}</li>"
        ) in english
        chinese = _cite_block(built_site, page.path(by_code("zh")))
        assert (
            "<li>北京经济技术开发区介绍[EB/OL]. [2026-11-24](本站副本取得日期,网页何时从网上获取未作记录). "
            "网页未署发布者。</li>"
        ) in chinese
        assert "<li>etown项目贡献者. " in chinese
        assert (
            f"[EB/OL]//北京经济技术开发区. (2026-11-24). {_page_url('zh', page.key)}. "
            "独立网站,非北京经济技术开发区管委会发布。</li>"
        ) in chinese
        traditional = _cite_block(built_site, page.path(by_code("zh-Hant")))
        # the source's title is quoted as written; the site's own words are converted
        assert '<span lang="zh-Hans">北京经济技术开发区介绍</span>[EB/OL]. [2026-11-24](本站副本取得日期' in (
            traditional
        )
        for code in ("en", "zh"):
            block = _cite_block(built_site, page.path(by_code(code)))
            for suffix in ("bib", "ris", "json"):
                assert f'href="../cite/{code}/{page.key}.{suffix}" download' in block
                assert f'href="../cite/{code}/site.{suffix}" download' in block


def _work(**fields: object) -> Work:
    values: dict[str, object] = {"key": "k", "title": "Economy", "language": "en"} | fields
    return Work(**values)  # type: ignore[arg-type]


def test_apa_leaves_out_what_is_not_known() -> None:
    assert apa(_work(title="Title", accessed=TAKEN)) == "Title. (n.d.). Accessed 24 November 2026."
    dated = _work(container="Site", issued=TAKEN, url="https://x.org/a", accessed=TAKEN)
    assert apa(dated) == "Economy. (2026, 24 November). Site. https://x.org/a"


def test_gbt_7714_leaves_out_what_is_not_known() -> None:
    assert gbt_7714(_work(title="题名")) == "题名[EB/OL]."
    full = _work(title="题名", container="网站", issued=TAKEN, accessed=TAKEN, url="https://x.org/")
    assert gbt_7714(full) == "题名[EB/OL]//网站. (2026-11-24)[2026-11-24]. https://x.org/."


def test_a_figure_citation_points_at_its_anchor() -> None:
    source = _work(key=SOURCE_KEY, title="北京经济技术开发区介绍", language="zh-Hans", accessed=TAKEN)
    page = _work(container="Beijing E-Town", issued=TAKEN, url="https://x.org/en/economy.html")
    citation = Citation(by_code("en"), source, page, "As cited in:")
    assert citation.at("indicators").text() == (
        "北京经济技术开发区介绍. (n.d.). Accessed 24 November 2026. As cited in: "
        "Economy. (2026, 24 November). Beijing E-Town. https://x.org/en/economy.html#indicators"
    )
    assert citation.at("a").at("b").page.url == "https://x.org/en/economy.html#b"
