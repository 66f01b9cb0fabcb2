"""The validated data as open data: JSON per section, CSV for the tables, a Frictionless package.

Everything is produced in a fixed order with fixed formatting, so the files are reproducible.
"""

import csv
import io
import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from etown.schema import Fact, Quantity
from etown.units import UNITS
from etown.validate import SiteData

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


def _text_columns(prefix: str, what: str) -> tuple[Column, ...]:
    return (
        Column(f"{prefix}_zh", "string", f"{what}, in Chinese (as the source words it)"),
        Column(f"{prefix}_en", "string", f"{what}, in English"),
    )


SOURCE_COLUMN = Column(
    "source", "string", "The verbatim passage of the source document that supports the row"
)


def history_table(data: SiteData) -> Table:
    columns = (
        Column("id", "string", "Identifier of the event"),
        Column(
            "date", "string", "ISO 8601 date, to the precision the source gives (YYYY, YYYY-MM or YYYY-MM-DD)"
        ),
        Column("precision", "string", "year, month or day"),
        *_text_columns("text", "What happened"),
        SOURCE_COLUMN,
    )
    rows = [
        {"id": event.id, "date": str(event.date), "precision": event.date.precision,
         "text_zh": event.text.zh, "text_en": event.text.en, "source": event.source}
        for event in data.history.events
    ]  # fmt: skip
    return Table("history", "History", "Every dated event of the area's history", columns, rows)


def leadership_table(data: SiteData) -> Table:
    people = {person.id: person for person in data.leadership.people}
    columns = (
        Column("body_id", "string", "Identifier of the leading body"),
        *_text_columns("body", "The leading body"),
        Column("order", "integer", "Position in the source's list, from 1"),
        Column("person_id", "string", "Identifier of the person (the same person in both bodies)"),
        *_text_columns("name", "Name (English: pinyin, surname first)"),
        *_text_columns("position", "Position, worded as the source words it"),
        SOURCE_COLUMN,
    )
    rows = [
        {"body_id": body.id, "body_zh": body.name.zh, "body_en": body.name.en, "order": order,
         "person_id": member.person, "name_zh": people[member.person].name.zh,
         "name_en": people[member.person].name.en, "position_zh": member.position.zh,
         "position_en": member.position.en, "source": member.source}
        for body in data.leadership.bodies
        for order, member in enumerate(body.members, start=1)
    ]  # fmt: skip
    return Table("leadership", "Leadership", "Members of the two leading bodies", columns, rows)


def institutions_table(data: SiteData) -> Table:
    columns = (
        Column("group_id", "string", "Identifier of the group"),
        *_text_columns("group", "The group of institutions"),
        Column("number", "string", "Number as the source gives it (01, 02 …)"),
        *_text_columns("name", "Name of the institution"),
        SOURCE_COLUMN,
    )
    rows = [
        {"group_id": group.id, "group_zh": group.name.zh, "group_en": group.name.en,
         "number": institution.number, "name_zh": institution.name.zh,
         "name_en": institution.name.en, "source": institution.source}
        for group in data.institutions.groups
        for institution in group.institutions
    ]  # fmt: skip
    return Table("institutions", "Institutions", "The institutions in their three groups", columns, rows)


def figures_table(data: SiteData) -> Table:
    columns = (
        Column("section", "string", "The part of the site the figure belongs to"),
        Column("id", "string", "Identifier of the figure"),
        *_text_columns("label", "What the figure measures"),
        Column("value", "number", "The number as the source writes it"),
        Column("unit", "string", "The source's unit (亿元 = 100 million yuan, 万 = 10,000 …)"),
        Column(
            "value_in_base_unit", "number", "The value in yuan, people, km² … (value × the unit's multiplier)"
        ),
        Column("qualifier", "string", "about, over, plus (余/多), nearly, above (以上), or empty"),
        Column("as_of", "string", "The date the figure refers to, where the source gives one"),
        Column("growth_percent", "number", "Year-on-year growth in %, where given"),
        Column("growth_comparable_percent", "number", "Growth on a comparable basis in %, where given"),
        SOURCE_COLUMN,
    )
    rows = [_figure_row(section, fact) for section, fact in _figures(data) if fact.value is not None]
    return Table("figures", "Figures", "Every figure with a number, in the source's units", columns, rows)


def _figures(data: SiteData) -> Iterator[tuple[str, Fact]]:
    yield from (("overview", fact) for fact in data.overview.area_history + data.overview.distances)
    yield from (("divisions", fact) for fact in data.divisions.areas)
    yield from (("population", fact) for fact in data.population.facts)
    yield from (("ecology", fact) for fact in data.ecology.facts)
    yield from (("economy", fact) for fact in data.economy.indicators + data.economy.facts)
    for topic in data.economy.topics:
        yield from ((f"economy/{topic.id}", fact) for fact in topic.facts)
    for topic in data.society.topics:
        yield from ((f"society/{topic.id}", fact) for fact in topic.facts)


def _number(quantity: Quantity | None) -> str:
    return "" if quantity is None else str(quantity.value)


def _figure_row(section: str, fact: Fact) -> dict[str, Any]:
    assert fact.value is not None
    base = fact.value.value * UNITS[fact.value.unit].scale
    return {
        "section": section, "id": fact.id, "label_zh": fact.label.zh, "label_en": fact.label.en,
        "value": str(fact.value.value), "unit": fact.value.unit, "value_in_base_unit": f"{base:f}",
        "qualifier": fact.value.qualifier or "", "as_of": str(fact.as_of or ""),
        "growth_percent": _number(fact.growth), "growth_comparable_percent": _number(fact.growth_comparable),
        "source": fact.source,
    }  # fmt: skip


def industries_table(data: SiteData) -> Table:
    columns = (
        Column("id", "string", "Identifier of the industry"),
        *_text_columns("name", "The leading industry"),
        Column("year", "integer", "The year of the figures"),
        Column("output_100m_yuan", "number", "Output in 亿元 (100 million yuan)"),
        Column("share_of_beijing_percent", "number", "Share of Beijing's total for the industry, in %"),
        SOURCE_COLUMN,
    )
    rows = [
        {"id": industry.id, "name_zh": industry.name.zh, "name_en": industry.name.en,
         "year": industry.as_of.year, "output_100m_yuan": str(industry.output.value),
         "share_of_beijing_percent": str(industry.share_of_beijing.value), "source": industry.source}
        for industry in data.economy.industries
    ]  # fmt: skip
    return Table("industries", "Leading industries", "The four leading industries, 2022", columns, rows)


TABLES = (history_table, leadership_table, institutions_table, figures_table, industries_table)
TABLE_SOURCES = {
    "history": {"history"},
    "leadership": {"leadership"},
    "institutions": {"institutions"},
    "figures": {"overview", "divisions", "population", "ecology", "economy", "society"},
    "industries": {"economy"},
}
"""Which data files each table is made from, so an edit regenerates only its tables."""


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[column.name for column in table.columns], lineterminator="\n")
    writer.writeheader()
    writer.writerows(table.rows)
    return buffer.getvalue()


def section_json(data: SiteData, names: Collection[str]) -> dict[str, str]:
    """One JSON document per data file, in the shape of the YAML."""
    return {
        name: json.dumps(getattr(data, name).model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        for name in names
    }


def datapackage(tables: list[Table], json_names: list[str], seed_path: str) -> str:
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
        {"name": f"{name}-json", "path": f"{name}.json", "format": "json", "mediatype": "application/json",
         "encoding": "utf-8", "description": f"The checked contents of data/{name}.yaml"}
        for name in json_names
    ]  # fmt: skip
    package = {
        "name": "beijing-etown-profile",
        "title": "Beijing Economic-Technological Development Area: profile data",
        "description": (
            "Facts hand-extracted from the Chinese government profile 北京经济技术开发区介绍, in Chinese and "
            "English; every row quotes the passage of the source that supports it."
        ),
        "sources": [{"title": "北京经济技术开发区介绍 (government website of the Area)", "path": seed_path}],
        "licenses": [{
            "name": "notspecified",
            "title": "The source document states no licence. Cite the source; check its terms before reuse.",
        }],
        "resources": resources,
    }  # fmt: skip
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def open_data_files(data: SiteData, seed_path: str, changed: Collection[str] | None = None) -> dict[str, str]:
    """Every open-data file by its path relative to the site root; or, given the names of
    changed data files, only the files made from them."""
    every_name = list(SiteData.__dataclass_fields__)
    names = every_name if changed is None else [name for name in every_name if name in changed]
    tables = [
        make(data) for make in TABLES if changed is None or TABLE_SOURCES[_table_name(make)] & set(names)
    ]
    files = {f"{FOLDER}/{table.name}.csv": csv_text(table) for table in tables}
    files.update({f"{FOLDER}/{name}.json": text for name, text in section_json(data, names).items()})
    if changed is None:  # the package describes columns and files, which no data edit changes
        files[f"{FOLDER}/datapackage.json"] = datapackage(tables, every_name, seed_path)
    return files


def _table_name(make: Callable[[SiteData], Table]) -> str:
    return make.__name__.removesuffix("_table")
