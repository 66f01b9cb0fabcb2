"""Stage 2: turn loaded YAML into checked models, or into a list of problems with positions.

Three layers, each reporting everything it finds: the schema of every file (pydantic), the
provenance of every quote (the seed), and the cross-checks a schema cannot express.
"""

import difflib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from etown.load import LoadedFile, PathKey
from etown.problems import Problem, shorten
from etown.provenance import Seed
from etown.schema import (
    DATA_FILES,
    EconomyFile,
    Fact,
    FactsFile,
    HistoryFile,
    InstitutionsFile,
    LeadershipFile,
    OverviewFile,
    SocietyFile,
    VisionFile,
    DivisionsFile,
)


@dataclass(frozen=True)
class SiteData:
    """Everything the pages are made of, checked."""

    overview: OverviewFile
    history: HistoryFile
    divisions: DivisionsFile
    ecology: FactsFile
    population: FactsFile
    leadership: LeadershipFile
    institutions: InstitutionsFile
    economy: EconomyFile
    society: SocietyFile
    vision: VisionFile


@dataclass
class ValidationResult:
    data: SiteData | None
    problems: list[Problem]


def validate(files: dict[str, LoadedFile], seed: Seed) -> ValidationResult:
    problems: list[Problem] = []
    models: dict[str, BaseModel] = {}
    for name, loaded in files.items():
        problems.extend(check_provenance(loaded, seed))
        model, schema_problems = check_schema(loaded)
        problems.extend(schema_problems)
        if model is not None:
            models[name] = model
            problems.extend(cross_check(loaded, model))
    complete = set(models) == set(DATA_FILES)
    data = SiteData(**cast(dict[str, Any], models)) if complete and not _has_errors(problems) else None
    return ValidationResult(data, sorted(problems))


def _has_errors(problems: list[Problem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


# --- schema ----------------------------------------------------------------------------------

def check_schema(loaded: LoadedFile) -> tuple[BaseModel | None, list[Problem]]:
    model_type = DATA_FILES[loaded.name]
    try:
        return model_type.model_validate(loaded.data), []
    except ValidationError as error:
        return None, [_schema_problem(loaded, detail) for detail in error.errors()]


def _schema_problem(loaded: LoadedFile, detail: Any) -> Problem:
    path: PathKey = tuple(detail["loc"])
    kind = detail["type"]
    line, column = loaded.source_map.locate(path, at_key=kind == "extra_forbidden")
    field = _dotted(path)
    if kind == "extra_forbidden":
        message = f"unknown field {path[-1]!r}{_did_you_mean(str(path[-1]))}"
    elif kind == "missing":
        message = f"the field {path[-1]!r} is missing"
        field = _dotted(path[:-1])
    else:
        message = f"{_plain(detail['msg'])} (got: {shorten(detail.get('input'))})"
    return Problem(loaded.display_path, line, column, field, message)


def _plain(message: str) -> str:
    """Pydantic's wording, minus its "Value error, " prefixes."""
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _dotted(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _field_names(model: type[BaseModel]) -> Iterator[str]:
    for name, info in model.model_fields.items():
        yield name
        for candidate in _models_in(info.annotation):
            yield from _field_names(candidate)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()):
        yield from _models_in(argument)


@functools.cache
def _all_field_names() -> list[str]:
    return sorted({name for model in DATA_FILES.values() for name in _field_names(model)})


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, _all_field_names(), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- provenance ------------------------------------------------------------------------------


def check_provenance(loaded: LoadedFile, seed: Seed) -> Iterator[Problem]:
    for path, quote in _quotes(loaded.data, ()):
        if seed.contains(quote):
            continue
        line, column = loaded.source_map.locate(path)
        closest = seed.closest_passage(quote)
        hint = f"; the closest passage of the seed is: {shorten(closest, 80)}" if closest else ""
        yield Problem(
            loaded.display_path, line, column, _dotted(path),
            f"this quote is not in {seed.display_path} (got: {shorten(quote)}){hint}",
        )  # fmt: skip


def _quotes(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from _quotes(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _quotes(item, (*path, index))


# --- cross-checks ----------------------------------------------------------------------------


def cross_check(loaded: LoadedFile, model: BaseModel) -> Iterator[Problem]:
    def problem(path: PathKey, message: str) -> Problem:
        line, column = loaded.source_map.locate(path)
        return Problem(loaded.display_path, line, column, _dotted(path), message)

    yield from (problem(path, message) for path, message in _duplicate_ids(loaded.data, ()))
    checks = {
        HistoryFile: _history_in_order,
        LeadershipFile: _members_are_people,
        InstitutionsFile: _institutions_numbered,
    }
    for model_type, check in checks.items():
        if isinstance(model, model_type):
            yield from (problem(path, message) for path, message in check(model))
    facts = list(_facts_with_paths(model, ()))
    yield from (problem(path, message) for path, message in _parts_within_wholes(facts))
    yield from (problem(path, message) for path, message in _shares_in_range(facts))


Finding = tuple[PathKey, str]


def _duplicate_ids(node: Any, path: PathKey, seen: dict[str, PathKey] | None = None) -> Iterator[Finding]:
    seen = {} if seen is None else seen
    if isinstance(node, dict):
        record_id = node.get("id")
        if isinstance(record_id, str):
            if record_id in seen:
                yield (*path, "id"), f"the id {record_id!r} is already used at {_dotted(seen[record_id])}"
            else:
                seen[record_id] = path
        for key, value in node.items():
            yield from _duplicate_ids(value, (*path, key), seen)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _duplicate_ids(item, (*path, index), seen)


def _history_in_order(history: HistoryFile) -> Iterator[Finding]:
    for index, (earlier, later) in enumerate(zip(history.events, history.events[1:], strict=False)):
        if later.date < earlier.date:
            yield (
                ("events", index + 1, "date"),
                f"{later.date} comes after {earlier.date}; keep the history in chronological order",
            )


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
                    f"institutions are numbered consecutively from 01; expected {expected} "
                    f"(got: {institution.number})",
                )


def _facts_with_paths(node: Any, path: PathKey) -> Iterator[tuple[PathKey, Fact]]:
    if isinstance(node, Fact):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _facts_with_paths(getattr(node, name), (*path, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _facts_with_paths(item, (*path, index))


def _parts_within_wholes(facts: list[tuple[PathKey, Fact]]) -> Iterator[Finding]:
    by_id = {fact.id: fact for _, fact in facts}
    for path, fact in facts:
        if fact.part_of is None:
            continue
        whole = by_id.get(fact.part_of)
        if whole is None:
            yield (*path, "part_of"), f"no fact with the id {fact.part_of!r} in this file"
            continue
        if fact.value is None or whole.value is None or fact.notes:
            continue
        if _base_amount(fact) > _base_amount(whole):
            yield (
                (*path, "value"),
                f"a part ({fact.value.value} {fact.value.unit}) is larger than its whole "
                f"{whole.id!r} ({whole.value.value} {whole.value.unit}); if the seed says so, "
                "add a note acknowledging it",
            )


def _base_amount(fact: Fact) -> Decimal:
    from etown.units import UNITS

    assert fact.value is not None
    return fact.value.value * UNITS[fact.value.unit].scale


def _shares_in_range(facts: list[tuple[PathKey, Fact]]) -> Iterator[Finding]:
    for path, fact in facts:
        if fact.value and fact.value.unit == "%" and not fact.notes and not 0 <= fact.value.value <= 100:
            yield (*path, "value"), f"a share must lie between 0 and 100 % (got: {fact.value.value})"
