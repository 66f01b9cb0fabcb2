"""The command line: the only place that knows about argv, printing and exit codes.

Exit codes: 0 success, 1 problems in the data, 2 usage errors (bad arguments, wrong folder).
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from etown import __version__

if TYPE_CHECKING:
    from etown.problems import Problem

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


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

    build = commands.add_parser("build", help="check the data and write the site")
    add_common(build)
    build.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="output folder (default: ROOT/build)"
    )
    build.add_argument(
        "--base-url", type=_base_url, default=None, metavar="URL",
        help="where the site is published, e.g. https://example.org/etown/ (default: etown.toml)",
    )  # fmt: skip
    check = commands.add_parser("check", help="check the data only; exit 1 if it has problems")
    add_common(check)
    schema = commands.add_parser(
        "schema", help="write a JSON Schema per data file into data/schema/ (for editors)"
    )
    add_common(schema)
    serve = commands.add_parser("serve", help="build, then serve the site on 127.0.0.1")
    add_common(serve)
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--out", type=Path, default=None, metavar="DIR", help=argparse.SUPPRESS)
    serve.add_argument("--base-url", default=None, help=argparse.SUPPRESS)
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


def main(argv: Sequence[str] | None = None) -> int:
    arguments = make_parser().parse_args(argv)
    from etown.problems import DataError, EtownError, UsageError

    try:
        root = _project_root(arguments.root)
        if arguments.command == "check":
            return _check(root, strict=arguments.strict)
        if arguments.command == "schema":
            return _schema(root)
        out_dir = arguments.out if arguments.out is not None else root / "build"
        if arguments.command == "build":
            return _build(root, out_dir, strict=arguments.strict, base_url=arguments.base_url)
        return _serve(root, out_dir, arguments.port, arguments.base_url)
    except DataError as error:
        _print_problems(error.problems)
        print(f"etown: {error}", file=sys.stderr)
        return EXIT_DATA
    except UsageError as error:
        print(f"etown: {error}", file=sys.stderr)
        return EXIT_USAGE
    except EtownError as error:
        print(f"etown: {error}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        return 130


def _project_root(root: Path) -> Path:
    from etown.problems import UsageError

    missing = [name for name in ("seeds", "data", "templates") if not (root / name).is_dir()]
    if missing:
        raise UsageError(
            f"{root.absolute()} is not an etown project (no {', '.join(m + '/' for m in missing)}); "
            "run etown from the project folder or pass --root DIR"
        )
    return root


def _check(root: Path, *, strict: bool) -> int:
    from etown.build import check

    report = check(root)
    _print_problems(report.problems)
    errors = [p for p in report.problems if p.severity == "error" or strict]
    if errors:
        return EXIT_DATA
    print("etown: the data is valid" + (" (with warnings)" if report.problems else ""))
    return EXIT_OK


def _build(root: Path, out_dir: Path, *, strict: bool, base_url: str | None) -> int:
    from etown.build import build

    report = build(root, out_dir, strict=strict, base_url=base_url)
    _print_problems(report.warnings)
    print(
        f"etown: built {report.pages} pages in {report.languages} languages "
        f"({report.files} files) in {report.seconds:.2f} s → {_shown(report.out_dir)}"
    )
    return EXIT_OK


def _schema(root: Path) -> int:
    from etown.schema import DATA_FILES, SCHEMA_FOLDER, json_schema_text

    folder = root / SCHEMA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        (folder / f"{name}.schema.json").write_text(json_schema_text(name), encoding="utf-8")
    print(f"etown: wrote {len(DATA_FILES)} JSON Schemas to {_shown(folder)}")
    return EXIT_OK


def _serve(root: Path, out_dir: Path, port: int, base_url: str | None) -> int:
    from etown.serve import serve

    return serve(root, out_dir, port, base_url or f"http://127.0.0.1:{port}/")


def _shown(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path) + "/"


def _print_problems(problems: "list[Problem]") -> None:
    if not problems:
        return
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    files = len({p.file for p in problems})
    counts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    counts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    print(f"{', '.join(counts)} in {files} file{'s' * (files != 1)}", file=sys.stderr)
