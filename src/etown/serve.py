"""``etown serve``: a local preview that rebuilds on every save and reloads the open page.

It owns only HTTP, watching and reloading; building is the pipeline's. The preview is built into
a folder of its own (never build/, which holds what you publish), served on 127.0.0.1 only, to
clients that name it as localhost. A problem after an edit is reported and shown in the browser
over the last good build, or, before there is one, as a page of its own; the next good save
recovers. Nothing that goes wrong in a rebuild stops the watcher.
"""

import contextlib
import html
import http.server
import json
import shutil
import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from etown.config import CONFIG_FILE
from etown.pipeline import Pipeline
from etown.problems import Problem, UsageError
from etown.report import Report

STATUS_PATH = "/__etown/status"
VIEWED_PAGES = 8
RELOAD_SCRIPT_PATH = "/__etown/reload.js"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
EVENTS_PATH = "/__etown/events"
ASSETS_FOLDER = "assets/"
ASSET_CACHING = "max-age=31536000, immutable"
"""Files in assets/ are named by a hash of their content: a reload need not fetch them again."""
SCRIPT_CACHING = "max-age=600"
"""The reload script changes only with etown."""
RELOAD_HEAD_START = 0.3
"""How long a rebuild waits, at most, for a browser to reload a page it has open, once that page
is written, before rendering the rest."""
STREAM_SECONDS = 15.0
"""How often an open event stream hears from the server when nothing changes: a comment line,
which finds a client that has gone away and ends its stream."""
RELOAD_SCRIPT = """(function () {
  if (!window.EventSource) return;
  var script = document.currentScript, source = null;
  var version = Number(script.dataset.version || 0), page = script.dataset.page;
  function show(problems) {
    var box = document.getElementById("etown-problems");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "etown-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;" +
        "padding:1em;background:#fff0f0;color:#8b0000;border-top:4px solid #d4351c;z-index:99;" +
        "white-space:pre-wrap;font:14px/1.4 monospace";
      document.body.appendChild(box);
    }
    box.textContent = "etown: the project has problems; showing the last good build\\n\\n" +
      problems.join("\\n");
  }
  function listen() {
    source = new EventSource("EVENTS_PATH");
    source.onmessage = function (event) {
      var status = JSON.parse(event.data);
      // pages the rebuild under way has made are served as of the version it will be
      var current = status.current.indexOf(page) >= 0;
      var ahead = current && version === status.version + 1;
      if ((status.version !== version && !ahead) || (current && version === status.version)) {
        source.close(); location.reload(); return;
      }
      show(status.problems);
    };
  }
  // a hidden tab lets its stream go: browsers allow a site six connections in all
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && source) { source.close(); source = null; }
    else if (!document.hidden && !source) listen();
  });
  if (!document.hidden) listen();
})();
""".replace("EVENTS_PATH", EVENTS_PATH)


PROBLEMS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>etown: the project has problems</title></head>
<body>
<h1>The project has problems</h1>
<p>etown serve shows the site as soon as a save fixes them; this page reloads itself then.</p>
<pre>{problems}</pre>
<script src="{script}"></script>
</body>
</html>
"""


@dataclass
class Preview:
    """A pipeline building into a preview folder, and what the browser is told about it."""

    pipeline: Pipeline
    folder: Path
    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _viewed: dict[str, None] = field(default_factory=dict)
    """The pages asked for lately, the latest last: a rebuild makes them first (as Hugo's fast
    render does), so the page a reader has open is up to date before the rest."""
    _viewed_lock: threading.Lock = field(default_factory=threading.Lock)
    _current: set[str] = field(default_factory=set)
    """Output files the rebuild under way has written (or found unchanged): served as of the
    version it will make, and, for the pages a reader has open, told to their browsers at once,
    so that they reload before the rest of the rebuild is done."""
    _told: threading.Condition = field(default_factory=threading.Condition)
    """Notified whenever what the browser is told (the status) changes, or the server closes."""
    closed: bool = False
    _listening: int = 0
    """Event streams open now: pages shown in a browser, which reload when told."""
    _streams_opened: int = 0

    def viewed(self, page: str) -> None:
        with self._viewed_lock:
            self._viewed.pop(page, None)
            self._viewed[page] = None
            while len(self._viewed) > VIEWED_PAGES:
                del self._viewed[next(iter(self._viewed))]

    def open_pages(self) -> list[str]:
        with self._viewed_lock:
            return list(self._viewed)

    def build(self) -> Report:
        return self._run(lambda: self.pipeline.build(self.folder))

    def update(self, changed: Iterable[Path]) -> Report:
        """The edited pages first, and the browser told to reload; then the search index, which
        takes longer than the pages (Pagefind reads every page again)."""
        first = self.open_pages()
        report = self._run(
            lambda: self.pipeline.update(
                changed, self.folder, finish=False, first=first, on_written=self._written
            )
        )
        if report.ok and report.written:
            report = self._run(lambda: self._finished(report), reload=False)
        return report

    def _finished(self, report: Report) -> Report:
        problems = self.pipeline.finish(self.folder)
        return replace(report, problems=sorted({*report.problems, *problems})) if problems else report

    def _run(self, step: Callable[[], Report], *, reload: bool = True) -> Report:
        with self._lock:
            try:
                report = step()
            except BaseException as error:  # the watcher must outlive anything a rebuild meets
                if isinstance(error, KeyboardInterrupt):
                    raise
                report = self.failed(f"the rebuild failed: {type(error).__name__}: {error}")
            self.problems = [problem for problem in report.problems if not report.ok]
            # pages an update wrote before a problem stopped it are served too: reload them
            if reload and (report.ok or (self.version and self._current)):
                self.version += 1
            self._current = set()
        self._tell_browsers()
        return report

    def failed(self, message: str) -> Report:
        return Report([Problem("etown", 0, 0, "", message)], self.pipeline.strict)

    def show(self, report: Report) -> None:
        """Tell the browser about a failure outside any rebuild (the watcher's own)."""
        with self._lock:
            self.problems = list(report.problems)
        self._tell_browsers()

    def _tell_browsers(self) -> None:
        with self._told:
            self._told.notify_all()

    def close(self) -> None:
        """End every event stream: the server is closing."""
        with self._told:
            self.closed = True
            self._told.notify_all()

    def next_status(self, last: dict[str, object] | None, timeout: float) -> dict[str, object] | None:
        """The status once it differs from ``last`` (at once if it already does), or None after
        ``timeout`` seconds without a change or once the server closes."""
        with self._told:
            self._told.wait_for(lambda: self.closed or self.status() != last, timeout)
            current = self.status()
            return None if self.closed or current == last else current

    def problems_page(self) -> bytes:
        """The page served while there is no good build: the problems, and the reload script,
        which loads the site once a save fixes them."""
        problems = "\n".join(html.escape(str(problem)) for problem in list(self.problems))
        return PROBLEMS_PAGE.format(problems=problems or "(building…)", script=RELOAD_SCRIPT_PATH).encode()

    def _written(self, page: str) -> None:
        """A page of the rebuild under way is on disk. If a reader has it open, tell the browser
        at once, and let it reload before the rest is rendered (or for RELOAD_HEAD_START at
        most), rather than compete with it for this process's time."""
        self._current.add(page)
        if page not in self._viewed:
            return
        with self._told:
            opened, listening = self._streams_opened, self._listening
            self._told.notify_all()
            if listening:
                self._told.wait_for(lambda: self.closed or self._streams_opened > opened, RELOAD_HEAD_START)

    @contextlib.contextmanager
    def listening(self) -> Iterator[None]:
        """Count an event stream while it is open (a page that has loaded and listens)."""
        with self._told:
            self._listening += 1
            self._streams_opened += 1
            self._told.notify_all()
        try:
            yield
        finally:
            with self._told:
                self._listening -= 1

    def version_of(self, page: str) -> int:
        """The version a page read now is served as: that of the rebuild under way if it has
        made the page already (read before the page, so a page is never newer than it says)."""
        return self.version + (page in self._current)

    def status(self) -> dict[str, object]:
        return {
            "version": self.version,
            "problems": [str(problem) for problem in self.problems],
            "current": sorted(self._current.intersection(self.open_pages())),
        }


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the preview folder; injects the reload script into pages; answers local names only."""

    preview: Preview
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        """Every request gets a proper status, whatever goes wrong while answering it."""
        try:
            self._respond(with_body=with_body)
        except (ConnectionError, TimeoutError):  # the client went away
            self.close_connection = True
        except Exception:
            self.close_connection = True
            with contextlib.suppress(Exception):
                self._plain(500, "etown serve could not answer this request", with_body)

    def _respond(self, *, with_body: bool) -> None:
        if not self._host_is_local():
            self._plain(403, "etown serve answers requests for localhost only", with_body)
            return
        path = urllib.parse.urlsplit(self.path).path
        if path == STATUS_PATH:
            self._send(200, json.dumps(self.preview.status()).encode("utf-8"), "application/json", with_body)
            return
        if path == RELOAD_SCRIPT_PATH:
            self._send(200, RELOAD_SCRIPT.encode("utf-8"), "text/javascript", with_body, SCRIPT_CACHING)
            return
        if path == EVENTS_PATH:
            self._events(with_body)
            return
        self._file(path, with_body)

    def _events(self, with_body: bool) -> None:
        """The status as server-sent events: now, and again the moment it changes (a rebuild
        written, a problem found or fixed), so an open page reloads without asking every so
        often. The stream holds its connection and thread until the client goes or the server
        closes."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not with_body:
            return
        last: dict[str, object] | None = None
        with self.preview.listening():
            while not self.preview.closed:
                status = self.preview.next_status(last, STREAM_SECONDS)
                if status is not None:
                    last = status
                    self.wfile.write(b"data: " + json.dumps(status).encode("utf-8") + b"\n\n")
                elif not self.preview.closed:
                    self.wfile.write(b":\n\n")
                self.wfile.flush()

    def _file(self, url_path: str, with_body: bool) -> None:
        if not self.preview.version:  # no good build yet: what is wrong, until a save fixes it
            self._send(500, self.preview.problems_page(), "text/html; charset=utf-8", with_body)
            return
        try:
            local = Path(self.translate_path(url_path))
            if local.is_dir():
                if not url_path.endswith("/"):  # relative links inside need the slash
                    self._redirect(url_path + "/", with_body)
                    return
                local = local / "index.html"
            folder = Path(self.directory)
            page = local.relative_to(folder).as_posix() if local.is_relative_to(folder) else ""
            version = self.preview.version_of(page)
            content = local.read_bytes() if local.is_file() else None
        except (OSError, ValueError):  # a name too long for the file system, a stray NUL
            content = None
        if content is None:
            self._not_found(with_body)
            return
        content_type = self.guess_type(str(local))
        if local.suffix == ".html":
            if page:
                self.preview.viewed(page)
            script = (
                f'<script src="{RELOAD_SCRIPT_PATH}" data-version="{version}" '
                f'data-page="{html.escape(page)}"></script></body>'
            ).encode()
            content = content.replace(b"</body>", script)
            content_type = "text/html; charset=utf-8"
        caching = ASSET_CACHING if page.startswith(ASSETS_FOLDER) else "no-store"
        self._send(200, content, content_type, with_body, caching)

    def _not_found(self, with_body: bool) -> None:
        page = Path(self.directory) / "404.html"
        if page.is_file():
            self._send(404, page.read_bytes(), "text/html; charset=utf-8", with_body)
        else:
            self._plain(404, "not found", with_body)

    def _redirect(self, location: str, with_body: bool) -> None:
        self.send_response(301)
        self.send_header("Location", urllib.parse.quote(location))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _plain(self, status: int, message: str, with_body: bool) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", with_body)

    def _send(
        self, status: int, body: bytes, content_type: str, with_body: bool, caching: str = "no-store"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", caching)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _host_is_local(self) -> bool:
        """Refuse other names, so a web page cannot reach the preview through DNS rebinding."""
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in LOCAL_HOSTS

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the terminal for build messages


class PreviewServer(http.server.ThreadingHTTPServer):
    request_queue_size = 128
    """Browsers open many connections at once; a backlog of 5 made them wait seconds."""
    daemon_threads = True

    def __init__(self, port: int, preview: Preview) -> None:
        self.preview = preview
        handler = type("Handler", (PreviewHandler,), {"preview": preview})
        super().__init__(("127.0.0.1", port), lambda *args: handler(*args, directory=str(preview.folder)))

    def server_close(self) -> None:
        self.preview.close()
        super().server_close()

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-request is no news: no traceback on the terminal."""


def watched_paths(root: Path) -> list[Path]:
    return [root / "data", root / "templates", root / "seeds", root / CONFIG_FILE]


RETRY_SECONDS = 1.0
"""How long the watcher waits before watching again after watching itself failed."""


WATCHING_MS = 100
"""How soon the watcher says it is watching (and how often it wakes when nothing changes)."""


def watch(
    preview: Preview,
    stop: threading.Event,
    on_report: Callable[[Report], None],
    watching: threading.Event | None = None,
) -> None:
    """Rebuild after every save until ``stop`` is set, whatever a rebuild or the watching meets
    (a watched folder deleted and made again, the system's watch limit reached). ``watching`` is
    set once the files are watched: a save from then on is seen."""
    import watchfiles

    root = preview.pipeline.root
    while not stop.is_set():
        try:
            paths = [path for path in watched_paths(root) if path.exists()]
            if paths:
                for changes in watchfiles.watch(
                    *paths, stop_event=stop, debounce=50, step=2, raise_interrupt=False,
                    rust_timeout=WATCHING_MS, yield_on_timeout=True,
                ):  # fmt: skip
                    if watching is not None:
                        watching.set()
                    if changes:
                        _tell(on_report, preview.update(Path(path) for _, path in changes))
        except Exception as error:
            report = preview.failed(
                f"watching for changes failed ({type(error).__name__}: {error}); retrying"
            )
            preview.show(report)
            _tell(on_report, report)
        stop.wait(RETRY_SECONDS)


def _tell(on_report: Callable[[Report], None], report: Report) -> None:
    with contextlib.suppress(Exception):  # a closed terminal must not stop the preview
        on_report(report)


def open_server(port: int, preview: Preview) -> PreviewServer:
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535 (got: {port})")
    try:
        return PreviewServer(port, preview)
    except OSError as error:
        reason = "it is in use" if error.errno in {98, 48, 10048} else (error.strerror or str(error))
        raise UsageError(f"cannot serve on port {port}: {reason}; choose another with --port") from error


WATCHER_STARTS_SECONDS = 10.0
"""How long the first build waits for the watcher to be watching (it takes milliseconds)."""
STOPPING_SECONDS = 30.0
"""How long the end waits for a rebuild under way to finish."""


def serve(
    root: Path,
    port: int,
    *,
    strict: bool = False,
    on_report: Callable[[Report, bool], None],
    on_start: Callable[[str], None],
) -> None:
    """Preview until interrupted. The files are watched before the first build reads them, so
    no save is missed, however soon it comes; a first build that fails serves a page listing
    its problems, and the next save that fixes them serves the site (as ``hugo server`` does).
    ``on_report`` is told each build's report, and whether a good build is being served."""
    folder = Path(tempfile.mkdtemp(prefix="etown-preview-"))
    stop = threading.Event()
    watcher: threading.Thread | None = None
    try:
        preview = Preview(
            Pipeline(root, strict=strict, published=False, expensive=False), folder
        )  # no PDFs: seconds each
        server = open_server(port, preview)
        preview.pipeline.base_url = f"http://127.0.0.1:{server.server_port}/"

        def told(report: Report) -> None:
            if not stop.is_set():  # a rebuild cut short by the end is no news
                on_report(report, preview.version > 0)

        watching = threading.Event()
        watcher = threading.Thread(target=watch, args=(preview, stop, told, watching), daemon=True)
        watcher.start()
        watching.wait(WATCHER_STARTS_SECONDS)
        told(preview.build())
        on_start(f"http://127.0.0.1:{server.server_port}/")
        try:
            server.serve_forever()
        finally:
            server.server_close()
    finally:
        stop.set()
        if watcher is not None:  # its rebuild ends before the folder goes, or it would make it again
            watcher.join(STOPPING_SECONDS)
        shutil.rmtree(folder, ignore_errors=True)
