"""Exchange with translators: every translatable text out to a PO file, and back into data/.

``export`` writes one entry per English text: the Chinese as ``msgid``, the English as
``msgstr``, the text's fingerprint key as ``msgctxt`` (so two texts with the same Chinese stay
apart), the record's source quote as an extracted comment and the data file's line as its
reference. A translation whose Chinese changed since it was confirmed is ``fuzzy``, with the
Chinese it was made from as the previous ``msgid``, as gettext tools expect.

``import`` reads the file as strictly as ``msgfmt -c`` (``etown.tools.po``), checks every entry (it must
name a text that exists, with the Chinese the data has now), makes each data file it changes in
memory (each changed English text replaced in place, scalar by scalar, so the rest of the file,
comments, order, layout and line ends, keeps every byte) and checks those files as ``etown check``
would read them; only then does it write them, each atomically. An entry no longer fuzzy
confirms its translation, as ``etown translations confirm`` would. Problems are reported at the
PO file's lines. Nothing is written unless every entry is sound and the data it makes is valid.
"""

import json
import re
import stat
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polib
import yaml

from etown.files import line_end as line_end_of
from etown.files import refuse_links, write_atomically
from etown.fingerprints import (
    LOCK_PATH,
    SOURCE,
    TRANSLATED,
    Fingerprint,
    Review,
    Reviewed,
    review,
    source_hash,
    translation_hash,
)
from etown.languages import by_code
from etown.load import PathKey, forbidden_character
from etown.markdown_limits import markdown_problem
from etown.pipeline import Pipeline
from etown.problems import EtownError, Problem, field_path, shorten
from etown.provenance import normalise
from etown.tools.po import MAX_PO_BYTES, PoEntry, read_po
from etown.tools.translations import Outcome, ScalarSpan, scalar_spans, write_lock

try:
    from yaml import CBaseLoader as TreeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as TreeLoader  # type: ignore[assignment]

DEFAULT_LANGUAGE = TRANSLATED[0]
"""The language exchanged when none is named (``--language``): the first translated one."""
WRAP = 110
"""The width the data files wrap their folded English at (not counting the indentation)."""
_LONGEST_PLAIN = 120
"""A plain one-line text longer than this (with its key) is rewritten as a folded block."""
_HEADER = (
    "The {language} texts of the etown data (data/*.yaml), made with `etown translations export`.\n"
    "msgid is the {source}, msgstr its {language}; msgctxt names the text: change neither.\n"
    "A fuzzy entry's {source} changed since its {language} was confirmed (the previous {source} is the\n"
    "#| msgid): revise the {language}, then remove the fuzzy flag. Read it back with\n"
    "`etown translations import {option}FILE.po`."
)


def _failed(problems: list[Problem], message: str) -> Outcome:
    return Outcome(sorted(problems), message, failed=True)


def _reviewed(root: Path) -> tuple[Review | None, list[Problem]]:
    files, problems = Pipeline(root).loaded()
    if problems:
        return None, problems
    result = review(root / "data", files)
    return (None, result.lock_problems) if result.lock_problems else (result, [])


# --- export -------------------------------------------------------------------------------------


def _names(language: str) -> tuple[str, str]:
    """How messages name the language exchanged and the one it is translated from."""
    return by_code(language).english_name, by_code(SOURCE).english_name


def export_po(root: Path, po_path: Path, language: str = DEFAULT_LANGUAGE) -> Outcome:
    result, problems = _reviewed(root)
    if result is None:
        return _failed(problems, "fix these first; nothing was written")
    name, source_name = _names(language)
    po = polib.POFile(wrapwidth=78)
    option = "" if language == DEFAULT_LANGUAGE else f"--language {language} "
    po.header = _HEADER.format(language=name, source=source_name, option=option)
    po.metadata = {
        "Project-Id-Version": "etown data",
        "Language": by_code(language).html_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": by_code(SOURCE).html_lang,
    }
    fuzzy = 0
    for item in result.items:
        translation = item.translation
        if translation.language != language or not translation.source.strip():
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
        write_atomically(po_path, str(po).encode("utf-8"))
    except OSError as error:
        raise EtownError(f"cannot write {po_path} ({error.strerror or error})") from error
    return Outcome([], f"wrote {len(po)} texts to {po_path} ({fuzzy} fuzzy: their {source_name} has changed)")


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    item: Reviewed
    text: str
    """The new translation."""
    line: int
    """Where the msgstr stands in the PO file."""

    @property
    def field(self) -> str:
        return self.item.translation.field


def import_po(root: Path, po_path: Path, language: str = DEFAULT_LANGUAGE) -> Outcome:
    """Read the PO file whole, make every data file it changes in memory, check those as
    ``etown check`` would check them, and only then write them, each atomically."""
    display = str(po_path)
    entries, problems = _read_po(po_path, display)
    if entries is None or _has_errors(problems):
        return _failed(problems, "nothing was imported")
    result, data_problems = _reviewed(root)
    if result is None:
        return _failed(data_problems, "fix these first; nothing was imported")
    edits, confirmations, problems = _entries(entries, result, display, language)
    if _has_errors(problems):
        return _failed(problems, "nothing was imported")
    candidates, rewrite_problems = _rewritten_files(root, edits, display)
    problems += rewrite_problems
    if not _has_errors(problems):
        problems += _checked(root, candidates, edits, display)
    if _has_errors(problems):
        return _failed(problems, "nothing was imported")
    refuse_links({root / edit_file: edit_file for edit_file in [*candidates, LOCK_PATH]})
    for edit_file, content in candidates.items():
        try:
            write_atomically(root / edit_file, content, shown=edit_file)
        except OSError as error:
            raise EtownError(f"cannot write {edit_file} ({error.strerror or error})") from error
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
        f"imported {display}: {len(edits)} {_names(language)[0]} text(s) changed in "
        f"{len(candidates)} file(s), "
        f"{len(confirmations)} confirmed unchanged",
    )


def _has_errors(problems: list[Problem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def _read_po(po_path: Path, display: str) -> tuple[list[PoEntry] | None, list[Problem]]:
    try:
        if not stat.S_ISREG(po_path.stat().st_mode):  # a pipe would be read for ever
            return None, [Problem(display, 0, 0, "", "cannot read the file: it is not a plain file")]
        with po_path.open("rb") as stream:
            raw = stream.read(MAX_PO_BYTES + 1)
    except OSError as error:
        return None, [Problem(display, 0, 0, "", f"cannot read the file ({error.strerror or error})")]
    if len(raw) > MAX_PO_BYTES:
        return None, [
            Problem(
                display, 0, 0, "",
                f"the file is larger than {MAX_PO_BYTES // 1_000_000} MB; an export of every text of the "
                "data is well under 1 MB (is it the right file?)",
            )
        ]  # fmt: skip
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(display, line, 1, "", "not UTF-8 text; save the PO file as UTF-8")]
    return read_po(text.removeprefix("\ufeff"), display)


def _entries(
    entries: list[PoEntry], result: Review, display: str, language: str
) -> tuple[list[_Edit], list[Reviewed], list[Problem]]:
    by_key = {item.translation.key: item for item in result.items if item.translation.language == language}
    name, source_name = _names(language)
    seen: dict[str, int] = {}
    edits: list[_Edit] = []
    confirmations: list[Reviewed] = []
    problems: list[Problem] = []

    def problem(line: int, message: str, severity: Any = "error") -> None:
        problems.append(Problem(display, line, 1, "", message, severity))

    for entry in entries:
        line = entry.lines.get("msgctxt", entry.line)
        msgstr_line = entry.lines["msgstr"]
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
                entry.lines["msgid"],
                f"the {source_name} is no longer this in {translation.file.display_path} (now: "
                f"{shorten(translation.source.strip(), 60)}); export again and carry the {name} over",
            )
            continue
        if entry.fuzzy:
            if entry.msgstr != translation.text:
                problem(
                    line,
                    "the entry is still marked fuzzy, so it was not imported; remove the fuzzy flag "
                    f"once the {name} is revised",
                    "warning",
                )
            continue
        if entry.msgstr == translation.text:
            if item.state == "outdated":  # no longer fuzzy: the translator confirms it
                confirmations.append(item)
            continue
        message = _unwritable(entry.msgstr, name)
        if message:
            problem(msgstr_line, message)
            continue
        edits.append(_Edit(item, entry.msgstr, msgstr_line))
    return edits, confirmations, problems


def _unwritable(text: str, name: str) -> str | None:
    """Why a translated text (in the language ``name``) cannot go into the data as it is, by the
    rules ``etown check`` reads the data with (its characters, its length and lines), and white
    space at its ends (which the page drops, so the next export would differ from the file)."""
    if not text.strip():
        return f"the {name} is empty; translate the text (or leave the entry out)"
    refusal = markdown_problem(text)
    if refusal is not None:
        return f"the {name}: {refusal}"
    forbidden = forbidden_character(text)
    if forbidden is not None:
        at, what = forbidden
        return f"{what} at character {at + 1} of the {name}; data files cannot hold it: delete it"
    if text != text.strip():
        return f"the {name} starts or ends with white space; remove it"
    return None


def _rewritten_files(root: Path, edits: list[_Edit], display: str) -> tuple[dict[str, bytes], list[Problem]]:
    """Each data file the edits change, as it would be written: every edit made in place, and
    every other byte (line ends included) as it is."""
    by_file: dict[str, list[_Edit]] = {}
    for edit in edits:
        by_file.setdefault(edit.item.translation.file.display_path, []).append(edit)
    candidates: dict[str, bytes] = {}
    problems: list[Problem] = []
    for file_path, file_edits in by_file.items():
        try:
            text = (root / file_path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise EtownError(f"cannot read {file_path} ({error})") from error
        loaded = file_edits[0].item.translation.file
        spans = scalar_spans(text)
        ordered = sorted(file_edits, key=lambda edit: spans[_path(edit)].start, reverse=True)
        columns = {_path(edit): loaded.source_map.keys.get(_path(edit), (1, 1))[1] for edit in ordered}
        at_once = _replaced_at_once(text, spans, [(_path(edit), edit.text) for edit in ordered], columns)
        if at_once is not None:
            candidates[file_path] = at_once.encode("utf-8")
            continue
        for edit in ordered:  # one at a time, each read back whole: slower, and says which fails
            try:
                text = replace_scalar(text, _path(edit), edit.text, columns[_path(edit)])
            except EtownError as error:
                problems.append(Problem(display, edit.line, 1, "", str(error)))
        candidates[file_path] = text.encode("utf-8")
    return candidates, problems


def _replaced_at_once(
    text: str, spans: dict[PathKey, ScalarSpan], edits: list[tuple[PathKey, str]], columns: dict[PathKey, int]
) -> str | None:
    """``text`` with every edit made in the style its scalar had, read back once: the same as
    replace_scalar edit by edit when each first way of writing holds (as it nearly always does),
    in one reading of the file instead of two for every edit (a file of 200 edited texts took
    20 s). None when the file read back is not what it should be: the caller goes edit by edit.
    ``edits`` run from the end of the file to its start, so each leaves the others' spans valid."""
    expected = yaml.load(text, Loader=TreeLoader)
    line_end = line_end_of(text)
    rewritten = text
    for path, value in edits:
        _set(expected, path, value)
        span = spans[path]
        way = _candidates(text, span, value, columns[path], line_end)[0]
        rewritten = rewritten[: span.start] + way + rewritten[span.end :]
    try:
        return rewritten if yaml.load(rewritten, Loader=TreeLoader) == expected else None
    except yaml.YAMLError:
        return None


def _set(data: Any, path: PathKey, value: str) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _path(edit: _Edit) -> PathKey:
    translation = edit.item.translation
    return (*translation.path, translation.language)


def _checked(root: Path, candidates: dict[str, bytes], edits: list[_Edit], display: str) -> list[Problem]:
    """The problems ``etown check`` would find once the files are written: those of an edited
    text at its PO line, the others where check would put them."""
    sections = {Path(file_path).stem: content for file_path, content in candidates.items()}
    _, found = Pipeline(root, candidates=sections).validated()
    by_field = {(edit.item.translation.file.display_path, edit.field): edit for edit in edits}
    problems: list[Problem] = []
    for problem in found:
        edit = by_field.get((problem.file, problem.field))
        if edit is not None:
            problems.append(Problem(display, edit.line, 1, "", problem.message, problem.severity))
        elif problem.severity == "error" and problem.file in candidates:
            said = f"{problem.message} (in {problem.file} as the import would write it)"
            problems.append(replace(problem, message=said))
        elif problem.severity == "error":
            problems.append(problem)
    return problems


# --- rewriting one scalar in place -------------------------------------------------------------

# Not ruamel.yaml's round trip: it keeps the bytes of an unchanged file only with its sequence
# indentation set per file (notes.yaml indents its lists unlike the others), and no line width
# both keeps the long one-line texts as they are and wraps an edited folded text as the data
# files wrap theirs: at 4096 it writes each edited folded text on one line. It also took 5x as
# long (the measurements are in the commit that added this comment).


def replace_scalar(text: str, path: PathKey, value: str, key_column: int) -> str:
    """``text`` with the scalar at ``path`` holding ``value``, written in the style it had where
    that style can hold it (else double-quoted), and every other byte as it was.

    Each way of writing it is checked by reading the whole file back: the value at ``path`` must
    be ``value`` and everything else what it was."""
    spans = scalar_spans(text)
    span = spans[path]
    before = yaml.load(text, Loader=TreeLoader)
    expected = _with(before, path, value)
    line_end = line_end_of(text)
    for candidate in _candidates(text, span, value, key_column, line_end):
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
    _set(copy, path, value)
    return copy


def _candidates(text: str, span: ScalarSpan, value: str, key_column: int, line_end: str) -> list[str]:
    """Ways to write ``value`` in place of the scalar ``span``, the most like it first, with the
    file's ``line_end``."""
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
            candidates.append(_folded(value, indent, trailing, line_end))
        else:
            chomp = "|" if value.endswith("\n") else "|-"
            lines = value.removesuffix("\n").split("\n")
            body = line_end.join(" " * indent + line for line in lines)
            candidates.append(chomp + line_end + body + trailing)
    elif span.style is None:  # plain while it fits on its line, else folded like the long texts
        if key_column + len(value) + 2 > _LONGEST_PLAIN and not span.in_flow:
            candidates.append(_folded(value, key_column + 1, "", line_end))
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


def _folded(value: str, indent: int, trailing: str, line_end: str) -> str:
    """A folded block scalar (``>-``) wrapped like the data files; folding joins its lines with
    single spaces, so only a value with single spaces between words reads back the same (the
    caller checks)."""
    chomp = ">" if value.endswith("\n") else ">-"
    lines = textwrap.wrap(value, width=WRAP, break_long_words=False, break_on_hyphens=False)
    return chomp + line_end + line_end.join(" " * indent + line for line in lines) + trailing
