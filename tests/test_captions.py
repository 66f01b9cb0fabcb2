"""Captions are made from their rows: what the rows measure and the period they share, so a
caption can never say "Population" over an area or a period its rows do not hold for."""

import re
from pathlib import Path

import pytest

from etown.schema import Fact
from etown.tables import measures

CAPTION = re.compile(r'<caption id="([^"]+)">(.*?)</caption>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def fact(unit: str, measure: str | None = None) -> Fact:
    return Fact.model_validate({
        "id": "x", "label": {"zh": "某", "en": "x"}, "value": {"value": 1, "unit": unit},
        "period": "unstated", "source": "某某", **({"measure": measure} if measure else {}),
    })  # fmt: skip


def test_a_caption_names_each_measure_of_its_rows_once_in_their_order() -> None:
    assert measures([fact("平方公里"), fact("万人"), fact("平方米")]) == ["area", "population"]
    assert measures([fact("%"), fact("家", "enterprises"), fact("个")]) == ["share", "enterprises", "count"]


@pytest.mark.parametrize(
    ("code", "page", "table", "caption"),
    [
        ("en", "index", "population", "Area and population (as of publication)"),  # review C5
        ("zh", "index", "population", "面积与人口(截至发布)"),
        ("zh-Hant", "index", "population", "面積與人口(截至發布)"),
        ("en", "economy", "enterprises-table", "Shares, enterprises and projects (period not stated)"),
        ("zh", "economy", "enterprises-table", "比重、企业与项目(原文未注时间)"),
        ("en", "index", "area-history-table", "Area"),
        ("en", "index", "distances-table", "Distances (period not stated)"),
        ("en", "government", "division-areas", "Area"),
    ],
)
def test_captions_made_from_their_rows(
    built_site: Path, code: str, page: str, table: str, caption: str
) -> None:
    html = (built_site / code / f"{page}.html").read_text(encoding="utf-8")
    captions = {table_id: " ".join(TAG.sub("", text).split()) for table_id, text in CAPTION.findall(html)}
    assert captions[table] == caption
