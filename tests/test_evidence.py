"""Every figure proves itself: a value, date, qualifier or period that disagrees with its own quote
fails `etown check` at the value's position, saying what the quote says instead."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import sampled
from etown.evidence import chinese_number, written_date, written_quantity
from etown.schema import PartialDate, Quantity
from helpers_data import Mutation, errors_of, line_of, replace, shown


@dataclass(frozen=True)
class Wrong:
    kind: str
    file: str
    mutate: Mutation
    message: str
    at: str
    """Text whose line the error must point at (in the mutated file)."""
    field: str


CASES = [
    Wrong(
        "indicator-value", "economy", replace("economy", "value: {value: 2456.4, unit: 亿元}", "value: {value: 2465.4, unit: 亿元}"),
        "the quote says 2456.4亿元; the value is 2465.4亿元", "2465.4", "indicators[0].value.value",
    ),
    Wrong(
        "industry-share", "economy",
        replace("economy", "share_of_beijing: {value: 32.6,", "share_of_beijing: {value: 23.6,"),
        "the quote says 32.6%; the value is 23.6%", "23.6", "industries[0].share_of_beijing.value",
    ),
    Wrong(
        "industry-output", "economy", replace("economy", "output: {value: 1209,", "output: {value: 1290,"),
        "the quote says 1209亿元; the value is 1290亿元", "1290", "industries[0].output.value",
    ),
    Wrong(
        "growth", "economy", replace("economy", 'growth: {value: 6, unit: "%"}', 'growth: {value: 7, unit: "%"}'),
        "the quote says 增长6%; the value is 7%", "value: 7,", "indicators[0].growth.value",
    ),
    Wrong(
        "event-date", "history", replace("history", "date: 2019-12-20", "date: 2019-12-21"),
        "the quote says 2019年12月20日; the date is 2019年12月21日 (2019-12-21)", "2019-12-21", "events[22].date",
    ),
    Wrong(
        "qualifier-dropped", "divisions",
        replace("divisions", "value: {value: 66, unit: 平方公里, qualifier: 约}", "value: {value: 66, unit: 平方公里}"),
        "the quote says 约66平方公里; the value is 66平方公里", "value: {value: 66", "areas[1].value.value",
    ),
    Wrong(
        "qualifier-changed", "economy",
        replace("economy", "value: {value: 230, unit: 家, qualifier: 多}", "value: {value: 230, unit: 家, qualifier: 余}"),
        "the quote says 230多家; the value is 230家 with the qualifier 余", "value: {value: 230",
        "topics[2].facts[0].value.value",
    ),
    Wrong(
        "infobox-quantity", "overview", replace("overview", "quantity: {value: 225,", "quantity: {value: 226,"),
        "the quote says 225平方公里; the value is 226平方公里", "quantity: {value: 226", "infobox[7].quantity.value",
    ),
    Wrong(
        "society-figure", "society", replace("society", "value: {value: 20, unit: 所}", "value: {value: 21, unit: 所}"),
        "the quote says 20所; the value is 21所", "value: {value: 21", "topics[0].facts[0].value.value",
    ),
    Wrong(
        "ecology-figure", "ecology", replace("ecology", "value: {value: 32, unit: \"%\"}", "value: {value: 23, unit: \"%\"}"),
        "the quote says 32%; the value is 23%", "value: {value: 23", "facts[2].value.value",
    ),
    Wrong(
        "population-figure", "population", replace("population", "value: {value: 29, unit: 万人}", "value: {value: 92, unit: 万人}"),
        "the quote says 29万人; the value is 92万人", "value: {value: 92", "facts[1].value.value",
    ),
    Wrong(
        "institution-number", "institutions", replace("institutions", 'number: "05"\n', 'number: "5"\n'),
        "a number is written with two digits", 'number: "5"', "groups[0].institutions[4].number",
    ),
    Wrong(
        "period-year", "economy", replace("economy", "    period: 2022\n    source: 2022年,全年完成地区生产总值", "    period: 2021\n    source: 2022年,全年完成地区生产总值"),
        "the quote says 2022年; the period is 2021年", "period: 2021", "indicators[0].period.date",
    ),
    Wrong(
        "period-publication", "economy",
        replace("economy", "    period: publication\n        source: 截至目前,信创园", "    period: 2022\n        source: 截至目前,信创园"),
        "the quote gives no year; the period is 2022年", "period: 2022\n        source: 截至目前,信创园",
        "topics[2].facts[0].period.date",
    ),
    Wrong(
        "text-number", "history", replace("history", "      zh: 开发区面积扩大至46.8平方公里。", "      zh: 开发区面积扩大至48.6平方公里。"),
        "the quote writes 开发区面积扩大至46.8平方公里; the text writes 开发区面积扩大至48.6平方公里", "扩大至48.6",
        "events[9].text.zh",
    ),
    Wrong(
        "derived-words", "society", replace("society", "          written: 百万平米", "          written: 千万平米"),
        "the quote does not write '千万平米'", "written: 千万平米", "topics[3].facts[9].derived.written",
    ),
    Wrong(
        "same-year-elsewhere", "history", replace("history", "      same_year_as: industrial-estate-decision", "      same_year_as: foundation-stone"),
        "同年 means the year of 'foundation-stone' (1992), but this event is dated 1991-12-07", "same_year_as: foundation-stone",
        "events[1].derived.same_year_as",
    ),
]  # fmt: skip


def test_the_cases_cover_every_kind_of_record() -> None:
    files = {case.file for case in CASES}
    assert files >= {
        "economy",
        "history",
        "divisions",
        "overview",
        "society",
        "ecology",
        "population",
        "institutions",
    }


@pytest.mark.parametrize("case", sampled(CASES), ids=lambda case: case.kind)
def test_a_value_that_disagrees_with_its_quote_is_named_precisely(case: Wrong, project: Path) -> None:
    case.mutate(project)
    errors = errors_of(project)
    where = f"data/{case.file}.yaml"
    line = line_of(project, case.file, case.at)
    found = [e for e in errors if (e.file, e.line) == (where, line) and case.message in e.message]
    assert found, f"expected {where}:{line}: {case.message}\ngot:\n{shown(errors)}"
    assert found[0].field == case.field, shown(found)


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "written"),
    [
        ("2456.4", "亿元", None, "2456.4亿元"),
        ("66", "平方公里", "约", "约66平方公里"),
        ("140", "个", "余", "140余个"),
        ("3", "万人次", "余", "3万余人次"),
        ("230", "家", "多", "230多家"),
        ("99", "%", "以上", "99%以上"),
        ("150", "项", "超", "超150项"),
    ],
)
def test_a_quantity_is_written_as_the_seed_writes_it(
    value: str, unit: str, qualifier: str | None, written: str
) -> None:
    quantity = Quantity.model_validate({"value": value, "unit": unit, "qualifier": qualifier})
    assert written_quantity(quantity) == written


def test_dates_are_written_at_their_precision() -> None:
    assert [written_date(PartialDate(*parts)) for parts in ((1994, 8, 25), (1994, 8), (1994,))] == [
        "1994年8月25日", "1994年8月", "1994年",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("三个", 3),
        ("百万平米", 1_000_000),
        ("二十", 20),
        ("十四", 14),
        ("两万", 20_000),
        ("亿", 100_000_000),
        ("公里", None),
    ],
)
def test_chinese_numerals_are_read(words: str, number: int | None) -> None:
    assert chinese_number(words) == (Decimal(number) if number is not None else None)
