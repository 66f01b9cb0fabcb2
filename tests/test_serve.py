"""etown serve: an edit to a data file is picked up, rebuilt and served; bad data is survived."""

import functools
import http.server
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from etown.serve import STATUS_PATH, LiveSite, _Handler, watch_and_rebuild


@pytest.fixture
def live(project: Path) -> Iterator[tuple[LiveSite, str]]:
    site = LiveSite(project, project / "build", "http://127.0.0.1/")
    assert site.build_all(), site.problems
    handler = type("Handler", (_Handler,), {"site": site})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site.out_dir))
    )
    stop = threading.Event()
    threads = [
        threading.Thread(target=server.serve_forever, daemon=True),
        threading.Thread(target=watch_and_rebuild, args=(site, stop), daemon=True),
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # let the watcher start before the test edits anything
    yield site, f"http://127.0.0.1:{server.server_port}"
    stop.set()
    server.shutdown()
    server.server_close()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        return str(response.read().decode("utf-8"))


def wait_for(condition, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_data_edit_is_served_and_the_page_asked_to_reload(live: tuple[LiveSite, str]) -> None:
    site, base = live
    page = fetch(f"{base}/en/vision.html")
    assert "/__etown/reload.js" in page
    version = json.loads(fetch(base + STATUS_PATH))["version"]
    vision = site.root / "data" / "vision.yaml"
    marker = "Edited while serving"
    vision.write_text(vision.read_text(encoding="utf-8").replace("Looking ahead", marker), encoding="utf-8")
    assert wait_for(lambda: marker in fetch(f"{base}/en/vision.html")), site.problems
    # the version moves on once every file of the rebuild is on disk
    assert wait_for(lambda: json.loads(fetch(base + STATUS_PATH))["version"] > version)


def test_bad_data_is_shown_and_the_next_good_save_recovers(live: tuple[LiveSite, str]) -> None:
    site, base = live
    history = site.root / "data" / "history.yaml"
    good = history.read_text(encoding="utf-8")
    history.write_text(good.replace("events:", "evnts:", 1), encoding="utf-8")
    assert wait_for(lambda: json.loads(fetch(base + STATUS_PATH))["problems"])
    problems = json.loads(fetch(base + STATUS_PATH))["problems"]
    assert any("data/history.yaml:" in problem and "evnts" in problem for problem in problems)
    assert "1994" in fetch(f"{base}/en/history.html")  # the last good page is still served
    history.write_text(good, encoding="utf-8")
    assert wait_for(lambda: not json.loads(fetch(base + STATUS_PATH))["problems"])


def test_an_edit_rewrites_only_the_pages_that_show_the_file(project: Path) -> None:
    site = LiveSite(project, project / "build", "http://127.0.0.1/")
    assert site.build_all()
    before = {p: p.stat().st_mtime_ns for p in site.out_dir.rglob("*.html")}
    vision = project / "data" / "vision.yaml"
    vision.write_text(
        vision.read_text(encoding="utf-8").replace("Looking ahead", "Changed"), encoding="utf-8"
    )
    time.sleep(0.01)
    assert site.rebuild([vision]), site.problems
    changed = sorted(str(p.relative_to(site.out_dir)) for p, t in before.items() if p.stat().st_mtime_ns != t)
    assert changed == ["en/factsheet.html", "en/vision.html"]


def test_an_incremental_rebuild_equals_a_full_build(project: Path, tmp_path: Path) -> None:
    from etown.build import build

    site = LiveSite(project, project / "build", "http://127.0.0.1/")
    assert site.build_all()
    for name, old, new in (("economy", "2456.4", "2456.5"), ("history", "小红楼", "小红楼")):
        path = project / "data" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        assert site.rebuild([path]), site.problems
    full = build(project, tmp_path / "full", base_url="http://127.0.0.1/").out_dir
    files = sorted(str(p.relative_to(full)) for p in full.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(site.out_dir)) for p in site.out_dir.rglob("*") if p.is_file())
    different = [name for name in files if (full / name).read_bytes() != (site.out_dir / name).read_bytes()]
    assert different == []
    assert "2,456.5" in (site.out_dir / "zh" / "economy.html").read_text(encoding="utf-8")
