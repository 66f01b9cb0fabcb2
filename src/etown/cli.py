"""The command line: the only place that knows about argv, printing and exit codes.

Exit codes: 0 success, 1 problems in the project's files (data, templates, strings, etown.toml,
the seed), 2 usage errors (bad arguments, not a project folder), 130 interrupted.
"""

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from etown import __version__

if TYPE_CHECKING:
    from etown.pipeline import Report
    from etown.problems import Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(  # exits with EXIT_USAGE (2) on bad arguments
        prog="etown",
        description="Build the bilingual fact-sheet site of Beijing E-Town from data/ and templates/.",
    )
    parser.add_argument("--version", action="version", version=f"etown {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_common(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--root", type=Path, default=Path("."), metavar="DIR",
            help="the project folder holding seeds/, data/ and templates/ (default: .)",
        )  # fmt: skip
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")

    def add_base_url(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--base-url", type=_base_url, default=None, metavar="URL",
            help="where the site is published, e.g. https://example.org/etown/ (default: etown.toml)",
        )  # fmt: skip

    build = commands.add_parser("build", help="check the project and write the site")
    add_common(build)
    build.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="output folder (default: ROOT/build)"
    )
    add_base_url(build)
    build.add_argument("--no-pdf", action="store_true", help="skip the PDF fact sheets (seconds each)")
    build.add_argument(
        "--no-search", action="store_true", help="skip the search index (Pagefind; a second or more)"
    )
    check = commands.add_parser(
        "check", help="check the project as a build would, writing nothing; exit 1 on problems"
    )
    add_common(check)
    add_base_url(check)
    schema = commands.add_parser(
        "schema", help="write a JSON Schema per data file into data/schema/ (for editors)"
    )
    add_common(schema)
    coverage = commands.add_parser(
        "coverage", help="list the sentences of the source that no record cites; exit 1 below 100 %%"
    )
    add_common(coverage)
    serve = commands.add_parser(
        "serve", help="preview the site on 127.0.0.1, rebuilding on every save (never writes build/)"
    )
    add_common(serve)
    serve.add_argument(
        "--port", type=int, default=8000, help="port, 1-65535 (default: 8000; 0 picks a free one)"
    )
    return parser


def _base_url(text: str) -> str:
    # An empty value usually means an unset variable (--base-url "$BASE_URL"); falling back to
    # etown.toml would publish a site whose canonical links point somewhere else.
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "is empty; give an absolute http(s) URL such as https://example.org/etown/, "
            "or leave --base-url out to use base_url from etown.toml"
        )
    return text


DEBUG_VARIABLE = "ETOWN_DEBUG"
"""Set it (ETOWN_DEBUG=1) to see the traceback of an internal error instead of a short message."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; whatever happens, end with an exit code and a message, never a traceback
    (unless ETOWN_DEBUG is set and the failure is etown's own bug)."""
    _never_fail_to_print()
    arguments = make_parser().parse_args(argv)
    from etown.problems import EtownError, UsageError, visible

    try:
        return _run(arguments)
    except UsageError as error:
        print(f"etown: {visible(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except EtownError as error:
        print_problems(error.problems)
        print(f"etown: {visible(str(error))}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output went away (etown check | head -1)
        _silence_stdout()
        return EXIT_PROBLEMS
    except Exception as error:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        detail = visible(" ".join(str(error).split()))[:200]
        print(
            f"etown: internal error ({type(error).__name__}{': ' + detail if detail else ''}); this is "
            f"a bug in etown, not in your project: run again with {DEBUG_VARIABLE}=1 to see where, "
            "and report it",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS


def _run(arguments: argparse.Namespace) -> int:
    root = _project_root(arguments.root)
    if arguments.command == "schema":
        return _schema(root)
    if arguments.command == "coverage":
        return _coverage(root)
    if arguments.command == "serve":
        return _serve(root, arguments.port, strict=arguments.strict)
    from etown.pipeline import Pipeline

    pipeline = Pipeline(
        root, base_url=arguments.base_url, strict=arguments.strict,
        expensive=not getattr(arguments, "no_pdf", False),
        finishing=not getattr(arguments, "no_search", False),
    )  # fmt: skip
    if arguments.command == "check":
        return _finish(pipeline.check(), "the project is valid")
    out_dir = arguments.out if arguments.out is not None else root / "build"
    report = pipeline.build(out_dir)
    return _finish(
        report,
        f"built {report.pages} pages in {report.languages} languages ({report.files} files) "
        f"in {report.seconds:.2f} s → {_shown(out_dir)}",
    )


def _never_fail_to_print() -> None:
    """A terminal or pipe that cannot encode a character gets an escape for it, not an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at nothing, so that Python's final flush does not fail on the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _project_root(root: Path) -> Path:
    from etown.problems import UsageError

    missing = [name for name in ("seeds", "data", "templates") if not (root / name).is_dir()]
    if missing:
        raise UsageError(
            f"{root.absolute()} is not an etown project (no {', '.join(m + '/' for m in missing)}); "
            "run etown from the project folder or pass --root DIR"
        )
    return root


def _finish(report: "Report", success: str) -> int:
    """Print the report the way every command does; the exit code follows from it."""
    print_problems(report.problems)
    if not report.ok:
        nothing = "nothing was written" if report.out_dir is not None else "fix them and run again"
        print(f"etown: {summary(report.problems)}; {nothing}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"etown: {success}" + (f" ({summary(report.problems)})" if report.problems else ""))
    return EXIT_OK


def _schema(root: Path) -> int:
    from etown.sections import SCHEMA_FOLDER, SECTIONS, json_schema_text
    from etown.write import write_project_file

    folder = root / SCHEMA_FOLDER
    for section in SECTIONS:
        write_project_file(root, f"{SCHEMA_FOLDER}/{section.name}.schema.json", json_schema_text(section))
    print(f"etown: wrote {len(SECTIONS)} JSON Schemas to {_shown(folder)}")
    return EXIT_OK


def _coverage(root: Path) -> int:
    from etown.pipeline import Pipeline

    data, problems = Pipeline(root).validated()
    if data is None:
        return _finish_problems(problems)
    from etown.coverage import measure_site

    coverage = measure_site(root, data)
    for sentence in coverage.uncited:
        print(f"{coverage.seed_path}: ¶{sentence.paragraph.removeprefix('p')}: not cited: {sentence.text}")
    counted = len(coverage.sentences) - coverage.skipped
    print(
        f"etown: {coverage.percent:.1f} % of the source's {counted} sentences are cited by a record "
        f"({coverage.skipped} more left out on purpose in data/coverage.yaml)"
    )
    return EXIT_OK if not coverage.uncited else EXIT_PROBLEMS


def _finish_problems(problems: "list[Problem]") -> int:
    print_problems(problems)
    print(f"etown: {summary(problems)}; fix them and run again", file=sys.stderr)
    return EXIT_PROBLEMS


def _serve(root: Path, port: int, *, strict: bool) -> int:
    from etown.serve import serve

    def report(report: "Report") -> None:
        if report.ok:
            print(f"etown: rebuilt {report.written} file(s) in {report.seconds * 1000:.0f} ms", flush=True)
            return
        print_problems(report.problems)
        print(f"etown: {summary(report.problems)}; still serving the last good build", file=sys.stderr)

    def started(url: str) -> None:
        print(f"etown: serving a preview at {url} (Ctrl+C stops; build/ is not touched)", flush=True)

    return EXIT_OK if serve(root, port, strict=strict, on_report=report, on_start=started) else EXIT_PROBLEMS


def _shown(path: Path) -> str:
    from etown.problems import visible

    try:
        return visible(str(path.absolute().relative_to(Path.cwd())) + "/")
    except ValueError:
        return visible(str(path) + "/")


def summary(problems: "list[Problem]") -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    files = len({p.file for p in problems})
    counts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    counts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    return f"{', '.join(counts)} in {files} file{'s' * (files != 1)}"


def print_problems(problems: "list[Problem]") -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
