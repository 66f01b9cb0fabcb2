"""Every figure proves itself: what a record shows must stand in its own quote, as the seed
writes it.

A value with its unit and qualifier (约66平方公里, 140余个, 230多家, 99%以上), a growth rate
(增长6%), a date at the record's precision (1994年8月25日, 2019年5月, 2005年), a period (2022年,
年末, 截至目前 …), an institution's number. Where the seed writes it otherwise (三个, 百万平米,
同年), the record says so in ``derived`` and the check verifies that reading instead. A mismatch
is reported at the value, saying what the quote says. (The words and numbers of a record's texts
are checked against its quote by wording_in_quote.py.)
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from pydantic import BaseModel

from etown.load import LoadedFile, PathKey
from etown.problems import Problem
from etown.provenance import normalise
from etown.records import Record, records_in
from etown.schema import (
    GROWTH_BASIS_WORDS,
    PERIOD_WORDS,
    Body,
    Fact,
    HistoryEvent,
    Industry,
    InfoboxRow,
    Institution,
    PartialDate,
    Period,
    Quantity,
    Sourced,
)
from etown.units import QUALIFIERS_AFTER_THE_NUMBER

Finding = tuple[PathKey, str]
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def check_evidence(
    loaded: LoadedFile, model: BaseModel, records: Iterable[Record] | None = None
) -> Iterator[Problem]:
    """``records``: those of ``model``, when they have been walked already."""
    for record in records if records is not None else records_in(loaded.name, model):
        for path, message in _record_findings(record):
            yield loaded.problem_at(path, message)


def _record_findings(record: Record) -> Iterator[Finding]:
    node, path = record.model, record.path
    quote = _Quote(node.source)
    if node.derived is not None and node.derived.written is not None and not quote.has(node.derived.written):
        yield (*path, "derived", "written"), f"the quote does not write {node.derived.written!r}"
    if isinstance(node, Fact):
        yield from _quantity(quote, node, (*path, "value"), node.value)
        basis = GROWTH_BASIS_WORDS[node.growth_basis] if node.growth_basis else ""
        yield from _growth(quote, (*path, "growth"), node.growth, basis)
        yield from _growth_basis(quote, path, node)
        yield from _growth(quote, (*path, "growth_comparable"), node.growth_comparable, "同口径")
        yield from _period(quote, (*path, "period"), node.period)
        if node.scope is not None and not quote.has(node.scope["zh"]):
            yield (
                (*path, "scope", "zh"),
                f"the quote does not write {node.scope['zh']} (it says: {quote.written}); a scope is "
                "the territory the source itself names for this figure, in its words",
            )
    elif isinstance(node, Industry):
        yield from _quantity(quote, node, (*path, "output"), node.output)
        yield from _quantity(quote, node, (*path, "share_of_beijing"), node.share_of_beijing)
        yield from _period(quote, (*path, "period"), node.period)
    elif isinstance(node, InfoboxRow):
        yield from _quantity(quote, node, (*path, "quantity"), node.quantity)
        if node.period is not None:
            yield from _period(quote, (*path, "period"), node.period)
    elif isinstance(node, HistoryEvent):
        yield from _event_date(quote, node, (*path, "date"))
    elif isinstance(node, Institution):
        if not quote.has(node.number):
            yield (
                (*path, "number"),
                f"the quote does not give the number {node.number} (it says: {node.source})",
            )
    elif isinstance(node, Body) and node.period is not None:
        yield from _period(quote, (*path, "period"), node.period)


@dataclass(frozen=True)
class _Quote:
    written: str

    @cached_property
    def text(self) -> str:
        return normalise(self.written)

    def has(self, words: str) -> bool:
        return normalise(words) in self.text


# --- quantities ---------------------------------------------------------------------------------


def written_quantity(quantity: Quantity) -> str:
    """A quantity as the seed writes it: 约66平方公里, 140余个, 3万余人次, 99%以上, 超150项."""
    number = f"{quantity.value:f}"
    unit, qualifier = quantity.unit, quantity.qualifier
    prefix = unit[0] if unit[0] in "万亿" and len(unit) > 1 else ""
    if qualifier in QUALIFIERS_AFTER_THE_NUMBER and qualifier != "以上":
        return f"{number}{prefix}{qualifier}{unit[len(prefix) :]}"
    if qualifier == "以上":
        return f"{number}{unit}以上"
    return f"{qualifier or ''}{number}{unit}"


def _quantity(quote: _Quote, record: Sourced, path: PathKey, quantity: Quantity | None) -> Iterator[Finding]:
    if quantity is None:
        return
    expected = written_quantity(quantity)
    said = _said(quote, quantity)
    if expected in said or _derived_reading(record, quantity.value):
        return
    shown = f"{quantity.value:f}{quantity.unit}" + (
        f" with the qualifier {quantity.qualifier}" if quantity.qualifier else ""
    )
    if said:
        yield (*path, "value"), f"the quote says {' or '.join(said)}; the value is {shown}"
    else:
        yield (
            (*path, "value"),
            (
                f"the quote does not write {expected} (it says: {quote.written}); if the seed writes it "
                "otherwise, say how in derived: {written: …, reason: …}"
            ),
        )


def _said(quote: _Quote, quantity: Quantity) -> list[str]:
    """What the quote writes in the quantity's unit, qualifiers and all."""
    unit = quantity.unit
    prefix = unit[0] if unit[0] in "万亿" and len(unit) > 1 else ""
    rest = re.escape(unit[len(prefix) :])
    pattern = (
        rf"(?:约|超过|超|近)?\d+(?:\.\d+)?{re.escape(prefix)}(?:余|多)?{rest}(?:以上)?"
        if unit
        else r"\d+(?:\.\d+)?"
    )
    return list(dict.fromkeys(re.findall(pattern, quote.text)))


def _derived_reading(record: Sourced, value: Decimal) -> bool:
    """A count or amount the quote writes in words (三个, 百万) that reads as ``value``."""
    derived = record.derived
    if derived is None or derived.written is None:
        return False
    reading = chinese_number(derived.written)
    return reading is not None and any(
        reading * scale == value for scale in (Decimal(1), Decimal("0.0001"), Decimal("0.00000001"))
    )


def chinese_number(words: str) -> Decimal | None:
    """The number a run of Chinese numerals in ``words`` stands for: 三个 → 3, 百万 → 1000000,
    二十 → 20; None when there is none."""
    digits = re.search(r"[一二两三四五六七八九十百千万亿]+", words)
    if digits is None:
        return None
    total, section, number = 0, 0, 0
    for character in digits.group():
        if character in _CHINESE_DIGITS:
            number = _CHINESE_DIGITS[character]
        elif character in ("万", "亿"):
            section = (section + number) or 1
            total += section * _CHINESE_UNITS[character]
            section = number = 0
        else:
            section += (number or 1) * _CHINESE_UNITS[character]
            number = 0
    return Decimal(total + section + number)


def _growth(quote: _Quote, path: PathKey, growth: Quantity | None, lead: str) -> Iterator[Finding]:
    if growth is None:
        return
    expected = f"{lead}增长{growth.value:f}%"
    if not quote.has(expected):
        said = re.findall(rf"{lead}增长-?\d+(?:\.\d+)?%", quote.text)
        what = f"the quote says {' or '.join(said)}" if said else f"the quote does not write {expected}"
        yield (*path, "value"), f"{what}; the value is {growth.value:f}%"


def _growth_basis(quote: _Quote, path: PathKey, fact: Fact) -> Iterator[Finding]:
    """A basis the quote writes (同比增长9.2%) is said, so that no page drops it."""
    if fact.growth is None or fact.growth_basis is not None:
        return
    for basis, words in GROWTH_BASIS_WORDS.items():
        if quote.has(f"{words}增长{fact.growth.value:f}%"):
            yield (
                (*path, "growth"),
                f"the quote writes {words}增长{fact.growth.value:f}%: say growth_basis: {basis}, "
                "so that the pages say what the growth is measured against",
            )


# --- dates and periods --------------------------------------------------------------------------


def written_date(date: PartialDate) -> str:
    """1994年8月25日, 1994年8月 or 1994年: the seed's way, at the date's precision."""
    written = f"{date.year}年"
    if date.month:
        written += f"{date.month}月"
    if date.day:
        written += f"{date.day}日"
    return written


def _event_date(quote: _Quote, event: HistoryEvent, path: PathKey) -> Iterator[Finding]:
    written = written_date(event.date)
    if quote.has(written):
        return
    derived = event.derived
    if derived is not None and derived.written == "同年" and derived.same_year_as is not None:
        rest = written.removeprefix(f"{event.date.year}年")
        if quote.has(f"同年{rest}"):
            return  # the year itself is checked against the other event (validate.py)
        yield path, f"the quote does not write 同年{rest}"
        return
    said = _dates_said(quote, event.date)
    what = f"the quote says {' or '.join(said)}" if said else "the quote gives no date"
    yield path, f"{what}; the date is {written} ({event.date})"


def _dates_said(quote: _Quote, date: PartialDate) -> list[str]:
    """The dates the quote writes, those at the record's precision first (or only)."""
    said = list(dict.fromkeys(re.findall(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?", quote.text)))
    alike = [written for written in said if written_precision(written) == date.precision]
    return alike or said


def written_precision(written: str) -> str:
    return "day" if written.endswith("日") else "month" if written.endswith("月") else "year"


def _period(quote: _Quote, path: PathKey, period: Period) -> Iterator[Finding]:
    if period.inferred is not None or period.unstated:
        return
    stating = _Quote(period.stated_by) if period.stated_by is not None else quote
    where = "the passage given in stated_by" if period.stated_by is not None else "the quote"
    if period.date is not None:
        written = written_date(period.date)
        if not stating.has(written):
            said = re.findall(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?", stating.text)
            what = f"{where} says {' or '.join(said)}" if said else f"{where} gives no year"
            yield (
                (*path, "date"),
                (
                    f"{what}; the period is {written} (if the seed states it elsewhere, add stated_by: "
                    "<that passage>; if this site infers it, add inferred: {zh: …, en: …})"
                ),
            )
        if period.year_end and not stating.has("年末"):
            yield (*path, "year_end"), f"{where} does not write 年末"
    elif period.publication:
        if not any(stating.has(word) for word in PERIOD_WORDS):
            yield (
                (*path, "publication"),
                (
                    f"{where} has none of {', '.join(PERIOD_WORDS)}; use unstated, "
                    "or stated_by the passage that says so"
                ),
            )
    elif period.years_to_publication is not None:
        years = period.years_to_publication
        if not any(stating.has(f"近{words}年") for words in (str(years), _chinese_numeral(years))):
            yield (*path, "years_to_publication"), f"{where} does not write 近{_chinese_numeral(years)}年"


def _chinese_numeral(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
