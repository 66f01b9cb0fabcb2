"""How fast etown builds: against the floor, at scale, while editing, and how fast it starts.

    python benchmarks/run.py [--quick] [--out FILE]

Every build is a fresh process (``python -m etown``, started through peak.py): its wall-clock
time, its CPU time, and its peak resident memory. The targets are those of issue 6. Nothing in
the project is touched: every build writes into a temporary folder, the scale runs build
synthetic copies (synthetic.py), and the editing benchmark edits a copy of the project.
"""

import argparse
import contextlib
import datetime
import functools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SOURCE = REPO / "src"
sys.path[:0] = [str(SOURCE), str(HERE)]  # measure this checkout, whatever else is installed

import synthetic  # noqa: E402

ETOWN = ["-m", "etown"]
FLOOR = [str(HERE / "floor.py")]
MARKER = ".etown-output"


class BenchmarkError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    cold_runs: int
    scale_runs: int
    """Runs per scale below ×1000 (×1000 runs once: it takes minutes)."""
    factors: tuple[int, ...]
    edits: int
    startup_runs: int


FULL = Settings(cold_runs=5, scale_runs=3, factors=(10, 100, 1000), edits=10, startup_runs=10)
QUICK = Settings(cold_runs=3, scale_runs=1, factors=(10, 100), edits=5, startup_runs=10)


# --- measuring a process ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    seconds: float
    """Wall-clock time, from starting the process to its end."""
    cpu_seconds: float
    """User and system time of the process: what other load on the machine disturbs least."""
    peak_mb: float


def run_process(argv: Sequence[str], cwd: Path = REPO) -> Measurement:
    """Run ``python ARGUMENTS`` (through peak.py) to its end; fail with its error if it fails."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        command = [sys.executable, str(HERE / "peak.py"), str(peak_file), *argv]
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=_child_environment(), stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines() or ["(no output)"]
            raise BenchmarkError(f"python {_shown(argv)} failed: {lines[-1]}")
        # KiB either way; ru_maxrss only where /proc is missing (it can include the parent's)
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss
    return Measurement(seconds, usage.ru_utime + usage.ru_stime, peak_kib / 1024)


def _shown(argv: Sequence[str]) -> str:
    return " ".join(argument.splitlines()[0] + " …" if "\n" in argument else argument for argument in argv)


def _child_environment() -> dict[str, str]:
    paths = [str(SOURCE), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def repeated(runs: int, measure: Callable[[int], Measurement]) -> Measurement:
    return summary([measure(run) for run in range(runs)])


def summary(measurements: Sequence[Measurement]) -> Measurement:
    """The median times of several runs, and the highest peak memory among them."""
    return Measurement(
        statistics.median(m.seconds for m in measurements),
        statistics.median(m.cpu_seconds for m in measurements),
        max(m.peak_mb for m in measurements),
    )


def etown_build(root: Path, out: Path, etown: Sequence[str] = ETOWN) -> Measurement:
    return run_process([*etown, "build", "--root", str(root), "--out", str(out)])


def etown_reading(largest_file: int) -> list[str]:
    """``etown`` with its guard against data files over 2 MB raised to ``largest_file`` bytes:
    the ×100 and ×1000 data exceed it. (etown reads up to the limit in one go, so the limit is
    kept tight rather than made huge.)"""
    return [
        "-c",
        f"import sys, etown.load\netown.load.MAX_BYTES = {largest_file}\n"
        "from etown.cli import main\nsys.exit(main())",
    ]  # fmt: skip


def floor_build(root: Path, out: Path) -> Measurement:
    return run_process([*FLOOR, str(root), str(out)])


# --- 1 and 2: the real site, and the floor ---------------------------------------------------


@dataclass(frozen=True)
class ColdBuild:
    records: int
    etown: Measurement
    floor: Measurement | None
    floor_output: str
    """How the floor's output compares with etown's, or why there is no floor figure."""


def cold_build(work: Path, runs: int) -> ColdBuild:
    """etown and the floor take turns, so that other load on the machine falls on both alike."""
    etown_runs, floor_runs, floor_failure = [], [], ""
    for run in range(runs):
        etown_runs.append(etown_build(REPO, work / f"cold-{run}"))
        if not floor_failure:
            try:
                floor_runs.append(floor_build(REPO, work / f"floor-{run}"))
            except BenchmarkError as error:
                floor_failure = str(error)
    records = sum(
        synthetic.count_records(synthetic.read_yaml(path)) for path in (REPO / "data").glob("*.yaml")
    )
    etown = summary(etown_runs)
    if floor_failure:
        return ColdBuild(records, etown, None, floor_failure)
    comparison = compare_trees(work / "cold-0", work / "floor-0")
    return ColdBuild(records, etown, summary(floor_runs), comparison)


def compare_trees(etown_out: Path, floor_out: Path) -> str:
    """How much of the floor's output is byte for byte etown's (all the pages should be)."""
    etown_files = _files(etown_out) - {MARKER}
    floor_files = _files(floor_out)
    same = {
        path for path in etown_files & floor_files
        if (etown_out / path).read_bytes() == (floor_out / path).read_bytes()
    }  # fmt: skip
    pages = {path for path in etown_files if path.endswith(".html")}
    summary = (
        f"{len(same)} of etown's {len(etown_files)} files byte for byte the same, "
        f"{len(pages & same)} of its {len(pages)} HTML pages among them"
    )
    different = sorted(etown_files - same)
    return summary + (f"; different or missing: {', '.join(different)}" if different else "")


def _files(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


# --- 3: scale ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleRun:
    factor: int
    records: int
    data_mb: float
    etown: Measurement
    floor: Measurement | None

    def per_record(self, real_site: "ColdBuild") -> tuple[float, float]:
        """Microseconds of wall-clock and of CPU time per record beyond the real site's, so that
        the fixed cost of a build (start-up, compiling templates) does not hide the growth."""
        records = self.records - real_site.records
        wall = (self.etown.seconds - real_site.etown.seconds) / records
        cpu = (self.etown.cpu_seconds - real_site.etown.cpu_seconds) / records
        return wall * 1e6, cpu * 1e6


def scale(work: Path, settings: Settings) -> list[ScaleRun]:
    return [scale_run(work / f"x{factor}", factor, settings) for factor in settings.factors]


def generate(project: Path, factor: int) -> int:
    """Write the synthetic project in a child process, so that this one stays small (a large
    parent makes every process it starts slower to start)."""
    command = [sys.executable, str(HERE / "synthetic.py"), str(REPO), str(project), str(factor)]
    return int(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def scale_run(project: Path, factor: int, settings: Settings) -> ScaleRun:
    print(f"  ×{factor}: generating …", file=sys.stderr, flush=True)
    records = generate(project, factor)
    sizes = [path.stat().st_size for path in (project / "data").glob("*.yaml")]
    etown = etown_reading(max(sizes))
    runs = 1 if factor >= 1000 else settings.scale_runs
    print(f"  ×{factor}: {records} records, building {runs}× …", file=sys.stderr, flush=True)
    built = repeated(runs, lambda run: etown_build(project, project / f"out-{run}", etown))
    floor = None
    if factor < 1000:  # at ×1000 the floor would double a run that already takes minutes
        with contextlib.suppress(BenchmarkError):
            floor = floor_build(project, project / "floor")
    synthetic.remove_project(project)
    return ScaleRun(factor, records, sum(sizes) / 2**20, built, floor)


# --- 4: editing --------------------------------------------------------------------------------


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


def editing(work: Path, edits: int) -> EditResult:
    project = EditedProject(work / "edit")
    rebuild, path = rebuilder(project)
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
    served = served_edits(EditedProject(work / "serve"), edits) if "serve" in path else None
    return EditResult(statistics.median(timings), path, served)


def rebuilder(project: EditedProject) -> tuple[Callable[[], None], str]:
    """What ``etown serve`` runs after a save (its incremental rebuild), else a whole build."""
    from etown.pipeline import Pipeline

    pipeline = Pipeline(project.root)
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


def served_edits(project: EditedProject, edits: int) -> float:
    """The median time from saving to the page on disk, through a running ``etown serve``."""
    log = project.root / "serve.log"
    root, out = str(project.root), str(project.out)
    command = [sys.executable, *ETOWN, "serve", "--root", root, "--out", out, "--port", "0"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=REPO, env=_child_environment(), stdout=output, stderr=output)
    try:
        _wait_for(lambda: server.poll() is not None or "serving" in log.read_text(encoding="utf-8"))
        if server.poll() is not None:
            raise BenchmarkError(f"etown serve stopped: {log.read_text(encoding='utf-8')[-300:]}")
        _wait_for(functools.partial(_watcher_noticed, project), seconds=30)
        timings = []
        for edit in range(edits):
            marker = f"Served edit {edit}."
            project.save(marker)
            started = time.perf_counter()
            _wait_for(functools.partial(project.page_shows, marker))
            timings.append(time.perf_counter() - started)
        return statistics.median(timings)
    finally:
        server.terminate()
        server.wait(timeout=10)


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


# --- 5: start-up -------------------------------------------------------------------------------


def startup(runs: int) -> Measurement:
    return repeated(runs, lambda run: run_process([*ETOWN, "--help"]))


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Results:
    cold: ColdBuild
    scales: list[ScaleRun]
    edit: EditResult
    startup: Measurement
    settings: Settings
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
    settings = results.settings
    return "\n".join([
        f"etown benchmark, {datetime.date.today().isoformat()}: {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {before:.1f} before, "
        f"{after:.1f} after.",
        "",
        *_table(["Measure", "Figure", "Target", "Verdict"], _target_rows(results)),
        "",
        *_table(["Process", "Runs", "Time", "CPU time", "Peak memory"], _process_rows(results)),
        "",
        f"Floor output: {results.cold.floor_output}.",
        "",
        *_table(
            ["Scale", "Records", "Data", "Runs", "Time", "CPU time", "Peak memory",
             "Time per record", "CPU time per record", "Floor time", "etown / floor"],
            [_scale_row(run, results.cold, settings) for run in results.scales],
        ),
        "",
        "Times are medians; every process is timed whole, start-up included. Time per record is "
        "the time beyond the real site's build divided by the records beyond its "
        f"{results.cold.records} (records are the mappings with a `source` quote), so that the "
        "fixed cost of a build does not hide how the rest grows; the target is judged on CPU "
        "time, which the machine's other load disturbs much less than the wall clock. Below "
        f"×1000 a scale's figures are the median of {settings.scale_runs} run(s); ×1000 runs "
        "once; the floor runs once per scale, and not at ×1000. The scale runs raise etown's "
        "limit on the size of a data file (2 MB, etown.load.MAX_BYTES) to the largest "
        "multiplied file.",
        f"Editing: median of {settings.edits} edits of one event in data/history.yaml, from the "
        "file saved to the new en/history.html on disk; through `etown serve` that includes its "
        "file watcher noticing the save, in process it is the rebuild call alone.",
    ]) + "\n"  # fmt: skip


def _target_rows(results: Results) -> list[list[str]]:
    cold, start = results.cold, results.startup.seconds
    edit, served = results.edit.rebuild_seconds, results.edit.served_seconds
    ratio = cold.etown.seconds / cold.floor.seconds if cold.floor else None
    cpu_spread = _spread([run.per_record(cold)[1] for run in results.scales])
    at_1000 = next((run.etown.peak_mb for run in results.scales if run.factor == 1000), None)
    factors = " … ".join(f"×{run.factor}" for run in results.scales)
    return [
        ["Cold build, etown / floor", _ratio_figure(cold), "≤ 1.5",
         _verdict(None if ratio is None else ratio <= 1.5)],
        [f"Time per record, {factors}", _spread_figure(results.scales, cold), "within 20 %",
         _verdict(None if cpu_spread is None else cpu_spread <= 0.20)],
        ["Peak memory at ×1000", "not run" if at_1000 is None else _mb(at_1000), "≤ 200 MB",
         _verdict(None if at_1000 is None else at_1000 <= 200)],
        ["One-file edit to page on disk, through etown serve",
         "not measured" if served is None else _ms(served), "≤ 50 ms",
         _verdict(None if served is None else served <= 0.050)],
        [f"The same, {results.edit.rebuild_path} alone", _ms(edit), "≤ 50 ms",
         _verdict(edit <= 0.050)],
        ["etown --help", _ms(start), "≤ 150 ms", _verdict(start <= 0.150)],
    ]  # fmt: skip


def _spread(values: list[float]) -> float | None:
    """How far the largest value is above the smallest, as a fraction of the smallest."""
    return max(values) / min(values) - 1 if len(values) > 1 else None


def _ratio_figure(cold: ColdBuild) -> str:
    if cold.floor is None:
        return "floor failed"
    ratio = cold.etown.seconds / cold.floor.seconds
    return f"{ratio:.2f} ({_s(cold.etown.seconds)} / {_s(cold.floor.seconds)})"


def _spread_figure(scales: list[ScaleRun], real_site: ColdBuild) -> str:
    if len(scales) < 2:
        return "–"
    wall, cpu = zip(*(run.per_record(real_site) for run in scales), strict=True)
    return "; ".join(
        f"{name} {' → '.join(f'{value:.0f}' for value in values)} µs ({_spread(list(values)):+.0%})"
        for name, values in (("CPU", cpu), ("wall clock", wall))
    )


def _process_rows(results: Results) -> list[list[str]]:
    cold, settings = results.cold, results.settings
    rows: list[tuple[str, int, Measurement | None]] = [
        ("etown build, real site", settings.cold_runs, cold.etown),
        ("floor (benchmarks/floor.py), real site", settings.cold_runs, cold.floor),
        ("etown --help", settings.startup_runs, results.startup),
    ]
    return [
        [name, str(runs), *(_figures(measured) if measured else ["failed", "–", "–"])]
        for name, runs, measured in rows
    ]


def _figures(measured: Measurement) -> list[str]:
    return [_time(measured.seconds), _time(measured.cpu_seconds), _mb(measured.peak_mb)]


def _scale_row(run: ScaleRun, real_site: ColdBuild, settings: Settings) -> list[str]:
    floor = run.floor
    wall, cpu = run.per_record(real_site)
    return [
        f"×{run.factor}", f"{run.records:,}", f"{run.data_mb:.1f} MB",
        str(1 if run.factor >= 1000 else settings.scale_runs), _s(run.etown.seconds),
        _s(run.etown.cpu_seconds), _mb(run.etown.peak_mb), f"{wall:.0f} µs", f"{cpu:.0f} µs",
        _s(floor.seconds) if floor else "not run" if run.factor >= 1000 else "failed",
        f"{run.etown.seconds / floor.seconds:.2f}" if floor else "–",
    ]  # fmt: skip


def _time(seconds: float) -> str:
    return _ms(seconds) if seconds < 1 else _s(seconds)


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _mb(megabytes: float) -> str:
    return f"{megabytes:.0f} MB"


# --- main --------------------------------------------------------------------------------------


def measure_all(settings: Settings) -> Results:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="etown-bench-") as temporary:
        work = Path(temporary)
        print("cold builds …", file=sys.stderr, flush=True)
        cold = cold_build(work, settings.cold_runs)
        print("start-up …", file=sys.stderr, flush=True)
        started = startup(settings.startup_runs)
        print("scale …", file=sys.stderr, flush=True)
        scales = scale(work, settings)
        print("editing (in this process, so last) …", file=sys.stderr, flush=True)
        edit = editing(work, settings.edits)
    return Results(cold, scales, edit, started, settings, (load_before, os.getloadavg()[0]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true",
        help="fewer runs, and scales ×10 and ×100 only (no ×1000, which takes minutes)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, metavar="FILE", help="also write the tables to FILE as Markdown")
    arguments = parser.parse_args(argv)
    try:
        results = measure_all(QUICK if arguments.quick else FULL)
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
