"""The import layers of the README's "How it works": read from every module's imports with `ast`,
so that neither the code nor the table can drift from the other."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO

SOURCE = REPO / "src"
PACKAGE = "etown"


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted((SOURCE / PACKAGE).rglob("*.py"))}


def imported(module: str) -> set[str]:
    """The etown modules ``module`` imports, anywhere in it (inside functions too, and under
    TYPE_CHECKING: a type is a dependency as well)."""
    found: set[str] = set()
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: imported(module) for module in MODULES}


def readme_layers() -> list[tuple[str, list[str]]]:
    """The table of layers in the README, top layer first: (layer, its modules)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```text\nlayer +modules[^\n]*\n(.*?)```", text, re.DOTALL)
    assert block, "README.md: the table of layers (```text, starting 'layer  modules') is missing"
    layers: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith(" "):  # a continued line
            layers[-1][1].extend(line.split())
        else:
            name, *modules = line.split()
            layers.append((name, modules))
    return layers


def layer_of() -> dict[str, int]:
    """Each module's layer: 0 is the bottom."""
    layers = readme_layers()
    rank: dict[str, int] = {}
    for number, (_name, modules) in enumerate(reversed(layers)):
        for short in modules:
            full = PACKAGE if short == PACKAGE else f"{PACKAGE}.{short}"
            assert full not in rank, f"README.md: {short} stands in two layers"
            rank[full] = number
    return rank


def test_the_import_reader_sees_what_a_module_imports() -> None:
    """The reader itself: the pipeline's imports include a stage module, a lazy import inside a
    function (cli → serve) counts, and a package's submodule is told from the package."""
    assert {"etown.validate", "etown.render", "etown.producers"} <= GRAPH["etown.pipeline"]
    assert "etown.serve" in GRAPH["etown.cli"]
    assert "etown.producers.fontfiles" in GRAPH["etown.producers.pdf"]


def test_every_module_stands_in_exactly_one_layer() -> None:
    rank = layer_of()
    unplaced = sorted(set(MODULES) - set(rank))
    unknown = sorted(set(rank) - set(MODULES))
    assert unplaced == [], f"add these modules to the README's table of layers: {unplaced}"
    assert unknown == [], f"the README's table of layers names modules that do not exist: {unknown}"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    rank = layer_of()
    names = {number: name for number, (name, _) in enumerate(reversed(readme_layers()))}
    upward = [
        f"{module} ({names[rank[module]]}) imports {target} ({names[rank[target]]})"
        for module, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if module in rank and target in rank and rank[target] > rank[module]
    ]
    assert upward == []


def cycles() -> Iterator[list[str]]:
    """Each import cycle, found by depth-first search (one per back edge)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> Iterator[list[str]]:
        state[module] = "open"
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                yield [*stack[stack.index(target) :], target]
            elif target not in state:
                yield from visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            yield from visit(module)


def test_no_import_cycle() -> None:
    assert [" → ".join(cycle) for cycle in cycles()] == []


def test_the_cycle_finder_finds_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(GRAPH, "etown.problems", {"etown.load"})  # load imports problems
    assert list(cycles()) == [["etown.problems", "etown.load", "etown.problems"]]


def producer_modules() -> set[str]:
    """The modules that hold a producer: those producers/__init__.py imports for PRODUCERS."""
    return {name for name in GRAPH["etown.producers"] if name.startswith("etown.producers.")}


def test_no_producer_imports_another() -> None:
    producers = producer_modules()
    assert {"etown.producers.html", "etown.producers.pdf"} <= producers
    sideways = [
        f"{module} imports {target}"
        for module in sorted(producers)
        for target in sorted(GRAPH[module] & producers)
    ]
    assert sideways == [], "share through a module that makes no output (producers/webpage.py)"


def test_the_pipeline_and_its_stages_import_no_tool() -> None:
    """Only the command line (and the tools themselves) reach into tools/."""
    reaching = [
        f"{module} imports {target}"
        for module in sorted(GRAPH)
        if not module.startswith(("etown.tools", "etown.cli"))
        for target in sorted(GRAPH[module])
        if target.startswith("etown.tools")
    ]
    assert reaching == []
