"""The open data's JSON files are, byte for byte, what the json module writes
(``json.dumps(value, ensure_ascii=False, indent=2)`` and a line break, in UTF-8), whatever the
value: readers and diffs see one stable format, however etown makes it."""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etown.producers.opendata import json_bytes

_SCALARS = st.none() | st.booleans() | st.integers() | st.text(st.characters(exclude_categories=["Cs"]))
_WITH_FLOATS = _SCALARS | st.floats(allow_nan=False, allow_infinity=False)


def _json(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.text(st.characters(exclude_categories=["Cs"]), max_size=5), inner, max_size=4
            )
        ),
        max_leaves=30,
    )


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=300, deadline=None)
@given(_json(_WITH_FLOATS))
def test_json_bytes_with_floats_is_what_the_json_module_writes(value: Any) -> None:
    assert json_bytes(value) == (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=500, deadline=None)
@given(_json(_SCALARS))
def test_json_bytes_is_what_the_json_module_writes(value: Any) -> None:
    assert json_bytes(value) == (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


def test_json_bytes_on_the_awkward_cases() -> None:
    text = ['\x00\x1f\x7f\u2028\u2029"\\/\b\f\n\r\t', 10**30, -1, True, None, {}, [], {"": [{}]}]
    floats = [*text, 1e16, 1e-7, 0.1, -0.0]  # pydantic-core writes 1e-7 for 1e-07
    for value in (
        text,
        floats,
        {'"a": 1e-07': 1e-07},
        [[6.103515625e-05]],
        {"a": [1.5]},
        {1: "a key that is not text"},
    ):
        assert json_bytes(value) == (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


def test_every_published_json_file_is_what_the_json_module_writes(built_site: Path) -> None:
    files = sorted((built_site / "data").glob("*.json"))
    assert len(files) > 10
    for path in files:
        content = path.read_bytes()
        rewritten = (json.dumps(json.loads(content), ensure_ascii=False, indent=2) + "\n").encode()
        assert content == rewritten, path.name
