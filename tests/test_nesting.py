"""Nesting is data, rendered faithfully: parts under their whole to any depth, never before it;
what the source adds to a figure said as "plus", never "of which"; parts that add up to more than
their whole are an error unless a note says why."""

import re
from pathlib import Path

import pytest

from conftest import REPO
from etown.languages import LANGUAGES
from etown.pipeline import load_site_data
from etown.schema import Fact
from etown.tables import table_rows
from helpers_data import append, line_of, problems_of, replace

ROW = re.compile(r'<tr id="([^"]+)"(?: class="([^"]*)")?><th scope="row">(.*?)</th>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def fact(fact_id: str, part_of: str | None = None, added_to: str | None = None) -> Fact:
    return Fact.model_validate({
        "id": fact_id, "label": {"zh": fact_id, "en": fact_id}, "value": {"value": 1, "unit": "家"},
        "period": "unstated", "source": "某某", "part_of": part_of, "added_to": added_to,
    })  # fmt: skip


def test_rows_follow_their_whole_to_any_depth_parts_before_additions() -> None:
    facts = [
        fact("leaf", part_of="middle"),  # listed before its whole
        fact("top"),
        fact("plus", added_to="top"),
        fact("middle", part_of="top"),
        fact("alone"),
        fact("orphan", part_of="elsewhere"),  # its whole is in another table
    ]
    rows = [(row.fact.id, row.depth, row.relation) for row in table_rows(facts)]
    assert rows == [
        ("top", 0, None),
        ("middle", 1, "part"),
        ("leaf", 2, "part"),
        ("plus", 1, "added"),
        ("alone", 0, None),
        ("orphan", 0, None),
    ]


def _rows(page: str) -> list[tuple[str, set[str], str]]:
    return [
        (row_id, set(classes.split()), " ".join(TAG.sub("", label).split()))
        for row_id, classes, label in ROW.findall(page)
    ]


def test_every_part_is_printed_after_its_whole_at_a_deeper_level(built_site: Path) -> None:
    """On every page of every language, and the health table's second level is there."""
    from conftest import REPO
    from etown.pipeline import load_site_data

    data = load_site_data(REPO)
    wholes = {
        fact.id: fact.part_of or fact.added_to
        for _, model in data.items()
        for fact in _facts(model)
        if fact.part_of or fact.added_to
    }
    checked = 0
    for page in sorted(built_site.glob("*/*.html")):
        rows = _rows(page.read_text(encoding="utf-8"))
        seen: dict[str, int] = {}
        for row_id, classes, _label in rows:
            depth = (
                0
                if "part" not in classes
                else 1 + max((int(c[1:]) - 1 for c in classes if re.fullmatch(r"d\d", c)), default=0)
            )
            whole = wholes.get(row_id)
            if whole is not None and whole in {r for r, _, _ in rows}:
                assert whole in seen, f"{page}: {row_id} is printed before its whole {whole}"
                assert depth == min(seen[whole] + 1, 4), f"{page}: {row_id} is not one level below {whole}"
                checked += 1
            seen[row_id] = depth
    assert checked == len(LANGUAGES) * len(wholes)  # each part once per language, on its section's page
    health = _rows((built_site / "en" / "society.html").read_text(encoding="utf-8"))
    levels = {row_id: classes for row_id, classes, _ in health}
    assert levels["tertiary-institutions"] == {"part"}
    assert levels["tertiary-institutions-public"] == {"part", "d2"}
    assert levels["medical-laboratories"] == {"part", "d2"}


def _facts(model: object) -> list[Fact]:
    from pydantic import BaseModel

    from etown.schema import fields_of

    found: list[Fact] = []
    if isinstance(model, Fact):
        found.append(model)
    if isinstance(model, BaseModel):
        for _name, value in fields_of(model):
            found += _facts(value)
    elif isinstance(model, list):
        for item in model:
            found += _facts(item)
    return found


@pytest.mark.parametrize("code", ["en", "zh", "zh-Hant"])
def test_land_added_to_an_area_reads_plus_not_of_which(built_site: Path, code: str) -> None:
    rows = _rows((built_site / code / "index.html").read_text(encoding="utf-8"))
    order = [row_id for row_id, _, _ in rows]
    labels = {row_id: label for row_id, _, label in rows}
    assert order.index("area-2002") < order.index("daxing-land-2010") < order.index("managed-area-2010")
    plus = {"en": "plus:", "zh": "另加:", "zh-Hant": "另加:"}[code]
    assert labels["daxing-land-2010"].startswith(plus)
    assert not any(label.startswith(("of which", "其中")) for label in [labels["daxing-land-2010"]])


def test_a_part_whose_period_or_scope_differs_from_its_whole_says_its_own(built_site: Path) -> None:
    """Wherever it is printed: a part whose period differs from its whole's shows its own period
    in its row, and a part with a scope of its own shows it."""
    data = load_site_data(REPO)
    facts = {fact.id: fact for _, model in data.items() for fact in _facts(model)}
    differing = {
        fact.id
        for fact in facts.values()
        if fact.part_of in facts and fact.period.meaning != facts[fact.part_of].period.meaning
    }
    scoped = {fact.id for fact in facts.values() if fact.part_of and fact.scope is not None}
    assert differing >= {"bda-current", "daxing-outside-bda", "daxing-part"}  # under the 2019 plan's 225
    period = re.compile(r"\([^)]*\d{4}[^)]*\)|\(as of publication\)|\(period not stated\)")
    shown = 0
    for page in sorted((built_site / "en").glob("*.html")):
        for row_id, _, label in _rows(page.read_text(encoding="utf-8")):
            if row_id in differing:
                shown += 1
                assert period.search(label), (page.name, row_id, label)
            if row_id in scoped:
                assert "Within:" in label, (page.name, row_id, label)
    assert shown >= len(differing)


def test_parts_adding_up_to_more_than_their_whole_are_an_error(project: Path) -> None:
    replace("society", "value: {value: 13, unit: 所}", "value: {value: 14, unit: 所}")(project)
    problems = [p for p in problems_of(project) if "add up to more than" in p.message]
    assert [(p.file, p.line) for p in problems] == [
        ("data/society.yaml", line_of(project, "society", "value: {value: 20, unit: 所}"))
    ], problems
    message = problems[0].message
    assert "7 + 14 = 21 所 > 20 所" in message and "'kindergartens-private'" in message


def test_a_note_on_the_whole_acknowledges_parts_that_exceed_it(project: Path) -> None:
    replace("society", "value: {value: 13, unit: 所}", "value: {value: 14, unit: 所}")(project)
    append(
        "notes",
        "- id: added-note\n  kind: sum-mismatch\n"
        "  title: {zh: 分项之和大于总数, en: Parts exceed the total}\n"
        "  text: {zh: 原文如此。, en: The source says so.}\n"
        "  sources: [核心区内共有幼儿园20所, 民办园13所]\n"
        "  touches: [kindergartens]\n",
    )(project)
    assert not [p for p in problems_of(project) if "add up to more than" in p.message]


def test_a_whole_that_is_its_own_part_is_an_error(project: Path) -> None:
    replace(
        "society",
        "part_of: medical-institutions\n        period: unstated\n        source: 其他医疗机构101家",
        "part_of: medical-laboratories\n        period: unstated\n        source: 其他医疗机构101家",
    )(project)
    problems = [p for p in problems_of(project) if "cannot be a part of itself" in p.message]
    assert problems and all(p.file == "data/society.yaml" and p.line > 0 for p in problems)


def test_a_figure_is_part_of_a_whole_or_added_to_one_not_both(project: Path) -> None:
    replace(
        "overview", "    added_to: area-2002\n", "    added_to: area-2002\n    part_of: managed-area-2010\n"
    )(project)
    problems = [p for p in problems_of(project) if "not both" in p.message]
    assert [p.file for p in problems] == ["data/overview.yaml"]
