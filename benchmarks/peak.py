"""Run a Python program as ``python`` would, then write its peak memory (VmHWM, in KiB) to a file.

    python benchmarks/peak.py PEAK_FILE (-m MODULE | -c CODE | SCRIPT) [ARGUMENTS ...]

Why not the rusage of the child: on Linux a process's ru_maxrss keeps the high-water mark of the
process it was forked from, so a child of a large benchmark process would seem as large as its
parent. VmHWM belongs to the memory of the program after exec, and to nothing before it.
"""

import atexit
import runpy
import sys
from pathlib import Path


def write_peak(peak_file: Path) -> None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):  # no /proc: run.py falls back on the rusage
        return
    peak_file.write_text(peak, encoding="ascii")


def main() -> None:
    peak_file, how, *rest = sys.argv[1:]
    atexit.register(write_peak, Path(peak_file))
    if how == "-m":
        sys.argv = rest
        runpy.run_module(rest[0], run_name="__main__", alter_sys=True)
    elif how == "-c":
        code, *arguments = rest
        sys.argv = ["-c", *arguments]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = [how, *rest]
        runpy.run_path(how, run_name="__main__")


if __name__ == "__main__":
    main()
