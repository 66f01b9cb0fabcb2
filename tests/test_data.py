"""The real data: complete, valid, and every quote found in the seed."""

import re
from pathlib import Path

from conftest import REPO
from etown.pipeline import check, load_site_data
from etown.provenance import read_seed
from etown.sections import SECTION_NAMES as DATA_FILES

SEED = read_seed(REPO)


def test_the_real_data_has_no_problems() -> None:
    """None but the placeholder address of the repository's etown.toml, which a publisher sets."""
    report = check(REPO)
    shown = [str(problem) for problem in report.problems]
    assert len(shown) == 1 and "https://example.org/ is a placeholder" in shown[0], "\n".join(shown)
    assert report.ok and report.files > 0


def test_every_data_file_points_editors_at_its_json_schema() -> None:
    for name in DATA_FILES:
        first_line = (REPO / "data" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first_line == f"# yaml-language-server: $schema=schema/{name}.schema.json"
        assert (REPO / "data" / "schema" / f"{name}.schema.json").is_file()


def test_committed_json_schemas_match_the_models() -> None:
    from etown.sections import SECTIONS, json_schema_text

    for section in SECTIONS:
        written = (REPO / "data" / "schema" / f"{section.name}.schema.json").read_text(encoding="utf-8")
        assert written == json_schema_text(section), (
            f"run `etown schema` to refresh {section.name}.schema.json"
        )


def test_a_changed_quote_is_caught_with_its_file_and_line(project: Path) -> None:
    history = project / "data" / "history.yaml"
    lines = history.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "小红楼" in line and "source" in line)
    lines[index] = lines[index].replace("小红楼", "大红楼")
    history.write_text("".join(lines), encoding="utf-8")
    problems = check(project).problems
    assert [(p.file, p.line) for p in problems] == [("data/history.yaml", index + 1)]
    assert "not in seeds/" in problems[0].message


def test_infobox_has_every_row_of_the_seed_in_its_order() -> None:
    data = load_site_data(REPO)
    labels = [row.label.zh for row in data.overview.infobox]
    assert labels == ["中文名", "外文名", "行政区类别", "政府驻地", "邮政编码", "地理位置", "方言",
                      "面积", "别名", "国家/地区", "电话区号", "著名景点", "气候类型", "荣誉"]  # fmt: skip
    postal = next(row for row in data.overview.infobox if row.key == "postal_code")
    area_code = next(row for row in data.overview.infobox if row.key == "area_code")
    assert (postal.value.zh, area_code.value.zh) == ("100176", "010")  # text stays text


def test_history_carries_every_dated_event_of_the_seed() -> None:
    data = load_site_data(REPO)
    section = SEED.text.split("1建制沿革")[2].split("2行政区划")[0]
    dated_paragraphs = [p for p in section.split("\n") if re.match(r"\s*(\d{4}年|同年)", p)]
    dates_in_seed = set()
    for paragraph in dated_paragraphs:
        for year, month, day in re.findall(r"(\d{4})年(?:(\d{1,2})月)?(?:(\d{1,2})日)?", paragraph[:14]):
            dates_in_seed.add(tuple(int(x) if x else 0 for x in (year, month, day)))
    dates_in_seed.add((1991, 12, 7))  # 同年12月7日
    recorded = {(e.date.year, e.date.month, e.date.day) for e in data.history.events}
    assert dates_in_seed <= recorded, sorted(dates_in_seed - recorded)
    assert len(data.history.events) >= 30
    assert next(e for e in data.history.events if e.date.year == 2005).date.precision == "year"
    assert any(e.date.precision == "month" and (e.date.year, e.date.month) == (2019, 5)
               for e in data.history.events)  # fmt: skip


def test_leadership_keeps_one_person_per_name_in_the_seeds_order() -> None:
    data = load_site_data(REPO)
    people = {person.id: person for person in data.leadership.people}
    assert len(people) == len({person.name.zh for person in people.values()}) == 12
    bodies = {body.id: [people[m.person].name.zh for m in body.members] for body in data.leadership.bodies}
    assert bodies["working-committee"] == ["张强", "孔磊", "于淼", "王磊", "王滨", "李全", "沈永刚", "沈金坤"]
    assert bodies["administrative-committee"] == ["孔磊", "王磊", "李全", "石威", "刘力", "郑海涛",
                                                  "彭锐锋", "沈永刚", "沈金坤"]  # fmt: skip
    assert people["kong-lei"].name.en == "Kong Lei"


def test_institutions_are_the_seeds_three_groups() -> None:
    data = load_site_data(REPO)
    groups = {group.id: [i.name.zh for i in group.institutions] for group in data.institutions.groups}
    assert [len(names) for names in groups.values()] == [14, 3, 9]
    assert groups["functional-departments"][0] == "党政办公室"
    assert groups["public-service-institutions"][-1] == "产经政策研究院"


def test_economy_headline_figures_and_industries() -> None:
    data = load_site_data(REPO)
    gdp = data.economy.indicators[0]
    assert (str(gdp.value.value), gdp.value.unit, str(gdp.growth.value)) == ("2456.4", "亿元", "6")
    outputs = {i.id: (str(i.output.value), str(i.share_of_beijing.value)) for i in data.economy.industries}
    assert outputs == {"next-generation-it": ("1209", "32.6"), "automotive": ("2265", "63.2"),
                       "biomedicine": ("836", "47.9"), "robotics": ("680", "24")}  # fmt: skip
    robotics = next(i for i in data.economy.industries if i.id == "robotics")
    assert any("23.9" in quote for note in data.notes_of(robotics) for quote in note.sources)
    assert "conflict" in data.flags_of(robotics)


def test_the_seeds_contradictions_are_footnoted_not_corrected() -> None:
    data = load_site_data(REPO)
    event_2022 = next(e for e in data.history.events if str(e.date) == "2022")
    assert "1.2亿元" in event_2022.source and "547.1亿元" in event_2022.source
    notes = data.notes_of(event_2022)
    assert any(note.kind == "whole-smaller-than-part" for note in notes), (
        "547.1亿元 within 1.2亿元 needs a note"
    )


def test_a_note_touching_a_record_that_does_not_exist_is_named_at_its_line(project: Path) -> None:
    """Every note must touch records that exist (the real notes do: the first test shows it)."""
    notes = project / "data" / "notes.yaml"
    text = notes.read_text(encoding="utf-8")
    first_touch = text.index("  touches:\n  - ") + len("  touches:\n")
    notes.write_text(text[:first_touch] + "  - no-such-record\n" + text[first_touch:], encoding="utf-8")
    line = text[:first_touch].count("\n") + 1
    assert [str(problem) for problem in check(project).problems] == [
        f"data/notes.yaml:{line}:5: notes[0].touches[0]: no record is named 'no-such-record'"
    ]
