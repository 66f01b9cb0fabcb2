"""etown serve pushes the reload: an open page hears of a rebuild over server-sent events the
moment its page is written, instead of asking every so often; nothing of it is needed to read."""

import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from etown.serve import EVENTS_PATH, RELOAD_SCRIPT_PATH, Preview, PreviewServer

pytestmark = pytest.mark.slow  # a live preview server


def events(base: str) -> Iterator[dict[str, object]]:
    """The statuses an event stream of the preview sends, as they come."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=20)
    connection.request("GET", EVENTS_PATH)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    try:
        while line := response.readline():
            if line.startswith(b"data: "):
                yield json.loads(line.removeprefix(b"data: "))
    finally:
        connection.close()


def page(base: str, path: str) -> str:
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    connection.request("GET", path)
    return connection.getresponse().read().decode("utf-8")


def test_an_edit_is_pushed_to_an_open_stream(live: tuple[Preview, str]) -> None:
    preview, base = live
    shown = page(base, "/en/vision.html")
    version = preview.version
    assert f'<script src="{RELOAD_SCRIPT_PATH}" data-version="{version}" data-page="en/vision.html">' in shown
    stream = events(base)
    assert next(stream) == {"version": version, "problems": [], "current": []}  # at once, as it is
    vision = preview.pipeline.root / "data" / "vision.yaml"
    vision.write_text(vision.read_text(encoding="utf-8").replace("Looking ahead", "Pushed"), encoding="utf-8")
    told = next(stream)
    # the open page is told as soon as it is written, before the rebuild's other files
    assert told["current"] == ["en/vision.html"] and told["version"] == version
    assert next(stream)["version"] == version + 1  # and the version moves on when all are written
    assert "Pushed" in page(base, "/en/vision.html")


def test_a_page_remade_by_the_rebuild_under_way_is_served_as_of_the_version_it_makes(
    tmp_path: Path,
) -> None:
    preview = Preview(pipeline=None, folder=tmp_path)  # type: ignore[arg-type]
    preview.version = 3
    preview.viewed("en/history.html")
    preview._written("en/history.html")
    preview._written("zh/history.html")  # written, but open nowhere: not told
    assert preview.version_of("en/history.html") == 4
    assert preview.version_of("zh/history.html") == 4
    assert preview.version_of("en/vision.html") == 3  # not yet remade: reloaded once it is
    assert preview.status()["current"] == ["en/history.html"]


def test_closing_the_server_ends_the_streams(tmp_path: Path) -> None:
    preview = Preview(pipeline=None, folder=tmp_path)  # type: ignore[arg-type]
    preview.version = 1
    assert preview.next_status(None, 5) == {"version": 1, "problems": [], "current": []}
    server = PreviewServer(0, preview)
    server.server_close()
    assert preview.next_status({"version": 1, "problems": [], "current": []}, 5) is None
    assert preview.closed
