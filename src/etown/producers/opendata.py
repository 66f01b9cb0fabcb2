"""The validated data as open data: JSON per section, CSV for the tables, a Frictionless package.

Everything is produced in a fixed order with fixed formatting, so the files are reproducible.
Texts come in every language of the site, derived ones included.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pydantic_core
from pydantic import BaseModel

from etown.convert import Conversions
from etown.languages import LANGUAGES, OWN_WORDS, by_code
from etown.outputs import Context, Target
from etown.schema import Fact, Period, Quantity, Sourced, Text, Topic, fields_of
from etown.sections import ECONOMY, HISTORY, INSTITUTIONS, LEADERSHIP, NOTES, SECTIONS, Section, SiteData
from etown.units import UNITS

FOLDER = "data"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """A Frictionless table-schema type: string, number, integer."""
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]


def column_code(code: str) -> str:
    """``zh-Hant`` → ``zh_hant``: column names stay identifiers."""
    return code.replace("-", "_").lower()


def _text_columns(prefix: str, what: str) -> tuple[Column, ...]:
    return tuple(
        Column(
            f"{prefix}_{column_code(language.code)}", "string",
            f"{what}, in {language.english_name} ({language.html_lang})"
            + ("" if language.is_translation else ", in the source's own words"),
        )
        for language in LANGUAGES
    )  # fmt: skip


def _texts(prefix: str, text: Text, conversions: Conversions) -> dict[str, str]:
    return {
        f"{prefix}_{column_code(language.code)}": conversions.text_in(language, text)
        for language in LANGUAGES
    }


SOURCE_DESCRIPTION = "an undated web page that names no publisher"
"""What is known of the source, and no more (its publisher and its address are not)."""


def _empty(prefix: str) -> dict[str, str]:
    """The cells of a text that a row does not have, in every language."""
    return {f"{prefix}_{column_code(language.code)}": "" for language in LANGUAGES}


SOURCE_COLUMN = Column(
    "source", "string", "The verbatim passage of the source document that supports the row"
)

PERIOD_COLUMNS = (
    Column(
        "period", "string",
        "When the figure holds: an ISO 8601 year or date (2022, 2019-12, 2019-12-20), or empty when it is "
        "not a date (see period_kind)",
    ),
    Column(
        "period_kind", "string",
        "date; year-end (年末: the end of the year in period); publication (截至目前, 目前 …: as of the "
        "undated source's publication); years-to-publication (近五年: the N years before it); unstated",
    ),
    Column("period_basis", "string", "stated (the source says it) or inferred (this site infers it)"),
    Column("period_inferred_why", "string", "Why this site infers the period, in English, where it does"),
)  # fmt: skip


def status_columns() -> tuple[Column, ...]:
    """What every row says about how far to trust it: its flags and the notes touching it."""
    return (
        Column(
            "flags", "string",
            "Status flags, separated by ';': sic (as written in the source), inferred (by this site), "
            "conflict (two statements of the source disagree), scope (what the figure covers is "
            "unclear), incomplete (the source leaves out its total, breakdown or items), publication "
            "(as of publication)",
        ),
        Column(
            "note_ids", "string", "Notes (notes.csv) on this row's weaknesses in the source, separated by ';'"
        ),
        *_text_columns("notes", "The titles of those notes, separated by ' | '"),
    )  # fmt: skip


def _period_cells(period: Period | None) -> dict[str, str]:
    if period is None:
        return {"period": "", "period_kind": "", "period_basis": "", "period_inferred_why": ""}
    if period.date is not None:
        kind = "year-end" if period.year_end else "date"
    elif period.publication:
        kind = "publication"
    elif period.years_to_publication is not None:
        kind = "years-to-publication"
    else:
        kind = "unstated"
    return {
        "period": str(period.date) if period.date is not None else (
            str(period.years_to_publication) if period.years_to_publication is not None else ""
        ),
        "period_kind": kind,
        "period_basis": "inferred" if period.inferred is not None else "stated",
        "period_inferred_why": period.inferred[OWN_WORDS] if period.inferred is not None else "",
    }  # fmt: skip


def _status_cells(data: SiteData, record: object, conversions: Conversions) -> dict[str, str]:
    notes = data.notes_of(record)
    cells = {"flags": ";".join(data.flags_of(record)), "note_ids": ";".join(note.id for note in notes)}
    for language in LANGUAGES:
        titles = [conversions.text_in(language, note.title) for note in notes]
        cells[f"notes_{column_code(language.code)}"] = " | ".join(titles)
    return cells


def history_table(data: SiteData, conversions: Conversions) -> Table:
    columns = (
        Column("id", "string", "Identifier of the event"),
        Column(
            "date", "string", "ISO 8601 date, to the precision the source gives (YYYY, YYYY-MM or YYYY-MM-DD)"
        ),
        Column("precision", "string", "year, month or day"),
        *_text_columns("text", "What happened"),
        *status_columns(),
        SOURCE_COLUMN,
    )
    rows = [
        {"id": event.id, "date": str(event.date), "precision": event.date.precision,
         **_texts("text", event.text, conversions), **_status_cells(data, event, conversions),
         "source": event.source}
        for event in data[HISTORY].events
    ]  # fmt: skip
    return Table("history", "History", "Every dated event of the area's history", columns, rows)


def leadership_table(data: SiteData, conversions: Conversions) -> Table:
    leadership = data[LEADERSHIP]
    people = {person.id: person for person in leadership.people}
    columns = (
        Column("body_id", "string", "Identifier of the leading body"),
        *_text_columns("body", "The leading body"),
        Column("order", "integer", "Position in the source's list, from 1"),
        Column("person_id", "string", "Identifier of the person (the same person in both bodies)"),
        *_text_columns("name", "Name (English: pinyin, surname first)"),
        *_text_columns("position", "Position, worded as the source words it"),
        *status_columns(),
        SOURCE_COLUMN,
    )
    rows = [
        {"body_id": body.id, **_texts("body", body.name, conversions), "order": order,
         "person_id": member.person, **_texts("name", people[member.person].name, conversions),
         **_texts("position", member.position, conversions), **_status_cells(data, member, conversions),
         "source": member.source}
        for body in leadership.bodies
        for order, member in enumerate(body.members, start=1)
    ]  # fmt: skip
    return Table("leadership", "Leadership", "Members of the two leading bodies", columns, rows)


def institutions_table(data: SiteData, conversions: Conversions) -> Table:
    columns = (
        Column("group_id", "string", "Identifier of the group"),
        *_text_columns("group", "The group of institutions"),
        Column("number", "string", "Number as the source gives it (01, 02 …)"),
        *_text_columns("name", "Name of the institution"),
        *status_columns(),
        SOURCE_COLUMN,
    )
    rows = [
        {"group_id": group.id, **_texts("group", group.name, conversions), "number": institution.number,
         **_texts("name", institution.name, conversions), **_status_cells(data, institution, conversions),
         "source": institution.source}
        for group in data[INSTITUTIONS].groups
        for institution in group.institutions
    ]  # fmt: skip
    return Table("institutions", "Institutions", "The institutions in their three groups", columns, rows)


def figures_table(data: SiteData, conversions: Conversions) -> Table:
    columns = (
        Column("section", "string", "The part of the site the figure belongs to (data file, then topic)"),
        Column("id", "string", "Identifier of the figure"),
        *_text_columns("label", "What the figure measures"),
        Column("value", "number", "The number as the source writes it"),
        Column("unit", "string", "The source's unit (亿元 = 100 million yuan, 万 = 10,000 …)"),
        Column(
            "value_in_base_unit", "number", "The value in yuan, people, km² … (value × the unit's multiplier)"
        ),
        Column("qualifier", "string", "The source's hedge word (约, 超过, 超, 近, 余, 多, 以上), or empty"),
        *PERIOD_COLUMNS,
        *_text_columns("scope", "The territory or base the figure covers, where not the whole BDA"),
        Column("part_of", "string", "The id of the figure (a row of this table) this one is a part of"),
        Column(
            "added_to",
            "string",
            "The id of the figure (a row of this table) the source adds this one to, rather than count it in",
        ),
        Column("growth_percent", "number", "Year-on-year growth in %, where given"),
        Column("growth_comparable_percent", "number", "Growth on a comparable basis in %, where given"),
        *status_columns(),
        SOURCE_COLUMN,
    )
    rows = [
        _figure_row(data, where, fact, conversions) for where, fact in figures(data) if fact.value is not None
    ]
    return Table("figures", "Figures", "Every figure with a number, in the source's units", columns, rows)


def figures(data: SiteData) -> Iterator[tuple[str, Fact]]:
    """Every fact of every section, with where it stands: ``economy`` or ``economy/TOPIC``."""
    for name, model in data.items():
        yield from _facts_in(model, name)


def _facts_in(node: Any, where: str) -> Iterator[tuple[str, Fact]]:
    if isinstance(node, Fact):
        yield where, node
    elif isinstance(node, BaseModel):
        inner = f"{where}/{node.id}" if isinstance(node, Topic) else where
        for _name, value in fields_of(node):
            yield from _facts_in(value, inner)
    elif isinstance(node, list):
        for item in node:
            yield from _facts_in(item, where)


def _number(quantity: Quantity | None) -> str:
    return "" if quantity is None else str(quantity.value)


def _figure_row(data: SiteData, section: str, fact: Fact, conversions: Conversions) -> dict[str, Any]:
    assert fact.value is not None
    base = fact.value.value * UNITS[fact.value.unit].scale
    return {
        "section": section, "id": fact.id, **_texts("label", fact.label, conversions),
        "value": str(fact.value.value), "unit": fact.value.unit, "value_in_base_unit": f"{base:f}",
        "qualifier": fact.value.qualifier or "", **_period_cells(fact.period),
        **(_texts("scope", fact.scope, conversions) if fact.scope else _empty("scope")),
        "part_of": fact.part_of or "", "added_to": fact.added_to or "",
        "growth_percent": _number(fact.growth), "growth_comparable_percent": _number(fact.growth_comparable),
        **_status_cells(data, fact, conversions), "source": fact.source,
    }  # fmt: skip


def industries_table(data: SiteData, conversions: Conversions) -> Table:
    industries = data[ECONOMY].industries
    columns = (
        Column("id", "string", "Identifier of the industry"),
        *_text_columns("name", "The leading industry"),
        *PERIOD_COLUMNS,
        Column("output_100m_yuan", "number", "Output in 亿元 (100 million yuan)"),
        Column("share_of_beijing_percent", "number", "Share of Beijing's total for the industry, in %"),
        *status_columns(),
        SOURCE_COLUMN,
    )
    rows = [
        {"id": industry.id, **_texts("name", industry.name, conversions), **_period_cells(industry.period),
         "output_100m_yuan": str(industry.output.value),
         "share_of_beijing_percent": str(industry.share_of_beijing.value),
         **_status_cells(data, industry, conversions), "source": industry.source}
        for industry in industries
    ]  # fmt: skip
    periods = sorted({str(industry.period.date) for industry in industries if industry.period.date})
    description = f"The leading industries' output and share of Beijing, {', '.join(periods)}"
    return Table("industries", "Leading industries", description, columns, rows)


def notes_table(data: SiteData, conversions: Conversions) -> Table:
    columns = (
        Column("id", "string", "Identifier of the note"),
        Column("kind", "string", "The kind of weakness: sum-mismatch, typo-or-garble … (see the About page)"),
        *_text_columns("title", "What is wrong, in a line"),
        *_text_columns("text", "The note"),
        *_text_columns("reading", "A likely reading, where the context makes one likely"),
        Column("sources", "string", "The passages of the source involved, verbatim, separated by ' | '"),
        Column(
            "touches", "string",
            "The rows it touches (ids, or infobox:KEY, institution:GROUP:NUMBER, member:BODY:PERSON), "
            "separated by ';'; they carry the flag of the note's kind",
        ),
        Column("mentions", "string", "Rows it names in passing (no flag), separated by ';'"),
    )  # fmt: skip
    rows = [
        {"id": note.id, "kind": note.kind, **_texts("title", note.title, conversions),
         **_texts("text", note.text, conversions),
         **(_texts("reading", note.reading, conversions) if note.reading else
            _empty("reading")),
         "sources": " | ".join(note.sources), "touches": ";".join(note.touches),
         "mentions": ";".join(note.mentions)}
        for note in data[NOTES].notes
    ]  # fmt: skip
    return Table("notes", "Notes", "Every inconsistency and weakness found in the source", columns, rows)


TableMaker = Callable[[SiteData, Conversions], Table]

TABLES: tuple[TableMaker, ...] = (
    history_table, leadership_table, institutions_table, figures_table, industries_table, notes_table,
)  # fmt: skip


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""
FORMULA_NOTE = (
    "In the CSV files, a text cell that would begin with =, +, -, @, a tab or a carriage return "
    "begins with a single quote (') instead, so that no spreadsheet runs it as a formula; remove "
    "that quote to get the text as written. Number columns and the JSON files are as written."
)


CSV_ENCODING = "utf-8-sig"
"""UTF-8 with its byte-order mark (EF BB BF) before the header. Spreadsheet programs that assume
a legacy encoding for CSV (Excel, which opens a double-clicked CSV in the system's code page)
read a file that begins with the mark as UTF-8; without it they showed the Chinese as mojibake.
The mark is UTF-8's own signature, so datapackage.json still names the encoding ``utf-8``, the
IANA name the Frictionless spec asks for (``utf-8-sig`` is Python's name, not IANA's), and
frictionless reads it so; most CSV readers skip the mark (Python's csv needs ``utf-8-sig``)."""
CSV_NOTE = (
    "The CSV files begin with a UTF-8 byte-order mark, so that spreadsheet programs read them as "
    "UTF-8; most CSV readers skip it (in Python, open them with encoding='utf-8-sig')."
)


def csv_bytes(table: Table) -> bytes:
    return csv_text(table).encode(CSV_ENCODING)


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[column.name for column in table.columns], lineterminator="\n")
    writer.writeheader()
    texts = [column.name for column in table.columns if column.type == "string"]
    writer.writerows({**row, **{name: inert_cell(row[name]) for name in texts}} for row in table.rows)
    return buffer.getvalue()


def inert_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: one that would start a formula gets a leading
    quote. Only text columns: a number such as -3 stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def json_bytes(value: Any) -> bytes:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` and a final line break, in UTF-8, for
    a value made of JSON's own types. Written by pydantic-core's serializer: the same text,
    several times faster than the json module (whose indented output is pure Python), except
    for floats, which it writes in its own shortest form (0.00006103515625 for 6.103515625e-05);
    a value holding one is written again by the json module. (The data has no floats: its
    numbers are Decimals, written as text.) Kept as bytes from end to end: a section of a large
    site is tens of MB, and decoding it to add the line break, then encoding it again, held it
    four times over."""
    written = pydantic_core.to_json(value, indent=2)
    if _FLOAT.search(written):
        return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return written + b"\n"


_FLOAT = re.compile(rb'^ *(?:"(?:[^"\\\n]|\\.)*": )?-?[0-9]+[.eE]', re.MULTILINE)
"""A float: a number with a point or an exponent, alone on its line as an array item or a value
(indented output puts every value on a line of its own)."""


def section_json(data: SiteData, model: BaseModel, conversions: Conversions) -> bytes:
    """One section in the shape of its YAML, every text in every language, and each record with
    its status: the flags it carries and the notes that touch it."""
    dumped = model.model_dump(mode="json")
    _enrich(data, model, dumped, conversions)
    return json_bytes(dumped)


def _enrich(data: SiteData, node: Any, dumped: Any, conversions: Conversions) -> None:
    if isinstance(node, BaseModel):
        for name, value in fields_of(node):
            _enrich(data, value, dumped[name], conversions)
    elif isinstance(node, list):
        for item, item_dumped in zip(node, dumped, strict=True):
            _enrich(data, item, item_dumped, conversions)
    if isinstance(node, Text):
        for language in LANGUAGES:
            if not language.is_authored:
                dumped[language.code] = conversions.text_in(language, node)
    if isinstance(node, Sourced) and data.ref_of(node) is not None:
        dumped["flags"] = data.flags_of(node)
        dumped["notes"] = [
            {
                "id": note.id,
                "title": {language.code: conversions.text_in(language, note.title) for language in LANGUAGES},
            }
            for note in data.notes_of(node)
        ]


def datapackage(tables: list[Table], seed_path: str, publisher: str, independence: list[str]) -> bytes:
    """The package's description, with ``independence``: what says, in each language, that the
    data is compiled by ``publisher`` (its English name), not published by the body it is about."""
    resources: list[dict[str, Any]] = [
        {
            "name": table.name,
            "title": table.title,
            "description": table.description,
            "path": f"{table.name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": column.name, "type": column.type, "description": column.description}
                    for column in table.columns
                ]
            },
        }
        for table in tables
    ]
    resources += [
        {"name": f"{section.name}-json", "path": f"{section.name}.json", "format": "json",
         "mediatype": "application/json", "encoding": "utf-8",
         "description": f"The checked contents of {section.path}"}
        for section in SECTIONS
    ]  # fmt: skip
    package = {
        "name": "beijing-etown-profile",
        "title": "Beijing Economic-Technological Development Area: profile data",
        "description": (
            "Facts hand-extracted from the Chinese government profile 北京经济技术开发区介绍, in "
            + ", ".join(f"{language.english_name} ({language.html_lang})" for language in LANGUAGES)
            + "; every row quotes the passage of the source that supports it. Words in square brackets "
            + "in a text are the site's own, not the source's. "
            + " ".join(independence)
            + " "
            + FORMULA_NOTE
            + " "
            + CSV_NOTE
        ),
        "contributors": [{"title": publisher, "role": "publisher"}],
        "sources": [{"title": f"北京经济技术开发区介绍 ({SOURCE_DESCRIPTION})", "path": seed_path}],
        "licenses": [{
            "name": "notspecified",
            "title": "The source document states no licence. Cite the source; check its terms before reuse.",
        }],
        "resources": resources,
    }  # fmt: skip
    return json_bytes(package)


class OpenData:
    name = "open data"

    def targets(self, context: Context) -> Iterator[Target]:
        conversions = context.conversions
        for make_table in TABLES:
            name = make_table.__name__.removesuffix("_table")
            yield Target(f"{FOLDER}/{name}.csv", _csv_maker(make_table, conversions))
        for section in SECTIONS:
            yield Target(f"{FOLDER}/{section.name}.json", _json_maker(section, conversions))
        yield Target(f"{FOLDER}/datapackage.json", _package_maker(context))


def _package_maker(context: Context) -> Callable[[SiteData], bytes]:
    def make(data: SiteData) -> bytes:
        strings = context.renderer.strings
        independence = [
            strings.get("data_independent", language).format(
                publisher=strings.get("site_publisher", language)
            )
            for language in LANGUAGES
        ]
        tables = [make_table(data, context.conversions) for make_table in TABLES]
        publisher = strings.get("site_publisher", by_code(OWN_WORDS))
        return datapackage(tables, context.seed.display_path, publisher, independence)

    return make


def _json_maker(section: Section[Any], conversions: Conversions) -> Callable[[SiteData], bytes]:
    return lambda data: section_json(data, data[section], conversions)


def _csv_maker(make_table: TableMaker, conversions: Conversions) -> Callable[[SiteData], bytes]:
    return lambda data: csv_bytes(make_table(data, conversions))


OPEN_DATA = OpenData()
