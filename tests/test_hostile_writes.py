"""The second hostile probe (issue 28): the commands that write into the project. Each checks
everything it will write by the rules ``etown check`` reads it with, before writing anything,
and writes atomically, keeping line ends: what it writes, check accepts, and what it refuses
leaves every byte as it was."""

import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import polib
import pytest

from etown.cli import main
from etown.pipeline import Pipeline


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project but the output, by path."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for part in ("data", "seeds", "templates")
        for path in sorted((root / part).rglob("*"))
        if path.is_file()
    }


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(arguments)
    output = capsys.readouterr()
    assert "Traceback" not in output.err + output.out
    return code, output.out, output.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- translations import: a PO file read as strictly as msgfmt -c -----------------------------

SHORT_NAME = "data/overview.yaml:short_name.en"
BEGINS = "data/history.yaml:events[construction-begins].text.en"
BEGINS_EN = "Construction of the Beijing Economic-Technological Development Area (BDA) began."


def exported(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    po = tmp_path / "en.po"
    code, _, err = run(["translations", "export", str(po), "--root", str(project)], capsys)
    assert code == 0, err
    return po


def po_line(po: Path, text: str) -> int:
    lines = po.read_text(encoding="utf-8").split("\n")
    return lines.index(text) + 1


def msgfmt_refuses(po: Path) -> bool:
    """What gettext's own compiler says of the file (the bar etown's reader is held to)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return True  # not installed: etown's answer is asserted on its own
    result = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(po)], capture_output=True, check=False)
    return result.returncode != 0


@pytest.mark.parametrize(
    ("written", "column", "message"),
    [
        (
            'msgstr "Beijing E-Town',
            8,
            'not a valid PO file: this string is never closed: it needs a " at the end of its line',
        ),
        (
            'msgstr "Beijing E-Town\\"',
            8,
            'not a valid PO file: this string is never closed: it needs a " at the end of its line',
        ),
        (
            'msgstr "Beijing \\q E-Town"',
            17,
            'not a valid PO file: \\q is not an escape a PO file may hold (they are \\n, \\t, \\" and '
            "\\\\ …); a backslash itself is written \\\\",
        ),
        (
            'msgstr "Beijing" E-Town"',
            18,
            "not a valid PO file: something follows the string's closing quote; a quote inside a text is "
            'written \\"',
        ),
        (
            "msgstr Beijing E-Town",
            8,
            "not a valid PO file: a quoted string is expected here (got: Beijing E-Town)",
        ),
    ],
    ids=["unterminated", "escaped last quote", "bad escape", "text after the string", "no quotes"],
)
def test_a_po_syntax_error_is_refused_at_its_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, column: int, message: str
) -> None:
    po = exported(project, tmp_path, capsys)
    edit(po, 'msgstr "Beijing E-Town"', written)
    before = snapshot(project)
    code, _, err = run(["translations", "import", str(po), "--root", str(project)], capsys)
    assert code == 1
    assert err.splitlines() == [
        f"{po}:{po_line(po, written)}:{column}: {message}",
        "etown: 1 error in 1 file; nothing was imported",
    ]
    assert snapshot(project) == before
    assert msgfmt_refuses(po)


@pytest.mark.parametrize(
    ("separator", "name"), [("\u2028", "a line separator (U+2028)"), ("\u2029", "a line separator (U+2029)")]
)
def test_a_line_or_paragraph_separator_is_refused_not_mangled(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], separator: str, name: str
) -> None:
    po = exported(project, tmp_path, capsys)
    written = f'msgstr "Beijing{separator}E-Town"'
    edit(po, 'msgstr "Beijing E-Town"', written)
    before = snapshot(project)
    code, _, err = run(["translations", "import", str(po), "--root", str(project)], capsys)
    assert code == 1
    assert err.splitlines() == [
        f"{po}:{po_line(po, written)}:1: {name} at character 8 of the English; data files cannot hold it: "
        "delete it",
        "etown: 1 error in 1 file; nothing was imported",
    ]
    assert snapshot(project) == before


def test_an_oversize_text_is_refused_before_it_reaches_the_data(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = exported(project, tmp_path, capsys)
    written = 'msgstr "' + "Beijing E-Town " * 173_000 + 'end"'
    edit(po, 'msgstr "Beijing E-Town"', written)
    before = snapshot(project)
    code, _, err = run(["translations", "import", str(po), "--root", str(project)], capsys)
    assert code == 1
    assert err.splitlines() == [
        f"{po}:{po_line(po, written)}:1: the English: the text is 2,595,003 characters long; a text may have "
        "at most 5,000 (split it into passages)",
        "etown: 1 error in 1 file; nothing was imported",
    ]
    assert snapshot(project) == before


def test_a_po_file_too_large_is_not_read(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = tmp_path / "huge.po"
    with po.open("wb") as stream:
        stream.truncate(16_000_001)
    code, _, err = run(["translations", "import", str(po), "--root", str(project)], capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        f"{po}: the file is larger than 16 MB; an export of every text of the data is well under 1 MB "
        "(is it the right file?)"
    )


def test_a_header_in_another_charset_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = exported(project, tmp_path, capsys)
    edit(po, "charset=UTF-8", "charset=ISO-8859-1")
    header = po_line(po, 'msgstr ""')
    code, _, err = run(["translations", "import", str(po), "--root", str(project)], capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        f"{po}:{header}:1: not a valid PO file: the header says charset=ISO-8859-1; etown "
        "reads PO files as UTF-8: save the file as UTF-8 and say charset=UTF-8"
    )


def set_english(po_path: Path, key: str, english: str) -> int:
    """Give the text ``key`` new English in the PO file; the line of its msgstr."""
    po = polib.pofile(str(po_path))
    next(item for item in po if item.msgctxt == key).msgstr = english
    po.save(str(po_path))
    lines = po_path.read_text(encoding="utf-8").split("\n")
    context = lines.index(f'msgctxt "{key}"')
    return next(number for number in range(context, len(lines)) if lines[number].startswith("msgstr")) + 1


def test_an_import_reports_what_check_warns_of_at_the_po_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rule that spans files (official names in data/terms.yaml) holds for imported English."""
    po = exported(project, tmp_path, capsys)
    line = set_english(po, BEGINS, "Construction of the Development Zone began.")
    code, _, err = run(["translations", "import", str(po), "--root", str(project)], capsys)
    assert code == 0
    assert err.splitlines() == [
        f"{po}:{line}:1: warning: the Chinese names 北京经济技术开发区, whose English name is “Beijing "
        "Economic-Technological Development Area” (data/terms.yaml)"
    ]


def test_an_import_that_would_make_a_file_check_refuses_writes_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each text is within bounds; together they make data/terms.yaml larger than check reads."""
    po_path = exported(project, tmp_path, capsys)
    po = polib.pofile(str(po_path))
    for item in po:
        if item.msgctxt.startswith("data/terms.yaml:"):
            item.msgstr = "Beijing " + "亦" * 4_990
    po.save(str(po_path))
    before = snapshot(project)
    code, _, err = run(["translations", "import", str(po_path), "--root", str(project)], capsys)
    assert code == 1
    assert err.splitlines() == [
        "data/terms.yaml:1:1: the file is larger than 2 MB; data files this big are not read (is it the "
        "right file?) (in data/terms.yaml as the import would write it)",
        "etown: 1 error in 1 file; nothing was imported",
    ]
    assert snapshot(project) == before


def test_an_import_into_a_crlf_file_keeps_every_other_byte(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = project / "data" / "history.yaml"
    history.write_bytes(history.read_bytes().replace(b"\n", b"\r\n"))
    assert Pipeline(project).check().ok
    po = exported(project, tmp_path, capsys)
    set_english(po, BEGINS, "Construction of the BDA began.")
    before = history.read_bytes()
    code, _, err = run(["translations", "import", str(po), "--root", str(project)], capsys)
    assert code == 0, err
    assert history.read_bytes() == before.replace(
        f"      en: {BEGINS_EN}\r\n".encode(), b"      en: Construction of the BDA began.\r\n"
    )
    lock = project / "data" / "translations.lock"
    assert b"\r\n" not in lock.read_bytes()  # a file with LF line ends keeps them too
    assert Pipeline(project).check().ok


def test_a_folded_text_rewritten_in_a_crlf_file_keeps_crlf(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = project / "data" / "history.yaml"
    history.write_bytes(history.read_bytes().replace(b"\n", b"\r\n"))
    po_path = exported(project, tmp_path, capsys)
    po = polib.pofile(str(po_path))
    key = "data/history.yaml:events[industrial-estate-decision].text.en"
    text = next(item for item in po if item.msgctxt == key)
    text.msgstr = text.msgstr.replace("decided to build", "resolved to build")
    po.save(str(po_path))
    code, _, err = run(["translations", "import", str(po_path), "--root", str(project)], capsys)
    assert code == 0, err
    raw = history.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert b"resolved to build" in raw
    assert Pipeline(project).check().ok


def test_the_lock_keeps_crlf_when_it_has_them(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = project / "data" / "translations.lock"
    lock.write_bytes(lock.read_bytes().replace(b"\n", b"\r\n"))
    edit(project / "data" / "history.yaml", f"en: {BEGINS_EN}", "en: Construction of the BDA began.")
    code, _, err = run(["translations", "update", "--root", str(project)], capsys)
    assert code == 0, err
    raw = lock.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") > 700


@pytest.mark.parametrize("command", [["update"], ["confirm", "--all"], ["confirm", "data/history.yaml"]])
def test_the_fingerprints_are_not_written_while_check_refuses_the_data(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    edit(project / "data" / "history.yaml", "date: 1992-04\n", "date: 1992-13\n")
    before = snapshot(project)
    code, _, err = run(["translations", *command, "--root", str(project)], capsys)
    assert code == 1
    assert "data/history.yaml:" in err and "nothing was written" in err.splitlines()[-1]
    assert snapshot(project) == before


# --- seed adopt and seed record: nothing check would refuse --------------------------------------


def seed_of(project: Path) -> Path:
    return next((project / "seeds").glob("*.txt"))


def new_edition(project: Path, tmp_path: Path, insert: str) -> Path:
    """The current seed with ``insert`` added to the end of its second line."""
    lines = seed_of(project).read_text(encoding="utf-8").split("\n")
    lines[1] += insert
    path = tmp_path / "new-edition.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("insert", "what"),
    [
        ("\x1b[2J", "an invisible control character (U+001B)"),
        ("\x00", "an invisible control character (U+0000)"),
        ("\u202e", "a bidirectional control character (U+202E)"),
        ("\u2028", "a line separator (U+2028)"),
    ],
    ids=["escape sequence", "NUL", "bidi override", "line separator"],
)
def test_adopt_refuses_an_edition_check_would_refuse(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], insert: str, what: str
) -> None:
    new = new_edition(project, tmp_path, insert)
    column = len(seed_of(project).read_text(encoding="utf-8").split("\n")[1]) + 1
    before = snapshot(project)
    for command in (["adopt", "--taken", "2026-12-01"], ["diff"]):
        code, _, err = run(["seed", command[0], str(new), "--root", str(project), *command[1:]], capsys)
        assert code == 1
        assert err.splitlines() == [
            f"{new}:2:{column}: {what}; the source is published as it is, and no published page may hold "
            "one: take in an edition without it (etown seed adopt)",
            f"etown: {new} holds characters no published page may hold",
        ]
    assert snapshot(project) == before


def test_check_names_such_a_character_in_the_seed_itself(project: Path) -> None:
    seed = seed_of(project)
    seed.write_text(seed.read_text(encoding="utf-8").replace("\n", "\x1b[31m\n", 1), encoding="utf-8")
    column = len(seed.read_text(encoding="utf-8").split("\n")[0]) - len("[31m")
    problems = [str(problem) for problem in Pipeline(project).check().problems]
    assert problems == [
        f"seeds/{seed.name}:1:{column}: an invisible control character (U+001B); the source is published as "
        "it is, and no published page may hold one: take in an edition without it (etown seed adopt)"
    ]


def test_adopt_refuses_an_edition_over_the_seed_limit(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = new_edition(project, tmp_path, "北" * 700_000)  # 2.1 MB
    before = snapshot(project)
    code, _, err = run(["seed", "adopt", str(new), "--root", str(project)], capsys)
    assert code == 2
    assert err == f"etown: {new} is larger than 2 MB; etown reads seeds up to that size\n"
    assert snapshot(project) == before


URL_WORDS = "a URL starts with https:// or http://, names a host, and holds no spaces"
ONE_LINE = "it is written on one line (citation files give each field one line)"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--url", "example.org/page", f"--url: {URL_WORDS} (got: example.org/page)"),
        ("--url", "https:///page", f"--url: {URL_WORDS} (got: https:///page)"),
        ("--url", "https://user@example.org/", f"--url: {URL_WORDS} (got: https://user@example.org/)"),
        ("--title", "Introduction\nTY  - JOUR", f"--title: {ONE_LINE} (got: Introduction TY - JOUR)"),
        (
            "--title",
            "Intro\x1b[31m",
            "--title: an invisible control character (U+001B) at character 6; delete it (an escape in double "
            "quotes, such as \\0 or \\e, writes one too)",
        ),
        ("--published", "2024\n2025", f"--published: {ONE_LINE} (got: 2024 2025)"),
    ],
    ids=[
        "url without scheme",
        "url without host",
        "url with user",
        "title newline",
        "title escape",
        "published",
    ],
)
@pytest.mark.parametrize("command", ["adopt", "record"])
def test_a_bad_option_is_refused_before_anything_is_written(
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    option: str,
    value: str,
    message: str,
) -> None:
    arguments = ["seed", command, "--root", str(project), option, value]
    if command == "adopt":
        arguments.insert(2, str(new_edition(project, tmp_path, "又一句。")))
    before = snapshot(project)
    code, _, err = run(arguments, capsys)
    assert code == 2
    assert err == f"etown: {message}\n"
    assert snapshot(project) == before


def test_record_repairs_a_field_check_refuses(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = next((project / "seeds").glob("*.meta.yaml"))
    edit(meta, "published:", 'url: "example.org/page"\npublished:')
    assert not Pipeline(project).check().ok
    code, _, err = run(
        ["seed", "record", "--root", str(project), "--url", "https://example.org/page"], capsys
    )
    assert code == 0, err
    assert 'url: "https://example.org/page"\n' in meta.read_text(encoding="utf-8")
    assert Pipeline(project).check().ok


def test_record_refuses_when_a_field_not_given_is_still_wrong(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = next((project / "seeds").glob("*.meta.yaml"))
    edit(meta, "published:", 'url: "example.org/page"\npublished:')
    before = snapshot(project)
    code, _, err = run(["seed", "record", "--root", str(project), "--title", "A title"], capsys)
    assert code == 1
    line = meta.read_text(encoding="utf-8").split("\n").index('url: "example.org/page"') + 1
    assert err.splitlines() == [
        f"seeds/{meta.name}:{line}:6: url: {URL_WORDS} (got: example.org/page)",
        "etown: fix the seed's metadata first (or give the field again)",
    ]
    assert snapshot(project) == before


def test_adopted_metadata_passes_check_and_citations_stay_tagged(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = new_edition(project, tmp_path, "又一句。")
    code, _, err = run(
        ["seed", "adopt", str(new), "--root", str(project), "--taken", "2026-12-01", "--url",
         "https://example.org/page", "--title", "北京经济技术开发区介绍(新版)"],
        capsys,
    )  # fmt: skip
    assert code in {0, 1}, err  # 1: the new sentence is for the data to take in
    metadata = [str(p) for p in Pipeline(project).check().problems if p.file.startswith("seeds/")]
    assert metadata == []


# --- seed diff: time that grows with the editions, not with their product -----------------------


def large_edition(project: Path, tmp_path: Path, kind: str) -> Path:
    """About 0.9 MB: the seed's paragraphs 43 times over, each copy changed (so nothing pairs as
    it is), or as many lines of characters in no order."""
    randomness = random.Random(28)
    lines = [line for line in seed_of(project).read_text(encoding="utf-8").split("\n") if line.strip()]
    if kind == "changed copies":
        written = []
        for copy in range(43):
            for line in lines:
                at = randomness.randrange(len(line))
                written.append(f"{line[:at]}某{line[at + 1 :]}（{copy}）")
    else:
        characters = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
        written = ["".join(randomness.choices(characters, k=100)) for _ in range(3000)]
    path = tmp_path / "large.txt"
    path.write_text("\n".join(written), encoding="utf-8")
    assert 850_000 < path.stat().st_size < 1_000_000
    return path


@pytest.mark.slow  # a 1 MB edition, twice
@pytest.mark.parametrize("kind", ["changed copies", "no order"])
def test_seed_diff_of_a_large_edition_takes_seconds(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """It took over a minute, growing with the square of the edition: every unpaired passage was
    compared with every other, and every added passage looked for every quote in the edition."""
    new = large_edition(project, tmp_path, kind)
    started = time.perf_counter()
    code, out, _ = run(["seed", "diff", str(new), "--root", str(project)], capsys)
    seconds = time.perf_counter() - started
    assert code == 1
    assert "passages 0 kept, 0 moved" in out
    assert seconds < 20, f"{seconds:.1f} s"  # 2 s on this project's 2-core machine


# --- what is not a file of text ----------------------------------------------------------------


def test_an_empty_edition_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "empty.txt"
    new.write_text(" \n\n", encoding="utf-8")
    before = snapshot(project)
    for command in ("adopt", "diff"):
        code, _, err = run(["seed", command, str(new), "--root", str(project)], capsys)
        assert code == 2
        assert err == f"etown: {new} is empty; an edition of the source holds its text\n"
    assert snapshot(project) == before


@pytest.mark.parametrize("command", [["seed", "diff"], ["seed", "adopt"], ["translations", "import"]])
def test_a_pipe_given_as_a_file_is_refused_not_read_for_ever(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    code, _, err = run([*command, str(pipe), "--root", str(project)], capsys)
    assert code in {1, 2}
    assert f"cannot read {pipe}: it is not a plain file" in err or (
        f"{pipe}: cannot read the file: it is not a plain file" in err
    )


def test_an_import_writes_nothing_when_one_of_its_files_is_a_link(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link inside data/ is read; it is never written through, and it is found before any
    file is written, not half way."""
    po_path = exported(project, tmp_path, capsys)
    history = project / "data" / "history.yaml"
    real = project / "data" / "history-real.yaml"
    history.rename(real)
    history.symlink_to(real.name)
    set_english(po_path, SHORT_NAME, "E-Town")
    set_english(po_path, BEGINS, "Construction of the BDA began.")
    before = snapshot(project)
    code, _, err = run(["translations", "import", str(po_path), "--root", str(project)], capsys)
    assert code == 1
    assert err == (
        "etown: refusing to write data/history.yaml: a link (replace it with the file itself); nothing was "
        "written\n"
    )
    assert snapshot(project) == before


def test_the_site_is_never_written_among_the_files_etown_reads(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for out in (
        "templates/site",
        "data/site",
        "seeds/site",
    ):  # a folder etown did not write is refused as such
        code, _, err = run(["build", "--root", str(project), "--out", str(project / out), "--no-pdf"], capsys)
        assert code == 2
        assert "which etown reads; choose another --out" in err
    assert not [path for path in project.rglob("site")]
