"""Both languages say the same thing in the house style: terms, numbers, spelling, quotes, case;
and the interface's own words are read as strictly as the data."""

from pathlib import Path

import pytest

from conftest import sampled
from etown.cli import main
from helpers_data import line_of, problems_of, replace, shown


@pytest.mark.parametrize(
    ("name", "old", "new", "message", "at"),
    sampled([
        (
            "divisions", "label: {zh: 亦庄新城规划面积, en: Planned area of Yizhuang New Town}",
            "label: {zh: 亦庄新城规划面积, en: Planned area of the new town}",
            "the Chinese names 亦庄新城, whose English name is “Yizhuang New Town” (data/terms.yaml)",
            "Planned area of the new town",
        ),
        (
            "overview", "en: Distance to Tianjin Port}", "en: Distance to Tianjin Port 2}",
            "the English has 2, which the Chinese does not", "Tianjin Port 2",
        ),
        (
            "economy", "          en: Innovation centres\n", "          en: Innovation centers\n",
            "US spelling 'centers'; the house style is UK English (centres)", "en: Innovation centers",
        ),
        (
            "population", "en: Area administered by the BDA}", "en: The BDA's area}",
            "straight quotes or apostrophes; the house style uses “ ” and ’", "The BDA's area",
        ),
        (
            "population", "en: Area administered by the BDA}", "en: Area Administered}",
            "“Administered” is capitalised; labels are in sentence case", "Area Administered",
        ),
    ], every=2),
)  # fmt: skip
def test_a_wording_slip_is_a_located_warning(
    project: Path, name: str, old: str, new: str, message: str, at: str
) -> None:
    path = project / "data" / f"{name}.yaml"
    if old not in path.read_text(encoding="utf-8"):
        pytest.skip(f"{old!r} is no longer in data/{name}.yaml")
    replace(name, old, new)(project)
    problems = problems_of(project)
    line = line_of(project, name, at)
    found = [p for p in problems if p.file == f"data/{name}.yaml" and p.line == line and message in p.message]
    assert found and found[0].severity == "warning", shown(problems)


def test_numbers_scaled_from_wan_and_yi_agree(project: Path) -> None:
    replace(
        "population",
        "常住人口, en: Resident population}",
        '常住人口29万人, en: "Resident population of 290,000"}',
    )(project)
    assert [p for p in problems_of(project) if p.file == "data/population.yaml"] == []
    replace("population", "population of 290,000", "population of 29,000")(project)
    messages = [p.message for p in problems_of(project) if p.file == "data/population.yaml"]
    assert any("the Chinese has 29, which the English does not" in m for m in messages), messages


def test_strict_makes_wording_warnings_errors(project: Path) -> None:
    replace("economy", "          en: Innovation centres\n", "          en: Innovation centers\n")(project)
    assert main(["check", "--root", str(project)]) == 0
    assert main(["check", "--strict", "--root", str(project)]) == 1


def test_a_comma_that_cuts_an_interface_string_short_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strings = project / "templates" / "strings.yaml"
    text = strings.read_text(encoding="utf-8")
    strings.write_text(text + "extra: {zh: 甲,乙。, en: B}\n", encoding="utf-8")
    assert main(["check", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    line = text.count("\n") + 1
    assert f"templates/strings.yaml:{line}:" in err
    assert "a comma inside { } ends the text before it: put the whole text in quotes" in err


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("extra: {zh: 甲}\n", "the en text is missing"),
        ("extra: {zh: 甲, en: ''}\n", "the en text is empty"),
        ("extra: {zh: 甲, en: [B]}\n", "expected text"),
        ("extra: {zh: 甲, en: B, fr: C}\n", "unknown language 'fr'"),
        ("extra: B\n", "expected a mapping of texts by language"),
    ],
)
def test_interface_strings_need_every_language_as_text(
    project: Path, capsys: pytest.CaptureFixture[str], entry: str, message: str
) -> None:
    strings = project / "templates" / "strings.yaml"
    strings.write_text(strings.read_text(encoding="utf-8") + entry, encoding="utf-8")
    assert main(["check", "--root", str(project)]) == 1
    assert message in capsys.readouterr().err
