"""Quantities and dates read naturally in each language."""

from decimal import Decimal

import pytest

from etown.format import format_date, format_quantity
from etown.languages import by_code
from etown.schema import Quantity, parse_partial_date

ZH, EN = by_code("zh"), by_code("en")


def quantity(value: str, unit: str, qualifier: str | None = None) -> Quantity:
    return Quantity.model_validate({"value": value, "unit": unit, "qualifier": qualifier})


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "zh", "en"),
    [
        ("2456.4", "亿元", None, "2456.4亿元", "RMB 245.64 billion"),
        ("1.2", "亿元", "约", "约1.2亿元", "about RMB 120 million"),
        ("1506", "万元", None, "1506万元", "RMB 15.06 million"),
        ("8", "万家", "超过", "超过8万家", "more than 80,000"),
        ("150", "项", "超", "超150项", "more than 150"),
        ("140", "个", "余", "140余个", "more than 140"),
        ("230", "家", "多", "230多家", "more than 230"),
        ("3", "万人次", "余", "3万余人次", "more than 30,000"),  # the label says who: admissions …
        ("34.92", "万人", None, "34.92万人", "349,200 people"),
        ("99", "%", "以上", "99%以上", "99% or more"),
        ("30", "%", "近", "近30%", "nearly 30%"),
        ("1470", "万公里", "超过", "超过1470万公里", "more than 14.7 million km"),
        ("18000", "套", "余", "18000余套", "more than 18,000"),
        ("225", "平方公里", None, "225平方公里", "225 km²"),
        ("30", "微克每立方米", None, "30微克每立方米", "30 μg/m³"),
    ],
)
def test_quantities(value: str, unit: str, qualifier: str | None, zh: str, en: str) -> None:
    assert format_quantity(quantity(value, unit, qualifier), ZH) == zh
    assert format_quantity(quantity(value, unit, qualifier), EN) == en


@pytest.mark.parametrize(
    ("written", "zh", "en", "precision"),
    [
        ("1994-08-25", "1994年8月25日", "25 August 1994", "day"),
        ("2019-05", "2019年5月", "May 2019", "month"),
        ("2005", "2005年", "2005", "year"),
    ],
)
def test_dates_keep_their_precision(written: str, zh: str, en: str, precision: str) -> None:
    date = parse_partial_date(written)
    assert (format_date(date, ZH), format_date(date, EN), date.precision) == (zh, en, precision)
    assert str(date) == written


@pytest.mark.parametrize("written", ["2019-02-30", "2019-13", "19-05-01", "2019/05/01", "yesterday"])
def test_impossible_dates_are_refused(written: str) -> None:
    with pytest.raises(ValueError):
        parse_partial_date(written)


def test_decimal_arithmetic_has_no_float_noise() -> None:
    assert format_quantity(quantity("0.35", "%"), EN) == "0.35%"
    assert format_quantity(Quantity(value=Decimal("372.4"), unit="亿元"), EN) == "RMB 37.24 billion"
