"""Editions of the source: the seed's metadata, `etown seed diff` and `etown seed adopt`.

The new editions are made by editing the real seed the way the government page changes: a
figure updated, a sentence dropped, a paragraph added, a section moved.
"""

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from etown.cli import main
from etown.pipeline import check
from etown.problems import DataError
from etown.provenance import Seed, read_seed
from etown.seed_metadata import SeedMetadata, load_seed_metadata, read_seed_metadata
from etown.tools.editions import diff_against_current, metadata_text, pair_passages, passages
from helpers_data import data_file

SEED_NAME = "000_c6099870205fbbe0.txt"
SEED_TEXT = (REPO / "seeds" / SEED_NAME).read_text(encoding="utf-8")


def once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not once in the seed any more: update the test"
    return text.replace(old, new)


def changed_figure(text: str) -> str:
    return once(text, "完成工业产值5371.2亿元", "完成工业产值5400.8亿元")


def removed_sentence(text: str) -> str:
    return once(text, "截至目前,信创园已落地企业230多家,集聚了全国90%以上信息技术头部企业。", "")


ADDED = "2023年,全年完成地区生产总值2600亿元,增长7%。"


def added_paragraph(text: str) -> str:
    end = "有力服务全市经济稳增长大局。\n"
    return once(text, end, f"{end}\n{ADDED}\n")


def reordered_section(text: str) -> str:
    """Section 9 (远景目标) moved before section 8 (社会保障), headings and all."""
    eight, nine = text.rindex("\n8社会保障"), text.rindex("\n9远景目标")
    return text[:eight] + text[nine:].rstrip("\n") + "\n" + text[eight:nine] + "\n"


def edition(tmp_path: Path, make: Callable[[str], str], name: str) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text(make(SEED_TEXT), encoding="utf-8")
    return path


def line_in(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def at(project: Path, name: str, line_text: str, value: str) -> str:
    """``data/NAME.yaml:LINE:COL`` of ``value`` on the line holding ``line_text``, the first such."""
    return every_at(project, name, line_text, value)[0]


def every_at(project: Path, name: str, line_text: str, value: str) -> list[str]:
    lines = data_file(project, name).read_text(encoding="utf-8").splitlines()
    found = [
        f"data/{name}.yaml:{number}:{line.index(value) + 1}"
        for number, line in enumerate(lines, start=1)
        if line_text in line
    ]
    assert found, f"{line_text!r} is not in data/{name}.yaml any more: update the test"
    return found


def seed_diff(
    project: Path, new: Path | None, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str], str]:
    code = main(["seed", "diff", *([str(new)] if new else []), "--root", str(project)])
    output = capsys.readouterr()
    return code, output.err.splitlines()[:-1] if code else [], output.out


# --- the metadata ---------------------------------------------------------------------------------


def test_the_seed_metadata_records_only_what_is_known() -> None:
    metadata = read_seed_metadata(REPO)
    current = metadata.current
    assert current.path == f"seeds/{SEED_NAME}"
    assert current.sha256 == hashlib.sha256((REPO / "seeds" / SEED_NAME).read_bytes()).hexdigest()
    assert current.taken == date(2026, 11, 24)  # the day the copy entered the project (git log)
    assert current.taken_note is not None and "entered the project" in current.taken_note
    assert current.url is None  # unknown, never invented
    assert current.published == "the page is undated"
    assert current.title == "北京经济技术开发区介绍"
    assert metadata.earlier == ()


def test_the_metadata_file_is_what_etown_writes() -> None:
    path = REPO / "seeds" / SEED_NAME.replace(".txt", ".meta.yaml")
    assert path.read_text(encoding="utf-8") == metadata_text(read_seed_metadata(REPO), SEED_NAME)


def test_an_edited_seed_is_an_error_of_check(project: Path) -> None:
    seed = project / "seeds" / SEED_NAME
    seed.write_text(changed_figure(seed.read_text(encoding="utf-8")), encoding="utf-8")
    errors = [problem for problem in check(project).problems if problem.file.endswith(".meta.yaml")]
    assert len(errors) == 1 and errors[0].severity == "error"
    assert errors[0].field == "sha256" and errors[0].line == 5
    assert f"seeds/{SEED_NAME} has changed since this edition was recorded" in errors[0].message
    assert "etown seed adopt" in errors[0].message
    with pytest.raises(DataError):
        read_seed_metadata(project)


def test_a_bad_metadata_file_is_named_precisely(project: Path) -> None:
    path = project / "seeds" / SEED_NAME.replace(".txt", ".meta.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("taken: 2026-11-24", "taken: 2026-11-31") + "uri: https://x\n", "utf-8")
    metadata, problems = load_seed_metadata(project)
    assert metadata is None
    shown = sorted(str(problem) for problem in problems)
    meta = f"seeds/{SEED_NAME.replace('.txt', '.meta.yaml')}"
    assert shown == [
        f"{meta}:11:1: uri: unknown field 'uri' (the fields are: file, sha256, title, taken, taken_note, "
        "url, published, editions)",
        f"{meta}:7:8: taken: 2026-11-31 is not a real date",
    ]


def test_a_missing_metadata_file_is_a_warning(project: Path) -> None:
    (project / "seeds" / SEED_NAME.replace(".txt", ".meta.yaml")).unlink()
    problems = [problem for problem in check(project).problems if problem.file.startswith("seeds/")]
    assert [problem.severity for problem in problems] == ["warning"]
    assert "etown seed record --taken YYYY-MM-DD" in problems[0].message


# --- seed diff ------------------------------------------------------------------------------------


def test_a_changed_figure_is_found_at_the_value_and_the_quote(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edition(tmp_path, changed_figure, "figure")
    line = line_in(new, "完成工业产值5400.8亿元")
    code, findings, out = seed_diff(project, new, capsys)
    assert code == 1
    changed = (
        f"5371.2 → 5400.8 in the new edition ({new}:{line}: …,增长6%;完成工业产值5400.8亿元,增长5.7%;完成…)"
    )
    gone = (
        f"this quote is not in the new edition; the closest passage there ({new}:{line}) is: "
        "完成工业产值5400.8亿元,增长5.7%"
    )
    assert findings == figure_findings(project, changed, gone)
    assert "1 changed" in out and "0 removed, 0 added" in out


def figure_findings(project: Path, changed: str, gone: str) -> list[str]:
    """The value, the quote, and a note that writes the figure and quotes its passage."""
    return [
        f"{at(project, 'economy', 'value: {value: 5371.2', '5371.2')}: indicators[1].value.value: {changed}",
        f"{at(project, 'economy', 'source: 完成工业产值5371.2亿元', '完成')}: indicators[1].source: {gone}",
        f"{at(project, 'notes', '“完成工业产值5371.2亿元”', '“建制沿革')}: notes[8].text.zh: {changed}",
        f"{at(project, 'notes', '  - 完成工业产值5371.2亿元', '完成')}: notes[8].sources[1]: {gone}",
    ]


def test_a_changed_figure_points_at_the_chinese_texts_that_write_it(project: Path, tmp_path: Path) -> None:
    new = tmp_path / "share.txt"
    new.write_text(once(SEED_TEXT, "集聚了全国90%以上", "集聚了全国92%以上"), encoding="utf-8")
    fields = [(finding.file, finding.field) for finding in diff_against_current(project, new, "new").findings]
    assert fields == [
        ("data/economy.yaml", "topics[2].facts[1].value.value"),
        ("data/economy.yaml", "topics[2].facts[1].period.stated_by"),  # the clause its period stands in
        ("data/economy.yaml", "topics[2].facts[1].source"),
        ("data/notes.yaml", "notes[12].sources[2]"),  # the number, and the quote that held it
        ("data/notes.yaml", "notes[12].sources[2]"),
        ("data/notes.yaml", "notes[68].sources[7]"),
        ("data/notes.yaml", "notes[68].sources[7]"),
    ]


def test_a_removed_sentence_is_found_at_the_quotes_that_cite_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edition(tmp_path, removed_sentence, "removed")
    code, findings, _ = seed_diff(project, new, capsys)
    assert code == 1
    gone = (
        "this quote is not in the new edition; no passage of the new edition is close to it (was it removed?)"
    )
    first, second = "截至目前,信创园已落地企业230多家", "集聚了全国90%以上信息技术头部企业"
    stated_by = f'stated_by: "{first}'  # the clause the second figure's period stands in
    assert findings == [
        f"{at(project, 'economy', f'source: {first}', '截至')}: topics[2].facts[0].source: {gone}",
        f"{at(project, 'economy', stated_by, stated_by[11:])}: topics[2].facts[1].period.stated_by: {gone}",
        f"{at(project, 'economy', f'source: {second}', '集聚')}: topics[2].facts[1].source: {gone}",
        f"{at(project, 'notes', f'  - {first},{second}。', '截至')}: notes[12].sources[2]: {gone}",
        f"{every_at(project, 'notes', f'  - {first}', '截至')[1]}: notes[31].sources[2]: {gone}",
        f"{at(project, 'notes', f'  - {second}', '集聚')}: notes[68].sources[7]: {gone}",
    ]


def test_an_added_paragraph_is_found_in_the_new_edition(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edition(tmp_path, added_paragraph, "added")
    code, findings, out = seed_diff(project, new, capsys)
    assert code == 1
    assert findings == [f"{new}:{line_in(new, ADDED)}:1: a new passage that no record cites: {ADDED}"]
    assert "0 changed, 0 removed, 1 added" in out


def test_a_reordered_section_needs_no_update(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edition(tmp_path, reordered_section, "reordered")
    code, findings, out = seed_diff(project, new, capsys)
    assert (code, findings) == (0, [])
    assert "4 moved, 0 changed, 0 removed, 0 added" in out  # section 9: its heading and three paragraphs
    assert "nothing in data/ needs updating" in out


def test_the_same_edition_changes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings, out = seed_diff(project, project / "seeds" / SEED_NAME, capsys)
    assert (code, findings) == (0, [])
    assert "0 moved, 0 changed, 0 removed, 0 added" in out


def test_repeated_passages_pair_one_to_one_and_moves_are_counted_once() -> None:
    old = passages(Seed("old", "A1\n\nB2\n\nA1\n\nC3\n"))
    new = passages(Seed("new", "C3\n\nA1\n\nB2\n\nA1\n\nD4\n"))
    kinds = sorted(pairing.kind for pairing in pair_passages(old, new))
    assert kinds == ["added", "kept", "kept", "kept", "moved"]


def test_a_new_edition_that_is_not_text_is_a_usage_error(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.txt"
    new.write_bytes(b"\xff\xfe1")
    assert main(["seed", "diff", str(new), "--root", str(project)]) == 2
    err = capsys.readouterr().err
    assert f"cannot read {new}: not UTF-8 text (byte 0xff on line 1); save it as UTF-8" in err
    assert main(["seed", "diff", str(tmp_path / "none.txt"), "--root", str(project)]) == 2


# --- seed adopt -----------------------------------------------------------------------------------


def test_adopting_an_edition_keeps_the_old_one_and_lists_what_to_update(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edition(tmp_path, changed_figure, "figure")
    code = main(
        [
            "seed",
            "adopt",
            str(new),
            "--root",
            str(project),
            "--taken",
            "2027-03-01",
            "--url",
            "https://example.org/p",
        ]
    )
    output = capsys.readouterr()
    assert code == 1  # adopted, and the data must now be updated
    changed = (
        f"5371.2 → 5400.8 in the new edition ({new}:373: …,增长6%;完成工业产值5400.8亿元,增长5.7%;完成…)"
    )
    gone = (
        f"this quote is not in the new edition; the closest passage there ({new}:373) is: "
        "完成工业产值5400.8亿元,增长5.7%"
    )
    assert output.err.splitlines()[:-1] == figure_findings(project, changed, gone)
    old_sha = hashlib.sha256(SEED_TEXT.encode("utf-8")).hexdigest()
    kept = f"editions/2026-11-24_{old_sha[:12]}.txt"
    assert f"the earlier edition is kept as seeds/{kept}" in output.out
    seeds = project / "seeds"
    assert sorted(path.name for path in seeds.glob("*.txt")) == [SEED_NAME]
    assert (seeds / SEED_NAME).read_bytes() == new.read_bytes()
    assert (seeds / kept).read_text(encoding="utf-8") == SEED_TEXT
    metadata = read_seed_metadata(project)
    assert metadata.current.sha256 == hashlib.sha256(new.read_bytes()).hexdigest()
    assert (metadata.current.taken, metadata.current.url) == (date(2027, 3, 1), "https://example.org/p")
    assert metadata.current.taken_note is None
    [earlier] = metadata.earlier
    assert (earlier.file, earlier.sha256, earlier.taken) == (kept, old_sha, date(2026, 11, 24))
    assert earlier.replaced == date.today() and earlier.url is None
    assert read_seed(project).text == new.read_text(encoding="utf-8")


def test_after_adopting_check_names_the_same_quote_until_the_data_is_updated(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = edition(tmp_path, changed_figure, "figure")
    main(["seed", "adopt", str(new), "--root", str(project)])
    capsys.readouterr()
    errors = [problem for problem in check(project).problems if problem.severity == "error"]
    assert [f"{error.file}:{error.line}:{error.column}: {error.field}" for error in errors] == [
        f"{at(project, 'economy', 'source: 完成工业产值5371.2亿元', '完成')}: indicators[1].source",
        f"{at(project, 'notes', '  - 完成工业产值5371.2亿元', '完成')}: notes[8].sources[1]",
    ]
    update_figure(project)
    assert check(project).problems == []
    metadata: SeedMetadata = read_seed_metadata(project)
    assert metadata.current.taken == date.today() and metadata.current.taken_note is not None
    assert "adopted" in metadata.current.taken_note
    # the earlier edition can be compared with the current one like any other
    back = project / "seeds" / metadata.earlier[0].file
    found = diff_against_current(project, back, "old").findings
    assert [(finding.file, finding.field) for finding in found] == [
        ("data/economy.yaml", "indicators[1].value.value"),
        ("data/economy.yaml", "indicators[1].source"),
        ("data/notes.yaml", "notes[8].text.zh"),
        ("data/notes.yaml", "notes[8].sources[1]"),
    ]


def update_figure(project: Path) -> None:
    """What a maintainer does after adopting the changed figure: the new number in the quotes, the
    value and both languages of the note that writes it, and the edited English recorded."""
    for name in ("economy", "notes"):
        path = data_file(project, name)
        text = path.read_text(encoding="utf-8").replace("5371.2", "5400.8").replace("537.12", "540.08")
        path.write_text(text, encoding="utf-8")
    assert main(["translations", "update", "--root", str(project)]) == 0


def test_diff_without_a_file_lists_what_the_adoption_still_leaves_to_update(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seed", "diff", "--root", str(project)]) == 2
    assert "no earlier edition is recorded" in capsys.readouterr().err
    new = edition(tmp_path, changed_figure, "figure")
    main(["seed", "adopt", str(new), "--root", str(project)])
    capsys.readouterr()
    code, findings, out = seed_diff(project, None, capsys)
    assert code == 1
    assert [finding.split(": ", 2)[1] for finding in findings] == [
        "indicators[1].value.value",
        "indicators[1].source",
        "notes[8].text.zh",
        "notes[8].sources[1]",
    ]
    assert f"seeds/{read_seed_metadata(project).earlier[0].file} (the edition before the current one)" in out
    update_figure(project)
    capsys.readouterr()
    assert seed_diff(project, None, capsys)[:2] == (0, [])


def test_adopting_the_current_edition_or_without_metadata_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "same.txt"
    copy.write_text(SEED_TEXT, encoding="utf-8")
    assert main(["seed", "adopt", str(copy), "--root", str(project)]) == 2
    assert "is the current edition already" in capsys.readouterr().err
    assert main(["seed", "adopt", str(project / "seeds" / SEED_NAME), "--root", str(project)]) == 2
    assert "is the current seed" in capsys.readouterr().err
    (project / "seeds" / SEED_NAME.replace(".txt", ".meta.yaml")).unlink()
    new = edition(tmp_path, changed_figure, "figure")
    assert main(["seed", "adopt", str(new), "--root", str(project)]) == 2
    assert "record it first with `etown seed record" in capsys.readouterr().err
    assert (project / "seeds" / SEED_NAME).read_text(encoding="utf-8") == SEED_TEXT


def test_record_writes_the_metadata_of_the_current_seed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = project / "seeds" / SEED_NAME.replace(".txt", ".meta.yaml")
    before = meta.read_text(encoding="utf-8")
    meta.unlink()
    assert main(["seed", "record", "--root", str(project)]) == 2
    assert "--taken YYYY-MM-DD" in capsys.readouterr().err
    note = (
        "The date this copy entered the project (its first commit); when it was retrieved from the web "
        "was not recorded."
    )
    code = main(
        ["seed", "record", "--root", str(project), "--taken", "2026-11-24", "--taken-note", note,
         "--published", "the page is undated", "--title", "北京经济技术开发区介绍"]
    )  # fmt: skip
    assert code == 0
    assert meta.read_text(encoding="utf-8") == before
    assert main(["seed", "record", "--root", str(project), "--url", "https://example.org/source"]) == 0
    assert read_seed_metadata(project).current.url == "https://example.org/source"
    assert read_seed_metadata(project).current.taken == date(2026, 11, 24)
