"""A corpus of broken inputs, one per kind of mistake: each names its file, line and fault.

Every case copies the real project, breaks one thing in one data file, runs ``etown check``'s
stages in-process and asserts the problem it must report (file, line, field, words) and how
many errors there are in all, so that one mistake never drowns in follow-up noise.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import sampled
from etown.load import MAX_BYTES, MAX_DEPTH
from etown.markdown_limits import (
    MAX_MARKDOWN_MARKS,
    MAX_MARKDOWN_NESTING,
    MAX_TEXT_CHARACTERS,
    MAX_TEXT_LINES,
)
from etown.problems import Problem
from etown.schema import MAX_DIGITS
from helpers_data import (
    Mutation,
    append,
    chain,
    data_file,
    line_of,
    problems_of,
    reencode,
    replace,
    replace_bytes,
    shown,
    write,
)

JARGON = re.compile(r"Input should|String should|instance of|dictionary|Value error|pydantic|Traceback")
"""Pydantic's and Python's words, which a person editing YAML should never have to read."""


@dataclass(frozen=True)
class Broken:
    kind: str
    file: str
    """The data file's display path."""
    mutate: Mutation
    message: str
    """Words the message must contain."""
    at: str | None = None
    """Text whose line the problem must point at (None: line 1)."""
    field: str | None = None
    column: int | None = None
    errors: int = 1
    """How many errors the whole check must report."""
    severity: str = "error"


HISTORY = "data/history.yaml"
BEGINS = "  - id: construction-begins\n"
BEGINS_EN = "      en: Construction of the Beijing Economic-Technological Development Area (BDA) began.\n"
BEGINS_ZH = "      zh: 北京经济技术开发区开工建设。\n"


def symlink_outside(root: Path) -> None:
    outside = root.parent / "outside.yaml"
    outside.write_bytes(data_file(root, "vision").read_bytes())
    data_file(root, "vision").unlink()
    data_file(root, "vision").symlink_to(outside)


def dangling_symlink(root: Path) -> None:
    data_file(root, "vision").unlink()
    data_file(root, "vision").symlink_to(root / "data" / "gone.yaml")


def symlink_loop(root: Path) -> None:
    data_file(root, "vision").unlink()
    data_file(root, "vision").symlink_to(data_file(root, "vision"))


def folder_instead_of_file(root: Path) -> None:
    data_file(root, "vision").unlink()
    data_file(root, "vision").mkdir()


def missing_file(root: Path) -> None:
    data_file(root, "vision").unlink()


def yml_instead_of_yaml(root: Path) -> None:
    data_file(root, "vision").rename(root / "data" / "vision.yml")


def unexpected_file(root: Path) -> None:
    (root / "data" / "notes.txt").write_text("to do\n", encoding="utf-8")


def fifo_instead_of_file(root: Path) -> None:
    data_file(root, "vision").unlink()
    os.mkfifo(data_file(root, "vision"))


def without_schema_line(root: Path) -> None:
    path = data_file(root, "vision")
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")


def emptied(name: str, key: str) -> Mutation:
    """Make the top-level list ``key`` of ``data/NAME.yaml`` empty."""

    def mutate(root: Path) -> None:
        path = data_file(root, name)
        text = path.read_text(encoding="utf-8")
        start = text.index(f"\n{key}:\n") + 1
        end = re.search(r"^\S", text[start + len(key) + 2 :], re.MULTILINE)
        stop = start + len(key) + 2 + end.start() if end else len(text)
        path.write_text(text[:start] + f"{key}: []\n" + text[stop:], encoding="utf-8")

    return mutate


def english_text(text: str) -> Mutation:
    """The English text of the event 'construction-begins', written as given (quotes included)."""
    return replace("history", BEGINS_EN, f"      en: {text}\n")


MORE_ENGLISH = [
    f"      en: {text}\n"
    for text in [
        "The foundation stone of the Beijing Yizhuang Industrial Development Zone was laid.",
        "The first office building, the “Little Red Building”, was completed and put into use.",
    ]
]

SEAT_ROW = """  - key: seat
    label: {zh: 政府驻地, en: Seat of government}
    value:
      zh: 北京经济技术开发区荣华中路15号
      en: 15 Ronghua Middle Road, Beijing Economic-Technological Development Area
    source: 政府驻地 北京经济技术开发区荣华中路15号
"""

CASES = [
    # --- encoding and layout -------------------------------------------------------------------
    Broken(
        "not-utf8", HISTORY,
        replace_bytes("history", b"en: Construction of", b"en: Construction caf\xe9 of"),
        "not UTF-8 text (byte 0xe9); save the file as UTF-8", at="en: Construction caf", column=27,
    ),
    Broken(
        "utf8-bom", HISTORY, replace_bytes("history", b"# yaml", b"\xef\xbb\xbf# yaml"),
        "starts with a UTF-8 byte-order mark; save it as UTF-8 (no BOM)",
    ),
    Broken(
        "utf16-with-bom", "data/vision.yaml",
        reencode("vision", "utf-16"),
        "UTF-16 byte-order mark",
    ),
    Broken(
        "utf16-without-bom", "data/vision.yaml",
        reencode("vision", "utf-16-le"),
        "the file holds zero bytes: it is UTF-16 or not text at all",
    ),
    Broken(
        "tab-indentation", HISTORY, replace("history", "\n    date: 1992-04\n", "\n\tdate: 1992-04\n"),
        "a tab character; YAML needs spaces", at="\tdate: 1992-04", column=1,
    ),
    Broken(
        "tab-inside-a-value", HISTORY,
        replace("history", BEGINS_EN, "      en: Construction\tof the BDA began.\n"),
        "a tab character", at="en: Construction\t", column=23,
    ),
    Broken(
        "control-character", HISTORY,
        replace("history", BEGINS_EN, "      en: Construction\x07 of the BDA began.\n"),
        "an invisible control character (U+0007); delete it", at="en: Construction\x07", column=23,
    ),
    Broken(
        "line-separator", HISTORY,
        replace("history", BEGINS_EN, "      en: Construction\u2028of the BDA began.\n"),
        "an invisible control character (U+2028)", at="en: Construction\u2028",
    ),
    Broken("empty-file", "data/vision.yaml", write("vision", b""), "the file is empty"),
    Broken(
        "only-comments", "data/vision.yaml", write("vision", b"# passages: to do\n\n"),
        "the file is empty (it holds no fields)",
    ),
    Broken(
        "list-instead-of-mapping", "data/vision.yaml", write("vision", b"- id: one\n- id: two\n"),
        "the file holds a list; a mapping of fields is expected",
    ),
    Broken(
        "single-value-instead-of-mapping", "data/vision.yaml", write("vision", b"vision\n"),
        "the file holds a single value; a mapping of fields is expected",
    ),
    # --- the file itself -----------------------------------------------------------------------
    Broken("symlink-outside-data", "data/vision.yaml", symlink_outside, "outside data/; refused"),
    Broken("dangling-symlink", "data/vision.yaml", dangling_symlink, "which does not exist"),
    Broken("symlink-loop", "data/vision.yaml", symlink_loop, "a link that leads round in a circle"),
    Broken(
        "folder-instead-of-file", "data/vision.yaml", folder_instead_of_file, "this is a folder, not a file",
    ),
    Broken("pipe-instead-of-file", "data/vision.yaml", fifo_instead_of_file, "not a regular file"),
    Broken("missing-file", "data/vision.yaml", missing_file, "the file is missing"),
    Broken(
        "yml-instead-of-yaml", "data/vision.yaml", yml_instead_of_yaml,
        "the file is missing (vision.yml is there: rename it to vision.yaml)",
    ),
    Broken(
        "huge-file", HISTORY, append("history", "#" * MAX_BYTES + "\n"),
        "larger than 2 MB",
    ),
    # --- YAML that etown refuses ---------------------------------------------------------------
    Broken(
        "duplicate-key", HISTORY, replace("history", BEGINS, BEGINS + "    id: construction-began\n"),
        "duplicate key 'id': it is already given at line", at="    id: construction-began", column=5,
        field="events[2].id",
    ),
    Broken(
        "anchor", HISTORY, replace("history", "date: 1992-04\n", "date: &april 1992-04\n"),
        "the anchor &april is not allowed", at="&april",
    ),
    Broken(
        "alias", HISTORY,
        chain(
            replace("history", "date: 1992-04\n", "date: &april 1992-04\n"),
            replace("history", "date: 1992-04-08\n", "date: *april\n"),
        ),
        "the alias *april is not allowed", at="*april", errors=2,
    ),
    Broken(
        "core-tag", HISTORY, replace("history", "date: 1992-04\n", "date: !!timestamp 1992-04\n"),
        "the tag !!timestamp is not allowed", at="!!timestamp", field="events[2].date",
    ),
    Broken(
        "python-tag", HISTORY,
        replace("history", "date: 1992-04\n", "date: !!python/object/apply:os.system [ls]\n"),
        "the tag !!python/object/apply:os.system is not allowed", at="!!python", errors=2,
    ),
    Broken(
        "merge-key", HISTORY, replace("history", BEGINS, BEGINS + "    <<: {date: 1992}\n"),
        "merge keys (<<) are not allowed", at="<<:",
    ),
    Broken(
        "complex-key", "data/vision.yaml", append("vision", "? [a, b]\n: c\n"),
        "a key must be a plain name", at="? [a, b]",
    ),
    Broken(
        "second-document", "data/vision.yaml", append("vision", "---\npassages: []\n"),
        "a second YAML document starts here", at="---\npassages: []",
    ),
    Broken(
        "deep-nesting", "data/vision.yaml", append("vision", "deep: " + "[" * 40 + "]" * 40 + "\n"),
        f"nested more than {MAX_DEPTH} levels deep", at="deep:",
    ),
    # --- YAML syntax, in plain words -----------------------------------------------------------
    Broken(
        "unclosed-quote", HISTORY,
        replace("history", BEGINS_EN, '      en: "Construction of the BDA began.\n'),
        "this quote is never closed", at='en: "Construction', column=11,
    ),
    Broken(
        "colon-in-plain-value", HISTORY,
        replace("history", BEGINS_EN, "      en: Construction: the BDA began.\n"),
        "a ': ' inside a value; put the whole value in quotes", at="en: Construction:", column=23,
    ),
    Broken(
        "line-without-colon", HISTORY, replace("history", BEGINS, BEGINS + "    construction\n"),
        "this line is not `key: value`", at="    construction\n",
    ),
    Broken(
        "bad-indentation", HISTORY, replace("history", BEGINS, BEGINS + "   date: 1992-04\n"),
        "not indented like the lines above", at="   date: 1992-04\n    date",
    ),
    Broken(
        "unclosed-flow-mapping", "data/leadership.yaml",
        replace("leadership", "{zh: 张强, en: Zhang Qiang}", "{zh: 张强, en: Zhang Qiang"),
        "this { is not closed with }", at="{zh: 张强",
    ),
    Broken(
        "reserved-first-character", HISTORY,
        replace("history", BEGINS_EN, "      en: `Construction` of the BDA began.\n"),
        "a value cannot start with '`'; put the value in quotes", at="en: `Construction",
    ),
    Broken(
        "bad-escape-in-double-quotes", HISTORY,
        replace("history", BEGINS_EN, '      en: "Construction \\of the BDA began."\n'),
        "a backslash in double quotes must start an escape", at="Construction \\of",
    ),
    # --- the schema ------------------------------------------------------------------------------
    Broken(
        "unknown-field-with-suggestion", HISTORY,
        replace(
            "history", "    source: 北京经济技术开发区于1992年4月",
            "    soruce: 北京经济技术开发区于1992年4月",
        ),
        "unknown field 'soruce'; did you mean 'source'?", at="soruce", field="events[2].soruce",
        column=5, errors=2,  # and: the required field 'source' is missing
    ),
    Broken(
        "unknown-field-without-suggestion", HISTORY, replace("history", BEGINS, BEGINS + "    colour: red\n"),
        "unknown field 'colour'; the fields allowed here are: ", at="colour", field="events[2].colour",
    ),
    Broken(
        "missing-required-field", HISTORY, replace("history", BEGINS + "    date: 1992-04\n", BEGINS),
        "the required field 'date' is missing", at="id: construction-begins", field="events[2].date",
        column=5,
    ),
    Broken(
        "missing-english", HISTORY, replace("history", BEGINS_EN, ""),
        "the English translation is missing (the Chinese is: 北京经济技术开发区开工建设。)",
        at=BEGINS_ZH.strip(), field="events[2].text.en",
    ),
    Broken(
        "missing-chinese", HISTORY, replace("history", BEGINS_ZH, ""),
        "the Chinese translation is missing "
        "(the English is: Construction of the Beijing Economic-Technological Developm…)",
        at=BEGINS_EN.strip(), field="events[2].text.zh",
    ),
    Broken(
        "empty-english", HISTORY, replace("history", BEGINS_EN, '      en: ""\n'),
        "the English text is empty", at='en: ""', field="events[2].text.en",
    ),
    Broken(
        "text-instead-of-mapping", HISTORY,
        replace("history", "    text:\n" + BEGINS_ZH + BEGINS_EN, "    text: Construction began.\n"),
        "expected a mapping with the fields zh, en (got: Construction began.)",
        at="text: Construction began.", field="events[2].text",
    ),
    Broken(
        "empty-value", HISTORY, replace("history", "    text:\n" + BEGINS_ZH + BEGINS_EN, "    text:\n"),
        "the value is empty; expected a mapping with the fields zh, en", at="    text:\n    source: 北京经济",
        field="events[2].text",
    ),
    Broken(
        "text-instead-of-list", HISTORY, replace("history", BEGINS, BEGINS + "    flags: see the seed\n"),
        "expected a list (one item per line, each starting with '- ') (got: see the seed)",
        at="flags: see the seed", field="events[2].flags",
    ),
    Broken(
        "mapping-instead-of-text", HISTORY,
        replace("history", BEGINS_EN, "      en: {text: Construction of the BDA began.}\n"),
        "expected text (got: a mapping)", at="en: {text:", field="events[2].text.en",
    ),
    Broken(
        "unknown-unit", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: 2456.4, unit: 亿圆}"),
        "unknown unit '亿圆'; did you mean '亿元'? (the units are: 元 万元 亿元", at="亿圆",
    ),
    Broken(
        "number-with-unit", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: 2456.4亿, unit: 亿元}"),
        "expected a number such as 2456.4 or -3 (digits and a point, no unit or thousands separator) "
        "(got: 2456.4亿)", at="2456.4亿",
    ),
    Broken(
        "not-a-number", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: NaN, unit: 亿元}"),
        "expected a number such as 2456.4", at="NaN",
    ),
    Broken(
        "number-not-written-plainly", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: 2_456.4, unit: 亿元}"),
        "write the number plainly, as digits and a point, like 2456.4 (got: 2_456.4)", at="2_456.4",
    ),
    Broken(
        "bad-id", HISTORY, replace("history", BEGINS, "  - id: Construction Begins\n"),
        "an id is written in lower-case letters, digits and single hyphens, like 'state-council-approval'; "
        "did you mean 'construction-begins'? (got: Construction Begins)",
        at="Construction Begins", field="events[2].id",
    ),
    Broken(
        "bad-date-format", HISTORY, replace("history", "date: 1992-04\n", "date: 1992/04\n"),
        "a date is written YYYY, YYYY-MM or YYYY-MM-DD (got: 1992/04)", at="1992/04",
        field="events[2].date",
    ),
    Broken(
        "date-that-does-not-exist", HISTORY, replace("history", "date: 1992-04-08\n", "date: 1992-02-30\n"),
        "1992-02-30 is not a real date (got: 1992-02-30)", at="1992-02-30", field="events[3].date",
    ),
    Broken(
        "month-13", HISTORY, replace("history", "date: 1992-04\n", "date: 1992-13\n"),
        "there is no month 13", at="1992-13",
    ),
    Broken(
        "unknown-qualifier", "data/divisions.yaml",
        replace("divisions", "unit: 平方公里, qualifier: 约}", "unit: 平方公里, qualifier: about}"),
        "'about' is not allowed here (choose one of: 约, 超过, 超, 近, 余, 多, 以上)", at="qualifier: about",
    ),
    Broken(
        "unknown-infobox-key", "data/overview.yaml", replace("overview", "key: seat\n", "key: seats\n"),
        "'seats' is not allowed here; did you mean 'seat'?", at="key: seats", field="infobox[3].key",
    ),
    Broken(
        "fact-without-value-or-text", "data/ecology.yaml",
        replace("ecology", "    value: {value: 6, unit: 个}\n", ""),
        "a fact needs a value, a text, or both", at="id: large-parks\n", field="facts[0]",
    ),
    Broken(
        "institution-number-not-two-digits", "data/institutions.yaml",
        replace("institutions", 'number: "02"', 'number: "2"'),
        "a number is written with two digits, like 01 or 12 (got: 2)", at='number: "2"',
    ),
    # --- numbers and dates: one guard for every number ------------------------------------------
    Broken(
        "number-with-26-digits", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: 12345678901234567890123456, unit: 亿元}"),
        f"a number may have at most {MAX_DIGITS} digits", at="12345678901234567890123456",
    ),
    Broken(
        "number-with-many-decimals", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: 0.0000000000000001, unit: 亿元}"),
        f"a number may have at most {MAX_DIGITS} digits", at="0.0000000000000001",
    ),
    Broken(
        "huge-exponent-on-a-part", "data/divisions.yaml",
        replace("divisions", "{value: 83, unit: 平方公里", "{value: 1e999999999, unit: 平方公里"),
        "write the number plainly, as digits and a point, like 2456.4 (got: 1e999999999)", at="1e999999999",
    ),
    Broken(
        "infinity", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: Infinity, unit: 亿元}"),
        "expected a number such as 2456.4 or -3", at="Infinity",
    ),
    Broken(
        "negative-amount", "data/economy.yaml",
        replace("economy", "{value: 2456.4, unit: 亿元}", "{value: -2456.4, unit: 亿元}"),
        "a figure in 亿元 cannot be negative (got: -2456.4); only changes, in % or 个百分点, can be",
        at="{value: -2456.4",
    ),
    Broken(
        "negative-population", "data/population.yaml",
        replace("population", "{value: 29, unit: 万人}", "{value: -29, unit: 万人}"),
        "a figure in 万人 cannot be negative", at="{value: -29",
    ),
    Broken(
        "year-0000", HISTORY, replace("history", "date: 1992-04\n", "date: 0000\n"),
        "there is no year 0000", at="date: 0000", field="events[2].date",
    ),
    # --- text: one cleaner for every text field --------------------------------------------------
    Broken(
        "nul-escape", HISTORY, english_text('"Construction\\0 of the BDA began."'),
        "an invisible control character (U+0000) at character 13", at="Construction\\0", column=11,
        field="events[2].text.en",
    ),
    Broken(
        "escape-escape", HISTORY, english_text('"\\e[31mConstruction of the BDA began."'),
        "an invisible control character (U+001B) at character 1", at="\\e[31m", field="events[2].text.en",
    ),
    Broken(
        "delete-escape", HISTORY, english_text('"Construction\\x7f of the BDA began."'),
        "an invisible control character (U+007F)", at="\\x7f",
    ),
    Broken(
        "noncharacter-escape", HISTORY, english_text('"Construction\\uFFFE of the BDA began."'),
        "a code point that is not a character (U+FFFE)", at="\\uFFFE",
    ),
    Broken(
        "bidi-override", HISTORY, english_text('"Construction of the \\u202EADB began."'),
        "a bidirectional control character (U+202E) at character 21", at="\\u202E",
    ),
    Broken(
        "bidi-override-pasted", HISTORY, english_text("Construction of the \u2067BDA began."),
        "a bidirectional control character (U+2067)", at="\u2067",
    ),
    Broken(
        "zero-width-space", HISTORY, english_text("Construction of the\u200b BDA began."),
        "an invisible character (U+200B) at character 20; delete it unless it is meant to be there",
        at="\u200b", severity="warning", errors=0,
    ),
    # --- text Markdown cannot render quickly or at all ------------------------------------------
    Broken(
        "nested-list-markers", HISTORY, english_text("'" + "- " * 500 + "x'"),
        f"lists or quotes are nested more than {MAX_MARKDOWN_NESTING} levels deep", at="- - - -",
        field="events[2].text.en",
    ),
    Broken(
        "nested-quote-markers", HISTORY, english_text("'" + ">" * 300 + " x'"),
        "nested more than", at=">>>",
    ),
    Broken(
        "run-of-brackets", HISTORY, english_text("'" + "[" * 4000 + "'"),
        f"square brackets are nested more than {MAX_MARKDOWN_NESTING} levels deep", at="[[[[",
    ),
    Broken(
        "text-of-10-kb", HISTORY, english_text("'" + "[" * 10_000 + "'"),
        f"the text is 10,000 characters long; a text may have at most {MAX_TEXT_CHARACTERS:,}", at="[[[[",
    ),
    Broken(
        "text-of-many-lines", HISTORY, english_text('"' + "a\\n\\n" * 200 + '"'),
        f"the text has 399 lines; a text may have at most {MAX_TEXT_LINES}", at="a\\n",
    ),
    Broken(
        "too-much-markdown-in-a-file", HISTORY,
        chain(*(
            replace("history", text, f"      en: '{'*a* ' * 200}{number}'\n")
            for number, text in enumerate([BEGINS_EN, *MORE_ENGLISH])
        )),
        f"the texts of the file use Markdown's marks (* _ ` [ ] < > & ! \\ and line breaks) more than "
        f"{MAX_MARKDOWN_MARKS:,} times", at="*a* 2'",
    ),
    # --- what the pages need ---------------------------------------------------------------------
    Broken(
        "key-fact-missing", "data/overview.yaml", replace("overview", SEAT_ROW, ""),
        "the key facts lack seat", at="  - key: chinese_name", field="infobox",
    ),
    Broken(
        "key-fact-twice", "data/overview.yaml", replace("overview", "key: dialect\n", "key: location\n"),
        "the key fact 'location' is already given in infobox[5]", at="key: location\n    label: {zh: 方言",
    ),
    Broken(
        "introduction-empty", "data/overview.yaml", emptied("overview", "introduction"),
        "the introduction is empty", at="introduction: []",
    ),
    Broken(
        "industries-empty", "data/economy.yaml", emptied("economy", "industries"),
        "the list of leading industries is empty", at="industries: []",
    ),
    # --- cross-checks ----------------------------------------------------------------------------
    Broken(
        "history-out-of-order", HISTORY, replace("history", "date: 1993-04-26\n", "date: 1990-04-26\n"),
        "this event (1990-04-26) is dated before the one above it (1992-04-08, 'foundation-stone')",
        at="1990-04-26", field="events[4].date", errors=2,  # and its quote says 1993年4月26日
    ),
    Broken(
        "duplicate-id-in-a-file", HISTORY, replace("history", "  - id: foundation-stone\n", BEGINS),
        "the id 'construction-begins' is already used at line",
        at="id: construction-begins\n    date: 1992-04-08",
        field="events[3].id",
    ),
    Broken(
        "duplicate-id-across-files", "data/vision.yaml",
        replace("vision", "  - id: vision-benchmark\n", "  - id: construction-begins\n"),
        "the id 'construction-begins' is already used at data/history.yaml:", at="id: construction-begins",
        field="passages[0].id",
    ),
    Broken(
        "institutions-with-a-gap", "data/institutions.yaml",
        replace("institutions", 'number: "03"', 'number: "09"'),
        "institutions are numbered 01, 02, … without gaps within each group; expected 03 (got: 09)",
        at='number: "09"', field="groups[0].institutions[2].number", errors=2,  # and its quote says 03
    ),
    Broken(
        "institutions-not-from-01", "data/institutions.yaml",
        replace("institutions", 'number: "01"', 'number: "00"'),
        "expected 01 (got: 00)", at='number: "00"', errors=2,  # and its quote says 01
    ),
    Broken(
        "part-larger-than-whole", "data/divisions.yaml",
        replace("divisions", "{value: 83, unit: 平方公里", "{value: 300, unit: 平方公里"),
        "a part (300 平方公里) is larger than its whole 'new-town-total' (225 平方公里)", at="{value: 300",
        errors=2,  # and its quote says 约83平方公里
    ),
    Broken(
        "part-of-unknown-fact", "data/divisions.yaml",
        replace("divisions", "part_of: bda-current\n", "part_of: bda-curent\n"),
        "no fact with the id 'bda-curent' in this file; did you mean 'bda-current'?", at="bda-curent",
    ),
    Broken(
        "share-above-100", "data/economy.yaml",
        replace("economy", "{value: 0.35, unit: \"%\"}", "{value: 135, unit: \"%\"}"),
        "a share must lie between 0 and 100 % (got: 135)", at="{value: 135", errors=2,
    ),
    Broken(
        "share-below-0", "data/economy.yaml",
        replace("economy", "{value: 0.35, unit: \"%\"}", "{value: -5, unit: \"%\"}"),
        "a share must lie between 0 and 100 % (got: -5)", at="{value: -5", errors=2,
    ),
    Broken(
        "industry-share-above-100", "data/economy.yaml",
        replace("economy", "share_of_beijing: {value: 32.6,", "share_of_beijing: {value: 132.6,"),
        "a share must lie between 0 and 100 % (got: 132.6)", at="132.6",
        field="industries[0].share_of_beijing.value", errors=2,
    ),
    Broken(
        "growth-implausibly-high", "data/economy.yaml",
        replace("economy", "growth: {value: 6, unit", "growth: {value: 6000, unit"),
        "a growth rate of 6000 % is not plausible (expected between -100 and +1000 %)", at="6000", errors=2,
    ),
    Broken(
        "growth-below-minus-100", "data/economy.yaml",
        replace("economy", "growth: {value: 6, unit", "growth: {value: -150, unit"),
        "a growth rate of -150 % is not plausible", at="-150", errors=2,
    ),
    Broken(
        "unknown-person", "data/leadership.yaml",
        replace("leadership", "- person: zhang-qiang\n", "- person: zhang-qaing\n"),
        "no person with the id 'zhang-qaing' in people; did you mean 'zhang-qiang'?", at="zhang-qaing",

    ),
    # --- provenance ------------------------------------------------------------------------------
    Broken(
        "quote-not-in-seed", HISTORY,
        replace("history", "source: 北京经济技术开发区于1992年4月", "source: 北京经济技术开发区于1993年4月"),
        "the closest passage of the seed is: 北京经济技术开发区于1992年4月开工建设",
        at="于1993年4月", field="events[2].source", errors=2,  # and the date is no longer the quote's
    ),
    Broken(
        "quote-with-full-width-commas", HISTORY,
        replace("history", "source: 1991年8月15日,市政府", "source: 1991年8月15日，市政府"),
        "differs from the seed only in full-width or half-width characters", at="15日，市政府",
    ),
    Broken(
        "note-quote-not-in-seed", "data/notes.yaml",
        replace("notes", "  - 2002年8月,经国务院批准扩区至46.8平方公里\n", "  - 2002年8月,经国务院批准扩区至46.9平方公里\n"),  # noqa: E501
        "this quote is not in seeds/000_c6099870205fbbe0.txt "
        "(got: 2002年8月,经国务院批准扩区至46.9平方公里); "
        "the closest passage of the seed is: 2002年8月,经国务院批准扩区至46.8平方公里",
        at="扩区至46.9平方公里", field="notes[0].sources[0]",
    ),
    Broken(
        "terminal-escape-in-a-quote", HISTORY,
        replace(
            "history", "source: 北京经济技术开发区于1992年4月开工建设\n",
            'source: "\\e]0;owned\\a北京经济技术开发区于1992年4月开工建设"\n',
        ),
        "not in seeds/", at="owned", errors=2,  # and the control characters themselves
    ),
    # --- warnings --------------------------------------------------------------------------------
    Broken(
        "unexpected-file", "data/notes.txt", unexpected_file, "etown does not read this file",
        severity="warning", errors=0,
    ),
    Broken(
        "schema-line-missing", "data/vision.yaml", without_schema_line,
        "the first line should be `# yaml-language-server: $schema=schema/vision.schema.json`",
        severity="warning", errors=0,
    ),
    Broken(
        "html-in-text", HISTORY, replace("history", BEGINS_EN, "      en: Construction <b>began</b>.\n"),
        "this looks like HTML (<b>)", at="<b>began", severity="warning", errors=0,
    ),
    Broken(
        "javascript-link", HISTORY,
        replace("history", BEGINS_EN, "      en: '[Construction](javascript:alert(1)) began.'\n"),
        "a link to javascript: will be removed", at="javascript:", severity="warning", errors=0,
    ),
    Broken(
        "english-copied-from-chinese", HISTORY,
        replace("history", BEGINS_EN, BEGINS_ZH.replace("zh:", "en:")),
        "the English text is a copy of the Chinese; translate it", at="en: 北京经济技术开发区开工建设",
        severity="warning", errors=0,
    ),
]  # fmt: skip


def _lost_touch(problem: Problem, case: Broken) -> bool:
    """A note naming a record the mutation removed or renamed: a consequence, not the mistake."""
    return (
        case.file != "data/notes.yaml"
        and problem.file == "data/notes.yaml"
        and "no record is named" in problem.message
    )


def test_the_corpus_covers_enough_kinds_of_mistake() -> None:
    assert len(CASES) >= 40
    assert len({case.kind for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", sampled(CASES), ids=lambda case: case.kind)
def test_a_broken_input_is_named_precisely(case: Broken, project: Path) -> None:
    case.mutate(project)
    problems = problems_of(project)
    name = Path(case.file).stem
    line = line_of(project, name, case.at) if case.at is not None else 1
    found = [
        problem
        for problem in problems
        if (problem.file, problem.line, problem.severity) == (case.file, line, case.severity)
        and case.message in problem.message
    ]
    assert found, f"expected {case.file}:{line}: … {case.message}\ngot:\n{shown(problems)}"
    if case.field is not None:
        assert found[0].field == case.field, shown(found)
    if case.column is not None:
        assert found[0].column == case.column, shown(found)
    errors = [
        problem for problem in problems if problem.severity == "error" and not _lost_touch(problem, case)
    ]
    assert len(errors) == case.errors, shown(problems)
    assert all(problem.line >= 1 and problem.column >= 1 for problem in problems), shown(problems)
    assert not [problem for problem in problems if JARGON.search(problem.message)], shown(problems)
