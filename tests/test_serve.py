"""etown serve: an edit is picked up, rebuilt and served; bad data is survived; the preview never
touches build/; the server answers every request properly and only for localhost."""

import http.client
import json
import re
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import quick_build, wait_for
from etown.outputs import OutputFile
from etown.pipeline import Pipeline
from etown.problems import Problem
from etown.sections import SECTION_NAMES
from etown.serve import STATUS_PATH, VIEWED_PAGES, Preview
from etown.write import SiteUpdate

pytestmark = pytest.mark.slow  # real processes and servers: seconds each


@pytest.fixture
def built(project: Path, tmp_path: Path) -> tuple[Pipeline, Path]:
    """A pipeline as the preview runs it (no search index), and the site it built."""
    pipeline = Pipeline(project, base_url="http://127.0.0.1/", expensive=False, finishing=False)
    out = tmp_path / "preview"
    assert pipeline.build(out).ok
    return pipeline, out


def fetch(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        return str(response.read().decode("utf-8"))


def status(base: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(fetch(base + STATUS_PATH))
    return result


def request(base: str, method: str, path: str, host: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=5)
    headers = {"Host": host} if host is not None else {}
    connection.request(method, path, headers=headers)
    return connection.getresponse()


def test_a_data_edit_is_served_and_the_page_asked_to_reload(live: tuple[Preview, str]) -> None:
    preview, base = live
    page = fetch(f"{base}/en/vision.html")
    assert "/__etown/reload.js" in page
    version = status(base)["version"]
    vision = preview.pipeline.root / "data" / "vision.yaml"
    marker = "Edited while serving"
    vision.write_text(vision.read_text(encoding="utf-8").replace("Looking ahead", marker), encoding="utf-8")
    assert wait_for(lambda: marker in fetch(f"{base}/en/vision.html")), preview.problems
    # the version moves on once every file of the rebuild is on disk
    assert wait_for(lambda: status(base)["version"] > version)  # type: ignore[operator]


def test_bad_data_is_shown_and_the_next_good_save_recovers(live: tuple[Preview, str]) -> None:
    preview, base = live
    history = preview.pipeline.root / "data" / "history.yaml"
    last_good = fetch(f"{base}/en/history.html")
    good = history.read_text(encoding="utf-8")
    history.write_text(good.replace("events:", "evnts:", 1), encoding="utf-8")
    assert wait_for(lambda: status(base)["problems"])
    problems = status(base)["problems"]
    assert isinstance(problems, list)
    assert any("data/history.yaml:" in problem and "evnts" in problem for problem in problems)
    assert fetch(f"{base}/en/history.html") == last_good  # the last good page is still served
    history.write_text(good, encoding="utf-8")
    assert wait_for(lambda: not status(base)["problems"])


def test_the_watcher_survives_an_unexpected_failure(
    live: tuple[Preview, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    preview, base = live

    def broken(*_arguments: object, **_keywords: object) -> None:
        raise RuntimeError("a bug in a rebuild")

    vision = preview.pipeline.root / "data" / "vision.yaml"
    text = vision.read_text(encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(preview.pipeline, "update", broken)
        vision.write_text(text.replace("Looking ahead", "First edit"), encoding="utf-8")
        assert wait_for(lambda: any("a bug in a rebuild" in p for p in status(base)["problems"]))  # type: ignore[attr-defined]
    vision.write_text(text.replace("Looking ahead", "Second edit"), encoding="utf-8")
    assert wait_for(lambda: "Second edit" in fetch(f"{base}/en/vision.html"))
    assert wait_for(lambda: status(base)["problems"] == [])  # once the search index is remade too


def test_an_edit_rewrites_only_the_files_made_from_it(project: Path, tmp_path: Path) -> None:
    preview = Preview(Pipeline(project, base_url="http://127.0.0.1/", expensive=False), tmp_path / "preview")
    assert preview.build().ok
    before = {p: p.stat().st_mtime_ns for p in preview.folder.rglob("*") if p.is_file()}
    vision = project / "data" / "vision.yaml"
    vision.write_text(
        vision.read_text(encoding="utf-8").replace("Looking ahead", "Changed"), encoding="utf-8"
    )
    time.sleep(0.01)
    assert preview.update([vision]).ok, preview.problems
    changed = sorted(
        p.relative_to(preview.folder).as_posix()
        for p, t in before.items()
        if not p.is_file() or p.stat().st_mtime_ns != t
    )
    index = [name for name in changed if name.startswith("pagefind/")]  # the search index, remade
    assert index and [name for name in changed if name not in index] == [
        "data/vision.json", "en/about.html", "en/vision.html",
    ]  # fmt: skip


def _edit_vision(project: Path) -> None:
    vision = project / "data" / "vision.yaml"
    vision.write_text(vision.read_text(encoding="utf-8").replace("Looking ahead", "Changed"), "utf-8")


def test_the_browser_is_told_before_the_search_index_is_remade(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = Preview(Pipeline(project, base_url="http://127.0.0.1/", expensive=False), tmp_path / "preview")
    assert preview.build().ok
    built = preview.version
    seen: list[tuple[int, bool]] = []
    finish = preview.pipeline.finish

    def watched(folder: Path) -> list[Problem]:
        page = (folder / "en" / "vision.html").read_text(encoding="utf-8")
        seen.append((preview.version, "Changed" in page))
        return finish(folder)

    monkeypatch.setattr(preview.pipeline, "finish", watched)
    _edit_vision(project)
    assert preview.update([project / "data" / "vision.yaml"]).ok, preview.problems
    assert seen == [(built + 1, True)]  # the page written and the reload announced, then the index
    assert preview.version == built + 1  # one reload, not two


def test_a_search_index_that_fails_after_an_edit_is_shown(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = Preview(Pipeline(project, base_url="http://127.0.0.1/", expensive=False), tmp_path / "preview")
    assert preview.build().ok
    failure = Problem("build:pagefind/", 0, 0, "", "Pagefind failed")
    monkeypatch.setattr(preview.pipeline, "finish", lambda folder: [failure])
    _edit_vision(project)
    report = preview.update([project / "data" / "vision.yaml"])
    assert not report.ok and failure in report.problems
    assert failure in preview.problems


QUICK_SECTIONS = {"overview", "notes", "terms"}
"""The sections whose edits the quick selection replays: the one most pages read, and the two
that every other section refers to. Edits to the rest are replayed in the full run."""


@pytest.mark.parametrize(
    "name",
    [
        name if name in QUICK_SECTIONS else pytest.param(name, marks=pytest.mark.slow)
        for name in SECTION_NAMES
    ],
)
def test_an_incremental_rebuild_equals_a_full_build(project: Path, tmp_path: Path, name: str) -> None:
    """The pages, open data and citations an update rewrites are those of a full build. (The search
    index is made from the written pages by Pagefind, so equal pages give an equal index.)"""
    preview = Preview(
        Pipeline(project, base_url="http://127.0.0.1/", expensive=False, finishing=False),
        tmp_path / "preview",
    )
    assert preview.build().ok
    path = project / "data" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    # the end of the first line of the first English text, block or flow: every file has one
    line = re.search(r"\ben: (>-\n +)?[A-Z“][^\n\"'{},>|]*", text)
    assert line, f"no English text in data/{name}.yaml"
    path.write_text(text[: line.end()] + " Edited." + text[line.end() :], encoding="utf-8")
    report = preview.update([path])
    assert report.ok, report.problems
    assert report.written > 0
    full = tmp_path / "full"
    quick_build(project, full, base_url="http://127.0.0.1/")
    files = sorted(p.relative_to(full).as_posix() for p in full.rglob("*") if p.is_file())
    previewed = sorted(
        p.relative_to(preview.folder).as_posix() for p in preview.folder.rglob("*") if p.is_file()
    )
    assert files == previewed
    different = [name for name in files if (full / name).read_bytes() != (preview.folder / name).read_bytes()]
    assert different == []
    assert any(
        "Edited." in (full / name).read_text(encoding="utf-8")
        for name in files
        if name.endswith((".html", ".json"))
    )


def _warned_edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_update_reports_what_a_fresh_check_reports(project: Path, built: tuple[Pipeline, Path]) -> None:
    """The wording findings of unchanged files are kept between edits: they must be the same
    as a fresh check's, and an edit to the terms must recheck every file."""
    pipeline, out = built
    vision = project / "data" / "vision.yaml"
    # a warning appears, stays through an edit elsewhere in the file (its text's findings are
    # kept from the edit before), and goes when its text is mended
    edits = [
        ("Looking ahead", "Looking ahead to a new center", True),
        ("passages:", "# an edit elsewhere\npassages:", True),
        ("Looking ahead to a new center", "Looking ahead", False),
    ]
    for old, new, warned in edits:
        _warned_edit(vision, old, new)
        report = pipeline.update([vision], out)
        fresh = Pipeline(project, base_url="http://127.0.0.1/", expensive=False).check()
        assert report.problems == fresh.problems
        assert warned == any(p.file == "data/vision.yaml" and "centre" in p.message for p in report.problems)

    terms = project / "data" / "terms.yaml"
    term = re.search(r"^ +en: (Yizhuang New Town)$", terms.read_text(encoding="utf-8"), re.MULTILINE)
    assert term, "the terms list no longer names Yizhuang New Town"
    _warned_edit(terms, term.group(0), term.group(0).replace(term.group(1), "Zzz New Town"))
    report = pipeline.update([terms], out)
    fresh = Pipeline(project, base_url="http://127.0.0.1/", expensive=False).check()
    assert report.problems == fresh.problems
    assert len({p.file for p in report.problems if "Zzz New Town" in p.message}) > 1


def test_the_pages_a_reader_has_open_are_written_first(
    project: Path, built: tuple[Pipeline, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline, out = built
    written: list[str] = []
    write = SiteUpdate.write

    def recorded(self: SiteUpdate, output: OutputFile) -> None:
        written.append(output.path)
        write(self, output)

    monkeypatch.setattr(SiteUpdate, "write", recorded)
    history = project / "data" / "history.yaml"
    for marker, first in [("First edit", ["en/history.html"]), ("Second edit", [])]:
        _warned_edit(history, "events:", f"# {marker}\nevents:")
        written.clear()
        assert pipeline.update([history], out, first=first).ok
        assert "en/history.html" in written and "en/about.html" in written
        if first:
            assert written[0] == "en/history.html"
        # then the files made from the fewest sections: a history page before the About page,
        # which is made from every section (its notes name records of each)
        assert written.index("zh/history.html") < written.index("zh/about.html")


def test_the_preview_remembers_the_pages_asked_for(live: tuple[Preview, str]) -> None:
    preview, base = live
    fetch(f"{base}/en/vision.html")
    fetch(f"{base}/zh/")
    fetch(f"{base}/en/vision.html")
    assert preview.open_pages()[-2:] == ["zh/index.html", "en/vision.html"]
    for number in range(VIEWED_PAGES + 3):
        preview.viewed(f"page{number}.html")
    assert preview.open_pages() == [f"page{number}.html" for number in range(3, VIEWED_PAGES + 3)]


def test_a_preview_never_touches_build(project: Path, tmp_path: Path) -> None:
    published = project / "build"
    assert Pipeline(project, base_url="https://example.org/etown/", expensive=False).build(published).ok
    before = {p: p.read_bytes() for p in published.rglob("*") if p.is_file()}
    preview = Preview(
        Pipeline(project, base_url="http://127.0.0.1:8123/", expensive=False), tmp_path / "preview"
    )
    assert preview.build().ok
    vision = project / "data" / "vision.yaml"
    vision.write_text(vision.read_text(encoding="utf-8").replace("Looking ahead", "X"), encoding="utf-8")
    assert preview.update([vision]).ok
    assert {p: p.read_bytes() for p in published.rglob("*") if p.is_file()} == before
    assert "127.0.0.1" not in (published / "sitemap.xml").read_text(encoding="utf-8")


def test_requests_are_answered_properly(live: tuple[Preview, str]) -> None:
    _preview, base = live
    get, head = request(base, "GET", "/en/index.html"), request(base, "HEAD", "/en/index.html")
    body = get.read()
    assert get.status == head.status == 200
    assert int(get.headers["Content-Length"]) == len(body) == int(head.headers["Content-Length"])
    assert head.read() == b""
    redirect = request(base, "GET", "/zh")
    assert (redirect.status, redirect.headers["Location"]) == (301, "/zh/")
    assert request(base, "GET", "/zh/").status == 200
    long_name = request(base, "GET", "/" + "x" * 5000 + ".html")
    assert long_name.status == 404 and b"<html" in long_name.read()
    assert request(base, "GET", "/../../etc/passwd").status == 404


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
def test_only_local_host_names_are_answered(live: tuple[Preview, str], host: str) -> None:
    _preview, base = live
    assert request(base, "GET", "/en/index.html", host=host).status == 403
    for local in ("localhost", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert request(base, "GET", "/en/index.html", host=local).status == 200
