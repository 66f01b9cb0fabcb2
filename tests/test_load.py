"""Stage 1, strict loading: text stays text, positions are exact, bad files never raise."""

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from etown import load
from etown.load import LoadedFile, SourceMap, load_data_file, load_file, unexpected_files
from etown.pipeline import DATA_FOLDERS
from etown.problems import Problem
from etown.sections import SECTION_NAMES as DATA_FILES


def load_text(tmp_path: Path, text: str | bytes, name: str = "sample") -> tuple[object, list[str]]:
    """Load one file written to ``tmp_path/data``; return its data and its problems as printed."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    path = data_dir / f"{name}.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    loaded, problems = load_file(path, f"data/{name}.yaml", name, data_dir)
    return (loaded.data if loaded else None), [str(problem) for problem in problems]


def test_scalars_stay_the_text_they_were_written_as(tmp_path: Path) -> None:
    data, problems = load_text(
        tmp_path,
        "octal: 010\nboolean: no\nyes: on\ndate: 1994-08-25\nnull: ~\nfloat: 1.0\n"
        "hex: 0x1F\ninfinity: .inf\nempty:\nquoted: '010'\nlist: [1, 2.50]\n",
    )
    assert problems == []
    assert data == {
        "octal": "010", "boolean": "no", "yes": "on", "date": "1994-08-25", "null": "~",
        "float": "1.0", "hex": "0x1F", "infinity": ".inf", "empty": "", "quoted": "010",
        "list": ["1", "2.50"],
    }  # fmt: skip


def test_positions_of_values_and_keys_are_one_based_line_and_column(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "sample.yaml"
    path.write_text("a:\n  - b: 中文\n    c: {d: x}\n  - >-\n    folded\n", encoding="utf-8")
    loaded, problems = load_file(path, "data/sample.yaml", "sample", data_dir)
    assert loaded is not None and problems == []
    assert loaded.data == {"a": [{"b": "中文", "c": {"d": "x"}}, "folded"]}
    values, keys = loaded.source_map.values, loaded.source_map.keys
    assert values[("a", 0, "b")] == (2, 8)
    assert keys[("a", 0, "c")] == (3, 5)
    assert values[("a", 0, "c", "d")] == (3, 12)
    assert values[("a", 1)] == (4, 5)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    source_map = SourceMap(values={(): (1, 1), ("events",): (2, 3), ("events", 0): (3, 5)})
    assert source_map.locate(("events", 0, "text", "en")) == (3, 5)
    assert source_map.locate(("nothing",)) == (1, 1)
    source_map.keys[("events", 0, "typo")] = (4, 5)
    assert source_map.locate(("events", 0, "typo"), at_key=True) == (4, 5)


def test_windows_line_endings_count_lines_as_editors_do(tmp_path: Path) -> None:
    data, problems = load_text(tmp_path, b"a: 1\r\nb: 2\r\nc: [\r\n")
    assert data is None
    assert problems == [
        "data/sample.yaml:3:4: this [ is not closed with ] (or a comma is missing between its items)"
    ]


def test_a_duplicate_key_keeps_the_first_value_and_reports_the_second(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "sample.yaml"
    path.write_text("a: first\nb: 2\na: second\n", encoding="utf-8")
    loaded, problems = load_file(path, "data/sample.yaml", "sample", data_dir)
    assert loaded is not None and loaded.data == {"a": "first", "b": "2"}
    assert [str(problem) for problem in problems] == [
        "data/sample.yaml:3:1: a: duplicate key 'a': it is already given at line 1"
    ]
    assert loaded.source_map.keys[("a",)] == (1, 1)


def test_a_quoted_merge_key_is_an_ordinary_key(tmp_path: Path) -> None:
    data, problems = load_text(tmp_path, "'<<': x\n")
    assert (data, problems) == ({"<<": "x"}, [])


def test_every_refusal_in_a_file_is_reported_in_one_go(tmp_path: Path) -> None:
    data, problems = load_text(tmp_path, "a: &one 1\nb: !!str 2\nc: 3\nc: 4\nd:\n  <<: {e: 5}\n")
    assert data is None or isinstance(data, dict)
    assert problems == [
        "data/sample.yaml:1:4: a: the anchor &one is not allowed; write every value out in full",
        "data/sample.yaml:2:4: b: the tag !!str is not allowed; remove it (quote the value to keep it text)",
        "data/sample.yaml:4:1: c: duplicate key 'c': it is already given at line 3",
        "data/sample.yaml:6:3: d.<<: merge keys (<<) are not allowed; write the fields out",
    ]


def test_a_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    started = time.perf_counter()
    data, problems = load_text(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1
    assert data is None
    assert (
        problems[0]
        == "data/sample.yaml:1:5: a0: the anchor &a0 is not allowed; write every value out in full"
    )
    assert (
        "data/sample.yaml:2:10: a1[0]: the alias *a0 is not allowed; write the value out in full" in problems
    )


def test_a_self_referencing_alias_is_refused(tmp_path: Path) -> None:
    data, problems = load_text(tmp_path, "a: &x [*x]\n")
    assert data is None
    assert (
        problems[-1] == "data/sample.yaml:1:8: a[0]: the alias *x is not allowed; write the value out in full"
    )


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_very_deep_nesting_is_refused_without_recursion(tmp_path: Path, opening: str) -> None:
    if opening == "- ":
        text = "a:\n" + "".join(" " * depth + "-\n" for depth in range(1, 300))
    else:
        text = "a: " + opening * 100_000 + "\n"
    started = time.perf_counter()
    data, problems = load_text(tmp_path, text)
    assert time.perf_counter() - started < 2
    assert data is None
    assert len(problems) == 1, problems
    assert f"nested more than {load.MAX_DEPTH} levels deep" in problems[0]


def test_an_unreadable_file_is_a_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    locked = data_dir / "locked.yaml"
    locked.write_text("a: 1\n", encoding="utf-8")
    real_open = Path.open

    def refuse_locked(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.yaml":  # tests run as root, for whom chmod 000 is no obstacle
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse_locked)
    loaded, problems = load_file(locked, "data/locked.yaml", "locked", data_dir)
    assert loaded is None
    assert [str(problem) for problem in problems] == [
        "data/locked.yaml:1:1: cannot read the file (Permission denied)"
    ]


def test_a_symlink_inside_data_is_followed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "parts").mkdir(parents=True)
    (data_dir / "parts" / "real.yaml").write_text("a: 1\n", encoding="utf-8")
    (data_dir / "sample.yaml").symlink_to(data_dir / "parts" / "real.yaml")
    loaded, problems = load_file(data_dir / "sample.yaml", "data/sample.yaml", "sample", data_dir)
    assert loaded is not None and loaded.data == {"a": "1"} and problems == []


def test_load_data_reports_every_file_at_once_sorted(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "one.yaml").write_text(
        "# yaml-language-server: $schema=schema/one.schema.json\na: [\n", encoding="utf-8"
    )
    (data_dir / "two.yaml").write_text("- b\n", encoding="utf-8")
    (data_dir / "schema").mkdir()  # the editors' JSON Schemas live here: expected
    (data_dir / ".DS_Store").write_bytes(b"\0")  # hidden files are nobody's business
    (data_dir / "Three.yaml").write_text("c: 1\n", encoding="utf-8")
    result = load_data(tmp_path, ["one", "two", "three"])
    assert result.files == {}
    assert [str(problem) for problem in result.problems] == [
        "data/Three.yaml:1:1: warning: etown does not read this file "
        "(it reads one.yaml, two.yaml, three.yaml); did you mean three.yaml?",
        "data/one.yaml:2:4: this [ is not closed with ] (or a comma is missing between its items)",
        "data/three.yaml:1:1: the file is missing",
        "data/two.yaml:1:1: the file holds a list; a mapping of fields is expected",
    ]


def test_every_real_data_file_loads_cleanly_and_positions_point_at_the_value() -> None:
    result = load_data(REPO, list(DATA_FILES))
    assert result.problems == []
    for name, loaded in result.files.items():
        lines = (REPO / "data" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
        for path, (line, column) in loaded.source_map.values.items():
            value = _value_at(loaded.data, path)
            if isinstance(value, str) and value and "\n" not in value:
                written = lines[line - 1][column - 1 :]
                assert written.lstrip("'\"").startswith(value[:10]) or written[:1] in "|>", (name, path)


def test_the_pure_python_parser_gives_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load_data(REPO, list(DATA_FILES))
    monkeypatch.setattr(load, "EventLoader", yaml.BaseLoader)
    slow = load_data(REPO, list(DATA_FILES))
    for name in DATA_FILES:
        assert slow.files[name].data == fast.files[name].data
        assert slow.files[name].source_map == fast.files[name].source_map


@dataclass
class Loaded:
    files: dict[str, LoadedFile]
    problems: list[Problem]


def load_data(root: Path, names: list[str]) -> Loaded:
    """Every named file of root/data/, as the pipeline loads them, and the unexpected files."""
    result = Loaded({}, list(unexpected_files(root / "data", names, DATA_FOLDERS)))
    for name in names:
        loaded, problems = load_data_file(root / "data", name)
        result.problems += problems
        if loaded is not None:
            result.files[name] = loaded
    result.problems.sort()
    return result


def _value_at(data: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def test_an_error_at_the_end_of_the_stream_points_inside_the_file(tmp_path: Path) -> None:
    # found by hypothesis: the parser marks the end one line past the last line
    path = tmp_path / "history.yaml"
    path.write_text("%YAML 1.1\n  ", encoding="utf-8")
    loaded, problems = load_file(path, "data/history.yaml", "history", tmp_path)
    assert loaded is None
    assert [(problem.line, problem.column) for problem in problems] == [(2, 3)]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every parse of a data file, as whether it recorded positions."""
    recorded: list[bool] = []
    builder = load._TreeBuilder

    def counting(*, positions: bool, **others: type) -> load._TreeBuilder:
        recorded.append(positions)
        return builder(positions=positions, **others)

    monkeypatch.setattr(load, "_TreeBuilder", counting)
    return recorded


def test_positions_are_read_only_when_a_problem_needs_one(
    reads: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clean check keeps no positions (they were most of its memory at scale); a problem still
    gets its exact line and column, read again from the file."""
    from etown.pipeline import Pipeline

    monkeypatch.setattr(load, "EAGER_POSITIONS_BYTES", 0)
    assert Pipeline(REPO).check().ok
    assert reads and not any(reads)


def test_a_small_file_is_read_once_with_its_positions(
    tmp_path: Path, reads: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "sample.yaml"
    path.write_text("a: 1\nb:\n  c: 2\n", encoding="utf-8")
    loaded, problems = load_file(path, "data/sample.yaml", "sample", data_dir)
    assert loaded is not None and problems == []
    path.write_text("b:\n  c: 2\n", encoding="utf-8")  # the positions are those of what was read
    assert loaded.source_map.locate(("b", "c")) == (3, 6)
    assert reads == [True]
    monkeypatch.setattr(load, "EAGER_POSITIONS_BYTES", len("b:\n  c: 2\n") - 1)
    larger, _ = load_file(path, "data/sample.yaml", "sample", data_dir)
    assert larger is not None and reads == [True, False]


def test_a_file_changed_since_it_was_read_points_its_problems_at_its_first_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "EAGER_POSITIONS_BYTES", 0)  # the positions are read again
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "sample.yaml"
    path.write_text("a: 1\nb:\n  c: 2\n", encoding="utf-8")
    loaded, problems = load_file(path, "data/sample.yaml", "sample", data_dir)
    assert loaded is not None and problems == []
    path.write_text("b:\n  c: 2\n", encoding="utf-8")
    assert loaded.source_map.locate(("b", "c")) == (1, 1)
    unchanged, _ = load_file(path, "data/sample.yaml", "sample", data_dir)
    assert unchanged is not None and unchanged.source_map.locate(("b", "c")) == (2, 6)
