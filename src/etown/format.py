"""How numbers, quantities and dates read in each language (CLDR rules via Babel)."""

from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from etown.schema import PartialDate, Quantity
from etown.units import UNITS

BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}

_ZH_QUALIFIERS = {
    "about": "约{}",
    "over": "超过{}",
    "nearly": "近{}",
    "above": "{}以上",
}
_EN_QUALIFIERS = {
    "about": "about {}",
    "over": "more than {}",
    "plus": "more than {}",
    "nearly": "nearly {}",
    "above": "over {}",
}
_MILLION = Decimal(1_000_000)
_BILLION = Decimal(1_000_000_000)


def format_date(date: PartialDate, lang: str) -> str:
    """1994年8月25日 / August 25, 1994; 2019年5月 / May 2019; 2005年 / 2005."""
    import datetime

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


def format_percent(value: Decimal, lang: str) -> str:
    return f"{format_number(value, lang)}%"


def _format_zh(quantity: Quantity) -> str:
    number = format_number(quantity.value, "zh")
    if quantity.qualifier == "plus":
        # 余 follows the number and any 万/亿 multiplier: 140余个, 3万余人次
        unit = quantity.unit
        split = 1 if unit[0] in "万亿" and len(unit) > 1 else 0
        return f"{number}{unit[:split]}余{unit[split:]}"
    written = f"{number}{quantity.unit}"
    return _ZH_QUALIFIERS[quantity.qualifier].format(written) if quantity.qualifier else written


def _format_en(quantity: Quantity) -> str:
    unit = UNITS[quantity.unit]
    amount = quantity.value * unit.scale
    if unit.money:
        written = "RMB " + _large_number(amount)
    else:
        number = _large_number(amount) if unit.scale > 1 else format_number(amount, "en")
        separator = "" if unit.attached or not unit.en else " "
        written = f"{number}{separator}{unit.en}"
    return _EN_QUALIFIERS[quantity.qualifier].format(written) if quantity.qualifier else written


def _large_number(amount: Decimal) -> str:
    """245.64 billion, 15.06 million, 349,200: words for millions, digits below."""
    if amount >= _BILLION:
        return f"{format_number(amount / _BILLION, 'en')} billion"
    if amount >= _MILLION:
        return f"{format_number(amount / _MILLION, 'en')} million"
    return format_number(amount, "en")
