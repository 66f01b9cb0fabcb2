"""The conductor: load → validate → render → write, each stage finished before the next begins."""

import time
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


def build(root: Path, out_dir: Path, *, strict: bool = False, base_url: str | None = None) -> BuildReport:
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
