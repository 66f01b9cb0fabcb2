"""etown check answers from its cache only when nothing its result depends on has changed."""

import os
from pathlib import Path

import pytest

from etown import check_cache
from etown.cache import CACHE_ENV
from etown.cli import main
from etown.pipeline import Pipeline
from etown.report import Report


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """The projects each check that ran (rather than answered from the cache) checked."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    ran: list[Path] = []
    check = Pipeline.check

    def counted(self: Pipeline) -> Report:
        ran.append(self.root)
        return check(self)

    monkeypatch.setattr(Pipeline, "check", counted)
    return ran


@pytest.fixture
def stand_in_checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """As ``checks``, for tests about when a check runs, not what it finds: each check that runs
    finds the project clean at once instead of checking it (seconds saved a check)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    ran: list[Path] = []

    def counted(self: Pipeline) -> Report:
        ran.append(self.root)
        return Report([], self.strict, files=1)

    monkeypatch.setattr(Pipeline, "check", counted)
    return ran


def _check(project: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str, str]:
    code = main(["check", "--root", str(project), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_unchanged_project_is_answered_from_the_cache(
    project: Path, checks: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    vision = project / "data" / "vision.yaml"
    vision.write_text(
        vision.read_text(encoding="utf-8").replace("Looking ahead", "Looking ahead, center"), "utf-8"
    )
    first = _check(project, capsys)
    assert first[0] == 0 and "warning" in first[1] and len(checks) == 1
    assert _check(project, capsys) == first  # the same words, the same exit code
    assert len(checks) == 1
    strict = _check(project, capsys, "--strict")  # other options: another check
    assert strict[0] == 1 and len(checks) == 2
    assert _check(project, capsys, "--strict") == strict and len(checks) == 2


@pytest.mark.parametrize(
    "change",
    [
        "edit a data file",
        "edit a template",
        "add a file to data/",
        "add an empty folder to templates/",
        "edit etown.toml",
        "edit the seed",
        "set SOURCE_DATE_EPOCH",
        "check with another base URL",
    ],
)
def test_any_change_to_what_a_check_reads_checks_again(
    project: Path,
    stand_in_checks: list[Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    assert _check(project, capsys)[0] == 0
    options: list[str] = []
    if change == "edit a data file":
        (project / "data" / "vision.yaml").write_bytes(
            (project / "data" / "vision.yaml").read_bytes() + b"\n"
        )
    elif change == "edit a template":
        (project / "templates" / "history.html").write_bytes(
            (project / "templates" / "history.html").read_bytes() + b"{# a comment #}\n"
        )
    elif change == "add a file to data/":
        (project / "data" / "stray.txt").write_text("a note to self\n", encoding="utf-8")
    elif change == "add an empty folder to templates/":
        (project / "templates" / "drafts").mkdir()
    elif change == "edit etown.toml":
        (project / "etown.toml").write_bytes((project / "etown.toml").read_bytes() + b"\n")
    elif change == "edit the seed":
        seed = next((project / "seeds").iterdir())
        seed.write_bytes(seed.read_bytes() + b"\n")
    elif change == "set SOURCE_DATE_EPOCH":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    else:
        options = ["--base-url", "https://example.org/elsewhere/"]
    _check(project, capsys, *options)
    assert len(stand_in_checks) == 2


def test_a_change_to_etown_itself_checks_again(
    project: Path,
    stand_in_checks: list[Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(check_cache, "CODE", code)
    _check(project, capsys)
    _check(project, capsys)
    assert len(stand_in_checks) == 1
    (code / "module.py").write_text("A = 2\n", encoding="utf-8")
    _check(project, capsys)
    assert len(stand_in_checks) == 2


def test_a_failed_check_is_remembered_with_its_problems(
    project: Path, checks: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    history = project / "data" / "history.yaml"
    history.write_text(history.read_text(encoding="utf-8").replace("events:", "evnts:", 1), encoding="utf-8")
    first = _check(project, capsys)
    assert first[0] == 1 and "data/history.yaml:" in first[1] + first[2]
    assert _check(project, capsys) == first and len(checks) == 1


def test_a_project_with_a_link_or_a_pipe_is_checked_every_time(
    project: Path, stand_in_checks: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "templates" / "link.html").symlink_to(project / "templates" / "history.html")
    _check(project, capsys)
    _check(project, capsys)
    assert len(stand_in_checks) == 2
    (project / "templates" / "link.html").unlink()
    os.mkfifo(project / "data" / "pipe")  # reading it would wait forever
    _check(project, capsys)
    _check(project, capsys)
    assert len(stand_in_checks) == 4


def test_a_cache_that_cannot_be_used_costs_time_only(
    project: Path,
    stand_in_checks: list[Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be\n", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocked))
    assert _check(project, capsys)[0] == 0
    assert _check(project, capsys)[0] == 0
    assert len(stand_in_checks) == 2
    damaged = tmp_path / "damaged"
    monkeypatch.setenv(CACHE_ENV, str(damaged))
    assert _check(project, capsys)[0] == 0
    for entry in (damaged / "check").glob("*.json"):
        entry.write_text('{"problems": [{"file": 1}]', encoding="utf-8")
    assert _check(project, capsys)[0] == 0
    assert len(stand_in_checks) == 4
