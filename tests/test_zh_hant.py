"""The Traditional Chinese pages: Taiwan standard forms throughout, one of 注/註 for each sense,
no phrase that OpenCC matched across a word boundary, and an About page that says how the
conversion works (phrase by phrase, not character by character)."""

import re
from pathlib import Path

QUOTED = re.compile(r'<(q|span|dd|code|cite) lang="zh-Hans">.*?</\1>', re.DOTALL)
"""The source's own words, never converted."""
TAG = re.compile(r"<[^>]*>")
"""Tags and their attributes: links to the source carry its words in their text fragments."""
FOCUS = ("專注", "關注", "注重", "注意", "注入", "注射", "傾注")
"""Words where the Taiwan standard keeps 注 ('pour, focus'); annotation is 註 (註明, 註釋, 未註)."""


def _converted(site: Path) -> dict[Path, str]:
    return {
        path: TAG.sub(" ", QUOTED.sub("", path.read_text(encoding="utf-8")))
        for path in sorted([*(site / "zh-Hant").glob("*.html"), *(site / "cite" / "zh-Hant").glob("*.*")])
        if path.name != "source.html"  # the source document itself, verbatim
    }


def test_annotation_is_written_zhu_with_the_speech_radical_everywhere(built_site: Path) -> None:
    for path, text in _converted(built_site).items():
        for match in re.finditer("注", text):
            around = text[match.start() - 1 : match.end() + 1]
            assert any(word in around for word in FOCUS), (path, text[match.start() - 10 : match.end() + 10])
    assert "未註時間" in (built_site / "zh-Hant" / "society.html").read_text(encoding="utf-8")


def test_no_phrase_matched_across_a_word_boundary(built_site: Path) -> None:
    for path, text in _converted(built_site).items():
        assert "和麵積" not in text and "麵" not in text, path
    assert "人口和面積範圍" in (built_site / "zh-Hant" / "about.html").read_text(encoding="utf-8")


def test_the_about_page_describes_the_conversion_as_it_is(built_site: Path) -> None:
    english = (built_site / "en" / "about.html").read_text(encoding="utf-8")
    chinese = (built_site / "zh" / "about.html").read_text(encoding="utf-8")
    assert "character by character" not in english and "whole phrases first" in english
    assert "逐字" not in chinese and "先按词组、再按单字" in chinese
