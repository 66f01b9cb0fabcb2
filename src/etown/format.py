"""How numbers, quantities and dates read in each language (CLDR rules via Babel)."""

import datetime
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from etown.schema import PartialDate, Quantity
from etown.units import UNITS, Qualifier

BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}

QUALIFIER_WORDS: dict[str, dict[Qualifier, str]] = {
    "zh": {"about": "约{}", "over": "超过{}", "plus": "{}余", "nearly": "近{}", "above": "{}以上"},
    "en": {
        "about": "about {}",
        "over": "more than {}",
        "plus": "more than {}",
        "nearly": "nearly {}",
        "above": "over {}",
    },
}
"""How a hedged number reads: the seed's 约, 超过, 余/多, 近 and 以上."""

SCALE_WORDS = ((Decimal(1_000_000_000), "billion"), (Decimal(1_000_000), "million"))
"""English counts large amounts in words: 245.64 billion, 15.06 million."""


def format_date(date: PartialDate, lang: str) -> str:
    """1994年8月25日 / 25 August 1994; 2019年5月 / May 2019; 2005年 / 2005."""
    locale = BABEL_LOCALES[lang]
    real_date = datetime.date(date.year, date.month or 1, date.day or 1)
    if date.precision == "day":
        return babel_format_date(real_date, "long", locale=locale)
    skeleton = "yMMMM" if date.precision == "month" else "y"
    return format_skeleton(skeleton, real_date, locale=locale)


def format_number(value: Decimal, lang: str) -> str:
    return format_decimal(value, locale=BABEL_LOCALES[lang])


def format_quantity(quantity: Quantity, lang: str) -> str:
    return _format_zh(quantity) if lang == "zh" else _format_en(quantity)


def qualified(written: str, qualifier: Qualifier | None, lang: str) -> str:
    return QUALIFIER_WORDS[lang][qualifier].format(written) if qualifier else written


def multiplier_prefix(unit: str) -> str:
    """The 万 or 亿 that leads a unit such as 万人次; 余 goes after it: 3万余人次."""
    return unit[0] if unit[0] in "万亿" and len(unit) > 1 else ""


def _format_zh(quantity: Quantity) -> str:
    number = format_number(quantity.value, "zh")
    if quantity.qualifier == "plus":  # 余 follows the number and any 万/亿: 140余个, 3万余人次
        prefix = multiplier_prefix(quantity.unit)
        return qualified(number + prefix, "plus", "zh") + quantity.unit[len(prefix) :]
    return qualified(number + quantity.unit, quantity.qualifier, "zh")


def _format_en(quantity: Quantity) -> str:
    unit = UNITS[quantity.unit]
    amount = quantity.value * unit.scale
    if unit.money:
        written = "RMB " + _large_number(amount)
    else:
        number = _large_number(amount) if unit.scale > 1 else format_number(amount, "en")
        separator = "" if unit.attached or not unit.en else " "
        written = f"{number}{separator}{unit.en}"
    return qualified(written, quantity.qualifier, "en")


def _large_number(amount: Decimal) -> str:
    """245.64 billion, 15.06 million, 349,200: words for millions, digits below."""
    for size, word in SCALE_WORDS:
        if amount >= size:
            return f"{format_number(amount / size, 'en')} {word}"
    return format_number(amount, "en")
