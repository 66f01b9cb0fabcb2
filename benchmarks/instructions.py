"""Instructions executed by each stage of etown, counted by valgrind (callgrind): a measure that
does not move with the machine's other load, for comparing two versions of the code.

    python benchmarks/instructions.py [--edits N]

On this project's shared machine the same build's time moves by 20 % from run to run, more than
most single optimisations gain; the count of instructions moves by well under 1 %. It is not a
time (an instruction that misses the cache costs more than one that hits), so benchmarks/run.py
stays the measure of record; this one says whether a change made the work smaller.

Each figure is the difference between two programs run under callgrind, so that it counts one
stage alone: start-up (``import etown.pipeline``), loading and validating the real data, one
render of every output (the second of two, as ``etown serve`` renders), and one edit as
``etown serve`` makes it, from the save to its page on disk. Needs ``valgrind`` (Debian package);
each program runs about 50 times slower than it does alone, so the whole takes a few minutes.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_LOADED = """
from pathlib import Path
from etown.pipeline import Pipeline
pipeline = Pipeline(Path({root!r}), expensive=False, finishing=False)
pipeline._load_everything()
data, problems = pipeline._validated()
assert data is not None, problems
"""

_RENDERED = (
    _LOADED
    + """
for _ in range({renders}):
    count, problems = pipeline._render(data, None, sink=None)
    assert count and not problems, problems
"""
)

_EDITED = """
import sys
from pathlib import Path
sys.path.insert(0, {benchmarks!r})
import run
import etown.write
from etown.pipeline import Pipeline

project = run.EditedProject(Path({work!r}) / "edit")
pipeline = Pipeline(project.root, expensive=False, finishing=False)
assert pipeline.build(project.out).ok

class PageWritten(Exception):
    pass

write = etown.write.SiteUpdate.write

def written(self, output):
    write(self, output)
    if output.path == "en/history.html":
        raise PageWritten

etown.write.SiteUpdate.write = written
for edit in range({edits}):
    project.save(f"Edit {{edit}}.")
    if {update}:
        try:
            pipeline.update([project.history_file], project.out, finish=False, first=["en/history.html"])
        except PageWritten:
            pass
        else:
            raise SystemExit("the edit did not reach en/history.html")
"""


class Unavailable(Exception):
    pass


def instructions(code: str, environment: dict[str, str]) -> int:
    """The instructions a Python program executes, start to end."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-c", textwrap.dedent(code),
    ]  # fmt: skip
    finished = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", finished.stderr)
    if finished.returncode != 0 or found is None:
        raise Unavailable(f"the program failed under valgrind: {finished.stderr.strip()[-500:]}")
    return int(found.group(1))


def measure(edits: int) -> list[tuple[str, float]]:
    """Millions of instructions of each stage."""
    if shutil.which("valgrind") is None:
        raise Unavailable("no `valgrind` on PATH (Debian package valgrind)")
    with tempfile.TemporaryDirectory(prefix="etown-instructions-") as work:
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])),
            "PYTHONPYCACHEPREFIX": str(Path(work) / "bytecode"),  # compiled once, as installed
            "ETOWN_CACHE_DIR": str(Path(work) / "cache"),
        }
        environment.pop("PYTHONDONTWRITEBYTECODE", None)

        def count(code: str) -> int:
            return instructions(code, environment)

        root = str(REPO)
        count(_RENDERED.format(root=root, renders=1))  # compiles the modules and templates once
        nothing = count("pass")
        started = count("import etown.pipeline")
        loaded = count(_LOADED.format(root=root))
        rendered_once = count(_RENDERED.format(root=root, renders=1))
        rendered_twice = count(_RENDERED.format(root=root, renders=2))
        edited = {"benchmarks": str(REPO / "benchmarks"), "work": work, "edits": edits}
        counts = []
        for update in (False, False, True):  # the first compiles the copy's templates
            shutil.rmtree(Path(work) / "edit", ignore_errors=True)
            counts.append(count(_EDITED.format(**edited, update=update)))
        saved, updated = counts[1:]
    return [
        ("start-up: import etown.pipeline", started - nothing),
        ("load and validate the real data", loaded - started),
        ("render every output (warm)", rendered_twice - rendered_once),
        ("an edit in etown serve, save to page on disk", (updated - saved) / edits),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--edits", type=int, default=10, metavar="N", help="edits to average over (default: 10)"
    )
    arguments = parser.parse_args(argv)
    try:
        figures = measure(max(1, arguments.edits))
    except Unavailable as error:
        print(f"instructions: {error}", file=sys.stderr)
        return 1
    for stage, count in figures:
        print(f"{count / 1e6:9,.1f} M  {stage}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
