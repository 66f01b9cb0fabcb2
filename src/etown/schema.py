"""What a data file may contain: one pydantic model per file in ``data/``.

Every fact is bilingual (``zh`` and ``en``) and carries ``source``, a verbatim quote from the seed
that supports it. Quantities keep the seed's number and unit; dates keep the seed's precision.
"""

import re
import typing
from collections.abc import ItemsView
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from etown.languages import AUTHORED
from etown.units import Measure, Qualifier, UnitName

# --- scalar types ----------------------------------------------------------------------------


def _stripped(value: Any) -> Any:
    """A text without the white space around it. Not pydantic's ``strip_whitespace``: that makes
    a new string of every text, stripped or not, and the loaded one lives on beside it wherever
    the loaded tree is kept (the translations' texts), so a large site held its texts twice."""
    return value.strip() if isinstance(value, str) else value


NonEmptyText = Annotated[str, StringConstraints(min_length=1), BeforeValidator(_stripped)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Quote = Annotated[str, StringConstraints(min_length=2), BeforeValidator(_stripped)]
"""A verbatim passage of the seed (compared with all whitespace removed)."""

Precision = Literal["year", "month", "day"]
_DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

MAX_DIGITS = 15
"""The most digits a number may have. Every figure then stays exact through every sum and
conversion (a value in 亿 times 10^8 keeps well within Decimal's 28 digits) and Babel can always
format it; the seed's longest figure has six digits."""
_PLAIN_NUMBER = re.compile(r"^-?(\d+)(?:\.(\d+))?$")
SIGNED_UNITS = frozenset({"%", "个百分点"})
"""The units a figure may be negative in: changes (growth in %, percentage points). Counts,
amounts, areas and populations are never below zero."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day, as the seed gives it."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def precision(self) -> Precision:
        if self.day:
            return "day"
        return "month" if self.month else "year"

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


def parse_partial_date(raw: object) -> PartialDate:
    """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and refuse dates that do not exist."""
    if isinstance(raw, PartialDate):
        return raw
    text = str(raw).strip()
    match = _DATE_PATTERN.match(text)
    if not match:
        raise ValueError("a date is written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(group) if group else 0 for group in match.groups())
    if year == 0:
        raise ValueError("there is no year 0000; years run from 0001 to 9999")
    if match.group(2) and not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}")
    if match.group(3):
        import calendar

        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"{text} is not a real date")
    return PartialDate(year, month, day)


DateField = Annotated[
    PartialDate,
    BeforeValidator(parse_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _DATE_PATTERN.pattern}),
]

InstitutionNumber = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]


def parse_number(raw: object) -> Decimal:
    """A figure written plainly (digits, at most one point, perhaps a minus) with at most
    MAX_DIGITS digits: the one guard every number of the data passes."""
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        text = format(raw, "f")
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        raise ValueError(NUMBER_EXPECTED)
    match = _PLAIN_NUMBER.match(text)
    if not match:
        raise ValueError(_why_not_plain(text))
    whole, fraction = match.group(1).lstrip("0"), match.group(2) or ""
    if len(whole) + len(fraction) > MAX_DIGITS:
        raise ValueError(
            f"a number may have at most {MAX_DIGITS} digits; write large amounts in a larger unit "
            "(亿元 rather than 元)"
        )
    return Decimal(text)


NUMBER_EXPECTED = (
    "expected a number such as 2456.4 or -3 (digits and a point, no unit or thousands separator)"
)


def _why_not_plain(text: str) -> str:
    """Decimal() would read '1e3', '1_000', '+5' and 'Infinity'; a fact sheet writes numbers plainly."""
    try:
        readable = Decimal(text).is_finite()
    except ArithmeticError:
        readable = False
    if readable:
        return "write the number plainly, as digits and a point, like 2456.4"
    return NUMBER_EXPECTED


Number = Annotated[Decimal, BeforeValidator(parse_number)]


# --- building blocks -------------------------------------------------------------------------


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def fields_of(model: BaseModel) -> ItemsView[str, Any]:
    """A model's fields and their values, in their order. Pydantic keeps them in the instance's
    ``__dict__``; reading it is several times faster than ``model_fields`` and ``getattr``, and
    every walk over the data (records, open data, the checks) does it for each record."""
    return vars(model).items()


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of fields each instance was given among all instances given the same
        fields. Pydantic keeps one set per instance, 216 bytes each: a third of the memory the
        models of a large site take. The models are frozen, so no set changes once made (and
        ``model_copy`` copies the set before it adds to it)."""
        fields_set = self.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault(frozenset(fields_set), fields_set)
        object.__setattr__(self, "__pydantic_fields_set__", shared)


class Text(Model):
    """Plain text in every authored language: one field per code of ``languages.AUTHORED``
    (``zh`` and ``en``); derived languages are made from these when pages are rendered."""

    __annotations__ = {code: NonEmptyText for code in AUTHORED}

    def __getitem__(self, code: str) -> str:
        return str(getattr(self, code))


SITE_WORDS = re.compile(r"\[[^\[\]]*\](?!\()")
"""Words of this site's own in a text, in square brackets: ``[开发区]以北京0.35%的土地…``, a gloss
``the “four centres” [Beijing’s role as …]``. Pages show them so; the check of a Chinese text
against its quote passes over them. (A bracket followed by a parenthesis is a Markdown link.)"""


def without_site_words(text: str) -> str:
    """``text`` without the site's own words in square brackets."""
    return SITE_WORDS.sub("", text) if "[" in text else text


class Prose(Text):
    """Text in both languages that may use Markdown (sanitised when rendered)."""


class Quantity(Model):
    value: Number
    unit: UnitName
    qualifier: Qualifier | None = None

    @model_validator(mode="after")
    def _not_below_zero(self) -> "Quantity":
        if self.value < 0 and self.unit not in SIGNED_UNITS:
            raise ValueError(
                f"a figure in {self.unit} cannot be negative (got: {self.value}); only changes, "
                f"in {' or '.join(sorted(SIGNED_UNITS))}, can be"
            )
        return self


class Derivation(Model):
    """Why a record shows something its quote does not write literally, in a form the check can
    verify: a count written in words (三个 → 3), a spelling of the value (百万平米 → 100万平方米),
    a year the quote gives as 同年 (the same year as an earlier record)."""

    written: NonEmptyText | None = None
    """How the quote writes what the record shows: 三个, 百万平米, 同年."""
    same_year_as: Slug | None = None
    """For 同年: the record whose date gives the year."""
    reason: Text


GrowthBasis = Literal["year-on-year", "on-previous-year"]
GROWTH_BASIS_WORDS: dict[str, str] = {"year-on-year": "同比", "on-previous-year": "比上年"}
"""How the source writes each basis before 增长."""

PERIOD_WORDS = ("截至目前", "目前", "现任", "现阶段", "已")
"""Words with which the seed says a figure holds at present, that is as of publication (the page
is undated). Each governs its clause: every figure after it, to the end of its sentence, holds
as of publication (consistency.py). 累计 (cumulative) is not one of them: it says how a figure is
counted, not when."""


def _period_shorthand(raw: object) -> object:
    """``period: 2022`` / ``publication`` / ``unstated`` stand for the mapping they abbreviate."""
    if isinstance(raw, str) and raw.strip() in {"publication", "unstated"}:
        return {raw.strip(): True}
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        return {"date": str(raw)}
    return raw


class Period(Model):
    """When a figure holds: the seed's own words, or this site's stated inference."""

    date: DateField | None = None
    """A year, month or day: 2022, 2019-12, 2019-12-20."""
    year_end: bool = False
    """At the end of the year of ``date`` (年末)."""
    publication: bool = False
    """As of publication (截至目前, 目前, 现任, 现阶段, 已): the source page is undated."""
    years_to_publication: int | None = Field(default=None, ge=1, le=100)
    """Over the N years up to publication (近五年来)."""
    unstated: bool = False
    """The seed gives no period for it."""
    inferred: Text | None = None
    """Why this site infers the period, where the seed does not state it for this figure."""
    stated_by: Quote | None = None
    """The passage of the seed that states the period, when the record's own quote does not."""

    @property
    def meaning(self) -> tuple[object, ...]:
        """What the period says, whoever states it: two records share a period when these agree."""
        return (self.date, self.year_end, self.publication, self.years_to_publication, self.unstated)

    @model_validator(mode="after")
    def _one_kind(self) -> "Period":
        kinds = [
            self.date is not None,
            self.publication,
            self.years_to_publication is not None,
            self.unstated,
        ]
        if sum(kinds) != 1:
            raise ValueError(
                "a period is one of: a date (2022, 2019-12, 2019-12-20), publication, "
                "{years_to_publication: N} or unstated"
            )
        if self.year_end and self.date is None:
            raise ValueError("year_end needs the year: {date: 2020, year_end: true}")
        if self.inferred is not None and self.stated_by is not None:
            raise ValueError("a period is either inferred by this site or stated_by a passage, not both")
        return self


PeriodField = Annotated[Period, BeforeValidator(_period_shorthand)]

Flag = Literal["sic", "inferred", "conflict", "scope", "incomplete", "publication"]
"""The status flags a record may carry, each meaning one thing: as written in the source [sic],
inferred by this site, two statements of the source disagree [conflict], what the figure covers
is unclear [scope], the source leaves out something the figure needs [incomplete], as of
publication. Notes give conflict, scope and incomplete by their kind (records.NOTE_FLAGS)."""


class Sourced(Model):
    source: Quote
    flags: list[Flag] = Field(default_factory=list)
    """Flags this record carries beyond those its period and notes give it."""
    derived: Derivation | None = None


class Passage(Sourced):
    """A paragraph of the seed, told in both languages."""

    id: Slug
    text: Prose


class Fact(Sourced):
    """One labelled figure or statement."""

    id: Slug
    label: Text
    value: Quantity | None = None
    text: Prose | None = None
    period: PeriodField
    scope: Text | None = None
    """The territory or base this figure covers, where it is not the BDA as a whole, in the
    quote's own words (核心区; 开发区约60平方公里范围) and in English: what the source says, and
    no more (not "the BDA's core area" where it says only 核心区)."""
    growth: Quantity | None = None
    """Growth, as a percentage (增长6%)."""
    growth_basis: GrowthBasis | None = None
    """What the growth is measured against, where the source says: 同比 (year on year) or 比上年
    (on the previous year); none where it writes 增长 alone."""
    growth_comparable: Quantity | None = None
    """Growth on a comparable basis (同口径), where the seed gives it."""
    part_of: Slug | None = None
    """The id of the fact (in the same file) this one is a part of (shown "of which" under it). Parts
    may have parts of their own, to any depth."""
    added_to: Slug | None = None
    """The id of the fact (in the same file) the source adds this one to, rather than counting it
    within it: the 12 km² of Daxing land added to the BDA's 46.8 km² (shown "plus" under it)."""
    measure: Measure | None = None
    """What the figure measures, where its unit does not say (a count of enterprises in 家): the
    caption of a table made from its rows names it."""
    breakdown: Text | None = None
    """For parts: the way of dividing the whole that this part belongs to, where the seed gives
    more than one ("按照行政辖区划分" / "by administrative district")."""

    @model_validator(mode="after")
    def _says_something(self) -> "Fact":
        if self.value is None and self.text is None:
            raise ValueError("a fact needs a value, a text, or both")
        if self.part_of is not None and self.added_to is not None:
            raise ValueError(
                "a fact is either part_of a whole or added_to another figure, not both; say the one "
                "the source says"
            )
        return self


class Topic(Sourced):
    """A headed part of a section (the seed's 【…】 headings)."""

    id: Slug
    title: Text
    passages: list[Passage] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)


# --- one model per data file -----------------------------------------------------------------

InfoboxKey = Literal[
    "chinese_name", "foreign_name", "administrative_type", "seat", "postal_code", "location",
    "dialect", "area", "alias", "country_region", "area_code", "attractions", "climate", "honours",
]  # fmt: skip


class InfoboxRow(Sourced):
    key: InfoboxKey
    label: Text
    """The source's own label (面积), in both languages."""
    value: Text
    quantity: Quantity | None = None
    period: PeriodField | None = None
    gloss: Text | None = None
    """What the row means, where the source's label alone would mislead (the "area" is the
    planned area of Yizhuang New Town): the site's words, shown beside the value in both languages."""


class OverviewFile(Model):
    name: Text
    short_name: Text
    headlines: list[Slug] = Field(default_factory=list, max_length=10)
    """The figures a reader comes for, by id, shown first on the overview, each with its period
    and its source: figures (with a value) of any data file, at most ten."""
    infobox: list[InfoboxRow]
    introduction: list[Passage]
    area_history: list[Fact]
    distances: list[Fact]


class HistoryEvent(Sourced):
    id: Slug
    date: DateField
    text: Prose


class HistoryFile(Model):
    events: list[HistoryEvent]


class NamedItem(Sourced):
    id: Slug
    name: Text


class DivisionsFile(Model):
    passages: list[Passage]
    components: list[NamedItem]
    areas: list[Fact]


class FactsFile(Model):
    """A short section: a few paragraphs and the figures in them."""

    passages: list[Passage] = Field(default_factory=list)
    facts: list[Fact]


class Person(Model):
    id: Slug
    name: Text
    """Chinese name and its pinyin, surname first (孔磊 → Kong Lei)."""


class Membership(Sourced):
    person: Slug
    position: Text


class Body(Sourced):
    id: Slug
    name: Text
    organization: Text | None = None
    """The body itself, as the seed's position titles name it (经开区管委会)."""
    period: PeriodField | None = None
    members: list[Membership]


class LeadershipFile(Model):
    people: list[Person]
    bodies: list[Body]


class Institution(Sourced):
    number: InstitutionNumber
    name: Text


class InstitutionGroup(Sourced):
    id: Slug
    name: Text
    institutions: list[Institution]


class InstitutionsFile(Model):
    groups: list[InstitutionGroup]


class Industry(Sourced):
    id: Slug
    name: Text
    output: Quantity
    share_of_beijing: Quantity
    period: PeriodField
    description: Passage
    """The rest of the industry's paragraph, with its own quote."""


class EconomyFile(Model):
    passages: list[Passage]
    facts: list[Fact]
    indicators: list[Fact]
    industries: list[Industry]
    topics: list[Topic]


class SocietyFile(Model):
    topics: list[Topic]


class VisionFile(Model):
    passages: list[Passage]


NoteKind = Literal[
    "sum-mismatch", "whole-smaller-than-part", "same-figure-different-values", "counts-dont-fit",
    "ratio-fits-no-population", "scope-unclear", "incomplete-count", "same-number-different-things",
    "different-names", "reference-year", "typo-or-garble", "repeated-sentence", "toc-vs-headings",
    "typography", "brand-for-name", "other",
]  # fmt: skip
"""The kinds of weakness a careful reader finds in the source, in the order the About page lists
them. The first five say that two statements of the source disagree (CONFLICT_KINDS)."""
NOTE_KINDS: tuple[str, ...] = typing.get_args(NoteKind)
CONFLICT_KINDS = frozenset(NOTE_KINDS[:5])
"""The kinds of note that state a disagreement between two statements of the source: the only
ones that flag [conflict], and each cites at least two passages."""

RecordRef = Annotated[
    str,
    StringConstraints(
        pattern=r"^([a-z0-9]+(-[a-z0-9]+)*|infobox:[a-z_]+|(institution|member):[a-z0-9-]+:[a-z0-9-]+)$"
    ),
]
"""A record by its id; rows without one by their place: ``infobox:area``,
``institution:GROUP:NUMBER``, ``member:BODY:PERSON``."""


class SourceNote(Model):
    """One inconsistency or weakness of the source, kept as written and footnoted wherever it
    touches the site: on every record it names, once per page."""

    id: Slug
    kind: NoteKind
    title: Text
    text: Prose
    reading: Prose | None = None
    """A likely reading, only where the context makes one likely ("probably …")."""
    sources: list[Quote] = Field(min_length=1)
    """The passages of the seed involved, verbatim."""
    touches: list[RecordRef] = Field(min_length=1)
    """The records the note is about: they list it and carry its kind's flag."""
    mentions: list[RecordRef] = Field(default_factory=list)
    """Records the note names in passing (the population a ratio is set against, the sentence a
    figure stands in): they list the note but carry no flag of it."""
    flag: Literal["sic"] | None = None
    """A slip (a typo-or-garble note) flags the records it touches [sic] only where they show
    the slipped words themselves: then it says ``flag: sic``. Every other flag comes from the kind."""
    leaves_open: list[NonEmptyText] = Field(default_factory=list)
    """What the source leaves open, as words a text would use to decide it ("plant’s first
    engine"): no record the note touches may say them, in either language, nor the note's reading."""

    @model_validator(mode="after")
    def _flag_fits_kind(self) -> "SourceNote":
        if self.flag == "sic" and self.kind != "typo-or-garble":
            raise ValueError(
                f"flag: sic marks a slip kept as written; a note of the kind {self.kind} cannot give it "
                "(its kind gives its flag, if any)"
            )
        overlap = sorted(set(self.touches) & set(self.mentions))
        if overlap:
            raise ValueError(
                f"{', '.join(overlap)}: a record is either touched by a note or mentioned by it, not both"
            )
        if self.kind in CONFLICT_KINDS and len(set(self.sources)) < 2:
            raise ValueError(
                f"a note of the kind {self.kind} says that two statements of the source disagree: "
                "give both passages in sources (or choose a kind that does not flag a conflict)"
            )
        return self


class NotesFile(Model):
    notes: list[SourceNote]


class SkippedPassage(Model):
    passage: Quote
    """Verbatim, as the seed writes it; every occurrence is left out."""
    reason: Text


class CoverageFile(Model):
    """The passages of the seed no record cites, on purpose (etown coverage counts the rest)."""

    skip: list[SkippedPassage]


TermKind = Literal[
    "place", "organisation", "body", "company", "plan", "programme", "designation", "base", "park",
]  # fmt: skip


class Term(Model):
    """The one English name of something the source names."""

    zh: NonEmptyText
    en: NonEmptyText
    also: list[NonEmptyText] = Field(default_factory=list)
    """Other English forms accepted where the Chinese occurs (an abbreviation such as BDA)."""
    kind: TermKind
    note: NonEmptyText | None = None


class TermsFile(Model):
    terms: list[Term]
