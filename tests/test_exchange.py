"""Exchange with translators: PO files out and back, the data rewritten in place, errors at PO lines."""

import difflib
from pathlib import Path

import polib
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from etown.cli import main
from etown.fingerprints import LOCK_PATH, read_lock
from etown.pipeline import check
from etown.tools.exchange import replace_scalar
from helpers_data import data_file, line_of, replace

BEGINS = "data/history.yaml:events[construction-begins].text.en"
BEGINS_ZH = "      zh: 北京经济技术开发区开工建设。\n"
BEGINS_ZH_EDITED = '      zh: "北京经济技术开发区[正式]开工建设。"\n'  # a word of the site's own, marked
GROWTH = "data/economy.yaml:passages[growth-since-founding].text.en"
SHORT_NAME = "data/overview.yaml:short_name.en"
FOREIGN_LABEL = "data/overview.yaml:infobox[foreign_name].label.en"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted((root / "data").rglob("*"))
        if path.is_file()
    }


def export(project: Path, po: Path) -> polib.POFile:
    assert main(["translations", "export", str(po), "--root", str(project)]) == 0
    return polib.pofile(str(po))


def import_(project: Path, po: Path) -> int:
    return main(["translations", "import", str(po), "--root", str(project)])


def entry(po: polib.POFile, key: str) -> polib.POEntry:
    return next(item for item in po if item.msgctxt == key)


def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_export_then_import_changes_no_byte_of_the_data(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project)
    po = export(project, tmp_path / "en.po")
    assert len(po) == len(read_lock(project / "data")[0].entries) > 700 and not po.fuzzy_entries()
    assert import_(project, tmp_path / "en.po") == 0
    assert "0 English text(s) changed in 0 file(s), 0 confirmed unchanged" in capsys.readouterr().out
    assert snapshot(project) == before


def test_an_entry_carries_the_chinese_the_english_the_quote_and_the_line(
    project: Path, tmp_path: Path
) -> None:
    po = export(project, tmp_path / "en.po")
    begins = entry(po, BEGINS)
    english = "Construction of the Beijing Economic-Technological Development Area (BDA) began."
    assert (begins.msgid, begins.msgstr) == ("北京经济技术开发区开工建设。", english)
    assert begins.comment == "source: 北京经济技术开发区于1992年4月开工建设"
    assert begins.occurrences == [("data/history.yaml", str(line_of(project, "history", f"en: {english}")))]
    assert po.metadata["Language"] == "en" and po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_an_outdated_translation_is_exported_fuzzy_with_the_chinese_it_was_made_from(
    project: Path, tmp_path: Path
) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    po = export(project, tmp_path / "en.po")
    [fuzzy] = po.fuzzy_entries()
    assert fuzzy.msgctxt == BEGINS and fuzzy.msgid == "北京经济技术开发区[正式]开工建设。"
    assert fuzzy.previous_msgid == "北京经济技术开发区开工建设。"
    text = (tmp_path / "en.po").read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "北京经济技术开发区开工建设。"\n' in text


def test_a_fuzzy_entry_stays_outdated_until_the_translator_clears_the_flag(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    po = export(project, tmp_path / "en.po")
    entry(po, BEGINS).msgstr = "Construction of the BDA formally began."
    po.save(str(tmp_path / "still-fuzzy.po"))
    assert import_(project, tmp_path / "still-fuzzy.po") == 0
    err = capsys.readouterr().err
    assert "warning: the entry is still marked fuzzy, so it was not imported" in err
    assert len([problem for problem in check(project).problems if "out of date" in problem.message]) == 1
    entry(po, BEGINS).flags.remove("fuzzy")
    po.save(str(tmp_path / "reviewed.po"))
    assert import_(project, tmp_path / "reviewed.po") == 0
    assert "en: Construction of the BDA formally began.\n" in data_file(project, "history").read_text("utf-8")
    assert check(project).problems == []


def test_removing_the_fuzzy_flag_alone_confirms_the_translation(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace("history", BEGINS_ZH, BEGINS_ZH_EDITED)(project)
    history = data_file(project, "history").read_bytes()
    po = export(project, tmp_path / "en.po")
    entry(po, BEGINS).flags.remove("fuzzy")
    po.save(str(tmp_path / "en.po"))
    assert import_(project, tmp_path / "en.po") == 0
    assert "0 English text(s) changed in 0 file(s), 1 confirmed unchanged" in capsys.readouterr().out
    assert data_file(project, "history").read_bytes() == history
    assert check(project).problems == []


def test_imported_english_replaces_only_its_own_text(project: Path, tmp_path: Path) -> None:
    before = {name: data_file(project, name).read_bytes() for name in ("overview", "economy")}
    lock_before = (project / LOCK_PATH).read_bytes()
    po = export(project, tmp_path / "en.po")
    entry(po, SHORT_NAME).msgstr = "Beijing Yizhuang: E-Town"  # ': ' cannot stay plain
    entry(po, FOREIGN_LABEL).msgstr = "Foreign name, #one"  # in a flow mapping
    entry(po, GROWTH).msgstr = (  # a folded block, rewrapped
        "Since it was founded, the Beijing Economic-Technological Development Area (BDA) has grown from "
        "farmland into a new industrial town that is a good place to live and work; its economy has run "
        "smoothly."
    )
    po.save(str(tmp_path / "en.po"))
    assert import_(project, tmp_path / "en.po") == 0
    overview = data_file(project, "overview").read_bytes()
    assert changed_lines(before["overview"], overview) == [
        "-  en: Beijing Yizhuang",
        '+  en: "Beijing Yizhuang: E-Town"',
        "-    label: {zh: 外文名, en: English name}",
        '+    label: {zh: 外文名, en: "Foreign name, #one"}',
    ]
    # rewrapped as the file wraps it: the first line, unchanged, stays as it was
    assert changed_lines(before["economy"], data_file(project, "economy").read_bytes()) == [
        "-        new industrial town that is a good place to work and to live, and its economy has run "
        "smoothly and steadily.",
        "+        new industrial town that is a good place to live and work; its economy has run smoothly.",
    ]
    assert len(changed_lines(lock_before, (project / LOCK_PATH).read_bytes())) == 6  # three entries
    assert check(project).problems == []


def test_import_errors_are_located_in_the_po_file(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project)
    po = export(project, tmp_path / "en.po")
    entry(po, "data/overview.yaml:name.en").msgstr = "  "
    entry(po, SHORT_NAME).msgstr = "Beijing\x07 E-Town"
    entry(po, FOREIGN_LABEL).msgid = "别名"
    entry(
        po, "data/overview.yaml:infobox[seat].label.en"
    ).msgctxt = "data/overview.yaml:infobox[gone].label.en"
    po.append(polib.POEntry(msgctxt=BEGINS, msgid="北京经济技术开发区开工建设。", msgstr="Again."))
    path = tmp_path / "bad.po"
    po.save(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()

    def line(text: str, after: int = 0) -> int:
        return next(number for number, written in enumerate(lines, 1) if number > after and written == text)

    assert import_(project, path) == 1
    short = line(f'msgctxt "{SHORT_NAME}"')
    first = line(f'msgctxt "{BEGINS}"')
    twice = line(f'msgctxt "{BEGINS}"', after=first)
    empty = line('msgstr "  "', after=line('msgctxt "data/overview.yaml:name.en"'))
    control = line('msgstr "Beijing\x07 E-Town"', after=short)
    chinese = line('msgid "别名"')
    gone = line('msgctxt "data/overview.yaml:infobox[gone].label.en"')
    *problems, last = capsys.readouterr().err.splitlines()
    assert last == "etown: 5 errors in 1 file; nothing was imported"
    assert sorted(problems) == sorted(
        [
            f"{path}:{twice}:1: the text {BEGINS} is given twice (first at line {first})",
            f"{path}:{empty}:1: the English is empty; translate the text (or leave the entry out)",
            f"{path}:{control}:1: an invisible control character (U+0007) at character 8 of the English; "
            "data files cannot hold it: delete it",
            f"{path}:{chinese}:1: the Chinese is no longer this in data/overview.yaml (now: 外文名); "
            "export again and carry the English over",
            f"{path}:{gone}:1: no such text in the data: data/overview.yaml:infobox[gone].label.en "
            "(renamed or removed? export again)",
        ]
    )
    assert snapshot(project) == before


def test_the_data_checks_apply_to_imported_english(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = export(project, tmp_path / "en.po")
    entry(po, BEGINS).msgstr = "Construction <b>began</b>."
    po.save(str(tmp_path / "en.po"))
    msgstr = (
        (tmp_path / "en.po")
        .read_text(encoding="utf-8")
        .splitlines()
        .index('msgstr "Construction <b>began</b>."')
    )
    assert import_(project, tmp_path / "en.po") == 0  # a warning, as in check
    assert (
        f"{tmp_path / 'en.po'}:{msgstr + 1}:1: warning: this looks like HTML (<b>)" in capsys.readouterr().err
    )


def test_a_broken_po_file_is_named_at_its_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgctxt "a"\nmsgid "x"\nmsgstr "y"\nnot po\n', encoding="utf-8")
    assert import_(project, path) == 1
    assert f"{path}:7:1: not a valid PO file: Syntax error" in capsys.readouterr().err
    path.write_bytes(b'msgid ""\nmsgstr "\xff"\n')
    assert import_(project, path) == 1
    assert f"{path}:2:1: not UTF-8 text" in capsys.readouterr().err


# --- one scalar rewritten in place ----------------------------------------------------------------

SAMPLE = """\
# a comment that must stay
items:
  - id: one  # and this one
    text:
      zh: 中文
      en: Plain text
    label: {zh: 标签, en: Label}
  - id: two
    text:
      zh: 中文
      en: >-
        A folded text that is
        written on two lines.

    quoted: 'single'
"""


@pytest.mark.slow  # hundreds of generated inputs
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1)
)
def test_any_text_replaces_one_scalar_and_nothing_else(value: str) -> None:
    for path, column in (
        (("items", 0, "text", "en"), 7),
        (("items", 0, "label", "en"), 30),
        (("items", 1, "text", "en"), 7),
        (("items", 1, "quoted"), 5),
    ):
        rewritten = replace_scalar(SAMPLE, path, value, column)
        data = yaml.load(rewritten, Loader=yaml.BaseLoader)
        node = data
        for part in path[:-1]:
            node = node[part]
        assert node[path[-1]] == value
        assert rewritten.startswith("# a comment that must stay\n") and "# and this one" in rewritten


def test_a_folded_text_keeps_its_block_and_the_blank_line_after_it() -> None:
    rewritten = replace_scalar(SAMPLE, ("items", 1, "text", "en"), "Short now.", 7)
    assert rewritten == SAMPLE.replace(
        "        A folded text that is\n        written on two lines.\n", "        Short now.\n"
    )
