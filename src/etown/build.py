"""The conductor: load → validate → render → write, each stage finished before the next begins."""

import contextlib
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etown.config import read_config
from etown.load import load_data
from etown.pages import LANGUAGES, PAGES
from etown.problems import DataError, Problem, errors_only
from etown.provenance import read_seed
from etown.render import render_site
from etown.schema import DATA_FILES
from etown.validate import SiteData, validate
from etown.write import write_site


@dataclass(frozen=True)
class CheckReport:
    data: SiteData | None
    problems: list[Problem]
    seed_path: str


@dataclass(frozen=True)
class BuildReport:
    pages: int
    languages: int
    files: int
    seconds: float
    out_dir: Path
    warnings: list[Problem]


def check(root: Path) -> CheckReport:
    """Load and validate everything; never raises for bad data, it reports it."""
    seed = read_seed(root)
    loaded = load_data(root, list(DATA_FILES))
    validated = validate(loaded.files, seed)
    return CheckReport(validated.data, sorted(loaded.problems + validated.problems), seed.display_path)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a one-shot build.

    The loaded data and the models form almost no reference cycles, yet the collector rescans
    the whole growing heap again and again, which made time per record grow with the size of
    the site. Measured at 300x the real data: 15 % less CPU, the same peak memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(root: Path, out_dir: Path, *, strict: bool = False, base_url: str | None = None) -> BuildReport:
    with cyclic_gc_paused():
        return _build(root, out_dir, strict=strict, base_url=base_url)


def _build(root: Path, out_dir: Path, *, strict: bool, base_url: str | None) -> BuildReport:
    started = time.perf_counter()
    config = read_config(root, base_url)
    report = check(root)
    fatal = report.problems if strict else errors_only(report.problems)
    if report.data is None or fatal:
        raise DataError("the data has problems; nothing was written", report.problems)
    outputs = render_site(report.data, root / "templates", config, report.seed_path)
    files = write_site(outputs, out_dir)
    return BuildReport(
        pages=len(PAGES) * len(LANGUAGES),
        languages=len(LANGUAGES),
        files=files,
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        warnings=report.problems,
    )
