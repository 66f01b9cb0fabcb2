"""Open data that spreadsheets open (issue 25): every CSV file begins with UTF-8's byte-order mark,
which spreadsheet programs that assume a legacy encoding for CSV (Excel) take as the sign of
UTF-8, and which Frictionless and CSV readers skip; nothing else about the files changes."""

import codecs
import csv
import io
import json
from pathlib import Path

import pytest

from etown.producers.opendata import Column, Table, csv_bytes, csv_text

BOM = codecs.BOM_UTF8


def csv_resources(site: Path) -> list[dict[str, object]]:
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resources = [resource for resource in package["resources"] if resource["format"] == "csv"]
    assert len(resources) >= 6
    return resources


def test_every_csv_file_begins_with_one_byte_order_mark_then_its_header(built_site: Path) -> None:
    for resource in csv_resources(built_site):
        content = (built_site / "data" / str(resource["path"])).read_bytes()
        assert content.startswith(BOM) and content.count(BOM) == 1, resource["path"]
        text = content[len(BOM) :].decode("utf-8")
        fields = [field["name"] for field in resource["schema"]["fields"]]  # type: ignore[index]
        assert next(csv.reader(io.StringIO(text))) == fields, resource["path"]
        # the package names the encoding by its IANA name: the mark is UTF-8's own signature
        assert resource["encoding"] == "utf-8"


def test_frictionless_reads_the_header_without_the_mark(built_site: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    package = frictionless.Package(str(built_site / "data" / "datapackage.json"))
    for described in csv_resources(built_site):
        resource = package.get_resource(str(described["name"]))
        resource.open()
        try:
            fields = [field["name"] for field in described["schema"]["fields"]]  # type: ignore[index]
            assert resource.labels == fields, described["name"]
            assert resource.read_rows(), described["name"]
        finally:
            resource.close()


def test_the_mark_stands_before_the_header_and_formulas_stay_inert() -> None:
    """The mark is the file's first bytes, before the header; a data cell that would start a
    formula still begins with a quote, the mark never standing between the two."""
    table = Table(
        "t",
        "T",
        "",
        (Column("note", "string", ""), Column("growth", "number", "")),
        [{"note": "=1+1", "growth": "-3"}, {"note": "@SUM(A1:A9)", "growth": "2"}],
    )
    content = csv_bytes(table)
    assert content == BOM + csv_text(table).encode("utf-8")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row["note"] for row in rows] == ["'=1+1", "'@SUM(A1:A9)"]
    assert [row["growth"] for row in rows] == ["-3", "2"]
