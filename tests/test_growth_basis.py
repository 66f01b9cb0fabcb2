"""Growth says what it is measured against only where the source does: 同比增长 (year on year),
比上年增长 (on the previous year), or plain 增长, in both languages (review D2)."""

import re
from pathlib import Path

from helpers_data import line_of, problems_of, replace

TAG = re.compile(r"<[^>]+>")


def test_a_basis_the_quote_writes_cannot_be_dropped(project: Path) -> None:
    growth = '    growth: {value: 9.2, unit: "%"}\n'
    replace("economy", growth + "    growth_basis: year-on-year\n", growth)(project)
    found = [p for p in problems_of(project) if "the quote writes 同比增长9.2%" in p.message]
    assert [(p.file, p.line) for p in found] == [
        ("data/economy.yaml", line_of(project, "economy", "growth: {value: 9.2"))
    ]


def test_a_basis_the_quote_does_not_write_is_an_error(project: Path) -> None:
    growth = '    growth: {value: 6, unit: "%"}\n'
    replace("economy", growth, growth + "    growth_basis: year-on-year\n")(project)
    found = [p for p in problems_of(project) if "the quote does not write 同比增长6%" in p.message]
    assert [p.file for p in found] == ["data/economy.yaml"]


def test_the_indicators_say_year_on_year_where_the_source_does(built_site: Path) -> None:
    for code, basis in (("en", "(year on year)"), ("zh", "(同比)")):
        html = (built_site / code / "economy.html").read_text(encoding="utf-8")
        rows = dict(re.findall(r'<tr id="([^"]+-2022)">(.*?)</tr>', html, re.DOTALL))
        said = {row for row, body in rows.items() if basis in TAG.sub("", body)}
        assert said == {"fixed-asset-investment-2022", "local-revenue-2022"}, (code, said)
    english = (built_site / "en" / "economy.html").read_text(encoding="utf-8")
    assert "year on year (%)" not in english
