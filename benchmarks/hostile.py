"""How long the worst inputs within etown's limits take to check and to build (issue 12).

    python benchmarks/hostile.py [--runs N] [--only NAME …]

Each case is a copy of the project with one hostile input, checked and built by a fresh
process (``python -m etown``); the table shows the exit code and the median wall-clock and CPU
time of N runs (default 3). The target is 2 s for each. Nothing in the project is touched.

The limits these cases press against: a data file or the seed of 2 MB, a text of 5,000
characters or 100 lines, lists, quotes or brackets nested 8 deep, numbers of 15 digits, and
2 million characters of seed read by the closest-passage hints of one check.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SOURCE = REPO / "src"
PROJECT_PARTS = ("seeds", "data", "templates", "etown.toml")
TARGET_SECONDS = 2.0
FILE_LIMIT = 2_000_000

BEGINS_EN = "      en: Construction of the BDA began.\n"
"""A short English text of data/history.yaml that the cases replace."""


# --- the cases -----------------------------------------------------------------------------------


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{old!r} is not in {path}: update benchmarks/hostile.py")
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def english_text(text: str) -> Callable[[Path], None]:
    """The history event's English text replaced by ``text`` (written single-quoted)."""
    return lambda root: replace(root / "data" / "history.yaml", BEGINS_EN, f"      en: '{text}'\n")


def file_of_one_text(pattern: str) -> Callable[[Path], None]:
    """data/history.yaml grown to the file limit by one text made of ``pattern`` repeated."""

    def mutate(root: Path) -> None:
        path = root / "data" / "history.yaml"
        room = FILE_LIMIT - len(path.read_bytes()) - 100
        english_text(pattern * (room // len(pattern.encode())))(root)

    return mutate


def file_of_many_texts(text: str) -> Callable[[Path], None]:
    """data/vision.yaml grown to the file limit with passages whose English is ``text`` with a
    number, each text different (Markdown's results are cached per text), all else valid."""

    def mutate(root: Path) -> None:
        path = root / "data" / "vision.yaml"
        head = path.read_text(encoding="utf-8")
        source = next(line for line in head.splitlines() if line.startswith("    source: "))
        passages, number, size = [], 0, len(head.encode())
        while True:
            passage = (
                f"  - id: hostile-{number}\n    text:\n      zh: 第{number}段\n"
                f"      en: '{text} {number}'\n{source}\n"
            )
            size += len(passage.encode())
            if size > FILE_LIMIT - 1000:
                break
            passages.append(passage)
            number += 1
        path.write_text(head.replace("passages:\n", "passages:\n" + "".join(passages), 1), encoding="utf-8")

    return mutate


def every_file_at_the_markdown_limit(text: str) -> Callable[[Path], None]:
    """In every data file, the first one-line English text replaced by ``text``: as much Markdown
    as a file may hold (with the file's own few marks) in its slowest form."""

    def mutate(root: Path) -> None:
        import re

        for path in sorted((root / "data").glob("*.yaml")):
            content = path.read_text(encoding="utf-8")
            line = re.search(r"^( +en: )(?![>|]).*$", content, re.MULTILINE)
            if line:
                replaced = f"{line.group(1)}'{text}'"
                path.write_text(content[: line.start()] + replaced + content[line.end() :], encoding="utf-8")

    return mutate


def every_number(digits: str) -> Callable[[Path], None]:
    """Every quantity's value in every data file replaced by ``digits``."""

    def mutate(root: Path) -> None:
        import re

        for path in (root / "data").glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"\{value: -?[\d.]+", "{value: " + digits, text), encoding="utf-8")

    return mutate


def long_seed_and_wrong_quotes(root: Path) -> None:
    """A seed of 2 MB (the real one, then filler) and every quote of the data changed."""
    seed = next((root / "seeds").glob("*.txt"))
    real = seed.read_text(encoding="utf-8")
    filler = "北京经济技术开发区积极推进高质量发展。\n"
    seed.write_text(
        real + filler * ((FILE_LIMIT - len(real.encode())) // len(filler.encode())), encoding="utf-8"
    )
    for path in (root / "data").glob("*.yaml"):
        if "source: " in path.read_text(encoding="utf-8"):
            replace(path, "source: ", "source: 误", count=10_000)


def nested_brackets_1kb(root: Path) -> None:
    english_text(("[" * 8 + "x" + "]" * 8 + " ") * 55)(root)


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path], None]
    expect: int
    """The exit code etown must end with (1: the input is refused with a message)."""


CASES = [
    Case("real site (reference)", lambda root: None, 0),
    Case("10 kB run of '[' in one text", english_text("[" * 10_000), 1),
    Case("20 kB run of '[' in one text", english_text("[" * 20_000), 1),
    Case("4,990 '[' in one text (under the length limit)", english_text("[" * 4_990), 1),
    Case("2 MB run of '[' in one text", file_of_one_text("["), 1),
    Case("1 kB of nested list markers", english_text("- " * 500 + "x"), 1),
    Case("2 MB of nested list markers", file_of_one_text("- "), 1),
    Case("links nested 8 deep, 1 kB (accepted)", nested_brackets_1kb, 0),
    Case("2 MB seed, every quote wrong", long_seed_and_wrong_quotes, 1),
    Case("26-digit numbers everywhere", every_number("12345678901234567890123456"), 1),
    Case("1e999999999 everywhere", every_number("1e999999999"), 1),
    Case("2 MB file of texts of '*_' (over the Markdown limit)", file_of_many_texts("*_" * 2490), 1),
    Case(
        "every data file at the Markdown limit: nested emphasis (accepted)",
        every_file_at_the_markdown_limit("*_" * 245 + "x" + "_*" * 245),
        0,
    ),
    Case(
        "every data file at the Markdown limit: '[](' (accepted)",
        every_file_at_the_markdown_limit("[](" * 326),
        0,
    ),
    Case(
        "2 MB file of 1,000-character prose texts (reference)",
        file_of_many_texts("Lorem ipsum dolor. " * 52),
        0,
    ),
]


# --- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    code: int
    seconds: float
    cpu_seconds: float


def etown(*arguments: str) -> Timing:
    environment = {**os.environ, "PYTHONPATH": str(SOURCE)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "etown", *arguments], capture_output=True, env=environment, check=False
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if b"Traceback" in result.stderr:
        raise SystemExit(f"a traceback from etown {' '.join(arguments)}:\n{result.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(result.returncode, seconds, cpu)


def median(timings: list[Timing]) -> Timing:
    return Timing(
        timings[0].code,
        statistics.median(t.seconds for t in timings),
        statistics.median(t.cpu_seconds for t in timings),
    )


def measure(case: Case, runs: int, scratch: Path) -> tuple[Timing, Timing]:
    root = scratch / "project"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    for part in PROJECT_PARTS:
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / part)
    case.mutate(root)
    checks = [etown("check", "--root", str(root)) for _ in range(runs)]
    out = scratch / "site"
    builds = [etown("build", "--root", str(root), "--out", str(out)) for _ in range(runs)]
    shutil.rmtree(out, ignore_errors=True)
    return median(checks), median(builds)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="cases whose name contains any of these")
    arguments = parser.parse_args()
    cases = [c for c in CASES if not arguments.only or any(word in c.name for word in arguments.only)]
    print(f"| Case | Exit | Check: wall / CPU | Build: wall / CPU | ≤ {TARGET_SECONDS:g} s |")
    print("| --- | --- | --- | --- | --- |")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="etown-hostile-") as scratch:
        for case in cases:
            check, build = measure(case, arguments.runs, Path(scratch))
            codes_ok = check.code == build.code == case.expect
            fast = max(check.seconds, build.seconds) <= TARGET_SECONDS
            failures += not (codes_ok and fast)
            verdict = ("pass" if fast else "**slow**") + ("" if codes_ok else f" (**exit {check.code}**)")
            print(
                f"| {case.name} | {check.code} | {check.seconds:.2f} s / {check.cpu_seconds:.2f} s "
                f"| {build.seconds:.2f} s / {build.cpu_seconds:.2f} s | {verdict} |",
                flush=True,
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
