"""Honest about what it is (issue 25, item 5): etown.toml names the site's publisher, and every
page, the About page, this site's citations and the open data say, in each language, that the
site is an independent one made from the source page, not published by the body it describes.
The source's own citation still names no publisher."""

import json
import re
from pathlib import Path

import pytest
import rispy
from bibtexparser.entrypoint import parse_string

from conftest import PUBLISHED_BASE_URL, REPO, quick_build
from etown.config import placeholder_problem, read_config
from etown.languages import LANGUAGES
from etown.problems import Problem

PUBLISHER = {"zh": "etown项目贡献者", "en": "etown contributors", "zh-Hant": "etown項目貢獻者"}
NOT_OFFICIAL = {
    "zh": "并非官方网站,亦非北京经济技术开发区管委会发布",
    "en": "not an official site, and it is not published by the Beijing Economic-Technological "
    "Development Area’s Administrative Committee",
    "zh-Hant": "並非官方網站,亦非北京經濟技術開發區管委會發布",
}
CITED_AS_NOT_OFFICIAL = {
    "zh": "独立网站,非北京经济技术开发区管委会发布",
    "en": "Independent site, not published by the Beijing Economic-Technological Development Area’s "
    "Administrative Committee",
    "zh-Hant": "獨立網站,非北京經濟技術開發區管委會發布",
}
CONFIG = """[site]
base_url = "https://example.org/"
{in_site}
[site.title]
zh = "北京经济技术开发区"
en = "Beijing E-Town"
{after}"""


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def _cite_block(html: str) -> str:
    match = re.search(r'<details class="cite">.*?</details>', html, re.DOTALL)
    assert match is not None
    return match.group(0)


# --- the setting ---------------------------------------------------------------------------------


def _read(tmp_path: Path, after: str, in_site: str = "") -> tuple[object, list[str]]:
    (tmp_path / "etown.toml").write_text(CONFIG.format(in_site=in_site, after=after), encoding="utf-8")
    config, problems = read_config(tmp_path)
    assert (config is None) == bool(problems)
    return config, [str(problem) for problem in problems]


def test_the_publisher_is_read_in_every_language(tmp_path: Path) -> None:
    config, problems = _read(tmp_path, '[site.publisher]\nzh = "甲社"\nen = "Jia Press"\n')
    assert problems == [] and config is not None
    assert dict(config.publisher) == {"zh": "甲社", "en": "Jia Press"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("after", "in_site", "expected"),
    [
        (
            "", "",
            "etown.toml:1:1: site.publisher: missing: who makes and publishes this site, in each language "
            '([site.publisher] with zh = "…" and en = "…"); every page names them and says the site is not '
            "official",
        ),
        (
            '[site.publisher]\nzh = "甲社"\n', "",
            "etown.toml:7:1: site.publisher: needs a publisher for en (a non-empty text in quotes)",
        ),
        (
            '[site.publisher]\nzh = "甲社"\nen = "  "\n', "",
            "etown.toml:9:1: site.publisher: needs a publisher for en (a non-empty text in quotes)",
        ),
        (
            '[site.publisher]\nzh = "甲社"\nen = 5\n', "",
            "etown.toml:9:1: site.publisher: needs a publisher for en (a non-empty text in quotes)",
        ),
        (
            "", 'publisher = "Jia Press"',
            'etown.toml:3:1: site.publisher: expected a table such as [site.publisher] with zh = "…" '
            "(got: Jia Press)",
        ),
        (
            "", 'publisher = {zh = "甲社"}',
            "etown.toml:3:1: site.publisher: needs a publisher for en (a non-empty text in quotes)",
        ),
        (
            '[site.publisher]\nzh = "甲社"\nen = "Jia Press"\nfr = "Presses Jia"\n', "",
            "etown.toml:10:1: site.publisher: unknown language 'fr' (the languages are: zh, en, zh-Hant)",
        ),
        (
            '[site.publisher]\nzh = "甲社"\nen = """Jia\nPress"""\n', "",
            "etown.toml:9:1: site.publisher: en: a line break; a publisher is one line of text",
        ),
        (
            '[site.publisher]\nzh = "甲\\u202e社"\nen = "Jia Press"\n', "",
            "etown.toml:8:1: site.publisher: zh: a bidirectional control character (U+202E) at character 2;",
        ),
    ],
    ids=["missing", "a-language-missing", "blank", "a-number", "not-a-table", "inline-table",
         "unknown-language", "two-lines", "bidi-control"],
)  # fmt: skip
def test_a_bad_publisher_is_named_at_its_line(
    tmp_path: Path, after: str, in_site: str, expected: str
) -> None:
    _config, shown = _read(tmp_path, after, in_site)
    assert len(shown) == 1 and shown[0].startswith(expected), shown


def test_the_project_names_an_independent_publisher() -> None:
    from conftest import REPO

    config, problems = read_config(REPO)
    assert problems == [] and config is not None
    assert dict(config.publisher) == {code: PUBLISHER[code] for code in ("zh", "en")}
    for code, name in config.publisher.items():
        assert config.titles[code] not in name, "the publisher is not the body the site is named after"


# --- what the built site says -----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_every_page_says_who_made_it_and_that_it_is_not_official(built_site: Path, language: object) -> None:
    code = language.code  # type: ignore[attr-defined]
    pages = sorted((built_site / code).glob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        footer = _footer(html)
        assert PUBLISHER[code] in footer and NOT_OFFICIAL[code] in footer, page
        assert f'<meta name="author" content="{PUBLISHER[code]}">' in html, page


@pytest.mark.parametrize("name", ["index.html", "404.html"])
def test_the_pages_outside_the_languages_say_it_in_every_language(built_site: Path, name: str) -> None:
    footer = _footer((built_site / name).read_text(encoding="utf-8"))
    for language in LANGUAGES:
        said = re.search(rf'<p lang="{language.html_lang}">([^<]*)</p>', footer)
        assert said is not None, (name, language.code)
        assert PUBLISHER[language.code] in said.group(1) and NOT_OFFICIAL[language.code] in said.group(1)


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_the_about_page_says_who_makes_the_site(built_site: Path, language: object) -> None:
    code = language.code  # type: ignore[attr-defined]
    html = (built_site / code / "about.html").read_text(encoding="utf-8")
    main = html[html.index("<main") : html.index("</main>")]
    section = main[main.index('<h2 id="site">') : main.index('<h2 id="what">')]
    assert PUBLISHER[code] in section and NOT_OFFICIAL[code] in section


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_this_site_is_cited_by_its_publisher_and_the_source_by_nobody(
    built_site: Path, language: object
) -> None:
    code = language.code  # type: ignore[attr-defined]
    for page in sorted((built_site / code).glob("*.html")):
        html = page.read_text(encoding="utf-8")
        if '<details class="cite">' not in html:
            continue
        items = re.findall(r"<li>(.*?)</li>", _cite_block(html), re.DOTALL)
        source, this_site = items
        assert PUBLISHER[code] not in source and "独立" not in source and "獨立" not in source, page
        # the site's part opens with its publisher, before the site's title (the place's name)
        assert this_site.startswith(f"{PUBLISHER[code]}. "), (page, this_site)
        assert CITED_AS_NOT_OFFICIAL[code] in this_site, page


def test_citation_files_name_the_publisher_as_this_site_author_only(built_site: Path) -> None:
    files = sorted((built_site / "cite").rglob("*.*"))
    assert len(files) == 3 * len(LANGUAGES) * len({path.stem for path in files})
    for path in files:
        code = path.parent.name
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".bib":
            source, work = parse_string(text).entries
            assert "author" not in source.fields_dict
            assert work["author"] == "{" + PUBLISHER[code] + "}"  # a name, not given and family names
            assert CITED_AS_NOT_OFFICIAL[code].lower() in work["note"].lower()
        elif path.suffix == ".ris":
            source, work = rispy.loads(text)
            assert "authors" not in source and work["authors"] == [PUBLISHER[code]]
            assert CITED_AS_NOT_OFFICIAL[code].lower() in work["notes"][0].lower()
        else:
            source, work = json.loads(text)
            assert "author" not in source and work["author"] == [{"literal": PUBLISHER[code]}]
            assert CITED_AS_NOT_OFFICIAL[code].lower() in work["note"].lower()


def test_the_data_package_says_it_in_every_language(built_site: Path) -> None:
    package = json.loads((built_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["contributors"] == [{"title": PUBLISHER["en"], "role": "publisher"}]
    for code, name in PUBLISHER.items():
        assert name in package["description"], code
    assert (
        "it is not official data, and it is not published by the Beijing Economic-Technological "
        in (package["description"])
    )
    assert "并非官方数据,亦非北京经济技术开发区管委会发布" in package["description"]
    assert "並非官方數據,亦非北京經濟技術開發區管委會發布" in package["description"]


def test_another_publisher_is_named_wherever_the_site_names_its_own(project: Path, tmp_path: Path) -> None:
    """The name comes from etown.toml, not from the templates."""
    config = project / "etown.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('zh = "etown项目贡献者"', 'zh = "甲<乙>社"').replace(
            'en = "etown contributors"', 'en = "Jia & Yi Press"'
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    quick_build(project, site)
    english = (site / "en" / "history.html").read_text(encoding="utf-8")
    assert "This site is made independently by Jia &amp; Yi Press:" in _footer(english)
    assert "<li>Jia &amp; Yi Press. (2026, 24 November). History." in _cite_block(english)
    chinese = (site / "zh" / "history.html").read_text(encoding="utf-8")
    assert "本站由甲&lt;乙&gt;社独立制作" in _footer(chinese)
    assert "etown" not in _footer(chinese) + _footer(english)
    traditional = (site / "zh-Hant" / "about.html").read_text(encoding="utf-8")
    assert "本站由甲&lt;乙&gt;社根據下述原文獨立製作" in traditional
    assert json.loads((site / "cite" / "en" / "site.json").read_text(encoding="utf-8"))[1]["author"] == [
        {"literal": "Jia & Yi Press"}
    ]
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["contributors"] == [{"title": "Jia & Yi Press", "role": "publisher"}]


def test_a_problem_in_the_publisher_stops_the_build_at_its_line(project: Path, tmp_path: Path) -> None:
    config = project / "etown.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('en = "etown contributors"', ""), encoding="utf-8"
    )
    from etown.pipeline import Pipeline

    report = Pipeline(project, expensive=False, finishing=False).build(tmp_path / "site")
    line = config.read_text(encoding="utf-8").splitlines().index("[site.publisher]") + 1
    assert not report.ok and not (tmp_path / "site").exists()
    assert [problem for problem in report.problems if problem.file == "etown.toml"] == [
        Problem(
            "etown.toml", line, 1, "site.publisher", "needs a publisher for en (a non-empty text in quotes)"
        )
    ]


# --- no placeholder in public (item 6) -----------------------------------------------------------

PLACEHOLDERS = {
    "https://example.org/": "example.org is a name reserved for examples",
    "http://www.example.com/etown/": "www.example.com is a name reserved for examples",
    "https://site.example/": "site.example is a name reserved for examples",
    "https://a.test/": "a.test is a name reserved for examples",
    "http://localhost:8000/": "localhost is this machine, not a public address",
    "http://127.0.0.1:8000/": "127.0.0.1 is this machine, not a public address",
    "http://[::1]/": "::1 is this machine, not a public address",
}


def _with_base_url(tmp_path: Path, url: str) -> tuple[str, int]:
    """An etown.toml like the project's with ``url`` as its base URL, and that line's number."""
    text = re.sub(
        r'^base_url = ".*"$',
        f'base_url = "{url}"',
        (REPO / "etown.toml").read_text(encoding="utf-8"),
        flags=re.M,
    )
    (tmp_path / "etown.toml").write_text(text, encoding="utf-8")
    return text, text.splitlines().index(f'base_url = "{url}"') + 1


@pytest.mark.parametrize("url", PLACEHOLDERS)
def test_a_placeholder_address_is_a_warning_at_its_line(tmp_path: Path, url: str) -> None:
    _text, line = _with_base_url(tmp_path, url)
    config, problems = read_config(tmp_path)
    assert config is not None and problems == []
    assert str(placeholder_problem(config)) == (
        f"etown.toml:{line}:1: warning: site.base_url: {url} is a placeholder ({PLACEHOLDERS[url]}): "
        "canonical links, the sitemap and citations would point there; set base_url here to the address "
        "the site is published at, or pass it to --base-url (the Pages workflow passes its own)"
    )


def test_a_placeholder_given_on_the_command_line_is_named_as_such(tmp_path: Path) -> None:
    _with_base_url(tmp_path, "https://bda-facts.github.io/site/")
    config, _problems = read_config(tmp_path, "https://example.net/etown/")
    assert config is not None
    assert str(placeholder_problem(config)) == (
        "etown.toml: warning: site.base_url: https://example.net/etown/ is a placeholder (example.net is a "
        "name reserved for examples): canonical links, the sitemap and citations would point there; pass "
        "the address the site is published at to --base-url"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://bda-facts.github.io/site/",
        "https://examples.org/",
        "https://etown.cn/test/",
        "http://10.0.0.5/",
    ],
)
def test_a_published_address_is_no_placeholder(tmp_path: Path, url: str) -> None:
    _with_base_url(tmp_path, url)
    config, _problems = read_config(tmp_path)
    assert config is not None and placeholder_problem(config) is None


def test_check_warns_build_strict_refuses_and_the_preview_is_exempt(project: Path) -> None:
    from etown.cli import main
    from etown.pipeline import Pipeline

    config = project / "etown.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(PUBLISHED_BASE_URL, "https://example.org/"),
        encoding="utf-8",
    )
    report = Pipeline(project).check()
    assert report.ok and [problem.field for problem in report.problems] == ["site.base_url"]
    out = project / "b"
    assert (
        main(["build", "--strict", "--no-pdf", "--no-search", "--root", str(project), "--out", str(out)]) == 1
    )
    assert not out.exists()
    preview = Pipeline(project, base_url="http://127.0.0.1:8000/", published=False, strict=True)
    assert preview.check().problems == []


def test_the_readme_and_the_workflow_say_where_to_set_the_address() -> None:
    repo = Path(__file__).resolve().parent.parent
    readme = (repo / "README.md").read_text(encoding="utf-8")
    workflow = (repo / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert "is a placeholder" in readme and "base_url" in readme
    assert "--base-url" in workflow and "placeholder" in workflow
