"""How fast etown builds: beside Hugo, at scale, while editing, checking, and starting.

    python benchmarks/run.py [--quick] [--out FILE] [--hugo-port PATH]

Every build is a fresh process (``python -m etown``, started through peak.py): its wall-clock
time, its CPU time, and its peak resident memory. The targets are those of issue 16.

The comparison is with Hugo building the Hugo port of the site (bench/hugo-port: the same pages,
assets, open data and sitemap from a frozen copy of the data), found beside the repository
(``REPO/../shared/bench/hugo-port``) or at ``--hugo-port``; it is skipped, with a note, when
``hugo`` or the port is missing. etown builds with ``--no-pdf --no-search`` for it, since the port
makes neither; the PDFs and the search index are timed on their own. etown and Hugo take turns
(A B A B …) and each ratio is the median of the ratios of the pairs, so that other load on the
machine falls on both alike.

Nothing in the project is touched: every build writes into a temporary folder with a cache
folder of its own (ETOWN_CACHE_DIR), the scale runs build synthetic copies (synthetic.py, and
hugoport.py for the port), and the editing benchmark edits a copy of the project.
"""

import argparse
import contextlib
import dataclasses
import datetime
import functools
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SOURCE = REPO / "src"
sys.path[:0] = [str(SOURCE), str(HERE)]  # measure this checkout, whatever else is installed

import synthetic  # noqa: E402

from etown.cache import CACHE_ENV  # noqa: E402

ETOWN = ["-m", "etown"]
COMPILED_TEMPLATES = "jinja"
"""The cache folder's kind that holds Jinja's compiled templates (``etown.render``)."""
LIKE_FOR_LIKE = ["--no-pdf", "--no-search"]
"""What the Hugo port makes too: pages, assets, open data, sitemap (and etown's citations)."""
PORT_FOLDER = Path("shared", "bench", "hugo-port")
DEFAULT_PORT = next(
    (folder / PORT_FOLDER for folder in REPO.parents if (folder / PORT_FOLDER).is_dir()),
    REPO.parent / PORT_FOLDER,
)
"""The port beside the repository (/work/main → /work/shared/…), or beside a folder holding it
(a worktree at /work/wt/NAME)."""


class BenchmarkError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    pairs: int
    """Runs of the real site, each one etown build with an empty cache, one with a warm one, and
    one Hugo build."""
    scale_runs: int
    """Runs (pairs, with Hugo) per scale below ×1000; ×1000 runs once: it takes minutes."""
    factors: tuple[int, ...]
    extra_runs: int
    """Runs of the PDF and search index timings (a PDF build from an empty cache takes seconds)."""
    check_runs: int
    edits: int
    startup_runs: int


FULL = Settings(
    pairs=7, scale_runs=3, factors=(10, 100, 1000), extra_runs=3, check_runs=11, edits=15, startup_runs=10
)
QUICK = Settings(
    pairs=5, scale_runs=2, factors=(10, 100), extra_runs=1, check_runs=5, edits=9, startup_runs=5
)


# --- measuring a process ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    seconds: float
    """Wall-clock time, from starting the process to its end."""
    cpu_seconds: float
    """User and system time of the process: what other load on the machine disturbs least (Hugo
    uses both cores, so its CPU time can exceed its wall-clock time)."""
    peak_mb: float


def run_process(argv: Sequence[str], cache: Path | None = None) -> Measurement:
    """Run ``python ARGUMENTS`` (through peak.py) to its end; fail with its error if it fails.
    ``cache`` is the etown cache folder it uses (ETOWN_CACHE_DIR)."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        command = [sys.executable, str(HERE / "peak.py"), str(peak_file), *argv]
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=REPO, env=_child_environment(cache), stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        _check_exit(argv, os.waitstatus_to_exitcode(status), errors)
        # KiB either way; ru_maxrss only where /proc is missing (it can include the parent's)
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss
    return Measurement(seconds, usage.ru_utime + usage.ru_stime, peak_kib / 1024)


def run_program(argv: Sequence[str]) -> Measurement:
    """Run a program that is not Python (Hugo) through peak.py --exec, which times it alone."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory() as scratch:
        figures_file = Path(scratch) / "figures"
        command = [sys.executable, str(HERE / "peak.py"), str(figures_file), "--exec", *argv]
        process = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=errors, check=False)
        _check_exit(argv, process.returncode, errors)
        peak_kib, seconds, cpu_seconds = figures_file.read_text().split()
    return Measurement(float(seconds), float(cpu_seconds), int(peak_kib) / 1024)


def _check_exit(argv: Sequence[str], code: int, errors: IO[bytes]) -> None:
    if code != 0:
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines() or ["(no output)"]
        raise BenchmarkError(f"{_shown(argv)} failed: {lines[-1]}")


def _shown(argv: Sequence[str]) -> str:
    return " ".join(argument.splitlines()[0] + " …" if "\n" in argument else argument for argument in argv)


def _child_environment(cache: Path | None = None) -> dict[str, str]:
    paths = [str(SOURCE), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    if cache is not None:
        environment[CACHE_ENV] = str(cache)
    return environment


def repeated(runs: int, measure: Callable[[int], Measurement]) -> Measurement:
    return summary([measure(run) for run in range(runs)])


def summary(measurements: Sequence[Measurement]) -> Measurement:
    """The median times of several runs, and the highest peak memory among them."""
    return Measurement(
        statistics.median(m.seconds for m in measurements),
        statistics.median(m.cpu_seconds for m in measurements),
        max(m.peak_mb for m in measurements),
    )


def etown_build(
    root: Path, out: Path, cache: Path, etown: Sequence[str] = ETOWN, flags: Sequence[str] = LIKE_FOR_LIKE
) -> Measurement:
    return run_process([*etown, "build", "--root", str(root), "--out", str(out), *flags], cache)


def etown_reading(largest_file: int, factor: int) -> list[str]:
    """``etown`` with two of its guards against hostile data raised for a synthetic project: the
    limit on a data file's size (2 MB) to ``largest_file`` bytes, which the ×100 and ×1000 data
    exceed, and the limit on the Markdown marks in one file's texts (1,000) ``factor`` times,
    since every copy of a text brings its marks. (etown reads up to the size limit in one go, so
    that limit is kept tight rather than made huge.)"""
    return [
        "-c",
        f"import sys, etown.load, etown.validate\netown.load.MAX_BYTES = {largest_file}\n"
        f"etown.validate.MAX_MARKDOWN_MARKS *= {factor}\n"
        "from etown.cli import main\nsys.exit(main())",
    ]  # fmt: skip


@dataclass(frozen=True)
class Hugo:
    program: str
    port: Path

    def build(self, site: Path, out: Path) -> Measurement:
        return run_program([self.program, "--quiet", "-s", str(site), "-d", str(out)])


def find_hugo(port: Path) -> tuple[Hugo | None, str]:
    """Hugo and its port of the site, or None and why the comparison is skipped."""
    program = shutil.which("hugo")
    if program is None:
        return None, "no `hugo` on PATH (Debian package hugo)"
    if not (port / "config.toml").is_file() or not (port / "data").is_dir():
        return None, f"no Hugo port of the site at {port} (see --hugo-port)"
    version = subprocess.run([program, "version"], capture_output=True, text=True, check=False).stdout
    return Hugo(program, port), version.split(" ")[1] if version.count(" ") else version.strip()


@dataclass(frozen=True)
class Paired:
    """Builds of etown and of Hugo that took turns, and the medians of their per-pair ratios."""

    etown: Measurement
    hugo: Measurement | None
    wall_ratio: float | None
    cpu_ratio: float | None


def paired(etown_runs: Sequence[Measurement], hugo_runs: Sequence[Measurement]) -> Paired:
    if not hugo_runs:
        return Paired(summary(etown_runs), None, None, None)
    pairs = list(zip(etown_runs, hugo_runs, strict=True))
    return Paired(
        summary(etown_runs),
        summary(hugo_runs),
        statistics.median(e.seconds / h.seconds for e, h in pairs),
        statistics.median(e.cpu_seconds / h.cpu_seconds for e, h in pairs),
    )


@dataclass(frozen=True)
class Output:
    """What a build wrote: files, and bytes of HTML (every language's pages, the root and 404)."""

    files: int
    html_bytes: int


def output_of(folder: Path) -> Output:
    files = [path for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")]
    return Output(len(files), sum(path.stat().st_size for path in files if path.suffix == ".html"))


def measured_and_removed(build: Callable[[Path], Measurement], out: Path) -> tuple[Measurement, Output]:
    """Build into ``out``, note what it wrote, and delete it (a ×1000 site is gigabytes)."""
    measured = build(out)
    written = output_of(out)
    shutil.rmtree(out)
    return measured, written


# --- 1: the real site, beside Hugo -----------------------------------------------------------


@dataclass(frozen=True)
class RealSite:
    records: int
    empty_cache: Paired
    """etown with an empty cache folder: the first build, compiling every template."""
    warm_cache: Paired
    """etown with its compiled templates cached and nothing kept of the data: a build after
    an edit to every data file."""
    unchanged: Paired
    """etown building the data as its last build did: each file's state and each output kept."""
    etown_output: Output
    hugo_output: Output | None
    runs: int


def real_site(work: Path, runs: int, warm: Path, hugo: Hugo | None) -> RealSite:
    """etown from an empty cache, with its templates compiled, rebuilding unchanged data, and
    Hugo take turns."""
    empty_runs, warm_runs, unchanged_runs, hugo_runs = [], [], [], []
    etown_output = hugo_output = None
    etown_build(REPO, work / "warm-up", warm)  # fills ``warm``
    shutil.rmtree(work / "warm-up")
    templates_only, everything = work / "templates-only", work / "everything-kept"
    _templates_only(warm, templates_only)
    shutil.copytree(warm, everything)
    for run in range(runs):
        empty = work / f"empty-cache-{run}"
        from_empty = functools.partial(etown_build, REPO, cache=empty)
        measured, etown_output = measured_and_removed(from_empty, work / "e")
        empty_runs.append(measured)
        shutil.rmtree(empty, ignore_errors=True)
        _templates_only(warm, templates_only)
        from_warm = functools.partial(etown_build, REPO, cache=templates_only)
        warm_runs.append(measured_and_removed(from_warm, work / "e")[0])
        unchanged = functools.partial(etown_build, REPO, cache=everything)
        unchanged_runs.append(measured_and_removed(unchanged, work / "e")[0])
        if hugo:
            measured, hugo_output = measured_and_removed(functools.partial(hugo.build, hugo.port), work / "h")
            hugo_runs.append(measured)
    shutil.rmtree(templates_only)
    shutil.rmtree(everything)
    records = sum(
        synthetic.count_records(synthetic.read_yaml(path)) for path in (REPO / "data").glob("*.yaml")
    )
    assert etown_output is not None
    return RealSite(
        records,
        paired(empty_runs, hugo_runs),
        paired(warm_runs, hugo_runs),
        paired(unchanged_runs, hugo_runs),
        etown_output,
        hugo_output,
        runs,
    )


# --- 2: what the port does not make: the PDFs and the search index ---------------------------


@dataclass(frozen=True)
class Extras:
    """The time each adds to a build (``--no-pdf --no-search``), median of per-run differences."""

    pdf_empty_cache: Measurement
    pdf_cached: Measurement
    search: Measurement
    first_build: Measurement
    """A whole ``etown build`` (PDFs and search index) with an empty cache folder: a new user's
    first build (absolute, not a difference)."""
    runs: int


def extras(work: Path, runs: int, warm: Path) -> Extras:
    """Each run: the like-for-like build, then with PDFs from an empty PDF cache, again with the
    PDFs cached, and with the search index; all with the templates' cache warm."""
    differences: dict[str, list[Measurement]] = {"pdf": [], "pdf cached": [], "search": []}
    for run in range(runs):
        pdf_cache = work / f"pdf-cache-{run}"
        shutil.copytree(warm, pdf_cache)  # compiled templates, and no PDF
        shutil.rmtree(pdf_cache / "pdf", ignore_errors=True)
        base = measured_and_removed(functools.partial(etown_build, REPO, cache=warm), work / "e")[0]
        for name, cache, flags in (
            ("pdf", pdf_cache, ["--no-search"]),
            ("pdf cached", pdf_cache, ["--no-search"]),
            ("search", warm, ["--no-pdf"]),
        ):
            build = functools.partial(etown_build, REPO, cache=cache, flags=flags)
            built = measured_and_removed(build, work / "e")[0]
            differences[name].append(
                Measurement(built.seconds - base.seconds, built.cpu_seconds - base.cpu_seconds, built.peak_mb)
            )
        shutil.rmtree(pdf_cache)
    first_builds = []
    for run in range(runs):
        empty = work / f"first-build-cache-{run}"
        build = functools.partial(etown_build, REPO, cache=empty, flags=[])
        first_builds.append(measured_and_removed(build, work / "e")[0])
        shutil.rmtree(empty, ignore_errors=True)
    return Extras(
        summary(differences["pdf"]),
        summary(differences["pdf cached"]),
        summary(differences["search"]),
        summary(first_builds),
        runs,
    )


# --- 3: scale ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleRun:
    factor: int
    records: int
    data_mb: float
    runs: int
    builds: Paired
    """etown's builds (with its compiled templates, nothing kept of the data) paired with Hugo's."""
    rebuild: Measurement
    """etown's build of the data unchanged since its last build (each file's state and each output kept)."""
    etown_output: Output
    port_records: int | None
    hugo_output: Output | None

    def per_record(self, real: RealSite) -> tuple[float, float]:
        """Microseconds of wall-clock and of CPU time per record beyond the real site's, so that
        the fixed cost of a build (start-up, compiling templates) does not hide the growth."""
        records = self.records - real.records
        base = real.warm_cache.etown
        wall = (self.builds.etown.seconds - base.seconds) / records
        cpu = (self.builds.etown.cpu_seconds - base.cpu_seconds) / records
        return wall * 1e6, cpu * 1e6


def generate(script: str, source: Path, target: Path, factor: int) -> int:
    """Write a synthetic copy in a child process, so that this one stays small (a large parent
    makes every process it starts slower to start)."""
    command = [sys.executable, str(HERE / script), str(source), str(target), str(factor)]
    return int(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def scale_run(work: Path, factor: int, settings: Settings, warm: Path, hugo: Hugo | None) -> ScaleRun:
    project, port = work / f"x{factor}", work / f"port-x{factor}"
    print(f"  ×{factor}: generating …", file=sys.stderr, flush=True)
    records = generate("synthetic.py", REPO, project, factor)
    with_hugo = hugo if factor < 1000 else None  # ×1000 is etown's memory and growth, and takes minutes
    port_records = generate("hugoport.py", with_hugo.port, port, factor) if with_hugo else None
    sizes = [path.stat().st_size for path in (project / "data").glob("*.yaml")]
    etown = etown_reading(max(sizes), factor)
    runs = 1 if factor >= 1000 else settings.scale_runs
    print(f"  ×{factor}: {records} records, building {runs}× …", file=sys.stderr, flush=True)
    etown_runs, hugo_runs = [], []
    etown_output = hugo_output = None
    cache = work / f"x{factor}-cache"
    for _ in range(runs):
        _templates_only(warm, cache)
        measured, etown_output = measured_and_removed(
            functools.partial(etown_build, project, cache=cache, etown=etown), work / "e"
        )
        etown_runs.append(measured)
        if with_hugo:
            measured, hugo_output = measured_and_removed(functools.partial(with_hugo.build, port), work / "h")
            hugo_runs.append(measured)
    again = functools.partial(etown_build, project, cache=cache, etown=etown)
    rebuild = measured_and_removed(again, work / "e")[0]
    shutil.rmtree(cache)
    synthetic.remove_project(project)
    shutil.rmtree(port, ignore_errors=True)
    assert etown_output is not None
    builds = paired(etown_runs, hugo_runs)
    return ScaleRun(
        factor, records, sum(sizes) / 2**20, runs, builds, rebuild, etown_output, port_records, hugo_output
    )


def _templates_only(warm: Path, cache: Path) -> None:
    """A cache folder holding ``warm``'s compiled templates and nothing else: nothing kept of any
    data (no file's state or wording, no output, no OpenCC conversion, no check, no PDF). Each
    run builds its data as a first build would, after the templates' first use."""
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copytree(warm / COMPILED_TEMPLATES, cache / COMPILED_TEMPLATES)


# --- 4: editing ----------------------------------------------------------------------------------


class EditedProject:
    """A copy of the project whose data/history.yaml is saved with one event's text changed."""

    def __init__(self, folder: Path) -> None:
        synthetic.make_project(REPO, folder, 1)
        self.root = folder
        self.out = folder / "build"
        self.history_file = folder / "data" / "history.yaml"
        self.history = synthetic.read_yaml(self.history_file)
        self.original = self.history["events"][0]["text"]["en"]

    def save(self, marker: str) -> None:
        self.history["events"][0]["text"]["en"] = f"{self.original} {marker}"
        self.history_file.write_text(synthetic.dump_yaml(self.history), encoding="utf-8")

    def page_shows(self, marker: str) -> bool:
        try:
            return marker in (self.out / "en" / "history.html").read_text(encoding="utf-8")
        except FileNotFoundError:
            return False


@dataclass(frozen=True)
class EditResult:
    rebuild_seconds: float
    rebuild_path: str
    """Which code path was timed in process."""
    served_seconds: float | None
    """The same through a running ``etown serve`` (its file watcher included), if it has one."""
    browser_seconds: float | None
    """From the save to the edited page shown in a browser that has it open, through ``etown
    serve``; None without Playwright and Chromium."""
    without_search_seconds: float
    """The rebuild call with the search index left out (``finishing=False``): what Pagefind,
    which ``etown serve`` runs after every edit, costs it."""


def editing(work: Path, edits: int) -> EditResult:
    project = EditedProject(work / "edit")
    rebuild, path = rebuilder(project)
    timings = edit_timings(project, rebuild, edits)
    without_search = EditedProject(work / "edit-without-search")
    quicker = edit_timings(without_search, rebuilder(without_search, finishing=False)[0], edits)
    served = served_edits(EditedProject(work / "serve"), edits) if "serve" in path else None
    in_browser = browser_reloads(EditedProject(work / "browser"), edits)
    return EditResult(statistics.median(timings), path, served, in_browser, statistics.median(quicker))


def edit_timings(project: EditedProject, rebuild: Callable[[], None], edits: int) -> list[float]:
    rebuild()  # the first build is the server's start, not an edit
    timings = []
    for edit in range(edits):
        marker = f"Edit {edit}."
        project.save(marker)
        started = time.perf_counter()
        rebuild()
        timings.append(time.perf_counter() - started)
        if not project.page_shows(marker):
            raise BenchmarkError(f"edit {edit} did not reach en/history.html")
    return timings


def rebuilder(project: EditedProject, *, finishing: bool = True) -> tuple[Callable[[], None], str]:
    """What ``etown serve`` runs after a save: its incremental rebuild, without PDFs."""
    from etown.pipeline import Pipeline

    pipeline = Pipeline(project.root, expensive=False, finishing=finishing)
    built = False

    def rebuild() -> None:
        nonlocal built
        report = (
            pipeline.update([project.history_file], project.out) if built else pipeline.build(project.out)
        )
        built = True
        if not report.ok:
            raise BenchmarkError(f"etown serve rejected the edit: {report.problems[:3]}")

    return _reporting(rebuild), "etown.pipeline.Pipeline.update (incremental, as etown serve runs it)"


def _reporting(rebuild: Callable[[], object]) -> Callable[[], None]:
    """Turn a failure of etown's inside this process into a failure of the benchmark."""

    def guarded() -> None:
        try:
            rebuild()
        except BenchmarkError:
            raise
        except Exception as error:
            raise BenchmarkError(f"rebuild failed: {type(error).__name__}: {error}") from error

    return guarded


SETTLE_SECONDS = 2.0
"""After the page, the server remakes the search index (about half a second here); the next save
waits for it, as a person's next save, seconds later, does not."""


@contextlib.contextmanager
def _served(project: EditedProject) -> Iterator[str]:
    """A running ``etown serve`` of the project, its preview folder found and its watcher running:
    its address.

    The server builds into a temporary folder of its own (``etown-preview-…``, never build/);
    its TMPDIR here is a folder of the project's, so that its preview folder is the only one
    there."""
    log, temporary = project.root / "serve.log", project.root / "tmp"
    temporary.mkdir()
    command = [sys.executable, *ETOWN, "serve", "--root", str(project.root), "--port", "0"]
    environment = {**_child_environment(), "TMPDIR": str(temporary)}
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=REPO, env=environment, stdout=output, stderr=output)
    try:
        _wait_for(lambda: server.poll() is not None or "serving" in log.read_text(encoding="utf-8"))
        if server.poll() is not None:
            raise BenchmarkError(f"etown serve stopped: {log.read_text(encoding='utf-8')[-300:]}")
        project.out = next(temporary.glob("etown-preview-*"))
        address = re.search(r"http://127\.0\.0\.1:\d+/", log.read_text(encoding="utf-8"))
        if address is None:
            raise BenchmarkError(f"etown serve did not say where it serves: {log.read_text()[-300:]}")
        _open_in_a_browser(address.group(), "en/history.html")
        _wait_for(functools.partial(_watcher_noticed, project), seconds=30)
        yield address.group()
    finally:
        server.terminate()
        server.wait(timeout=10)


def served_edits(project: EditedProject, edits: int) -> float:
    """The median time from saving to the page on disk, through a running ``etown serve``."""
    with _served(project):
        timings = []
        for edit in range(edits):
            marker = f"Served edit {edit}."
            project.save(marker)
            started = time.perf_counter()
            _wait_for(functools.partial(project.page_shows, marker))
            timings.append(time.perf_counter() - started)
            time.sleep(SETTLE_SECONDS)
        return statistics.median(timings)


CHROMIUM = Path(os.environ.get("ETOWN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


SHOWS = "marker => document.body !== null && document.body.innerText.includes(marker)"


def browser_reloads(project: EditedProject, edits: int) -> float | None:
    """The median time from saving to the edited page shown in a browser that has it open
    (Chromium through Playwright), through a running ``etown serve``; None without them."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.is_file():
        return None
    with _served(project) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        tab = browser.new_page()
        tab.goto(address + "en/history.html")

        def shows(marker: str) -> bool:
            try:
                return bool(
                    tab.evaluate("m => document.body !== null && document.body.innerText.includes(m)", marker)
                )
            except Error:  # the page is being reloaded
                return False

        timings = []
        for edit in range(edits):
            marker = f"Browser edit {edit}."
            project.save(marker)
            started = time.perf_counter()
            _wait_for(functools.partial(shows, marker))
            timings.append(time.perf_counter() - started)
            time.sleep(SETTLE_SECONDS)
        browser.close()
        return statistics.median(timings)


def _open_in_a_browser(address: str, page: str) -> None:
    """Ask the server for the page, as the browser of a person editing it does: the server
    remakes the pages it was asked for first."""
    with urllib.request.urlopen(address + page, timeout=10) as response:
        response.read()


def _watcher_noticed(project: EditedProject) -> bool:
    """Save a warm-up edit, and again until it shows: the watcher starts after the server says
    it is serving, and a save before it starts goes unnoticed."""
    project.save("Warm-up edit.")
    try:
        _wait_for(functools.partial(project.page_shows, "Warm-up edit."), seconds=0.5)
    except BenchmarkError:
        return False
    return True


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > deadline:
            raise BenchmarkError(f"etown serve did not rebuild the page within {seconds:g} s")
        time.sleep(0.001)


# --- 5: checking, and start-up -----------------------------------------------------------------


@dataclass(frozen=True)
class Checks:
    changed: Measurement
    """Checks after an edit to one value of a project checked before."""
    unchanged: Measurement
    """Checks of a project checked before as it is: answered from the cache."""


def checking(work: Path, runs: int, warm: Path) -> Checks:
    """``etown check`` after an edit to one value (the English text of an event, saved as an
    editor saves it) of a project checked once before, as in an editing session: what is kept
    of the last check (each data file's state, each output file) is used where still valid.
    Then checks of the project as it is: answered from the check cache."""
    project = EditedProject(work / "checked")
    command = [*ETOWN, "check", "--root", str(project.root)]
    run_process(command, warm)

    def changed(run: int) -> Measurement:
        project.save(f"Edit {run}.")
        return run_process(command, warm)

    after_an_edit = repeated(runs, changed)
    run_process(command, warm)
    return Checks(after_an_edit, repeated(runs, lambda run: run_process(command, warm)))


def startup(runs: int) -> Measurement:
    return repeated(runs, lambda run: run_process([*ETOWN, "--help"]))


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Results:
    real: RealSite
    extras: Extras
    scales: list[ScaleRun]
    check: Checks
    edit: EditResult
    startup: Measurement
    settings: Settings
    hugo_note: str
    """Hugo's version, or why there is no Hugo comparison."""
    load_average: tuple[float, float]
    """The machine's one-minute load average before and after: other work skews wall times."""


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else "PASS" if met else "MISS"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(row) for row in rows)]


def report(results: Results) -> str:
    before, after = results.load_average
    settings, real = results.settings, results.real
    return "\n".join([
        f"etown benchmark, {datetime.date.today().isoformat()}: {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {before:.1f} before, "
        f"{after:.1f} after. Hugo: {results.hugo_note}.",
        "",
        *_table(["Measure", "Figure", "Target", "Verdict"], _target_rows(results)),
        "",
        *_table(
            ["Process", "Runs", "Time", "CPU time", "Peak memory", "etown / Hugo, time", "etown / Hugo, CPU"],
            _process_rows(results),
        ),
        "",
        _output_line(real),
        "",
        *_table(
            ["Not in the port: added to a build", "Runs", "Time", "CPU time", "Peak memory of the build"],
            _extra_rows(results.extras),
        ),
        "",
        *_table(
            ["Scale", "Records", "Data", "Runs", "Time", "CPU time", "Peak memory",
             "Time per record", "CPU time per record", "Hugo time", "Hugo CPU", "etown / Hugo, time",
             "etown / Hugo, CPU", "HTML, etown / port", "etown, data unchanged: time, peak"],
            [_scale_row(run, real) for run in results.scales],
        ),
        "",
        "Times are medians; every process is timed whole, start-up included; etown builds with "
        "`--no-pdf --no-search` unless said otherwise. etown / Hugo is the median of the ratios "
        "of builds that took turns (etown, Hugo, etown, Hugo …), not the ratio of the medians. "
        "Hugo runs on both cores, so its CPU time exceeds its wall-clock time. The real site's "
        "cold builds start with an empty cache folder (no compiled templates); the warm ones and "
        "the scale runs start with the templates compiled and nothing kept of the data (each data "
        "file's checked state and each output file are kept between runs, for their exact inputs: "
        "`etown.kept_state`, `etown.kept_outputs`), as after an edit to every data file; 'data "
        "unchanged' is a build of the data its last build built, with all of that kept. Time per "
        "record is the time beyond the real site's warm build divided by the records beyond "
        f"its {real.records} (records are the mappings with a `source` quote), so that the "
        "fixed cost of a build does not hide how the rest grows; the target is judged on CPU "
        "time, which the machine's other load disturbs much less than the wall clock. ×1000 "
        "runs once, and without Hugo. The scale runs raise two of etown's limits on hostile data: "
        "the size of a data file (2 MB, etown.load.MAX_BYTES) to the largest multiplied file, "
        "and the Markdown marks in one file's texts (1,000) by the scale's factor.",
        f"PDF and search index: the median, over {results.extras.runs} run(s), of a build with "
        "them minus the like-for-like build run just before it (template cache warm). Skip them "
        "with `etown build --no-pdf` and `--no-search`; PDFs are cached by the SHA-256 of their "
        "content in the cache folder (`pdf/` in it), so only a "
        "changed fact sheet pays for its PDF again.",
        f"Editing: median of {settings.edits} edits of one event in data/history.yaml, from the "
        "file saved to the new en/history.html on disk; through `etown serve` that includes its "
        "file watcher noticing the save, and the page has been asked for once, as a browser showing "
        "it does (the server remakes the pages it was asked for first); in process it is the whole "
        "rebuild call alone, every page it remakes included.",
    ]) + "\n"  # fmt: skip


def _target_rows(results: Results) -> list[list[str]]:
    """Issue 27's targets, each with its figure and verdict (ratios are etown / Hugo)."""
    real, start = results.real, results.startup.seconds
    check, cached = results.check.changed.seconds, results.check.unchanged.seconds
    edit, served, in_browser = (
        results.edit.rebuild_seconds,
        results.edit.served_seconds,
        results.edit.browser_seconds,
    )
    at = {run.factor: run for run in results.scales}
    x10, x100, x1000 = at.get(10), at.get(100), at.get(1000)
    cpu_spread = _spread([run.per_record(real)[1] for run in results.scales])
    factors = " … ".join(f"×{run.factor}" for run in results.scales)
    first = results.extras.first_build.seconds

    def both_within(pair: Paired | None, limit: float) -> bool | None:
        """Wall-clock and CPU ratios both within the limit."""
        if pair is None or pair.wall_ratio is None or pair.cpu_ratio is None:
            return None
        return pair.wall_ratio <= limit and pair.cpu_ratio <= limit

    def scale_figure(run: ScaleRun | None) -> str:
        return "not run" if run is None else _paired_figure(run.builds)

    def unchanged_ratios(run: ScaleRun | None) -> tuple[float, float] | None:
        """The unchanged rebuild (one run) against Hugo's median build: not paired."""
        if run is None or run.builds.hugo is None:
            return None
        hugo = run.builds.hugo
        return run.rebuild.seconds / hugo.seconds, run.rebuild.cpu_seconds / hugo.cpu_seconds

    def unchanged_figure(run: ScaleRun | None) -> str:
        ratios = unchanged_ratios(run)
        if run is None or ratios is None:
            return "not run"
        return (
            f"{ratios[0]:.2f} ({_s(run.rebuild.seconds)} / {_s(run.builds.hugo.seconds)}); "  # type: ignore[union-attr]
            f"CPU {ratios[1]:.2f} (not paired: one rebuild against Hugo's median)"
        )

    def unchanged_within(run: ScaleRun | None, limit: float) -> bool | None:
        ratios = unchanged_ratios(run)
        return None if ratios is None else max(ratios) <= limit

    return [
        ["Real site, etown / Hugo, wall and CPU (etown's cache warm: templates compiled, data new)",
         _paired_figure(real.warm_cache), "≤ 1.0", _verdict(both_within(real.warm_cache, 1.0))],
        ["Real site, etown / Hugo, wall and CPU (etown's cache warm: data unchanged since the last build)",
         _paired_figure(real.unchanged), "≤ 1.0", _verdict(both_within(real.unchanged, 1.0))],
        ["Real site, etown / Hugo, wall and CPU (etown's cache empty)", _paired_figure(real.empty_cache),
         "≤ 1.0", _verdict(both_within(real.empty_cache, 1.0))],
        ["×10, etown / Hugo, wall and CPU", scale_figure(x10), "≤ 0.6",
         _verdict(both_within(x10.builds if x10 else None, 0.6))],
        ["×100, etown / Hugo, wall and CPU", scale_figure(x100), "≤ 0.5",
         _verdict(both_within(x100.builds if x100 else None, 0.5))],
        ["×10, data unchanged since the last build: etown / Hugo, wall and CPU", unchanged_figure(x10),
         "≤ 0.6", _verdict(unchanged_within(x10, 0.6))],
        ["×100, data unchanged since the last build: etown / Hugo, wall and CPU", unchanged_figure(x100),
         "≤ 0.5", _verdict(unchanged_within(x100, 0.5))],
        ["Peak memory (largest process) at ×100",
         "not run" if x100 is None else _mb(x100.builds.etown.peak_mb), "≤ 200 MB",
         _verdict(None if x100 is None else x100.builds.etown.peak_mb <= 200)],
        ["Peak memory (largest process) at ×1000",
         "not run" if x1000 is None else _mb(x1000.builds.etown.peak_mb), "≤ 1 GB",
         _verdict(None if x1000 is None else x1000.builds.etown.peak_mb <= 1024)],
        [f"CPU time per record, {factors}", _spread_figure(results.scales, real), "flat within 20 %",
         _verdict(None if cpu_spread is None or x1000 is None or x10 is None else cpu_spread <= 0.20)],
        ["`etown check` after editing one value", _ms(check), "≤ 250 ms", _verdict(check <= 0.250)],
        ["`etown check` with nothing changed", _ms(cached), "≤ 100 ms", _verdict(cached <= 0.100)],
        ["First `etown build` on an empty cache, PDFs and search included", _s(first), "≤ 4 s",
         _verdict(first <= 4.0)],
        ["Edit to page on disk, through `etown serve`", "not measured" if served is None else _ms(served),
         "≤ 25 ms", _verdict(None if served is None else served <= 0.025)],
        ["Save to the reloaded page in an open browser, through `etown serve`",
         "no Playwright or Chromium" if in_browser is None else _ms(in_browser), "≤ 150 ms",
         _verdict(None if in_browser is None else in_browser <= 0.150)],
        [f"(The edit, {results.edit.rebuild_path} alone)", _ms(edit), "–", "–"],
        ["(The same without the search index, finishing=False)", _ms(results.edit.without_search_seconds),
         "–", "–"],
        ["(`etown --help`, start-up)", _ms(start), "–", "–"],
    ]  # fmt: skip


def _paired_figure(pair: Paired) -> str:
    if pair.hugo is None or pair.wall_ratio is None or pair.cpu_ratio is None:
        return f"no Hugo ({_s(pair.etown.seconds)})"
    return (
        f"{pair.wall_ratio:.2f} ({_s(pair.etown.seconds)} / {_s(pair.hugo.seconds)}); "
        f"CPU {pair.cpu_ratio:.2f} ({_s(pair.etown.cpu_seconds)} / {_s(pair.hugo.cpu_seconds)})"
    )


def _spread(values: list[float]) -> float | None:
    """How far the largest value is above the smallest, as a fraction of the smallest."""
    return max(values) / min(values) - 1 if len(values) > 1 else None


def _spread_figure(scales: list[ScaleRun], real: RealSite) -> str:
    if len(scales) < 2:
        return "–"
    wall, cpu = zip(*(run.per_record(real) for run in scales), strict=True)
    return "; ".join(
        f"{name} {' → '.join(f'{value:.0f}' for value in values)} µs ({_spread(list(values)):+.0%})"
        for name, values in (("CPU", cpu), ("wall clock", wall))
    )


def _process_rows(results: Results) -> list[list[str]]:
    real, settings = results.real, results.settings
    rows: list[tuple[str, int, Measurement | None, Paired | None]] = [
        ("etown build, real site, empty cache", real.runs, real.empty_cache.etown, real.empty_cache),
        (
            "etown build, real site, templates compiled, data new",
            real.runs,
            real.warm_cache.etown,
            real.warm_cache,
        ),
        (
            "etown build, real site, data unchanged (states and outputs kept)",
            real.runs,
            real.unchanged.etown,
            real.unchanged,
        ),
        ("hugo, the port", real.runs, real.warm_cache.hugo, None),
        ("etown check, after an edit", settings.check_runs, results.check.changed, None),
        ("etown check, unchanged (cached)", settings.check_runs, results.check.unchanged, None),
        ("etown --help", settings.startup_runs, results.startup, None),
    ]
    return [
        [name, str(runs), *(_figures(measured) if measured else ["not run", "–", "–"]),
         *(_ratios(pair) if pair else ["–", "–"])]
        for name, runs, measured, pair in rows
    ]  # fmt: skip


def _ratios(pair: Paired) -> list[str]:
    if pair.wall_ratio is None or pair.cpu_ratio is None:
        return ["–", "–"]
    return [f"{pair.wall_ratio:.2f}", f"{pair.cpu_ratio:.2f}"]


def _output_line(real: RealSite) -> str:
    etown, hugo = real.etown_output, real.hugo_output
    line = f"Output, real site: etown {etown.files} files, {_kb(etown.html_bytes)} of HTML"
    if hugo is None:
        return line + "."
    return (
        f"{line}; the port {hugo.files} files, {_kb(hugo.html_bytes)} of HTML "
        f"(etown / port: {etown.html_bytes / hugo.html_bytes:.3f} in bytes of HTML, all three languages)."
    )


def _extra_rows(extras: Extras) -> list[list[str]]:
    runs = str(extras.runs)
    return [
        [name, runs, _time(measured.seconds), _time(measured.cpu_seconds), _mb(measured.peak_mb)]
        for name, measured in (
            ("PDF fact sheets, empty PDF cache", extras.pdf_empty_cache),
            ("PDF fact sheets, cached", extras.pdf_cached),
            ("search index (Pagefind)", extras.search),
            ("whole first build (PDFs, search), empty cache: absolute", extras.first_build),
        )
    ]


def _figures(measured: Measurement) -> list[str]:
    return [_time(measured.seconds), _time(measured.cpu_seconds), _mb(measured.peak_mb)]


def _scale_row(run: ScaleRun, real: RealSite) -> list[str]:
    builds, hugo = run.builds, run.builds.hugo
    wall, cpu = run.per_record(real)
    html = _kb(run.etown_output.html_bytes)
    if run.hugo_output is not None:
        html += f" / {_kb(run.hugo_output.html_bytes)}"
    records = f"{run.records:,}" + (f" (port {run.port_records:,})" if run.port_records else "")
    return [
        f"×{run.factor}", records, f"{run.data_mb:.1f} MB", str(run.runs),
        _s(builds.etown.seconds), _s(builds.etown.cpu_seconds), _mb(builds.etown.peak_mb),
        f"{wall:.0f} µs", f"{cpu:.0f} µs",
        _s(hugo.seconds) if hugo else "not run", _s(hugo.cpu_seconds) if hugo else "–",
        *_ratios(builds), html, f"{_s(run.rebuild.seconds)}, {_mb(run.rebuild.peak_mb)}",
    ]  # fmt: skip


def _time(seconds: float) -> str:
    return _ms(seconds) if abs(seconds) < 1 else _s(seconds)


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _mb(megabytes: float) -> str:
    return f"{megabytes:.0f} MB"


def _kb(size: int) -> str:
    return f"{size / 1000:,.0f} kB"


# --- main --------------------------------------------------------------------------------------


def measure_all(settings: Settings, port: Path) -> Results:
    load_before = os.getloadavg()[0]
    hugo, hugo_note = find_hugo(port)
    if hugo is None:
        print(f"note: no Hugo comparison: {hugo_note}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="etown-bench-") as temporary:
        work = Path(temporary)
        _keep_bytecode(work / "bytecode")
        warm = work / "cache"
        print("real site, beside Hugo …", file=sys.stderr, flush=True)
        real = real_site(work, settings.pairs, warm, hugo)
        print("PDFs and search index …", file=sys.stderr, flush=True)
        added = extras(work, settings.extra_runs, warm)
        print("check and start-up …", file=sys.stderr, flush=True)
        checked = checking(work, settings.check_runs, warm)
        started = startup(settings.startup_runs)
        print("scale …", file=sys.stderr, flush=True)
        scales = [scale_run(work, factor, settings, warm, hugo) for factor in settings.factors]
        print("editing (in this process, so last) …", file=sys.stderr, flush=True)
        edit = editing(work, settings.edits)
    return Results(
        real, added, scales, checked, edit, started, settings, hugo_note, (load_before, os.getloadavg()[0])
    )


def _keep_bytecode(folder: Path) -> None:
    """Let etown's processes keep their compiled modules, in a folder of the benchmark's, as an
    installed etown does (pip compiles them; an editable install writes them on first use). An
    environment that forbids it (PYTHONDONTWRITEBYTECODE, as some containers set) would add the
    compiling of etown's modules, 150 ms here, to every run."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true",
        help="fewer runs, and scales ×10 and ×100 only (no ×1000, which takes minutes)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, metavar="FILE", help="also write the tables to FILE as Markdown")
    parser.add_argument(
        "--hugo-port", type=Path, default=DEFAULT_PORT, metavar="PATH",
        help=f"the Hugo port of the site to compare with (default: {DEFAULT_PORT})",
    )  # fmt: skip
    parser.add_argument(
        "--factors", type=lambda text: tuple(int(part) for part in text.split(",")), metavar="N,N",
        help="the scales to run instead of the default ones (e.g. 1000)",
    )  # fmt: skip
    arguments = parser.parse_args(argv)
    settings = QUICK if arguments.quick else FULL
    if arguments.factors:
        settings = dataclasses.replace(settings, factors=arguments.factors)
    try:
        results = measure_all(settings, arguments.hugo_port.resolve())
    except BenchmarkError as error:
        print(f"benchmark: {error}", file=sys.stderr)
        return 1
    text = report(results)
    print(text)
    if arguments.out:
        arguments.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
