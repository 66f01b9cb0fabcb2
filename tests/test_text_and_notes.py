"""Text agrees with notes: no record says what a note says the source leaves open.

Three rules generalise the review's cases (A2–A5, E2): an official English name needs its Chinese
in the Chinese text (the NEV centre's "National", the hospitals' "Beijing"); a figure's scope is
the source's own words for it (核心区, not "the BDA's core area"); and a note lists, as
leaves_open, the words that would decide what it says is open (whose first engine), which no text
it names, nor its own reading, may say."""

import re
from pathlib import Path

import pytest

from helpers_data import line_of, problems_of, replace

TAG = re.compile(r"<[^>]+>")


def _found(project: Path, words: str) -> list[tuple[str, int, str]]:
    return [(p.file, p.line, p.severity) for p in problems_of(project) if words in p.message]


def test_an_official_name_the_chinese_does_not_give_is_found(project: Path) -> None:
    replace("economy", "the New Energy Vehicle Technology", "the National New Energy Vehicle Technology")(
        project
    )
    found = _found(  # at the automotive paragraph only: the 2018 entry's Chinese has 国家
        project, "the English names “National New Energy Vehicle Technology Innovation Centre”"
    )
    line = line_of(project, "economy", "        en: >-\n          A high-end automotive cluster")
    assert found == [("data/economy.yaml", line, "warning")]


def test_a_short_name_is_not_expanded_into_the_full_one(project: Path) -> None:
    replace("society", "built jointly with Tongren Hospital", "built jointly with Beijing Tongren Hospital")(
        project
    )
    found = _found(project, "the English names “Beijing Tongren Hospital”")
    assert [(file, severity) for file, _, severity in found] == [("data/society.yaml", "warning")]


def test_a_scope_is_the_source_s_own_words(project: Path) -> None:
    replace(
        "society",
        "scope: {zh: 核心区, en: the core area}",
        "scope: {zh: 开发区核心区, en: the BDA’s core area}",
    )(project)
    found = _found(project, "the quote does not write 开发区核心区")
    assert found == [("data/society.yaml", line_of(project, "society", "scope: {zh: 开发区核心区"), "error")]


def test_a_text_that_decides_what_a_note_leaves_open_is_an_error(project: Path) -> None:
    replace("history", "fitted with the first engine model", "fitted with the plant’s first engine model")(
        project
    )
    found = _found(
        project, "this text says “plant’s first engine”, which the note 'mercedes-2013-entry-unclear'"
    )
    assert [(file, severity) for file, _, severity in found] == [("data/history.yaml", "error")]


def test_a_reading_may_not_settle_what_its_note_leaves_open(project: Path) -> None:
    replace(
        "notes",
        "  leaves_open:\n  - BDA’s 60 km² core area\n",
        "  reading:\n    zh: 标明60平方公里的几处可能指同一范围。\n"
        "    en: The places that give 60 km² probably mean the same area.\n"
        "  leaves_open:\n  - BDA’s 60 km² core area\n",
    )(project)
    found = _found(project, "which the note 'sixty-km2-area-names' says the source leaves open")
    assert [(file, severity) for file, _, severity in found] == [("data/notes.yaml", "error")] * 2


@pytest.mark.parametrize(
    ("page", "row", "absent", "present"),
    [
        (
            "economy",
            "automotive-description",
            "National",
            "the New Energy Vehicle Technology Innovation Centre",
        ),
        ("history", "mercedes-glk260", "plant’s first engine", "fitted with the first engine model"),  # A3
        ("economy", "smart-intersections", "BDA’s 60 km² core area", "Within: the 60 km² core area"),  # A4
        ("society", "kindergartens", "Within: Core area of the BDA", "Within: the core area"),  # A4
        ("society", "partner-hospitals", "Beijing", "with Tongren Hospital"),  # A5
        (
            "society",
            "yicheng-talents",
            "Selected after",
            "The BDA has issued its “Ten Talent Measures”.",
        ),  # D3
        ("about", "sixty-km2-area-names", "probably mean the same area", "four or five names"),  # E2
        ("about", "bda-area-59-6-60-66", "59.6 km² rounded", "given as 59.6, 60 and 66 km²"),  # B5
    ],
)
def test_the_reviews_cases_read_as_the_source_does(
    built_site: Path, page: str, row: str, absent: str, present: str
) -> None:
    html = (built_site / "en" / f"{page}.html").read_text(encoding="utf-8")
    start = html.index(f'id="{row}"')
    following = re.compile(r'<(?:tr|li|div|section) id="|</section>|</tbody>')
    end = following.search(html, html.index(">", start)).start()  # type: ignore[union-attr]
    text = " ".join(TAG.sub(" ", html[start:end]).split())
    assert absent not in text and present in text, text
