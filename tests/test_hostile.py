"""What a hostile user can type or save outside the data rows of test_broken_inputs: templates,
configuration, the seed, the output folder, the dev server and what the published files hold.
Nothing here may end in a traceback, a dead watcher or an unsafe file."""

import csv
import io
import json
import os
from pathlib import Path

from etown.pipeline import Pipeline, Report
from etown.problems import Problem, errors_only, visible
from etown.provenance import HINT_BUDGET, MAX_SEED_BYTES, HintBudget, Seed


def errors(report: Report) -> list[Problem]:
    return errors_only(report.problems)


def test_a_message_never_carries_what_a_terminal_would_act_on() -> None:
    problem = Problem("data/\x1b[31mred\udcff.yaml", 3, 5, "text.en", "got: a\nb\u202ec\x00\u200b")
    shown = str(problem)
    assert shown == "data/\\x1b[31mred\\udcff.yaml:3:5: text.en: got: a\\nb\\u202ec\\x00\\u200b"
    assert shown.isprintable()
    assert visible("北京 E-Town, 32.6%") == "北京 E-Town, 32.6%"


# --- open data: no cell a spreadsheet runs as a formula --------------------------------------


def test_csv_text_cells_that_look_like_formulas_are_made_inert(project: Path) -> None:
    history = project / "data" / "history.yaml"
    text = history.read_text(encoding="utf-8")
    for old, new in [
        ("      en: Construction of the BDA began.\n", "      en: '=HYPERLINK(\"http://evil.example\")'\n"),
        (
            "      en: The foundation stone of the Beijing Yizhuang Industrial Development Zone was laid.\n",
            "      en: '@SUM(A1:A9)'\n",
        ),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    history.write_text(text, encoding="utf-8")
    economy = project / "data" / "economy.yaml"
    economy.write_text(
        economy.read_text(encoding="utf-8").replace(
            'growth: {value: 6, unit: "%"}', 'growth: {value: -3, unit: "%"}', 1
        ),
        encoding="utf-8",
    )
    out = project / "site"
    report = Pipeline(project).build(out)
    assert report.ok, "\n".join(map(str, report.problems))
    rows = list(csv.DictReader(io.StringIO((out / "data" / "history.csv").read_text(encoding="utf-8"))))
    texts = {row["text_en"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example")' in texts and "'@SUM(A1:A9)" in texts
    assert not [cell for row in rows for cell in row.values() if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    figures = list(csv.DictReader(io.StringIO((out / "data" / "figures.csv").read_text(encoding="utf-8"))))
    assert "-3" in {row["growth_percent"] for row in figures}  # a number stays a number
    events = json.loads((out / "data" / "history.json").read_text(encoding="utf-8"))["events"]
    assert '=HYPERLINK("http://evil.example")' in {event["text"]["en"] for event in events}
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert "begins with a single quote (')" in package["description"]


# --- the seed: bounded in size, and in what the hints may read of it --------------------------


def only_seed(root: Path) -> Path:
    return next((root / "seeds").glob("*.txt"))


def test_a_seed_over_the_limit_is_refused_before_it_is_read(project: Path) -> None:
    with only_seed(project).open("a", encoding="utf-8") as stream:
        stream.write("北" * (MAX_SEED_BYTES // 3 + 1))
    problems = errors(Pipeline(project).check())
    assert [p.file for p in problems] == ["seeds/"]
    assert "is larger than 2 MB" in problems[0].message


def test_a_seed_that_is_a_pipe_is_refused_not_read(project: Path) -> None:
    seed = only_seed(project)
    seed.unlink()
    os.mkfifo(seed)
    problems = errors(Pipeline(project).check())
    assert problems and "not a regular file" in problems[0].message


def test_hints_stop_once_they_have_read_their_budget_of_seed() -> None:
    seed = Seed("seeds/long.txt", "北京经济技术开发区" * (HINT_BUDGET // 9 // 2 + 1000))
    budget = HintBudget()
    hints = [seed.hint(f"北京经济技术开发区于{year}年开工建设", budget) for year in range(1990, 1996)]
    assert hints[0].startswith("the closest passage of the seed is")
    assert all(hint.startswith("etown stopped looking") for hint in hints[1:]), hints


def test_a_long_seed_with_many_wrong_quotes_still_names_every_quote(project: Path) -> None:
    with only_seed(project).open("a", encoding="utf-8") as stream:
        stream.write("北京经济技术开发区\n" * 60_000)  # about 1.8 MB
    history = project / "data" / "history.yaml"
    text = history.read_text(encoding="utf-8")
    history.write_text(text.replace("    source: ", "    source: 错", 30), encoding="utf-8")
    problems = errors(Pipeline(project).check())
    assert len(problems) == 30 and all("this quote is not in" in p.message for p in problems)
    assert any("etown stopped looking" in p.message for p in problems)
