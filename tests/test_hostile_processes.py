"""The second hostile probe (issue 28): processes and timing. A build reads one version of the
project or fails; workers end quietly with their parent and never outlive it; temporary folders
go on SIGTERM and on a full disk; no fork while threads run; the preview misses no save and
serves an error page until its first good build."""

from pathlib import Path

import pytest

from etown.pipeline import Pipeline


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


# --- a build reads one version of the project --------------------------------------------------


@pytest.mark.parametrize("changed", ["templates/base.html", "data/history.yaml", "etown.toml"])
def test_a_save_during_a_build_fails_it_and_leaves_the_last_build(
    project: Path, monkeypatch: pytest.MonkeyPatch, changed: str
) -> None:
    out = project / "site"
    assert Pipeline(project, expensive=False, finishing=False).build(out).ok
    before = files_of(out)
    made = Pipeline._make

    def make_then_save(pipeline: Pipeline, *arguments: object) -> object:
        """The editor saves once the first pages are made (as it did with 2 of 30 made)."""
        result = made(pipeline, *arguments)  # type: ignore[arg-type]
        path = project / changed
        if b"saved mid-build" not in path.read_bytes():
            comment = b"{# saved mid-build #}\n" if path.suffix == ".html" else b"# saved mid-build\n"
            path.write_bytes(path.read_bytes() + comment)
        return result

    monkeypatch.setattr(Pipeline, "_make", make_then_save)
    report = Pipeline(project, expensive=False, finishing=False).build(out)
    assert not report.ok
    assert [str(problem) for problem in report.problems] == [
        f"{changed}: changed while the site was being built, so its files could mix the old and the new "
        "version; nothing was written (the previous build is as it was): build again"
    ]
    assert files_of(out) == before
    monkeypatch.undo()
    assert Pipeline(project, expensive=False, finishing=False).build(out).ok  # the next build takes it in
