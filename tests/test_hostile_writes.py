"""The second hostile probe (issue 28): the commands that write into the project. Each checks
everything it will write by the rules ``etown check`` reads it with, before writing anything,
and writes atomically, keeping line ends: what it writes, check accepts, and what it refuses
leaves every byte as it was."""

from pathlib import Path

import pytest

from etown.cli import main


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project but the output, by path."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for part in ("data", "seeds", "templates")
        for path in sorted((root / part).rglob("*"))
        if path.is_file()
    }


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(arguments)
    output = capsys.readouterr()
    assert "Traceback" not in output.err + output.out
    return code, output.out, output.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BEGINS_EN = "Construction of the Beijing Economic-Technological Development Area (BDA) began."


# --- translations update and confirm --------------------------------------------------------------


def test_the_lock_keeps_crlf_when_it_has_them(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = project / "data" / "translations.lock"
    lock.write_bytes(lock.read_bytes().replace(b"\n", b"\r\n"))
    edit(project / "data" / "history.yaml", f"en: {BEGINS_EN}", "en: Construction of the BDA began.")
    code, _, err = run(["translations", "update", "--root", str(project)], capsys)
    assert code == 0, err
    raw = lock.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") > 700


@pytest.mark.parametrize("command", [["update"], ["confirm", "--all"], ["confirm", "data/history.yaml"]])
def test_the_fingerprints_are_not_written_while_check_refuses_the_data(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    edit(project / "data" / "history.yaml", "date: 1992-04\n", "date: 1992-13\n")
    before = snapshot(project)
    code, _, err = run(["translations", *command, "--root", str(project)], capsys)
    assert code == 1
    assert "data/history.yaml:" in err and "nothing was written" in err.splitlines()[-1]
    assert snapshot(project) == before
