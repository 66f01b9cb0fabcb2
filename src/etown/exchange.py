"""Exchange with translators: every translatable text out to a PO file, and back into data/.

``export`` writes one entry per English text: the Chinese as ``msgid``, the English as
``msgstr``, the text's fingerprint key as ``msgctxt`` (so two texts with the same Chinese stay
apart), the record's source quote as an extracted comment and the data file's line as its
reference. A translation whose Chinese changed since it was confirmed is ``fuzzy``, with the
Chinese it was made from as the previous ``msgid``, as gettext tools expect.

``import`` reads the file with polib, checks every entry (it must name a text that exists, with
the Chinese the data has now; an English text that the loader and validation accept), and only
then writes: each changed English text is replaced in place in its YAML file, scalar by scalar,
so the rest of the file (comments, order, layout) keeps every byte. An entry no longer fuzzy
confirms its translation, as ``etown translations confirm`` would. Problems are reported at the
PO file's lines. Nothing is written unless every entry is sound.
"""

import json
import os
import re
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
import yaml

from etown.languages import by_code
from etown.load import LoadedFile, PathKey, load_data_file
from etown.problems import EtownError, Problem, field_path, shorten
from etown.provenance import normalise, read_seed
from etown.translations import (
    SOURCE,
    TRANSLATED,
    Fingerprint,
    Outcome,
    Review,
    Reviewed,
    ScalarSpan,
    load_all,
    review,
    scalar_spans,
    source_hash,
    translation_hash,
    write_lock,
)
from etown.validate import validate_file

try:
    from yaml import CBaseLoader as TreeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as TreeLoader  # type: ignore[assignment]

LANGUAGE = TRANSLATED[0]
WRAP = 110
"""The width the data files wrap their folded English at (not counting the indentation)."""
_LONGEST_PLAIN = 120
"""A plain one-line text longer than this (with its key) is rewritten as a folded block."""
# Control characters and the line separators YAML counts as line breaks: the loader refuses them.
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\t\r]")
_HEADER = (
    "The English texts of the etown data (data/*.yaml), made with `etown translations export`.\n"
    "msgid is the Chinese, msgstr its English; msgctxt names the text: change neither.\n"
    "A fuzzy entry's Chinese changed since its English was confirmed (the previous Chinese is the\n"
    "#| msgid): revise the English, then remove the fuzzy flag. Read it back with\n"
    "`etown translations import FILE.po`."
)


def _failed(problems: list[Problem], message: str) -> Outcome:
    return Outcome(sorted(problems), message, failed=True)


def _reviewed(root: Path) -> tuple[Review | None, list[Problem]]:
    files, problems = load_all(root)
    if problems:
        return None, problems
    result = review(root / "data", files)
    return (None, result.lock_problems) if result.lock_problems else (result, [])


# --- export -------------------------------------------------------------------------------------


def export_po(root: Path, po_path: Path) -> Outcome:
    result, problems = _reviewed(root)
    if result is None:
        return _failed(problems, "fix these first; nothing was written")
    po = polib.POFile(wrapwidth=78)
    po.header = _HEADER
    po.metadata = {
        "Project-Id-Version": "etown data",
        "Language": by_code(LANGUAGE).html_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": by_code(SOURCE).html_lang,
    }
    fuzzy = 0
    for item in result.items:
        translation = item.translation
        if translation.language != LANGUAGE or not translation.source.strip():
            continue
        entry = polib.POEntry(
            msgctxt=translation.key,
            msgid=translation.source,
            msgstr=translation.text,
            comment=f"source: {translation.quote}" if translation.quote else "",
            occurrences=[(translation.file.display_path, str(translation.position[0]))],
        )
        if item.state == "outdated" and item.fingerprint is not None:
            entry.flags.append("fuzzy")
            entry.previous_msgid = item.fingerprint.source
            fuzzy += 1
        po.append(entry)
    try:
        _write_atomically(po_path, str(po))
    except OSError as error:
        raise EtownError(f"cannot write {po_path} ({error.strerror or error})") from error
    return Outcome([], f"wrote {len(po)} texts to {po_path} ({fuzzy} fuzzy: their Chinese has changed)")


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    item: Reviewed
    text: str
    """The new English."""
    line: int
    """Where the msgstr stands in the PO file."""


def import_po(root: Path, po_path: Path) -> Outcome:
    display = str(po_path)
    po, problems = _read_po(po_path, display)
    if po is None:
        return _failed(problems, "nothing was imported")
    result, data_problems = _reviewed(root)
    if result is None:
        return _failed(data_problems, "fix these first; nothing was imported")
    lines = po_path.read_text(encoding="utf-8").splitlines()
    edits, confirmations, problems = _entries(po, result, display, lines)
    if any(problem.severity == "error" for problem in problems):
        return _failed(problems, "nothing was imported")
    rewritten: dict[str, str] = {}
    for file_path, file_edits in _by_file(edits).items():
        text, file_problems = _rewritten(root, file_path, file_edits, display)
        problems += file_problems
        if text is not None:
            rewritten[file_path] = text
    if any(problem.severity == "error" for problem in problems):
        return _failed(problems, "nothing was imported")
    for file_path, text in rewritten.items():
        _write_atomically(root / file_path, text)
    lock = result.lock
    for edit in edits:
        translation = edit.item.translation
        lock.entries[translation.key] = Fingerprint(
            translation.source.strip(), source_hash(translation.source), translation_hash(edit.text)
        )
    for item in confirmations:
        lock.entries[item.translation.key] = item.translation.fingerprint()
    if edits or confirmations:
        write_lock(root / "data", lock)
    return Outcome(
        sorted(problems),
        f"imported {display}: {len(edits)} English text(s) changed in {len(rewritten)} file(s), "
        f"{len(confirmations)} confirmed unchanged",
    )


def _read_po(po_path: Path, display: str) -> tuple[polib.POFile | None, list[Problem]]:
    try:
        raw = po_path.read_bytes()
    except OSError as error:
        return None, [Problem(display, 0, 0, "", f"cannot read the file ({error.strerror or error})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(display, line, 1, "", "not UTF-8 text; save the PO file as UTF-8")]
    try:
        return polib.pofile(text, check_for_duplicates=False), []
    except (OSError, ValueError) as error:
        match = re.search(r"\(line (\d+)\)", str(error))
        line = int(match.group(1)) if match else 1
        message = re.sub(r"\s*in po file.*?\(line \d+\)", "", str(error)).strip()
        hint = "each line is a comment (#), a keyword (msgctxt, msgid, msgstr) or a quoted string"
        return None, [Problem(display, line, 1, "", f"not a valid PO file: {message} ({hint})")]


def _entries(
    po: polib.POFile, result: Review, display: str, lines: list[str]
) -> tuple[list[_Edit], list[Reviewed], list[Problem]]:
    by_key = {item.translation.key: item for item in result.items if item.translation.language == LANGUAGE}
    seen: dict[str, int] = {}
    edits: list[_Edit] = []
    confirmations: list[Reviewed] = []
    problems: list[Problem] = []

    def problem(line: int, message: str, severity: Any = "error") -> None:
        problems.append(Problem(display, line, 1, "", message, severity))

    for entry in po:
        if entry.obsolete:
            continue
        line = _line_starting(lines, entry.linenum or 1, "msgctxt")
        msgstr_line = _line_starting(lines, line, "msgstr")
        key = entry.msgctxt
        if not key:
            problem(line, "the entry has no msgctxt, which names the text it translates; export again")
            continue
        if key in seen:
            problem(line, f"the text {shorten(key, 80)} is given twice (first at line {seen[key]})")
            continue
        seen[key] = line
        item = by_key.get(key)
        if item is None:
            problem(line, f"no such text in the data: {shorten(key, 80)} (renamed or removed? export again)")
            continue
        translation = item.translation
        if normalise(entry.msgid) != normalise(translation.source):
            problem(
                _line_starting(lines, line, "msgid"),
                f"the Chinese is no longer this in {translation.file.display_path} (now: "
                f"{shorten(translation.source.strip(), 60)}); export again and carry the English over",
            )
            continue
        if "fuzzy" in entry.flags:
            if entry.msgstr != translation.text:
                problem(
                    line,
                    "the entry is still marked fuzzy, so it was not imported; remove the fuzzy flag "
                    "once the English is revised",
                    "warning",
                )
            continue
        if entry.msgstr == translation.text:
            if item.state == "outdated":  # no longer fuzzy: the translator confirms it
                confirmations.append(item)
            continue
        message = _unwritable(entry.msgstr)
        if message:
            problem(msgstr_line, message)
            continue
        edits.append(_Edit(item, entry.msgstr, msgstr_line))
    return edits, confirmations, problems


def _line_starting(lines: list[str], start: int, keyword: str) -> int:
    """The line, from ``start`` on, where the entry's ``keyword`` (msgid, msgstr) is written."""
    for number in range(max(start, 1), len(lines) + 1):
        if lines[number - 1].startswith(keyword + " ") or lines[number - 1].startswith(keyword + "["):
            return number
    return start


def _unwritable(text: str) -> str | None:
    """Why an English text cannot go into the data as it is: what the loader refuses in a data
    file, what the schema refuses in a text, and white space at its ends (which the page drops,
    so the next export would differ from the file)."""
    if not text.strip():
        return "the English is empty; translate the text (or leave the entry out)"
    bad = _UNWRITABLE.search(text)
    if bad:
        character = bad.group()
        kind = "a tab" if character == "\t" else f"an invisible control character (U+{ord(character):04X})"
        return f"{kind} at character {bad.start() + 1} of the English; data files cannot hold it: delete it"
    if text != text.strip():
        return "the English starts or ends with white space; remove it"
    return None


def _by_file(edits: list[_Edit]) -> dict[str, list[_Edit]]:
    grouped: dict[str, list[_Edit]] = {}
    for edit in edits:
        grouped.setdefault(edit.item.translation.file.display_path, []).append(edit)
    return grouped


def _rewritten(
    root: Path, file_path: str, edits: list[_Edit], display: str
) -> tuple[str | None, list[Problem]]:
    """The data file with every edit made, validated as ``etown check`` would; problems of the
    edited texts are reported at their PO lines."""
    original = (root / file_path).read_text(encoding="utf-8")
    text = original
    loaded = edits[0].item.translation.file
    for edit in sorted(edits, key=lambda edit: _span(original, edit).start, reverse=True):
        translation = edit.item.translation
        path = (*translation.path, translation.language)
        key_column = loaded.source_map.keys.get(path, (1, 1))[1]
        text = replace_scalar(text, path, edit.text, key_column)
    problems: list[Problem] = []
    checked = _validated(root, loaded, text)
    at = {field_path((*edit.item.translation.path, edit.item.translation.language)): edit for edit in edits}
    for problem in checked:
        found = at.get(problem.field)
        if found is not None:
            problems.append(Problem(display, found.line, 1, "", problem.message, problem.severity))
    return text, problems


def _span(text: str, edit: _Edit) -> ScalarSpan:
    translation = edit.item.translation
    return scalar_spans(text)[(*translation.path, translation.language)]


def _validated(root: Path, loaded: LoadedFile, text: str) -> list[Problem]:
    """The problems ``etown check`` would find in ``text`` as the data file ``loaded``."""
    with tempfile.TemporaryDirectory(prefix="etown-import-") as folder:
        data_dir = Path(folder)
        (data_dir / f"{loaded.name}.yaml").write_text(text, encoding="utf-8")
        candidate, problems = load_data_file(data_dir, loaded.name)
        if candidate is None:
            return problems
        return problems + validate_file(candidate, read_seed(root)).problems


# --- rewriting one scalar in place -------------------------------------------------------------


def replace_scalar(text: str, path: PathKey, value: str, key_column: int) -> str:
    """``text`` with the scalar at ``path`` holding ``value``, written in the style it had where
    that style can hold it (else double-quoted), and every other byte as it was.

    Each way of writing it is checked by reading the whole file back: the value at ``path`` must
    be ``value`` and everything else what it was."""
    spans = scalar_spans(text)
    span = spans[path]
    before = yaml.load(text, Loader=TreeLoader)
    expected = _with(before, path, value)
    for candidate in _candidates(text, span, value, key_column):
        rewritten = text[: span.start] + candidate + text[span.end :]
        try:
            after = yaml.load(rewritten, Loader=TreeLoader)
        except yaml.YAMLError:
            continue
        if after == expected:
            return rewritten
    raise EtownError(f"cannot write the text at {field_path(path)} into YAML: {shorten(value)}")


def _with(data: Any, path: PathKey, value: str) -> Any:
    copy = json.loads(json.dumps(data))
    node = copy
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copy


def _candidates(text: str, span: ScalarSpan, value: str, key_column: int) -> list[str]:
    """Ways to write ``value`` in place of the scalar ``span``, the most like it first."""
    original = text[span.start : span.end]
    block = span.style in {">", "|"}
    # a block scalar's span runs on to the next line (and over blank lines): they stay
    trailing = original[len(original.rstrip()) :] if block else ""
    candidates: list[str] = []
    if block:
        header = original.split("\n", 1)[0]
        body = original[len(header) + 1 :]
        indent = len(body) - len(body.lstrip(" "))
        if span.style == ">":
            candidates.append(_folded(value, indent, trailing))
        else:
            chomp = "|" if value.endswith("\n") else "|-"
            lines = value.removesuffix("\n").split("\n")
            candidates.append(chomp + "\n" + "\n".join(" " * indent + line for line in lines) + trailing)
    elif span.style is None:  # plain while it fits on its line, else folded like the long texts
        if key_column + len(value) + 2 > _LONGEST_PLAIN and not span.in_flow:
            candidates.append(_folded(value, key_column + 1, ""))
        elif _plain_is_safe(value, in_flow=span.in_flow):
            candidates.append(value)
    elif span.style == "'" and "\n" not in value:
        candidates.append("'" + value.replace("'", "''") + "'")
    candidates.append(json.dumps(value, ensure_ascii=False) + trailing)
    return candidates


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]([^:#]|:(?=\S)|(?<=\S)#)*")
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")


def _plain_is_safe(value: str, *, in_flow: bool) -> bool:
    """Whether ``value`` reads back as itself written plain, by any YAML parser: no indicator
    first, no ': ' or ' #' inside, no white space at either end (and in { } or [ ] no commas or
    brackets). libyaml is laxer than this; PyYAML's own parser is not, and both may read the data."""
    if value != value.strip() or any(space in value for space in "\n\r\t") or not _PLAIN.fullmatch(value):
        return False
    if value.endswith(":") or "?" in value:
        return False
    return not (in_flow and _FLOW_INDICATORS.search(value))


def _folded(value: str, indent: int, trailing: str) -> str:
    """A folded block scalar (``>-``) wrapped like the data files; folding joins its lines with
    single spaces, so only a value with single spaces between words reads back the same (the
    caller checks)."""
    chomp = ">" if value.endswith("\n") else ">-"
    lines = textwrap.wrap(value, width=WRAP, break_long_words=False, break_on_hyphens=False)
    return chomp + "\n" + "\n".join(" " * indent + line for line in lines) + trailing
