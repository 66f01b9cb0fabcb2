"""``etown serve``: build, serve on 127.0.0.1, rebuild what an edit touches, reload the browser.

A data error while serving is printed and shown in the browser; the last good site stays
served, and the next good save recovers.
"""

import functools
import http.server
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from etown.config import CONFIG_FILE, SiteConfig, read_config
from etown.load import LoadedFile, load_data, load_data_file
from etown.pages import pages_showing
from etown.problems import EtownError, Problem, errors_only
from etown.provenance import Seed, read_seed
from etown.render import SiteRenderer, template_errors_as_problems
from etown.schema import DATA_FILES
from etown.validate import FileResult, combine, validate_file
from etown.write import update_files, write_site

STATUS_PATH = "/__etown/status"
RELOAD_SCRIPT_PATH = "/__etown/reload.js"
RELOAD_SCRIPT = """(function () {
  var version = null;
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
    box.textContent = "etown: the data has problems; showing the last good build\\n\\n" +
      problems.join("\\n");
  }
  function poll() {
    fetch("STATUS_PATH", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (version !== null && s.version !== version) { location.reload(); return; }
      version = s.version;
      show(s.problems);
    }).catch(function () {}).finally(function () { setTimeout(poll, 500); });
  }
  poll();
})();
""".replace("STATUS_PATH", STATUS_PATH)


@dataclass
class LiveSite:
    """The state ``etown serve`` keeps between edits: the loaded files and a warm renderer."""

    root: Path
    out_dir: Path
    base_url: str | None = None
    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    _seed: Seed | None = None
    _config: SiteConfig | None = None
    _files: dict[str, LoadedFile] = field(default_factory=dict)
    _load_problems: dict[str, list[Problem]] = field(default_factory=dict)
    """Loading problems by file, kept until that file is saved again."""
    _results: dict[str, FileResult] = field(default_factory=dict)
    """Each loaded file's validation, redone only when that file is saved again."""
    _renderer: SiteRenderer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def build_all(self) -> bool:
        """Load everything and write the whole site (the first build, or after a template edit)."""
        with self._lock:
            try:
                self._seed = read_seed(self.root)
                self._config = read_config(self.root, self.base_url)
                loaded = load_data(self.root, list(DATA_FILES))
                self._files = loaded.files
                self._load_problems = {}
                for problem in loaded.problems:
                    self._load_problems.setdefault(problem.file, []).append(problem)
                self._results = {name: validate_file(file, self._seed) for name, file in self._files.items()}
                self._renderer = None
                return self._rebuild(page_keys=None, data_names=None)
            except EtownError as error:
                return self._fail([Problem("", 0, 0, "", str(error)), *error.problems])

    def rebuild(self, changed: Iterable[Path]) -> bool:
        """Rebuild after an edit: only the data files that changed, only the pages they feed."""
        names = {path.stem for path in changed if path.parent.resolve() == (self.root / "data").resolve()}
        names &= set(DATA_FILES)
        others = [
            path for path in changed if path.suffix in {".yaml", ".yml"} and path.stem not in DATA_FILES
        ]
        if not names or others or self._renderer is None or self._seed is None:
            return self.build_all()
        with self._lock:
            for name in names:
                self._reload(name, self._seed)
            page_keys = pages_showing(names)
            return self._rebuild(page_keys, data_names=None if page_keys is None else names)

    def _reload(self, name: str, seed: Seed) -> None:
        loaded, problems = load_data_file(self.root / "data", name)
        self._load_problems[f"data/{name}.yaml"] = problems
        self._files.pop(name, None)
        self._results.pop(name, None)
        if loaded is not None:
            self._files[name] = loaded
            self._results[name] = validate_file(loaded, seed)

    def _rebuild(self, page_keys: set[str] | None, data_names: set[str] | None) -> bool:
        assert self._seed is not None and self._config is not None
        result = combine(self._results, self._files)
        load_problems = [problem for problems in self._load_problems.values() for problem in problems]
        problems = sorted(load_problems + result.problems)
        if result.data is None or errors_only(problems):
            return self._fail(problems or [Problem("", 0, 0, "", "the data is incomplete")])
        try:
            with template_errors_as_problems(self.root / "templates"):
                if self._renderer is None:
                    templates = self.root / "templates"
                    self._renderer = SiteRenderer(templates, self._config, self._seed.display_path)
                    page_keys = None
                    data_names = None
                outputs = self._renderer.render(result.data, page_keys, data_names)
            if page_keys is None:
                write_site(outputs, self.out_dir)
            else:
                update_files(outputs, self.out_dir)
        except EtownError as error:
            return self._fail(error.problems or [Problem("", 0, 0, "", str(error))])
        self.problems = []
        self.version += 1
        return True

    def _fail(self, problems: list[Problem]) -> bool:
        """Keep serving the last good build; the browser shows these problems over it."""
        self.problems = problems
        return False

    def status(self) -> dict[str, object]:
        return {"version": self.version, "problems": [str(problem) for problem in self.problems]}


class _Handler(http.server.SimpleHTTPRequestHandler):
    site: LiveSite

    def do_GET(self) -> None:
        if self.path == STATUS_PATH:
            self._send(json.dumps(self.site.status()).encode("utf-8"), "application/json")
            return
        if self.path == RELOAD_SCRIPT_PATH:
            self._send(RELOAD_SCRIPT.encode("utf-8"), "text/javascript")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_bytes().replace(
                b"</body>", f'<script src="{RELOAD_SCRIPT_PATH}"></script></body>'.encode()
            )
            self._send(html, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the terminal for build messages


def watched_paths(root: Path) -> list[Path]:
    return [root / "data", root / "templates", root / "seeds", root / CONFIG_FILE]


def watch_and_rebuild(site: LiveSite, stop: threading.Event) -> None:
    import watchfiles

    paths = [path for path in watched_paths(site.root) if path.exists()]
    for changes in watchfiles.watch(*paths, stop_event=stop, debounce=50, step=5):
        changed = [Path(path) for _, path in changes]
        ok = site.rebuild(changed)
        _report(site, ok)


def _report(site: LiveSite, ok: bool) -> None:
    if ok:
        print(f"etown: rebuilt (version {site.version})", flush=True)
    else:
        for problem in site.problems:
            print(problem, flush=True)
        print(f"etown: {len(site.problems)} problem(s); still serving the last good build", flush=True)


def serve(root: Path, out_dir: Path, port: int, base_url: str | None = None) -> int:
    site = LiveSite(root, out_dir, base_url)
    if not site.build_all():
        _report(site, ok=False)
        if not (out_dir / "index.html").is_file():
            return 1
    handler = type("Handler", (_Handler,), {"site": site})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(out_dir))
    )
    stop = threading.Event()
    watcher = threading.Thread(target=watch_and_rebuild, args=(site, stop), daemon=True)
    watcher.start()
    print(f"etown: serving {out_dir}/ at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0
