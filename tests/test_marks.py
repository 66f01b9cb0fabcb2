"""Flags mean one thing each: [conflict] only where a note says that two statements of the source
disagree, [scope] and [incomplete] from notes of their own kinds, and only on records that show a
figure; a record cannot claim a flag no note gives it; the legend explains every mark shown."""

import re
from pathlib import Path

import pytest

from etown.pipeline import load_site_data
from etown.records import NOTE_FLAGS
from etown.schema import CONFLICT_KINDS
from helpers_data import append, line_of, problems_of, replace

REPO = Path(__file__).resolve().parent.parent
ROW = re.compile(r'<(?:tr|li|div) id="([^"]+)"[^>]*>(.*?)</(?:tr|li|div)>', re.DOTALL)
FLAG = re.compile(r'<span class="flag">([^<]+)</span>')


def _flags_by_row(page: str) -> dict[str, list[str]]:
    return {row_id: FLAG.findall(body) for row_id, body in ROW.findall(page)}


def test_conflict_only_where_a_note_says_two_statements_disagree() -> None:
    data = load_site_data(REPO)
    for record in data.index.records:
        flags = data.flags_of(record.model)
        kinds = {note.kind for note in data.index.notes(record.model) if record.ref in note.touches}
        assert ("conflict" in flags) == bool(kinds & CONFLICT_KINDS), record.ref
    for note in data.notes.notes:
        if note.kind in CONFLICT_KINDS:
            assert len(set(note.sources)) >= 2, note.id


@pytest.mark.parametrize(
    ("page", "row"),
    [  # the review's examples of [conflict] on notes that state no disagreement
        ("economy", "industrial-research-institutes"),
        ("economy", "innovation-centres"),
        ("economy", "pilot-bases"),
        ("economy", "public-technical-service-platforms"),
        ("economy", "operating-and-themed-parks"),
        ("economy", "incubators-maker-spaces"),
        ("economy", "cabbage-heart-breakthroughs"),
        ("economy", "xinchuang-approach"),
        ("economy", "biomedicine-description"),
        ("economy", "robotics-description"),
        ("society", "three-deliveries-five-entries"),
        ("society", "cultural-outreach-events"),
        ("society", "talent-public-rental-housing"),
        ("society", "medical-institutions"),
        ("society", "park-service-coverage"),
        ("index", "resident-population"),
    ],
)
def test_no_conflict_where_the_notes_state_none(built_site: Path, page: str, row: str) -> None:
    for code in ("en", "zh", "zh-Hant"):
        flags = _flags_by_row((built_site / code / f"{page}.html").read_text(encoding="utf-8"))
        assert row in flags, f"{code}/{page}: no row {row}"
        assert not {"[conflict]", "[矛盾]"} & set(flags[row]), f"{code}/{page}: {row} {flags[row]}"


def test_the_real_conflicts_keep_their_flag(built_site: Path) -> None:
    economy = _flags_by_row((built_site / "en" / "economy.html").read_text(encoding="utf-8"))
    overview = _flags_by_row((built_site / "en" / "index.html").read_text(encoding="utf-8"))
    history = _flags_by_row((built_site / "en" / "history.html").read_text(encoding="utf-8"))
    assert "[conflict]" in economy["robotics"]  # 23.9% and 24%
    assert "[conflict]" in overview["managed-area-2010"]  # 46.8 + 12 is not 59.6
    assert "[conflict]" in history["three-100-projects-2022"]  # the total below its part
    # the same fact in History and in the area table carries the same marks (review F6)
    assert overview["core-area-2010"] == history["core-area-60"] == ["[conflict]", "[scope]"]


def test_scope_and_incomplete_only_on_records_that_show_a_figure(built_site: Path) -> None:
    overview = _flags_by_row((built_site / "en" / "index.html").read_text(encoding="utf-8"))
    assert overview["intro-profile"] == []  # the opening sentence has no figure (review F2)
    economy = _flags_by_row((built_site / "en" / "economy.html").read_text(encoding="utf-8"))
    assert "[incomplete]" in economy["industrial-research-institutes"]


def test_the_share_chart_carries_the_flags_of_its_figures(built_site: Path) -> None:
    page = (built_site / "en" / "economy.html").read_text(encoding="utf-8")
    chart = page[page.index('id="chart-share-caption"') : page.index("</svg>", page.index("chart-share"))]
    assert "[conflict]" in chart and chart.count("[conflict]") == 1


@pytest.mark.parametrize("code", ["en", "zh", "zh-Hant"])
def test_the_legend_explains_every_mark_a_page_shows(built_site: Path, code: str) -> None:
    for path in sorted((built_site / code).glob("*.html")):
        page = path.read_text(encoding="utf-8")
        if 'class="legend"' not in page:
            assert 'class="flag"' not in page, path
            continue
        legend = page[page.index('class="legend"') : page.index("</dl>", page.index('class="legend"'))]
        body = page[: page.index('class="legend"')]
        for flag in set(FLAG.findall(body)):
            assert f'<span class="flag">{flag}</span></dt>' in legend, f"{path}: {flag}"
        if 'class="nm"' in body:
            assert {"en": "[n]", "zh": "[序号]", "zh-Hant": "[序號]"}[code] in legend, path


def _note(kind: str, sources: str, flag: str = "") -> str:
    return (
        f"- id: added-note\n  kind: {kind}\n"
        + (f"  flag: {flag}\n" if flag else "")
        + "  title: {zh: 原文如此, en: As the source says}\n"
        + "  text: {zh: 原文如此。, en: The source says so.}\n"
        + f"  sources: ['{sources}']\n  touches: [gdp-2022]\n"
    )


@pytest.mark.parametrize(
    ("added", "message"),
    [
        (
            _note("sum-mismatch", "2022年,全年完成地区生产总值2456.4亿元"),
            "says that two statements of the source disagree: give both passages",
        ),
        (
            _note("different-names", "2022年,全年完成地区生产总值2456.4亿元", flag="sic"),
            "a note of the kind different-names cannot give it",
        ),
        (
            _note("different-names", "2022年,全年完成地区生产总值2456.4亿元", flag="conflict"),
            "'conflict' is not allowed here",
        ),
    ],
)
def test_a_note_gives_only_the_flag_of_its_kind(project: Path, added: str, message: str) -> None:
    append("notes", added)(project)
    found = [p for p in problems_of(project) if message in p.message]
    assert found and found[0].file == "data/notes.yaml" and found[0].line > 1, problems_of(project)


def test_a_record_cannot_claim_a_flag_no_note_gives_it(project: Path) -> None:
    replace("economy", "    period: 2022\n", "    period: 2022\n    flags: [conflict]\n")(project)
    found = [p for p in problems_of(project) if "[conflict] comes from" in p.message]
    assert [(p.file, p.line) for p in found] == [
        ("data/economy.yaml", line_of(project, "economy", "flags: [conflict]"))
    ]


def test_records_quoting_one_passage_carry_the_same_notes(project: Path) -> None:
    both, one = "  - cinema-chains\n  - cinemas\n- id: incubators", "  - cinema-chains\n- id: incubators"
    replace("notes", both, one)(project)
    found = [p for p in problems_of(project) if "quotes the same passage" in p.message]
    assert found and "'cinemas'" in found[0].message and found[0].file == "data/notes.yaml"


def test_every_kind_has_one_meaning() -> None:
    flags = {kind: NOTE_FLAGS[kind] for kind in NOTE_FLAGS}
    assert {kind for kind, flag in flags.items() if flag == "conflict"} == CONFLICT_KINDS
    assert {flag for flag in flags.values()} == {"conflict", "scope", "incomplete", None}
