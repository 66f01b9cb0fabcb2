"""One period per clause: every figure that a 目前 / 截至目前 / 现阶段 / 已 of the source governs holds
as of publication, every other figure does not, and one figure has one period wherever it stands."""

import re
from pathlib import Path

import pytest

from etown.consistency import Clauses
from etown.pipeline import load_site_data
from etown.provenance import read_seed
from etown.schema import PERIOD_WORDS, Period
from helpers_data import line_of, problems_of, replace

REPO = Path(__file__).resolve().parent.parent
ROW = re.compile(r'<tr id="([^"]+)"[^>]*><th scope="row">(.*?)</th>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
AS_OF_PUBLICATION = {"en": "(as of publication)", "zh": "(截至发布)", "zh-Hant": "(截至發布)"}


def test_every_figure_of_a_clause_holds_as_of_publication_and_no_other_does() -> None:
    data = load_site_data(REPO)
    clauses = Clauses(read_seed(REPO))
    governed = 0
    for record in data.index.records:
        period = getattr(record.model, "period", None)
        if not isinstance(period, Period) or record.ref.startswith("member:"):
            continue
        clause = clauses.governing(record.model.source)
        if clause is not None:
            governed += 1
            assert period.publication, record.ref
        elif period.publication:  # then the passage that states it says "at present"
            stating = period.stated_by or record.model.source
            assert any(word in stating for word in PERIOD_WORDS), record.ref
    assert governed >= 15


def _periods(page: str) -> dict[str, str]:
    rows = {row_id: " ".join(TAG.sub("", label).split()) for row_id, label in ROW.findall(page)}
    return {row_id: label for row_id, label in rows.items()}


@pytest.mark.parametrize("code", ["en", "zh", "zh-Hant"])
@pytest.mark.parametrize(
    ("page", "clause"),
    [  # review F3: the figures of one clause, which the pages tagged differently
        ("economy", ["xinchuang-park-enterprises", "xinchuang-leading-it-share"]),
        (
            "economy",
            [
                "smart-intersections",
                "covered-urban-roads",
                "covered-expressway",
                "autonomous-vehicles",
                "autonomous-test-mileage",
            ],
        ),
        (
            "society",
            [
                "talent-public-rental-housing",
                "subsidised-rental-housing",
                "shared-ownership-housing",
                "international-talent-community-size",
            ],
        ),
        ("government", ["bda-current", "bda-functional-area", "daxing-outside-bda", "tongzhou-outside-bda"]),
    ],
)
def test_the_figures_of_one_clause_show_one_period(
    built_site: Path, code: str, page: str, clause: list[str]
) -> None:
    html = (built_site / code / f"{page}.html").read_text(encoding="utf-8")
    rows = _periods(html)
    caption_shares_it = all(AS_OF_PUBLICATION[code] not in rows[row] for row in clause)
    if caption_shares_it:  # a table of this clause alone says it once, in its caption
        assert AS_OF_PUBLICATION[code] in html
    else:
        assert all(AS_OF_PUBLICATION[code] in rows[row] for row in clause), {r: rows[r] for r in clause}


@pytest.mark.parametrize(
    ("page", "row"),
    [  # review F4: 累计 says how a figure is counted, not when
        ("society", "postdoctoral-workstations"),
        ("society", "large-parks"),
        ("society", "large-parks-area"),
        ("economy", "cabbage-heart-breakthroughs"),
    ],
)
def test_cumulative_figures_are_not_as_of_publication(built_site: Path, page: str, row: str) -> None:
    for code in ("en", "zh", "zh-Hant"):
        rows = _periods((built_site / code / f"{page}.html").read_text(encoding="utf-8"))
        assert AS_OF_PUBLICATION[code] not in rows[row], rows[row]


def test_labels_do_not_repeat_the_period_the_tag_gives(built_site: Path) -> None:
    for code, words in (("en", ["to date", "(at present)"]), ("zh", ["截至目前", "目前已"])):
        for page in ("index", "economy", "society", "government"):
            rows = _periods((built_site / code / f"{page}.html").read_text(encoding="utf-8"))
            for row_id, label in rows.items():
                assert not any(word in label for word in words), (code, row_id, label)


def test_a_figure_in_a_clause_of_the_present_must_say_so(project: Path) -> None:
    replace(
        "economy",
        '        period: {publication: true, stated_by: "截至目前,信创园已落地企业230多家,'
        '集聚了全国90%以上信息技术头部企业"}\n',
        "        period: unstated\n",
    )(project)
    found = [p for p in problems_of(project) if "stands in a clause that" in p.message]
    assert len(found) == 1, problems_of(project)
    assert found[0].file == "data/economy.yaml"
    assert found[0].line == line_of(project, "economy", "source: 集聚了全国90%以上信息技术头部企业") - 1
    assert "“已”" in found[0].message and 'stated_by: "已落地企业230多家' in found[0].message


def test_as_of_publication_needs_the_word_in_the_quote(project: Path) -> None:
    unstated = "        period: unstated\n        source: 区域博士后工作站累计68家"
    replace("society", unstated, unstated.replace("unstated", "publication"))(project)
    found = [p for p in problems_of(project) if "has none of 截至目前" in p.message]
    assert [p.file for p in found] == ["data/society.yaml"]


def test_one_figure_has_one_period_wherever_it_stands(project: Path) -> None:
    """Review F5: the 225 km² of the overview and of the divisions, from the same words."""
    replace(
        "divisions",
        '    period: {date: 2019-01-26, stated_by: "2019年1月26日,市委决定调整开发区管理体制,'
        '由开发区统一规划和开发建设亦庄新城,规划面积225平方公里"}\n',
        "    period: unstated\n",
    )(project)
    found = [p for p in problems_of(project) if "the same figure from the same words" in p.message]
    assert [(p.file, "'planned-area-2019'" in p.message) for p in found] == [("data/divisions.yaml", True)]
