"""Stage 2: turn loaded YAML into checked models, or into a list of problems with positions.

Three layers, each reporting everything it finds: the schema of every file (pydantic, its
messages reworded for people who edit YAML), the provenance of every quote (the seed), and the
cross-checks a schema cannot express.
"""

import difflib
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from etown.consistency import check_consistency
from etown.evidence import check_evidence
from etown.languages import AUTHORED_NAMES as LANGUAGE_NAMES
from etown.languages import by_code
from etown.load import LoadedFile, PathKey
from etown.markdown_limits import MAX_MARKDOWN_MARKS, markdown_marks, markdown_problem
from etown.problems import Problem, field_path, shorten
from etown.provenance import HintBudget, Seed
from etown.records import Record, RecordIndex, note_flag, records_in
from etown.references import check_references, cycles
from etown.schema import (
    CoverageFile,
    EconomyFile,
    Fact,
    HistoryFile,
    Industry,
    InstitutionNumber,
    InstitutionsFile,
    LeadershipFile,
    NotesFile,
    OverviewFile,
    PartialDate,
    Quantity,
    Slug,
    TermsFile,
    fields_of,
)
from etown.sections import NOTES, SECTION_NAMES, SiteData, section_named
from etown.units import UNITS
from etown.wording import WordingMemo, check_wording
from etown.wording_in_quote import check_wording_in_quote

GROWTH_RANGE = (Decimal(-100), Decimal(1000))
"""Growth rates (in %) outside this range are almost surely typos, unless a note says otherwise."""
SHARE_RANGE = (Decimal(0), Decimal(100))
REQUIRED_INFOBOX_KEYS = ("foreign_name", "seat", "postal_code")
"""The key facts every page's schema.org description is made of (``metadata.json_ld``)."""


@dataclass
class ValidationResult:
    data: SiteData | None
    problems: list[Problem]


@dataclass(frozen=True)
class FileResult:
    """One file's model (None when its schema failed) and its own problems."""

    model: BaseModel | None
    problems: list[Problem]
    unless_noted: list[tuple[str, Problem]] = field(default_factory=list)
    """Problems a note of data/notes.yaml acknowledges when it touches the record (by ref):
    a part larger than its whole, a share beyond 100 % — if the seed itself says so."""
    records: list[Record] = field(default_factory=list)
    """The records of the model (walked once here, used again by the checks across files)."""
    ids: list[tuple[PathKey, str]] = field(default_factory=list)
    """Every ``id`` the file gives, where it gives it: what the check across files needs of the
    loaded tree, which can then be let go (the models hold the data)."""


def validate(files: dict[str, LoadedFile], seed: Seed) -> ValidationResult:
    budget = HintBudget()
    results = {name: validate_file(loaded, seed, budget) for name, loaded in files.items()}
    return combine(results, files, seed=seed)


def validate_file(loaded: LoadedFile, seed: Seed, budget: HintBudget | None = None) -> FileResult:
    """Everything that can be checked within one file (``etown serve`` redoes only the edited one);
    ``budget`` is what the closest-passage hints of the run may still spend."""
    misquoted = list(check_provenance(loaded, seed, budget if budget is not None else HintBudget()))
    problems = [*misquoted, *check_text(loaded)]
    model, schema_problems = check_schema(loaded)
    problems.extend(schema_problems)
    unless_noted: list[tuple[str, Problem]] = []
    records: list[Record] = []
    if model is not None:
        records = list(records_in(loaded.name, model))
        problems.extend(cross_check(loaded, model))
        problems.extend(check_evidence(loaded, model, records))
        problems.extend(
            check_wording_in_quote(loaded, model, records, {problem.field for problem in misquoted})
        )
        unless_noted = list(implausible(loaded, model))
    return FileResult(model, problems, unless_noted, records, record_ids(loaded.data))


def combine(
    results: dict[str, FileResult],
    files: dict[str, LoadedFile],
    wording: WordingMemo | None = None,
    seed: Seed | None = None,
) -> ValidationResult:
    """The per-file results plus the checks that span files, as one site or one list of problems.
    ``files`` need not hold their loaded trees any more where ``results`` has the file; ``wording``
    keeps the wording findings of files unchanged since the last call; ``seed`` is the source,
    whose clauses the periods must follow."""
    problems = [problem for result in results.values() for problem in result.problems]
    ids = {
        name: results[name].ids if name in results else record_ids(loaded.data)
        for name, loaded in files.items()
    }
    problems.extend(check_unique_ids((loaded, ids[name]) for name, loaded in files.items()))
    models = {name: result.model for name, result in results.items() if result.model is not None}
    if set(models) == set(SECTION_NAMES):
        problems.extend(check_references(models, files, _records(results, models)))
        problems.extend(check_consistency(models, files, _records(results, models), seed))
        problems.extend(check_wording(models, files, wording))
        noted = {
            ref
            for note in cast(NotesFile, models[NOTES.name]).notes
            if note_flag(note) in {"conflict", "sic"}
            for ref in note.touches
        }
        problems.extend(problem for ref, problem in _unless_noted(results) if ref not in noted)
    complete = set(models) == set(SECTION_NAMES)
    data = None
    if complete and not _has_errors(problems):
        ordered = {name: models[name] for name in SECTION_NAMES}
        data = SiteData(ordered, index=RecordIndex(ordered, _records(results, ordered)))
    return ValidationResult(data, sorted(problems))


def _records(results: dict[str, FileResult], models: dict[str, BaseModel]) -> list[Record]:
    """The records of ``models``, in their order, as each file's check walked them."""
    return [record for name in models for record in results[name].records]


def _unless_noted(results: dict[str, FileResult]) -> Iterator[tuple[str, Problem]]:
    for result in results.values():
        yield from result.unless_noted


def _has_errors(problems: list[Problem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def _raw_at(data: Any, path: PathKey) -> Any:
    """The value as loaded at ``path``, or None where there is none."""
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


# --- schema ---------------------------------------------------------------------------------------


def check_schema(loaded: LoadedFile) -> tuple[BaseModel | None, list[Problem]]:
    section = section_named(loaded.name)
    assert section is not None, loaded.name
    model_type = section.model
    try:
        return model_type.model_validate(loaded.data), []
    except ValidationError as error:
        details = error.errors(include_url=False)
        return None, [_schema_problem(loaded, model_type, detail) for detail in details]


def _schema_problem(loaded: LoadedFile, model_type: type[BaseModel], detail: Any) -> Problem:
    path: PathKey = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "missing":  # nothing to point at: point at the mapping that lacks it
        line, column = loaded.source_map.locate(path[:-1])
    else:
        line, column = loaded.source_map.locate(path, at_key=kind == "extra_forbidden")
    message = _explain(kind, path, detail, model_type, loaded.data)
    return Problem(loaded.display_path, line, column, field_path(path), message)


def _explain(kind: str, path: PathKey, detail: Any, model_type: type[BaseModel], data: Any) -> str:
    """Pydantic's error, said in the words of someone editing a YAML file."""
    value = detail.get("input")
    if kind == "missing":
        return _missing(path, model_type, data)
    if kind == "extra_forbidden":
        return _unknown_field(path, model_type, _raw_at(data, path))
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        model = _model_at(model_type, path)
        fields = [name for name, info in model.model_fields.items() if info.is_required()] if model else []
        expected = f"a mapping with the fields {', '.join(fields)}" if fields else "a mapping of fields"
        return _wrong_shape(expected, value)
    if kind == "list_type":
        return _wrong_shape("a list (one item per line, each starting with '- ')", value)
    if kind == "string_type":
        return _wrong_shape("text", value)
    if kind.startswith("decimal") or kind in {"finite_number", "float_parsing", "float_type"}:
        return _wrong_shape(
            "a number such as 2456.4 or -3 (digits and a point, no unit or thousands separator)",
            value,
        )
    if kind == "literal_error":
        return _not_a_choice(path, model_type, value)
    if kind == "string_pattern_mismatch":
        return _pattern_mismatch(detail["ctx"]["pattern"], value)
    if kind == "string_too_short":
        return _too_short(path, detail["ctx"]["min_length"], value)
    message = str(detail["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"{message}{_got(value)}" if isinstance(value, str) else message


def _got(value: Any) -> str:
    if value == "":
        return ""
    if isinstance(value, dict):
        return " (got: a mapping)"
    if isinstance(value, list):
        return " (got: a list)"
    return f" (got: {shorten(value)})" if isinstance(value, str) else ""


def _wrong_shape(expected: str, value: Any) -> str:
    if value == "":
        return f"the value is empty; expected {expected}"
    return f"expected {expected}{_got(value)}"


def _missing(path: PathKey, model_type: type[BaseModel], data: Any) -> str:
    name = path[-1]
    parent = _model_at(model_type, path[:-1])
    if (
        isinstance(name, str)
        and name in LANGUAGE_NAMES
        and parent
        and set(LANGUAGE_NAMES) <= set(parent.model_fields)
    ):
        twin = by_code(name).twin or ""
        twin_text = _raw_at(data, (*path[:-1], twin))
        given = (
            f" (the {LANGUAGE_NAMES[twin]} is: {shorten(twin_text)})"
            if isinstance(twin_text, str) and twin in LANGUAGE_NAMES
            else ""
        )
        return f"the {LANGUAGE_NAMES[name]} translation is missing{given}"
    return f"the required field {name!r} is missing"


def _unknown_field(path: PathKey, model_type: type[BaseModel], value: Any) -> str:
    name = str(path[-1])
    parent = _model_at(model_type, path[:-1])
    allowed = list(parent.model_fields) if parent else []
    if (value == "" and _CHINESE.search(name)) or (value == "" and " " in name):
        return (
            f"unknown field {name!r}: this looks like the rest of a text that a comma cut short "
            "(inside { } a comma ends the text): put the whole text in quotes"
        )
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.5 if len(name) <= 3 else 0.6)
    if close:
        return f"unknown field {name!r}; did you mean {close[0]!r}?"
    if not allowed:
        return f"unknown field {name!r}"
    return f"unknown field {name!r}; the fields allowed here are: {', '.join(allowed)}"


def _not_a_choice(path: PathKey, model_type: type[BaseModel], value: Any) -> str:
    choices = [str(choice) for choice in _literal_choices(_annotation_at(model_type, path))]
    if not isinstance(value, str):
        return f"expected one of: {', '.join(choices)}{_got(value)}"
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.3 if path[-1] == "unit" else 0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    if path[-1] == "unit":
        return f"unknown unit {value!r}{hint} (the units are: {' '.join(choices)})"
    return f"{value!r} is not allowed here{hint} (choose one of: {', '.join(choices)})"


def _pattern_of(annotated: Any) -> str:
    return str(next(meta.pattern for meta in typing.get_args(annotated)[1:] if hasattr(meta, "pattern")))


_PATTERN_WORDING = {
    _pattern_of(Slug): "an id is written in lower-case letters, digits and single hyphens, "
    "like 'state-council-approval'",
    _pattern_of(InstitutionNumber): "a number is written with two digits, like 01 or 12",
}


def _pattern_mismatch(pattern: str, value: Any) -> str:
    wording = _PATTERN_WORDING.get(pattern, f"the value does not match the pattern {pattern}")
    if pattern == _pattern_of(Slug) and isinstance(value, str):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", value.lower()))
        if suggestion and suggestion != value:
            return f"{wording}; did you mean {suggestion!r}?{_got(value)}"
    return f"{wording}{_got(value)}"


def _too_short(path: PathKey, min_length: int, value: Any) -> str:
    name = path[-1] if path else ""
    if min_length <= 1 and isinstance(name, str) and name in LANGUAGE_NAMES:
        return f"the {LANGUAGE_NAMES[name]} text is empty"
    if min_length <= 1:
        return "the value is empty"
    return f"too short: at least {min_length} characters are needed{_got(value)}"


# The schema's annotations, walked along a path, to word messages for the field at hand.


def _annotation_at(model_type: type[BaseModel], path: PathKey) -> Any:
    annotation: Any = model_type
    for part in path:
        annotation = _child_annotation(annotation, part)
        if annotation is None:
            return None
    return annotation


def _child_annotation(annotation: Any, part: str | int) -> Any:
    for option in _options(annotation):
        if isinstance(part, int) and typing.get_origin(option) is list:
            return typing.get_args(option)[0]
        if isinstance(part, str) and _is_model(option) and part in option.model_fields:
            return option.model_fields[part].annotation
    return None


def _options(annotation: Any) -> list[Any]:
    """The alternatives of an optional or union annotation, without ``Annotated`` metadata."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _options(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [option for argument in typing.get_args(annotation) for option in _options(argument)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _model_at(model_type: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    return next((option for option in _options(_annotation_at(model_type, path)) if _is_model(option)), None)


def _literal_choices(annotation: Any) -> list[Any]:
    return [
        choice
        for option in _options(annotation)
        if typing.get_origin(option) is typing.Literal
        for choice in typing.get_args(option)
    ]


# --- provenance -----------------------------------------------------------------------------------


QUOTE_FIELDS = {"source", "sources", "stated_by", "passage"}
"""Fields that hold verbatim passages of the seed."""


def check_provenance(loaded: LoadedFile, seed: Seed, budget: HintBudget) -> Iterator[Problem]:
    for path, quote, _ in _text_fields(loaded.data, (), QUOTE_FIELDS):
        if not quote.strip() or seed.contains(quote):
            continue
        line, column = loaded.source_map.locate(path)
        yield Problem(
            loaded.display_path, line, column, field_path(path),
            f"this quote is not in {seed.display_path} (got: {shorten(quote)}); {seed.hint(quote, budget)}",
        )  # fmt: skip


def _text_fields(node: Any, path: PathKey, keys: set[str]) -> Iterator[tuple[PathKey, str, dict[str, Any]]]:
    """Every text value under one of ``keys`` in a loaded tree, with the mapping that holds it."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                yield (*path, key), value, node
            elif key in keys and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*path, key, index), item, node
            else:
                yield from _text_fields(value, (*path, key), keys)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _text_fields(item, (*path, index), keys)


# --- text that will not show as meant (warnings) -------------------------------------------------

_HTML = re.compile(r"<!--|</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")
_LINK_SCHEME = re.compile(r"\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto"}
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def check_text(loaded: LoadedFile) -> Iterator[Problem]:
    """Refuse texts too long or too deeply nested to render safely, and more Markdown in one file
    than renders quickly; warn about HTML, unsafe links and untranslated English."""
    marks, too_many = 0, False
    for path, text, holder in _text_fields(loaded.data, (), set(LANGUAGE_NAMES)):
        twin = holder.get(by_code(path[-1]).twin or "") if isinstance(path[-1], str) else None
        stripped = text.strip()
        refusal = markdown_problem(stripped)
        marks += markdown_marks(stripped) if refusal is None else 0
        if refusal is None and marks > MAX_MARKDOWN_MARKS and not too_many:
            too_many = True  # said once per file, at the text that goes over
            refusal = (
                f"with this text, the texts of the file use Markdown's marks (* _ ` [ ] < > & ! \\ and "
                f"line breaks) more than {MAX_MARKDOWN_MARKS:,} times, which etown cannot render quickly; "
                "use fewer"
            )
        message = refusal or _text_warning(path[-1], text, twin)
        if message:
            yield loaded.problem_at(path, message, "error" if refusal else "warning")


def _text_warning(language: str | int, text: str, twin: Any) -> str | None:
    html = _HTML.search(text)
    if html:
        return (
            f"this looks like HTML ({shorten(html.group(), 30)}); HTML is never put on the page as "
            "HTML: write Markdown instead (**bold**, *italic*, [text](https://…))"
        )
    scheme = _LINK_SCHEME.search(text)
    if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES:
        return (
            f"a link to {scheme.group(1)}: will be removed; links may go to http(s), mailto "
            "or a relative address"
        )
    if not isinstance(language, str):  # an item of a list of texts: no twin to compare
        return None
    written_in = by_code(language)
    if not written_in.writes_han and text == twin and _CHINESE.search(text):
        twin_name = LANGUAGE_NAMES[written_in.twin or ""]
        return f"the {written_in.english_name} text is a copy of the {twin_name}; translate it"
    return None


# --- cross-checks ---------------------------------------------------------------------------------

Finding = tuple[PathKey, str]


def cross_check(loaded: LoadedFile, model: BaseModel) -> Iterator[Problem]:
    """What a schema cannot see: order, numbering, references within the file, plain numbers."""
    findings: list[Finding] = []
    if isinstance(model, HistoryFile):
        findings += _history_in_order(model)
    if isinstance(model, LeadershipFile):
        findings += _members_are_people(model)
    if isinstance(model, InstitutionsFile):
        findings += _institutions_numbered(model)
    if isinstance(model, OverviewFile):
        findings += _key_facts_complete(model)
    if isinstance(model, EconomyFile) and not model.industries:
        findings.append(
            (("industries",), "the list of leading industries is empty; the economy page needs one")
        )
    if isinstance(model, TermsFile):
        findings += _terms_once(model, loaded)
    if isinstance(model, CoverageFile):
        findings += _passages_skipped_once(model, loaded)
    models = list(_models(model, ()))
    facts = [(path, node) for path, node in models if isinstance(node, Fact)]
    findings += _parts_exist(facts)
    for path, message in findings:
        yield loaded.problem_at(path, message)


def implausible(loaded: LoadedFile, model: BaseModel) -> Iterator[tuple[str, Problem]]:
    """Numbers that are surely typos unless the seed itself says so (then a note touching the
    record acknowledges it): a part larger than its whole, a share beyond 0–100 %, growth
    beyond −100…+1000 %. Each with the ref of the record a note would touch."""
    models = list(_models(model, ()))
    facts = [(path, node) for path, node in models if isinstance(node, Fact)]
    industries = [(path, node) for path, node in models if isinstance(node, Industry)]
    findings = [*_parts_within_wholes(facts), *_shares_in_range(facts, industries), *_growth_plausible(facts)]
    for ref, path, message in findings:
        yield ref, loaded.problem_at(path, message)


def record_ids(data: Any) -> list[tuple[PathKey, str]]:
    """Every ``id`` of a loaded tree, where it stands, in the order of the file."""
    return [(path, record_id) for path, record_id, _ in _text_fields(data, (), {"id"})]


def check_unique_ids(files: Iterable[tuple[LoadedFile, list[tuple[PathKey, str]]]]) -> Iterator[Problem]:
    """An id names one record in the whole site (it becomes a page anchor and a link target).
    ``files``: each file with its ids (``record_ids``)."""
    seen: dict[str, tuple[LoadedFile, PathKey]] = {}
    for loaded, ids in sorted(files, key=lambda file: file[0].display_path):
        for path, record_id in ids:
            if record_id not in seen:
                seen[record_id] = (loaded, path)
                continue
            first, first_path = seen[record_id]
            first_line = first.source_map.locate(first_path)[0]
            where = f"line {first_line}" if first is loaded else f"{first.display_path}:{first_line}"
            line, column = loaded.source_map.locate(path)
            yield Problem(
                loaded.display_path, line, column, field_path(path),
                f"the id {record_id!r} is already used at {where} ({field_path(first_path)}); "
                "ids must be unique across all data files",
            )  # fmt: skip


def _models(node: Any, path: PathKey) -> Iterator[tuple[PathKey, BaseModel]]:
    """Every model in a checked file (records, quantities, texts), with its path."""
    if isinstance(node, BaseModel):
        yield path, node
        for name, value in fields_of(node):
            yield from _models(value, (*path, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _models(item, (*path, index))


def _history_in_order(history: HistoryFile) -> Iterator[Finding]:
    for index, (earlier, later) in enumerate(zip(history.events, history.events[1:], strict=False)):
        if _before(later.date, earlier.date):
            yield (
                ("events", index + 1, "date"),
                f"this event ({later.date}) is dated before the one above it ({earlier.date}, "
                f"{earlier.id!r}); keep the history in chronological order",
            )


def _before(first: PartialDate, second: PartialDate) -> bool:
    """Whether ``first`` is surely earlier: 1992-04 is not before 1992-04-08, nor after it."""
    precision = min(len(str(first)), len(str(second)))
    return str(first)[:precision] < str(second)[:precision]


def _members_are_people(leadership: LeadershipFile) -> Iterator[Finding]:
    people = {person.id for person in leadership.people}
    for body_index, body in enumerate(leadership.bodies):
        for member_index, member in enumerate(body.members):
            if member.person not in people:
                close = difflib.get_close_matches(member.person, sorted(people), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                yield (
                    ("bodies", body_index, "members", member_index, "person"),
                    f"no person with the id {member.person!r} in people{hint}",
                )


def _institutions_numbered(institutions: InstitutionsFile) -> Iterator[Finding]:
    for group_index, group in enumerate(institutions.groups):
        for index, institution in enumerate(group.institutions):
            expected = f"{index + 1:02d}"
            if institution.number != expected:
                yield (
                    ("groups", group_index, "institutions", index, "number"),
                    "institutions are numbered 01, 02, … without gaps within each group; "
                    f"expected {expected} (got: {institution.number})",
                )
                break  # one wrong number shifts all after it: report the first only


def _key_facts_complete(overview: OverviewFile) -> Iterator[Finding]:
    if not overview.introduction:
        yield (
            ("introduction",),
            "the introduction is empty; every page describes the area with its first passage",
        )
    seen: dict[str, int] = {}
    for index, row in enumerate(overview.infobox):
        if row.key in seen:
            yield (
                ("infobox", index, "key"),
                f"the key fact {row.key!r} is already given in infobox[{seen[row.key]}]; give each once",
            )
        seen.setdefault(row.key, index)
    missing = [key for key in REQUIRED_INFOBOX_KEYS if key not in seen]
    if missing:
        yield (
            ("infobox",),
            f"the key facts lack {', '.join(missing)}; every page's description for search engines "
            "is made of them",
        )


def _parts_exist(facts: list[tuple[PathKey, Fact]]) -> Iterator[Finding]:
    """Every whole a part names, and every figure one is added to, is a fact of the file, and no
    chain of wholes comes back to where it began."""
    ids = {fact.id for _, fact in facts}  # a set: in a list, the lookups grew with the square of the facts
    for path, fact in facts:
        for relation in ("part_of", "added_to"):
            target = getattr(fact, relation)
            if target is not None and target not in ids:
                close = difflib.get_close_matches(target, sorted(ids), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                yield (*path, relation), f"no fact with the id {target!r} in this file{hint}"
    wholes = {fact.id: fact.part_of or fact.added_to for _, fact in facts}
    by_id = {fact.id: (path, fact) for path, fact in facts}
    for cycle in cycles(wholes):  # each once, at its member that comes first
        path, fact = by_id[cycle[0]]
        relation = "part_of" if fact.part_of is not None else "added_to"
        further = ", however far down" if len(cycle) > 1 else ""
        yield (
            (*path, relation),
            f"{' → '.join([*cycle, cycle[0]])}: a figure cannot be a part of itself{further}",
        )


def _terms_once(terms: TermsFile, loaded: LoadedFile) -> Iterator[Finding]:
    """A Chinese name has one English name: a term listed twice is a contradiction (or, with the
    same English, a copy that an edit of one would turn into one)."""
    for index, first in _repeats([term.zh for term in terms.terms]):
        term, earlier = terms.terms[index], terms.terms[first]
        line = loaded.source_map.locate(("terms", first, "zh"))[0]
        if earlier.en != term.en:
            message = (
                f"{term.zh} is already listed at line {line} with the English “{earlier.en}”, and here "
                f"with “{term.en}”; a name has one official English name: keep one entry"
            )
        else:
            message = f"{term.zh} is already listed at line {line}; list each term once"
        yield ("terms", index, "zh"), message


def _passages_skipped_once(coverage: CoverageFile, loaded: LoadedFile) -> Iterator[Finding]:
    """A passage is left out for one reason: listed twice, it is left out for two (or one twice)."""
    for index, first in _repeats([entry.passage for entry in coverage.skip]):
        entry, earlier = coverage.skip[index], coverage.skip[first]
        line = loaded.source_map.locate(("skip", first, "passage"))[0]
        if earlier.reason != entry.reason:
            message = (
                f"this passage is already skipped at line {line} for another reason; a passage is left "
                "out for one reason: keep one entry"
            )
        else:
            message = f"this passage is already skipped at line {line}; list each passage once"
        yield ("skip", index, "passage"), message


def _repeats(keys: list[str]) -> Iterator[tuple[int, int]]:
    """Each key that came before, as (its index, the index of its first occurrence)."""
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if first.setdefault(key, index) != index:
            yield index, first[key]


NotedFinding = tuple[str, PathKey, str]
"""The ref of the record a note may acknowledge it on, where, and what."""

_ACKNOWLEDGE = (
    "if the seed says so, add a note to data/notes.yaml that touches this record "
    "(of a kind that flags a conflict, or with flag: sic)"
)


def _parts_within_wholes(facts: list[tuple[PathKey, Fact]]) -> Iterator[NotedFinding]:
    """No part is larger than its whole, and the parts listed under a whole, one way of dividing
    it at a time (its ``breakdown``), add up to no more than the whole. Facts in a circle of
    part_of are reported as a circle, and left out here."""
    by_id = {fact.id: (path, fact) for path, fact in facts}
    circular = {ref for cycle in cycles({fact.id: fact.part_of for _, fact in facts}) for ref in cycle}
    groups: dict[tuple[str, object], list[Fact]] = {}
    for path, fact in facts:
        if fact.id in circular:  # a part of a circle is larger than some whole
            continue
        whole = by_id[fact.part_of][1] if fact.part_of in by_id else None
        if whole is None or fact.value is None or whole.value is None:
            continue
        if not _comparable(fact.value, whole.value):
            continue
        if _amount(fact.value) > _amount(whole.value):
            yield (
                fact.id,
                (*path, "value"),
                f"a part ({fact.value.value} {fact.value.unit}) is larger than its whole "
                f"{whole.id!r} ({whole.value.value} {whole.value.unit}); {_ACKNOWLEDGE}",
            )
            continue
        key = (whole.id, fact.breakdown["en"] if fact.breakdown is not None else None)
        groups.setdefault(key, []).append(fact)
    for (whole_id, _), parts in groups.items():
        whole_path, whole = by_id[whole_id]
        assert whole.value is not None
        total = sum((_amount(part.value) for part in parts if part.value), Decimal(0))
        if len(parts) < 2 or total <= _amount(whole.value):
            continue
        listed = " + ".join(f"{part.value.value}" for part in parts if part.value)
        yield (
            whole.id,
            (*whole_path, "value"),
            f"the parts listed under this figure add up to more than it ({listed} = "
            f"{_shown_amount(total, whole.value)} > {whole.value.value} {whole.value.unit}: "
            f"{', '.join(repr(part.id) for part in parts)}); if the seed says so, add a note to "
            "data/notes.yaml that touches this record (of a kind that flags a conflict); if the "
            "source adds a figure to this one rather than counting it within it, say added_to "
            "instead of part_of",
        )


def _shown_amount(amount: Decimal, unit_of: Quantity) -> str:
    return f"{(amount / UNITS[unit_of.unit].scale).normalize():f} {unit_of.unit}"


def _comparable(first: Quantity, second: Quantity) -> bool:
    """Whether the two are counted in the same kind of unit (money with money, km² with km²)."""
    one, other = UNITS[first.unit], UNITS[second.unit]
    return (one.money, one.base) == (other.money, other.base)


def _amount(quantity: Quantity) -> Decimal:
    return quantity.value * UNITS[quantity.unit].scale


def _shares_in_range(
    facts: list[tuple[PathKey, Fact]], industries: list[tuple[PathKey, Industry]]
) -> Iterator[NotedFinding]:
    shares: list[tuple[str, PathKey, Quantity | None]] = [
        *((fact.id, (*path, "value"), fact.value) for path, fact in facts),
        *(
            (industry.id, (*path, "share_of_beijing"), industry.share_of_beijing)
            for path, industry in industries
        ),
    ]
    low, high = SHARE_RANGE
    for ref, path, share in shares:
        if share and share.unit == "%" and not low <= share.value <= high:
            yield (
                ref,
                (*path, "value"),
                f"a share must lie between 0 and 100 % (got: {share.value}); {_ACKNOWLEDGE}",
            )


def _growth_plausible(facts: list[tuple[PathKey, Fact]]) -> Iterator[NotedFinding]:
    low, high = GROWTH_RANGE
    for path, fact in facts:
        for name in ("growth", "growth_comparable"):
            growth: Quantity | None = getattr(fact, name)
            if growth and growth.unit == "%" and not low <= growth.value <= high:
                yield (
                    fact.id,
                    (*path, name, "value"),
                    f"a growth rate of {growth.value} % is not plausible (expected between "
                    f"{low} and +{high} %); {_ACKNOWLEDGE}",
                )
