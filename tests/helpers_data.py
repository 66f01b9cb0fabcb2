"""Helpers for tests that break one data file of a project copy and look at what etown says."""

from collections.abc import Callable
from pathlib import Path

from etown.pipeline import check
from etown.problems import Problem

Mutation = Callable[[Path], None]
"""Breaks something in the project folder it is given."""


def data_file(root: Path, name: str) -> Path:
    return root / "data" / f"{name}.yaml"


def replace(name: str, old: str, new: str) -> Mutation:
    """Replace the first ``old`` in ``data/NAME.yaml`` by ``new``."""

    def mutate(root: Path) -> None:
        path = data_file(root, name)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in data/{name}.yaml any more: update the test"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def replace_bytes(name: str, old: bytes, new: bytes) -> Mutation:
    def mutate(root: Path) -> None:
        path = data_file(root, name)
        raw = path.read_bytes()
        assert old in raw, f"{old!r} is not in data/{name}.yaml any more: update the test"
        path.write_bytes(raw.replace(old, new, 1))

    return mutate


def reencode(name: str, encoding: str) -> Mutation:
    """Save ``data/NAME.yaml`` in another encoding."""

    def mutate(root: Path) -> None:
        path = data_file(root, name)
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))

    return mutate


def write(name: str, content: bytes) -> Mutation:
    def mutate(root: Path) -> None:
        data_file(root, name).write_bytes(content)

    return mutate


def append(name: str, text: str) -> Mutation:
    def mutate(root: Path) -> None:
        with data_file(root, name).open("a", encoding="utf-8") as stream:
            stream.write(text)

    return mutate


def chain(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for mutation in mutations:
            mutation(root)

    return mutate


def line_of(root: Path, name: str, needle: str) -> int:
    """The line (1-based) where ``needle`` first stands in ``data/NAME.yaml``."""
    text = data_file(root, name).read_bytes().decode("utf-8", "replace")
    assert needle in text, f"{needle!r} is not in data/{name}.yaml"
    return text[: text.index(needle)].count("\n") + 1


def problems_of(root: Path) -> list[Problem]:
    return check(root).problems


def errors_of(root: Path) -> list[Problem]:
    return [problem for problem in problems_of(root) if problem.severity == "error"]


def shown(problems: list[Problem]) -> str:
    """The problems as the CLI prints them, to explain a failed assertion."""
    return "\n".join(map(str, problems)) or "(no problems)"
