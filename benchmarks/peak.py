"""Run a Python program as ``python`` would, then write its peak memory (VmHWM, in KiB, of it or of
its largest child process) to a file.

    python benchmarks/peak.py PEAK_FILE (-m MODULE | -c CODE | SCRIPT) [ARGUMENTS ...]
    python benchmarks/peak.py PEAK_FILE --exec PROGRAM [ARGUMENTS ...]

Why not the rusage of the child: on Linux a process's ru_maxrss keeps the high-water mark of the
process it was forked from, so a child of a large benchmark process would seem as large as its
parent. VmHWM belongs to the memory of the program after exec, and to nothing before it.

``--exec`` is for a program that is not Python (Hugo): this small process starts it, waits for
it, and writes ``KIB SECONDS CPU_SECONDS`` of that program alone. Its ru_maxrss is clean here,
because the process it is forked from (this one) is small; the times are taken here so that
this process's own start-up is not counted as the program's.
"""

import atexit
import os
import resource
import runpy
import subprocess
import sys
import time
from pathlib import Path


def write_peak(peak_file: Path) -> None:
    """The larger of this process's peak and that of the largest of its children: etown's
    rendering workers, forked from it (their peaks count the pages they share with it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except (OSError, StopIteration, ValueError):  # no /proc: run.py falls back on the rusage
        return
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    peak_file.write_text(str(max(peak, children)), encoding="ascii")


def run_program(peak_file: Path, argv: list[str]) -> int:
    started = time.perf_counter()
    process = subprocess.Popen(argv)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    cpu_seconds = usage.ru_utime + usage.ru_stime
    peak_file.write_text(f"{usage.ru_maxrss} {seconds} {cpu_seconds}", encoding="ascii")
    return os.waitstatus_to_exitcode(status)


def main() -> None:
    peak_file, how, *rest = sys.argv[1:]
    if how == "--exec":
        sys.exit(run_program(Path(peak_file), rest))
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
