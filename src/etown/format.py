"""How numbers, quantities and dates read in a language, as its row in ``languages`` says.

Chinese pages write the seed's number and unit as the seed does (2456.4亿元, 3万余人次, no
thousands separators); English pages convert to base units and say large amounts in words
(RMB 245.64 billion). Dates and the words for large amounts follow CLDR through Babel.
"""

import datetime
import functools
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from etown.languages import Language
from etown.schema import PartialDate, Quantity
from etown.units import QUALIFIERS_AFTER_THE_NUMBER, UNITS


@functools.cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


# Pages write the same dates and numbers thousands of times, and Babel takes 20-40 µs for each:
# each is formatted once per locale (numbers keyed by their text, as 1.5 and 1.50 are equal
# Decimals that Babel may write differently).


def format_date(date: PartialDate, language: Language) -> str:
    """1994年8月25日 / 25 August 1994; 2019年5月 / May 2019; 2005年 / 2005."""
    return _formatted_date(date.year, date.month, date.day, language.locale)


@functools.lru_cache(maxsize=4096)
def _formatted_date(year: int, month: int, day: int, locale_name: str) -> str:
    locale = _locale(locale_name)
    real_date = datetime.date(year, month or 1, day or 1)
    if day:
        return babel_format_date(real_date, "long", locale=locale)
    skeleton = "yMMMM" if month else "y"
    return format_skeleton(skeleton, real_date, locale=locale)


def format_number(value: Decimal, language: Language) -> str:
    if not language.digit_grouping:
        return f"{value:f}"
    return _grouped_number(str(value), language.locale)


@functools.lru_cache(maxsize=4096)
def _grouped_number(value: str, locale_name: str) -> str:
    return format_decimal(Decimal(value), locale=_locale(locale_name))


def format_quantity(quantity: Quantity, language: Language) -> str:
    if language.quantity_style == "scaled":
        return _scaled(quantity, language)
    return _as_written(quantity, language)


def multiplier_prefix(unit: str) -> str:
    """The 万 or 亿 that leads a unit such as 万人次; 余 goes after it: 3万余人次."""
    return unit[0] if unit[0] in "万亿" and len(unit) > 1 else ""


def _as_written(quantity: Quantity, language: Language) -> str:
    number = format_number(quantity.value, language)
    qualifier = quantity.qualifier
    if qualifier in QUALIFIERS_AFTER_THE_NUMBER and qualifier != "以上":  # 140余个, 3万余人次
        prefix = multiplier_prefix(quantity.unit)
        return language.qualified(number + prefix, qualifier) + quantity.unit[len(prefix) :]
    return language.qualified(number + quantity.unit, qualifier)


def _scaled(quantity: Quantity, language: Language) -> str:
    unit = UNITS[quantity.unit]
    amount = quantity.value * unit.scale
    if unit.money:
        written = f"{language.currency} {large_number(amount, language)}"
    else:
        number = large_number(amount, language) if unit.scale > 1 else format_number(amount, language)
        name = language.unit_names[unit.base] if unit.base else ""
        separator = "" if unit.attached or not name else " "
        written = f"{number}{separator}{name}"
    return language.qualified(written, quantity.qualifier)


def large_number(amount: Decimal, language: Language) -> str:
    """245.64 billion, 15.06 million, 349,200: words for millions, digits below."""
    for size, word in language.scale_words:
        if abs(amount) >= size:
            return f"{format_number(amount / size, language)}{word}"
    return format_number(amount, language)
