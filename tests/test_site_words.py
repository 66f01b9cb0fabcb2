"""The site's own words beside the source's show as such: in their brackets, set apart, and
explained in the legend of every page that shows them, so that the footer's promise holds."""

from pathlib import Path

import pytest

from etown.render import mark_site_words

LEGEND = '<dt><span class="own">[ ]</span></dt>'


def page(site: Path, language: str, name: str) -> str:
    return (site / language / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "name", "marked"),
    [
        ("zh", "economy", '<span class="own">[开发区]</span>以北京0.35%的土地'),
        ("zh-Hant", "economy", '<span class="own">[開發區]</span>以北京0.35%的土地'),
        ("en", "vision", '“four centres” <span class="own">[Beijing’s role as the national political'),
        ("en", "history", '<span class="own">[<span lang="zh-Hans">链条技术路线</span>, as the source puts'),
        ("en", "index", '225 km² <small><span class="own">[planned area of Yizhuang New Town]</span>'),
        ("en", "economy", '<span class="own">[probably service institutions]</span>'),
    ],
)
def test_the_site_own_words_are_marked_and_explained(
    built_site: Path, language: str, name: str, marked: str
) -> None:
    html = page(built_site, language, name)
    assert marked in html
    assert html.count(LEGEND) == 1


def test_a_page_without_words_of_the_site_own_does_not_explain_them(built_site: Path) -> None:
    assert 'class="own"' not in page(built_site, "zh", "history")


def test_the_footer_and_the_about_page_say_what_brackets_mean(built_site: Path) -> None:
    for language, words in (
        ("en", "words in square brackets are this site’s own"),
        ("zh", "方括号内的文字为本站所加"),
    ):
        footer = page(built_site, language, "index").split('<footer class="site-footer">', 1)[1]
        assert words in footer
        assert LEGEND in page(built_site, language, "about")


def test_only_text_is_marked_never_a_tag() -> None:
    html = '<p>[开发区]以<a href="https://example.org/[x]">北京</a> [see] [1</p>'
    assert str(mark_site_words(html)) == (
        '<p><span class="own">[开发区]</span>以<a href="https://example.org/[x]">北京</a> '
        '<span class="own">[see]</span> [1</p>'
    )
