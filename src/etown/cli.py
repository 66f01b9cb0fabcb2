"""The command line: the only place that knows about argv, printing and exit codes.

Exit codes: 0 success, 1 problems in the project's files (data, templates, strings, etown.toml,
the seed), 2 usage errors (bad arguments, not a project folder), 130 interrupted (Ctrl+C), 143
and 129 stopped by SIGTERM and SIGHUP (128 + the signal, as a shell reports it).
"""

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etown import __version__

if TYPE_CHECKING:
    from etown.problems import Problem
    from etown.progress import Progress
    from etown.report import Report

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(  # exits with EXIT_USAGE (2) on bad arguments
        prog="etown",
        description="Build the bilingual fact-sheet site of Beijing E-Town from data/ and templates/.",
    )
    parser.add_argument("--version", action="version", version=f"etown {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_common(command: argparse.ArgumentParser, *, strict: bool = True) -> None:
        command.add_argument(
            "--root", type=Path, default=Path("."), metavar="DIR",
            help="the project folder holding seeds/, data/ and templates/ (default: .)",
        )  # fmt: skip
        if strict:
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
    _add_seed_commands(commands, add_common)
    _add_translation_commands(commands, add_common)
    return parser


def _add_seed_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]", add_root: Callable[..., None]
) -> None:
    seed = commands.add_parser(
        "seed", help="editions of the source: compare a new one, adopt it, record metadata"
    )
    actions = seed.add_subparsers(dest="action", required=True, metavar="ACTION")
    diff = actions.add_parser(
        "diff",
        help="list, at the data's file:line:col, what a new edition of the seed changes; exit 1 if anything",
    )
    diff.add_argument(
        "new_file", type=Path, nargs="?", metavar="NEW_FILE",
        help="the new edition (UTF-8 text); without it, what adopting the current edition still leaves "
        "to update in data/",
    )  # fmt: skip
    adopt = actions.add_parser(
        "adopt",
        help="make NEW_FILE the seed (the current one is kept in seeds/editions/) and list what to update",
    )
    adopt.add_argument("new_file", type=Path, metavar="NEW_FILE", help="the new edition (UTF-8 text)")
    record = actions.add_parser(
        "record", help="write or amend what is known of the current seed (seeds/NAME.meta.yaml)"
    )
    for command in (adopt, record):
        command.add_argument(
            "--taken", type=_iso_date, default=None, metavar="YYYY-MM-DD",
            help="the day this copy was taken from its source (default for adopt: today, noted as such)",
        )  # fmt: skip
        command.add_argument("--url", default=None, help="where it was taken from, only if known")
        command.add_argument(
            "--title", default=None, metavar="TEXT",
            help="the document's own title (default for adopt: the current edition's)",
        )  # fmt: skip
        command.add_argument(
            "--published",
            default=None,
            metavar="TEXT",
            help="when the source was published (default: unknown)",
        )
    record.add_argument("--taken-note", default=None, metavar="TEXT", help="what the --taken date really is")
    for command in (diff, adopt, record):
        add_root(command, strict=False)


def _add_translation_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]", add_root: Callable[..., None]
) -> None:
    translations = commands.add_parser(
        "translations", help="fingerprints of the English texts, and exchange with translators (PO files)"
    )
    actions = translations.add_subparsers(dest="action", required=True, metavar="ACTION")
    update = actions.add_parser(
        "update",
        help="record fingerprints of new and edited English texts (never clears an outdated mark)",
    )
    confirm = actions.add_parser(
        "confirm", help="confirm that English texts still translate their (changed) Chinese"
    )
    confirm.add_argument(
        "targets", nargs="*", metavar="FILE[:LINE]",
        help="a data file (every text in it) or FILE:LINE (the text at that line), as check names them",
    )  # fmt: skip
    confirm.add_argument("--all", action="store_true", help="confirm every English text")
    export = actions.add_parser("export", help="write every translatable text to a PO file")
    export.add_argument("po_file", type=Path, metavar="FILE.po")
    import_ = actions.add_parser("import", help="read translations back from a PO file into data/")
    import_.add_argument("po_file", type=Path, metavar="FILE.po")
    for command in (export, import_):
        command.add_argument(
            "--language", metavar="CODE",
            help="the translated language whose texts the file holds (default: the first, en)",
        )  # fmt: skip
    for command in (update, confirm, export, import_):
        add_root(command, strict=False)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


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


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a service stopping, a terminal closed), raised where the program is so
    that it unwinds as after Ctrl+C: every temporary folder and file removed on the way out."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


def _stop(signal_number: int, _frame: object) -> None:
    raise Stopped(signal_number)


STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; whatever happens, end with an exit code and a message, never a traceback
    (unless ETOWN_DEBUG is set and the failure is etown's own bug)."""
    _never_fail_to_print()
    arguments = make_parser().parse_args(argv)
    if threading.current_thread() is not threading.main_thread():  # only it may handle signals
        return _main(arguments)
    handlers = {number: signal.signal(number, _stop) for number in STOPPING_SIGNALS}
    try:
        return _main(arguments)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _main(arguments: argparse.Namespace) -> int:
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
    except Stopped as stopped:
        return 128 + stopped.signal_number  # as a shell reports a process the signal ended
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
    if arguments.command == "seed":
        return _seed(root, arguments)
    if arguments.command == "translations":
        return _translations(root, arguments)
    if arguments.command == "check":
        return _check(root, arguments)
    from etown.pipeline import Pipeline

    out_dir = arguments.out if arguments.out is not None else root / "build"
    with _progress_shown() as progress:
        pipeline = Pipeline(
            root, base_url=arguments.base_url, strict=arguments.strict,
            expensive=not getattr(arguments, "no_pdf", False),
            finishing=not getattr(arguments, "no_search", False),
            workers=_render_workers(), progress=progress,
        )  # fmt: skip
        report = pipeline.build(out_dir)
    return _finish(
        report,
        f"built {report.pages} pages in {report.languages} languages ({report.files} files) "
        f"in {report.seconds:.2f} s → {_shown(out_dir)}",
    )


def _check(root: Path, arguments: argparse.Namespace) -> int:
    """A check, answered from the cache when nothing it depends on has changed since one ran."""
    from etown import check_cache

    options = {"strict": arguments.strict, "base_url": arguments.base_url}
    before = check_cache.inputs_digest(root, **options)
    report = check_cache.recall(before) if before is not None else None
    if report is None:
        from etown.pipeline import Pipeline

        with _progress_shown() as progress:
            report = Pipeline(root, **options, workers=_render_workers(), progress=progress).check()
        if before is not None and check_cache.inputs_digest(root, **options) == before:
            check_cache.remember(before, report)  # unless the project changed while it ran
    return _finish(report, "the project is valid")


@contextlib.contextmanager
def _progress_shown() -> "Iterator[Progress]":
    """A long run's stages on stderr when it is a terminal; nothing in a log or a pipe."""
    from etown.progress import TerminalProgress, silent

    if not sys.stderr.isatty():
        yield silent
        return
    progress = TerminalProgress(sys.stderr)
    try:
        yield progress
    finally:
        progress.close()


def _render_workers() -> int:
    """One rendering process per core this process may use, up to 4 (etown.workers forks them
    only where that is safe, and renders in this process otherwise)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, 4)


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
    from etown.files import write_project_file
    from etown.sections import SCHEMA_FOLDER, SECTIONS, json_schema_text

    folder = root / SCHEMA_FOLDER
    texts = {f"{SCHEMA_FOLDER}/{section.name}.schema.json": json_schema_text(section) for section in SECTIONS}
    for relative, text in texts.items():  # all made before any is written
        write_project_file(root, relative, text)
    print(f"etown: wrote {len(SECTIONS)} JSON Schemas to {_shown(folder)}")
    return EXIT_OK


def _coverage(root: Path) -> int:
    from etown.pipeline import Pipeline

    pipeline = Pipeline(root)
    data, problems = pipeline.validated()
    if data is None or pipeline.seed is None:
        return _finish_problems(problems)
    from etown.tools.coverage import measure_site

    coverage = measure_site(pipeline.seed, data)
    for sentence in coverage.uncited:
        print(f"{coverage.seed_path}: ¶{sentence.paragraph.removeprefix('p')}: not cited: {sentence.text}")
    # one total, and how it divides: "243 sentences … 46 more left out" read as two totals
    counted = len(coverage.sentences) - coverage.skipped
    cited = counted - len(coverage.uncited)
    print(
        f"etown: the source has {len(coverage.sentences)} sentences: {coverage.skipped} left out on "
        f"purpose (data/coverage.yaml) and {counted} to cite, of which records cite {cited} "
        f"({coverage.percent:.1f} %)"
    )
    return EXIT_OK if not coverage.uncited else EXIT_PROBLEMS


def _finish_problems(problems: "list[Problem]") -> int:
    print_problems(problems)
    print(f"etown: {summary(problems)}; fix them and run again", file=sys.stderr)
    return EXIT_PROBLEMS


def _serve(root: Path, port: int, *, strict: bool) -> int:
    from etown.serve import serve

    def report(report: "Report", serving: bool) -> None:
        if report.ok:
            print(f"etown: rebuilt {report.written} file(s) in {report.seconds * 1000:.0f} ms", flush=True)
            return
        print_problems(report.problems)
        shown = (
            "still serving the last good build"
            if serving
            else "serving a page of these problems until a save fixes them"
        )
        print(f"etown: {summary(report.problems)}; {shown}", file=sys.stderr, flush=True)

    def started(url: str) -> None:
        print(f"etown: serving a preview at {url} (Ctrl+C stops; build/ is not touched)", flush=True)

    serve(root, port, strict=strict, on_report=report, on_start=started)
    return EXIT_OK


def _seed(root: Path, arguments: argparse.Namespace) -> int:
    from etown.tools import editions

    if arguments.action == "record":
        metadata = editions.record_metadata(
            root, taken=arguments.taken, taken_note=arguments.taken_note, url=arguments.url,
            published=arguments.published, title=arguments.title,
        )  # fmt: skip
        print(f"etown: recorded {metadata.current.path} (SHA-256 {metadata.current.sha256[:12]}…)")
        return EXIT_OK
    display = str(arguments.new_file)
    if arguments.action == "diff":
        if arguments.new_file is None:
            result, previous = editions.diff_since_adoption(root)
            compared = f"{previous.path} (the edition before the current one) against the current seed"
        else:
            result = editions.diff_against_current(root, arguments.new_file, display)
            compared = f"{display} against the current seed"
        print_problems(result.findings)
        print(f"etown: {compared}: passages {result.summary()}")
        if result.findings:
            print(f"etown: {len(result.findings)} thing(s) to update, listed above", file=sys.stderr)
            return EXIT_PROBLEMS
        print("etown: nothing in data/ needs updating for this edition")
        return EXIT_OK
    result, metadata = editions.adopt_edition(
        root, arguments.new_file, display, today=date.today(), taken=arguments.taken, url=arguments.url,
        published=arguments.published, title=arguments.title,
    )  # fmt: skip
    print_problems(result.findings)
    earlier = metadata.earlier[0]
    print(
        f"etown: adopted {display} as {metadata.current.path} (taken {metadata.current.taken}); "
        f"the earlier edition is kept as {earlier.path}"
    )
    print(f"etown: passages {result.summary()}")
    if result.findings:
        print(
            f"etown: update the {len(result.findings)} place(s) listed above, then run `etown check`",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    print("etown: nothing in data/ needs updating for this edition; run `etown check` to be sure")
    return EXIT_OK


def _translated(code: str | None) -> str:
    """The language ``--language`` names (the first translated one when it names none)."""
    from etown.fingerprints import TRANSLATED

    if code is None:
        return TRANSLATED[0]
    if code not in TRANSLATED:
        from etown.problems import UsageError

        raise UsageError(f"--language {code}: not a translated language (they are: {', '.join(TRANSLATED)})")
    return code


def _translations(root: Path, arguments: argparse.Namespace) -> int:
    from etown.tools import exchange, translations

    if arguments.action == "update":
        outcome = translations.update(root)
    elif arguments.action == "confirm":
        if not arguments.targets and not arguments.all:
            from etown.problems import UsageError

            raise UsageError("name what to confirm: FILE, FILE:LINE (as check names them), or --all")
        outcome = translations.confirm(root, arguments.targets, everything=arguments.all)
    elif arguments.action == "export":
        outcome = exchange.export_po(root, arguments.po_file, _translated(arguments.language))
    else:
        outcome = exchange.import_po(root, arguments.po_file, _translated(arguments.language))
    print_problems(outcome.problems)
    if outcome.failed:
        print(f"etown: {summary(outcome.problems)}; {outcome.message}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"etown: {outcome.message}")
    return EXIT_OK


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
