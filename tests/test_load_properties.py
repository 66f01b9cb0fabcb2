"""Property-based tests: whatever the bytes, loading and checking answer with etown's own problems.

Nothing fed to the loader or the validator may raise: not random bytes, not YAML-ish noise,
not a real data file with random edits. And what YAML can say as text comes back as that text.
"""

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from etown.load import LoadedFile, SourceMap, load_file
from etown.problems import Problem
from etown.provenance import read_seed
from etown.sections import SECTION_NAMES as DATA_FILES
from etown.validate import validate

SEED = read_seed(REPO)
REAL_TEXTS = {name: (REPO / "data" / f"{name}.yaml").read_text(encoding="utf-8") for name in DATA_FILES}

YAML_PIECES = [
    "- ", ": ", ":", "\n", "  ", "    ", "[", "]", "{", "}", ", ", "&a ", "*a", "!!str ", "!x ", "<<: ",
    "? ", "|\n", ">-\n", "'", '"', "# ", "---\n", "...\n", "%YAML 1.1\n", "\t", "\\", "id", "zh", "en",
    "text", "source", "中文", "。", "010", "~", "@", "`", "\r\n", "\r", "\ufeff", "\x00", "\x85", "\u2028",
    "\U0001f600", "\udcff",
]  # fmt: skip
yaml_ish_text = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=3), max_size=80).map("".join)


@contextmanager
def data_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        data_dir.mkdir()
        yield data_dir


def load_raw(data_dir: Path, raw: bytes, name: str = "history") -> tuple[LoadedFile | None, list[Problem]]:
    path = data_dir / f"{name}.yaml"
    path.write_bytes(raw)
    loaded, problems = load_file(path, f"data/{name}.yaml", name, data_dir)
    assert_well_formed(loaded, problems, f"data/{name}.yaml", raw)
    return loaded, problems


def assert_well_formed(loaded: LoadedFile | None, problems: list[Problem], display: str, raw: bytes) -> None:
    lines = len(re.split(rb"\r\n|\r|\n", raw))
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == display and problem.message
        assert 1 <= problem.line <= lines and problem.column >= 1, problem
    if loaded is None:
        assert any(problem.severity == "error" for problem in problems)


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    with data_folder() as data_dir:
        load_raw(data_dir, raw)


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=300, deadline=None)
@given(yaml_ish_text)
def test_yaml_ish_text_never_raises(text: str) -> None:
    with data_folder() as data_dir:
        load_raw(data_dir, text.encode("utf-8", "surrogatepass"))


edits = st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 6), st.sampled_from(YAML_PIECES) | st.text(max_size=2)),
    min_size=1,
    max_size=4,
)


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(DATA_FILES)), edits)
def test_a_real_file_with_random_edits_never_raises(name: str, changes: list[tuple[float, int, str]]) -> None:
    text = REAL_TEXTS[name]
    for where, deleted, inserted in changes:
        at = int(where * len(text))
        text = text[:at] + inserted + text[at + deleted :]
    with data_folder() as data_dir:
        loaded, _problems = load_raw(data_dir, text.encode("utf-8", "surrogatepass"), name)
        if loaded is not None:
            result = validate({name: loaded}, SEED)
            assert_well_formed(
                loaded, result.problems, f"data/{name}.yaml", text.encode("utf-8", "surrogatepass")
            )


# Text a data file may hold: no control characters, no invisible format characters (bidirectional
# controls, zero-width ones) and no noncharacters, all of which the loader reports.
printable = st.text(
    st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp", "Cf", "Cn"], blacklist_characters="\x85"),
    max_size=12,
)
keys = printable.filter(lambda key: key != "<<")
trees = st.recursive(
    printable,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, trees, min_size=1, max_size=5), st.booleans())
def test_what_yaml_writes_as_text_comes_back_as_that_text(tree: dict[str, Any], flow: bool) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True, default_flow_style=flow, width=1_000_000)
    with data_folder() as data_dir:
        loaded, problems = load_raw(data_dir, text.encode("utf-8"))
    assert problems == [] and loaded is not None, text
    assert loaded.data == tree


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(DATA_FILES)), st.dictionaries(keys, trees, max_size=5))
def test_validation_never_raises_whatever_the_tree(name: str, tree: dict[str, Any]) -> None:
    loaded = LoadedFile(name, f"data/{name}.yaml", tree, SourceMap())
    result = validate({name: loaded}, SEED)
    assert result.data is None
    for problem in result.problems:
        assert (
            problem.file == f"data/{name}.yaml"
            and problem.message
            and (problem.line, problem.column) == (1, 1)
        )
