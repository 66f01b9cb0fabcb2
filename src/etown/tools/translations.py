"""The translation commands: ``etown translations update`` and ``confirm`` write the fingerprints
of the English texts (``data/translations.lock``; what they mean and how ``etown check`` reviews
them: ``etown.fingerprints``); ``export`` and ``import`` exchange the texts as PO files
(``exchange.py``), rewriting only the texts they change (``scalar_spans`` says where each stands).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from etown.files import write_project_file
from etown.fingerprints import (
    LOCK_PATH,
    Lock,
    Review,
    Reviewed,
    lock_text,
    outdated_problem,
    review,
)
from etown.languages import AUTHORED
from etown.load import PathKey
from etown.pipeline import Pipeline
from etown.problems import EtownError, Problem, UsageError, errors_only

try:  # the same parser the loader uses, for the same positions
    from yaml import CBaseLoader as EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as EventLoader  # type: ignore[assignment]


def write_lock(data_dir: Path, lock: Lock) -> None:
    """Write the lock file (atomically, keeping its line ends)."""
    write_project_file(data_dir.parent, LOCK_PATH, lock_text(lock))


# --- the commands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a translations command did: problems to show, a sentence to end with, and whether it
    failed (nothing written)."""

    problems: list[Problem]
    message: str
    failed: bool = False


def _reviewed(root: Path) -> tuple[Review, list[Problem]]:
    files, problems = Pipeline(root).loaded()
    result = review(root / "data", files)
    if result.lock_problems:
        raise _Failed(result.lock_problems)
    return result, problems


class _Failed(EtownError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("the lock file cannot be read", problems)


def _project_errors(root: Path) -> list[Problem]:
    """The errors ``etown check`` would find in the data (a fingerprint of a text check refuses
    records nothing worth keeping): the command writes nothing while there are any."""
    _, problems = Pipeline(root).validated()
    return errors_only(problems)


def update(root: Path) -> Outcome:
    """Record new and edited texts, drop entries of texts that are gone; outdated ones stay."""
    try:
        result, problems = _reviewed(root)
    except _Failed as failed:
        return Outcome(failed.problems, "fix the lock file first; nothing was written", failed=True)
    errors = _project_errors(root)
    if errors:
        return Outcome(errors, "fix these first; nothing was written", failed=True)
    lock = result.lock
    recorded = 0
    for item in result.items:
        if item.state in {"new", "edited"}:
            lock.entries[item.translation.key] = item.translation.fingerprint()
            recorded += 1
    for key in result.orphans:
        del lock.entries[key]
    write_lock(root / "data", lock)
    outdated = result.outdated()
    message = (
        f"recorded {recorded} fingerprint(s), removed {len(result.orphans)} of texts that are gone; "
        f"{LOCK_PATH} holds {len(lock.entries)}"
    )
    if outdated:
        message += (
            f"; {len(outdated)} translation(s) listed above may be out of date: update each English, "
            "or confirm it with `etown translations confirm FILE:LINE`"
        )
    return Outcome([*problems, *(outdated_problem(item) for item in outdated)], message)


def confirm(root: Path, targets: list[str], *, everything: bool) -> Outcome:
    """Say that the English of the named texts still translates their Chinese (after a typo fix
    in the Chinese, say): write their fingerprints as they are now."""
    try:
        result, problems = _reviewed(root)
    except _Failed as failed:
        return Outcome(failed.problems, "fix the lock file first; nothing was written", failed=True)
    errors = problems or _project_errors(root)
    if errors:
        return Outcome(errors, "fix the data files first; nothing was written", failed=True)
    chosen = result.items if everything else _chosen(root, result, targets)
    lock = result.lock
    changed = 0
    for item in chosen:
        fingerprint = item.translation.fingerprint()
        if lock.entries.get(item.translation.key) != fingerprint:
            changed += 1
        lock.entries[item.translation.key] = fingerprint
    if everything:
        for key in result.orphans:
            del lock.entries[key]
    write_lock(root / "data", lock)
    was_outdated = sum(1 for item in chosen if item.state == "outdated")
    return Outcome(
        [],
        f"confirmed {len(chosen)} translation(s) ({was_outdated} marked out of date before, "
        f"{changed} fingerprint(s) written)",
    )


def _chosen(root: Path, result: Review, targets: list[str]) -> list[Reviewed]:
    chosen: list[Reviewed] = []
    by_file: dict[str, list[Reviewed]] = {}
    for item in result.items:
        by_file.setdefault(item.translation.file.display_path, []).append(item)
    for target in targets:
        file, line = _parse_target(target)
        if file not in by_file:
            known = ", ".join(sorted(by_file))
            raise UsageError(f"{target}: not a data file with translations (they are: {known})")
        items = by_file[file]
        if line is not None:
            spans = _text_lines(root / file, items)
            items = [item for item, (first, last) in zip(items, spans, strict=True) if first <= line <= last]
            if not items:
                raise UsageError(f"{target}: no English text is written at line {line} of {file}")
        chosen += [item for item in items if item not in chosen]
    return chosen


_LINE_NUMBER = re.compile(r"[0-9]{1,9}")


def _parse_target(target: str) -> tuple[str, int | None]:
    """``data/x.yaml``, ``data/x.yaml:12`` or ``data/x.yaml:12:9`` (as check prints them)."""
    parts = target.split(":")
    file = parts[0].removeprefix("./")
    if not file.startswith("data/"):
        file = f"data/{file}"
    if len(parts) == 1:
        return file, None
    # ASCII digits only: str.isdigit() also takes ²⁸ and other digits int() refuses
    if len(parts) > 3 or not all(_LINE_NUMBER.fullmatch(part) for part in parts[1:]):
        raise UsageError(f"{target}: name a text as FILE or FILE:LINE, like data/history.yaml:42")
    return file, int(parts[1])


def _text_lines(path: Path, items: list[Reviewed]) -> list[tuple[int, int]]:
    """The lines each text's mapping spans, from its key to the end of its last text."""
    spans = scalar_spans(path.read_text(encoding="utf-8"))
    lines: list[tuple[int, int]] = []
    for item in items:
        translation = item.translation
        source_map = translation.file.source_map
        first = min(
            source_map.keys.get(translation.path, source_map.locate(translation.path))[0],
            source_map.locate(translation.path)[0],
        )
        ends = [
            spans[path].end_line for path in ((*translation.path, code) for code in AUTHORED) if path in spans
        ]
        lines.append((first, max(ends, default=first)))
    return lines


# --- where each scalar of a YAML file is written ----------------------------------------------


@dataclass(frozen=True)
class ScalarSpan:
    start: int
    """Character offset of the scalar's first character (its quote or block indicator)."""
    end: int
    """Character offset just after it (for a block scalar: after its last line break)."""
    line: int
    column: int
    end_line: int
    """The last line holding the scalar's text."""
    style: str | None
    """None (plain), ``'``, ``"``, ``|`` or ``>``."""
    in_flow: bool = False
    """Inside ``{ }`` or ``[ ]``, where commas and brackets end a plain scalar."""


def scalar_spans(text: str) -> dict[PathKey, ScalarSpan]:
    """Where the value at each path stands (for files that load, so the text is valid YAML)."""
    spans: dict[PathKey, ScalarSpan] = {}
    frames: list[list[Any]] = []  # [path, is_mapping, key or None, index, written in flow style]

    def child() -> PathKey:
        if not frames:
            return ()
        path, is_mapping, key, index, _flow = frames[-1]
        return (*path, key) if is_mapping else (*path, index)

    def advance() -> None:
        if frames:
            if frames[-1][1]:
                frames[-1][2] = None
            else:
                frames[-1][3] += 1

    for event in yaml.parse(text, Loader=EventLoader):
        if isinstance(event, yaml.ScalarEvent):
            if frames and frames[-1][1] and frames[-1][2] is None:
                frames[-1][2] = event.value
                continue
            start, end = event.start_mark, event.end_mark
            assert start is not None and end is not None
            end_line = end.line if end.column == 0 and end.line > start.line else end.line + 1
            in_flow = bool(frames) and frames[-1][4]
            spans[child()] = ScalarSpan(
                start.index,
                end.index,
                start.line + 1,
                start.column + 1,
                end_line,
                event.style or None,
                in_flow,
            )
            advance()
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            flow = bool(event.flow_style) or (bool(frames) and frames[-1][4])
            frames.append([child(), isinstance(event, yaml.MappingStartEvent), None, 0, flow])
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frames.pop()
            advance()
    return spans
