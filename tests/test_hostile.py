"""What a hostile user can type or save outside the data rows of test_broken_inputs: templates,
configuration, the seed, the output folder, the dev server and what the published files hold.
Nothing here may end in a traceback, a dead watcher or an unsafe file."""

import concurrent.futures
import csv
import errno
import http.client
import io
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from conftest import PUBLISHED_BASE_URL, copy_project, sampled
from etown.cli import DEBUG_VARIABLE, main
from etown.pipeline import Pipeline
from etown.problems import Problem, errors_only, visible
from etown.producers.opendata import Column, Table, csv_text
from etown.provenance import HINT_BUDGET, MAX_SEED_BYTES, HintBudget, Seed
from etown.report import Report
from etown.serve import STATUS_PATH, Preview, PreviewHandler, PreviewServer, watch


def errors(report: Report) -> list[Problem]:
    return errors_only(report.problems)


def test_a_message_never_carries_what_a_terminal_would_act_on() -> None:
    problem = Problem("data/\x1b[31mred\udcff.yaml", 3, 5, "text.en", "got: a\nb\u202ec\x00\u200b")
    shown = str(problem)
    assert shown == "data/\\x1b[31mred\\udcff.yaml:3:5: text.en: got: a\\nb\\u202ec\\x00\\u200b"
    assert shown.isprintable()
    assert visible("北京 E-Town, 32.6%") == "北京 E-Town, 32.6%"


# --- open data: no cell a spreadsheet runs as a formula --------------------------------------


def test_csv_text_cells_that_look_like_formulas_are_made_inert(project: Path) -> None:
    history = project / "data" / "history.yaml"
    text = history.read_text(encoding="utf-8")
    for old, new in [
        (
            "      en: Construction of the Beijing Economic-Technological Development Area (BDA) began.\n",
            "      en: '=HYPERLINK(\"http://evil.example\")'\n",
        ),
        (
            "      en: The foundation stone of the Beijing Yizhuang Industrial Development Zone was laid.\n",
            "      en: '@SUM(A1:A9)'\n",
        ),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    history.write_text(text, encoding="utf-8")
    out = project / "site"
    report = Pipeline(project, expensive=False, finishing=False).build(out)
    assert report.ok, "\n".join(map(str, report.problems))
    rows = list(csv.DictReader(io.StringIO((out / "data" / "history.csv").read_text(encoding="utf-8-sig"))))
    texts = {row["text_en"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example")' in texts and "'@SUM(A1:A9)" in texts
    assert not [cell for row in rows for cell in row.values() if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    # a number stays a number: only text columns are made inert
    table = Table(
        "t",
        "T",
        "",
        (Column("growth", "number", ""), Column("note", "string", "")),
        [{"growth": "-3", "note": "-3"}],
    )
    assert csv_text(table).splitlines()[1] == "-3,'-3"
    events = json.loads((out / "data" / "history.json").read_text(encoding="utf-8"))["events"]
    assert '=HYPERLINK("http://evil.example")' in {event["text"]["en"] for event in events}
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert "begins with a single quote (')" in package["description"]


# --- the seed: bounded in size, and in what the hints may read of it --------------------------


def only_seed(root: Path) -> Path:
    return next((root / "seeds").glob("*.txt"))


def test_a_seed_over_the_limit_is_refused_before_it_is_read(project: Path) -> None:
    with only_seed(project).open("a", encoding="utf-8") as stream:
        stream.write("北" * (MAX_SEED_BYTES // 3 + 1))
    problems = errors(Pipeline(project).check())
    assert [p.file for p in problems] == ["seeds/"]
    assert "is larger than 2 MB" in problems[0].message


def test_a_seed_that_is_a_pipe_is_refused_not_read(project: Path) -> None:
    seed = only_seed(project)
    seed.unlink()
    os.mkfifo(seed)
    problems = errors(Pipeline(project).check())
    assert problems and "not a regular file" in problems[0].message


def test_hints_stop_once_they_have_read_their_budget_of_seed() -> None:
    seed = Seed("seeds/long.txt", "北京经济技术开发区" * (HINT_BUDGET // 9 // 2 + 1000))
    budget = HintBudget()
    hints = [seed.hint(f"北京经济技术开发区于{year}年开工建设", budget) for year in range(1990, 1996)]
    assert hints[0].startswith("the closest passage of the seed is")
    assert all(hint.startswith("etown stopped looking") for hint in hints[1:]), hints


def test_a_long_seed_with_many_wrong_quotes_still_names_every_quote(project: Path) -> None:
    with only_seed(project).open("a", encoding="utf-8") as stream:
        stream.write("北京经济技术开发区\n" * 60_000)  # about 1.8 MB
    history = project / "data" / "history.yaml"
    text = history.read_text(encoding="utf-8")
    history.write_text(text.replace("    source: ", "    source: 错", 30), encoding="utf-8")
    # the seed's own error (it no longer matches the SHA-256 in its metadata) is not a quote's
    problems = [p for p in errors(Pipeline(project).check()) if p.file.startswith("data/")]
    assert len(problems) == 30 and all("this quote is not in" in p.message for p in problems)
    assert any("etown stopped looking" in p.message for p in problems)


# --- the command line: an exit code and a message, never a traceback ---------------------------


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(arguments)
    output = capsys.readouterr()
    assert code in {0, 1, 2}, (code, output.err)
    assert "Traceback" not in output.err + output.out
    return code, output.out, output.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_in(path: Path, needle: str) -> int:
    text = path.read_bytes().decode("utf-8", "replace")
    return text[: text.index(needle)].count("\n") + 1


def add_to_vision(root: Path, markup: str) -> int:
    """Put ``markup`` into templates/vision.html's content block; return its line."""
    edit(root / "templates" / "vision.html", "{% endblock %}", markup + "{% endblock %}")
    return line_in(root / "templates" / "vision.html", markup)


def link_outside(root: Path, name: str, content: str) -> None:
    outside = root.parent / f"outside-{Path(name).name}"
    outside.write_text(content, encoding="utf-8")
    target = root / "templates" / name
    if target.exists():
        target.unlink()
    target.symlink_to(outside)


def runtime_error(root: Path) -> str:
    return f"templates/vision.html:{add_to_vision(root, '{{ 1/0 }}')}:1: template error: division by zero"


def includes_itself(root: Path) -> str:
    line = add_to_vision(root, "{% include 'vision.html' %}")
    message = "template error: a template includes itself (vision.html → vision.html)"
    return f"templates/vision.html:{line}:1: {message}"


def include_cycle(root: Path) -> str:
    (root / "templates" / "_a.html").write_text("{% include '_b.html' %}\n", encoding="utf-8")
    (root / "templates" / "_b.html").write_text("\n{% include '_a.html' %}\n", encoding="utf-8")
    add_to_vision(root, "{% include '_a.html' %}")
    return "templates/_b.html:2:1: template error: a template includes itself (_a.html → _b.html → _a.html)"


def not_utf8(root: Path) -> str:
    line = add_to_vision(root, "caf\u00e9")
    path = root / "templates" / "vision.html"
    path.write_bytes(path.read_bytes().replace("caf\u00e9".encode(), b"caf\xe9"))
    return f"templates/vision.html:{line}:4: not UTF-8 text (byte 0xe9); save the file as UTF-8"


def missing_include(root: Path) -> str:
    line = add_to_vision(root, "{% include '_nowhere.html' %}")
    return f"templates/vision.html:{line}:1: the template templates/_nowhere.html does not exist"


def missing_page_template(root: Path) -> str:
    (root / "templates" / "vision.html").unlink()
    return "templates/vision.html:1:1: the template templates/vision.html does not exist"


def missing_stylesheet(root: Path) -> str:
    (root / "templates" / "assets" / "style.css").unlink()
    return "templates/assets/style.css:1:1: the file is missing"


def stylesheet_outside(root: Path) -> str:
    link_outside(root, "assets/style.css", "body { color: red }")
    return "templates/assets/style.css:1:1: the file is a link to"


def template_outside(root: Path) -> str:
    link_outside(root, "_secret.html", "the machine's secrets")
    add_to_vision(root, "{% include '_secret.html' %}")
    return "templates/_secret.html:1:1: the file is a link to"


def control_character_in_a_template(root: Path) -> str:
    add_to_vision(root, "\x07")
    return (
        "build:en/vision.html: the file would hold an invisible control or bidirectional character (U+0007)"
    )


def missing_strings(root: Path) -> str:
    (root / "templates" / "strings.yaml").unlink()
    return "templates/strings.yaml:1:1: the file is missing; the interface's words live here"


def control_character_in_strings(root: Path) -> str:
    path = root / "templates" / "strings.yaml"
    edit(path, '{zh: "北京亦庄概况",', '{zh: "\\e[2J北京亦庄概况",')
    return f"templates/strings.yaml:{line_in(path, '[2J')}:"


def config_value(old: str, new: str, expected: str) -> Callable[[Path], str]:
    def mutate(root: Path) -> str:
        edit(root / "etown.toml", old, new)
        return expected

    return mutate


def key_fact_missing(root: Path) -> str:
    overview = root / "data" / "overview.yaml"
    text = overview.read_text(encoding="utf-8")
    start = text.index("  - key: seat\n")
    overview.write_text(text[:start] + text[text.index("  - key: postal_code\n") :], encoding="utf-8")
    return (
        f"data/overview.yaml:{line_in(overview, '  - key: chinese_name')}:3: infobox: the key facts lack seat"
    )


def site_a_number(root: Path) -> str:
    (root / "etown.toml").write_text("site = 5\n", encoding="utf-8")
    return "etown.toml:1:1: site: [site] must be a table of settings (got: 5)"


BASE_URL = f'base_url = "{PUBLISHED_BASE_URL}"'
UNSAFE_URL = "site.base_url: the base URL must not contain spaces, quotes, <, > or control characters"

PROJECT_FAULTS: dict[str, Callable[[Path], str]] = {
    "template-runtime-error": runtime_error,
    "template-includes-itself": includes_itself,
    "templates-include-each-other": include_cycle,
    "template-not-utf8": not_utf8,
    "template-includes-a-missing-one": missing_include,
    "page-template-missing": missing_page_template,
    "stylesheet-missing": missing_stylesheet,
    "stylesheet-links-outside": stylesheet_outside,
    "template-links-outside": template_outside,
    "control-character-in-a-template": control_character_in_a_template,
    "strings-missing": missing_strings,
    "control-character-in-strings": control_character_in_strings,
    "config-base-url-a-number": config_value(
        BASE_URL, "base_url = 5", "etown.toml:5:1: site.base_url: expected a URL in quotes (got: 5)",
    ),
    "config-title-not-a-table": config_value(
        '[site.title]\nzh = "北京经济技术开发区"\nen = "Beijing E-Town"', 'title = "x"',
        "etown.toml:8:1: site.title: expected a table such as [site.title]",
    ),
    "config-site-a-number": site_a_number,
    "config-base-url-space": config_value(BASE_URL, 'base_url = "https://exa mple.org/"', UNSAFE_URL),
    "config-base-url-newline": config_value(
        BASE_URL, 'base_url = "https://example.org/\\nDisallow: /"', UNSAFE_URL,
    ),
    "config-base-url-quote": config_value(
        BASE_URL, "base_url = 'https://example.org/\"onmouseover=x'", UNSAFE_URL,
    ),
    "config-base-url-markup": config_value(
        BASE_URL, 'base_url = "https://example.org/</loc><x>"', UNSAFE_URL,
    ),
    "config-base-url-bidi": config_value(BASE_URL, 'base_url = "https://example.org/\\u202e/"', UNSAFE_URL),
    "config-title-control-character": config_value(
        'zh = "北京', 'zh = "\\u0000北京', "site.title: zh: an invisible control character (U+0000)",
    ),
    "config-not-toml": config_value("[site]", "[site", "etown.toml:2:1: not valid TOML"),
    "data-key-fact-missing": key_fact_missing,
}  # fmt: skip


@pytest.mark.parametrize("fault", sampled(PROJECT_FAULTS), ids=str)
def test_check_and_build_fail_alike_naming_the_file_and_line(
    fault: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = PROJECT_FAULTS[fault](project)
    check_code, _, check_err = run(["check", "--root", str(project)], capsys)
    out = project / "site"
    build_code, _, build_err = run(["build", "--root", str(project), "--out", str(out), "--no-pdf"], capsys)
    assert check_code == build_code == 1
    assert expected in check_err and expected in build_err, check_err
    assert not out.exists() and "nothing was written" in build_err


def test_a_link_inside_templates_is_followed(project: Path) -> None:
    components = project / "templates" / "_components.html"
    components.rename(project / "templates" / "_components-real.html")
    components.symlink_to("_components-real.html")
    assert Pipeline(project).check().ok


def test_an_ampersand_in_the_base_url_is_escaped_wherever_it_is_published(project: Path) -> None:
    out = project / "site"
    report = Pipeline(project, base_url="https://example.org/a&b/", expensive=False).build(out)
    assert report.ok, report.problems
    sitemap = ElementTree.parse(out / "sitemap.xml").getroot()  # well-formed XML
    locations = [element.text for element in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/a&b/en/" in locations
    assert (out / "robots.txt").read_text(encoding="utf-8").splitlines()[-1] == (
        "Sitemap: https://example.org/a&b/sitemap.xml"
    )
    assert 'href="https://example.org/a&amp;b/en/"' in (out / "en" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["https://x.org/ a/", "https://x.org/\n", "ftp://x.org/", 'https://x.org/"/'])
def test_a_bad_base_url_on_the_command_line_is_a_usage_error(
    url: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["build", "--root", str(project), "--base-url", url, "--out", str(project / "s")], capsys
    )
    assert code == 2 and "base URL" in err
    assert not (project / "s").exists()


def test_an_internal_error_is_a_short_message_unless_debugging(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_self: Pipeline) -> Report:
        raise RuntimeError("a bug\x1b[2J in etown")

    monkeypatch.setattr(Pipeline, "check", broken)
    monkeypatch.delenv(DEBUG_VARIABLE, raising=False)
    code, _, err = run(["check", "--root", str(project)], capsys)
    assert code == 1
    assert err.strip() == (
        "etown: internal error (RuntimeError: a bug\\x1b[2J in etown); this is a bug in etown, not in "
        "your project: run again with ETOWN_DEBUG=1 to see where, and report it"
    )
    monkeypatch.setenv(DEBUG_VARIABLE, "1")
    with pytest.raises(RuntimeError):
        main(["check", "--root", str(project)])


def test_etown_schema_never_writes_through_a_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = project.parent / "precious.json"
    outside.write_text("keep me\n", encoding="utf-8")
    schema = project / "data" / "schema" / "history.schema.json"
    schema.unlink()
    schema.symlink_to(outside)
    code, _, err = run(["schema", "--root", str(project)], capsys)
    assert code == 1 and "refusing to write data/schema/history.schema.json: it is a link" in err
    assert outside.read_text(encoding="utf-8") == "keep me\n"


def test_etown_schema_never_writes_into_a_folder_outside(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = project.parent / "elsewhere"
    outside.mkdir()
    shutil.rmtree(project / "data" / "schema")
    (project / "data" / "schema").symlink_to(outside, target_is_directory=True)
    code, _, err = run(["schema", "--root", str(project)], capsys)
    assert code == 1 and "its folder leads out of the project" in err
    assert list(outside.iterdir()) == []


@pytest.mark.slow  # a separate process or server, or many builds
def test_a_full_disk_is_a_message_and_the_old_site_stays(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = project / "site"
    assert run(["build", "--root", str(project), "--out", str(out), "--no-pdf"], capsys)[0] == 0
    before = sorted(path.relative_to(out).as_posix() for path in out.rglob("*"))

    def full(_path: Path, _content: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(_path))

    monkeypatch.setattr(Path, "write_bytes", full)
    code, _, err = run(["build", "--root", str(project), "--out", str(out), "--no-pdf"], capsys)
    assert code == 1 and "No space left on device" in err
    assert sorted(path.relative_to(out).as_posix() for path in out.rglob("*")) == before


def subprocess_etown(*arguments: str, **options: Any) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, **options.pop("env", {})}
    environment.pop(DEBUG_VARIABLE, None)
    return subprocess.run(
        [sys.executable, "-m", "etown", *arguments],
        capture_output=True,
        check=False,
        env=environment,
        **options,
    )


@pytest.mark.slow  # a separate process or server, or many builds
def test_no_traceback_from_a_real_process_over_broken_projects(tmp_path: Path) -> None:
    """A few of the faults above, run as the user runs etown: a separate process, a real terminal
    encoding (ASCII, even), file names that are not UTF-8."""
    root = copy_project(tmp_path / "project")
    runtime_error(root)
    (root / "data" / "\x1b[31m.yaml").write_text("x: 1\n", encoding="utf-8")
    os.close(os.open(os.fsencode(root / "data") + b"/caf\xe9.yaml", os.O_CREAT | os.O_WRONLY))
    history = root / "data" / "history.yaml"
    edit(history, "date: 1992-04\n", "date: 0000\n")
    for command in (["check"], ["build", "--no-pdf", "--out", str(tmp_path / "site")], ["schema"]):
        for encoding in ("utf-8", "ascii"):
            result = subprocess_etown(*command, "--root", str(root), env={"PYTHONIOENCODING": encoding})
            err = result.stderr.decode("utf-8")
            assert result.returncode in {0, 1}, err
            assert "Traceback" not in err and "\x1b" not in err, err
    result = subprocess_etown("check", "--root", str(root))
    err = result.stderr.decode("utf-8")
    assert "data/\\x1b[31m.yaml:1:1: warning:" in err and "data/caf\\udce9.yaml:1:1: warning:" in err
    assert "data/history.yaml:25:11: events[2].date: there is no year 0000" in err


@pytest.mark.slow  # a separate process or server, or many builds
def test_a_closed_pipe_is_not_a_traceback(project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "etown", "check", "--root", str(project)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode("utf-8")
    assert process.wait() in {0, 1}
    assert "Traceback" not in err and "Exception ignored" not in err, err


# --- the dev server: a proper answer to every request, a watcher that outlives anything -------


def address_of(live: tuple[Preview, str]) -> str:
    """host:port of the live preview server."""
    return live[1].removeprefix("http://")


def status_of(address: str) -> dict[str, Any]:
    connection = http.client.HTTPConnection(address, timeout=5)
    connection.request("GET", STATUS_PATH)
    result: dict[str, Any] = json.loads(connection.getresponse().read())
    return result


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def raw_request(address: str, data: bytes) -> int:
    """The status the server answers ``data`` with, sent as it is (in the status line, or in the
    error page alone where the request was too broken to say which HTTP it speaks)."""
    host, port = address.split(":")
    answer = b""
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(data)
        while chunk := connection.recv(4096):
            answer += chunk
            if b"\r\n\r\n" in answer and not answer.startswith(b"<"):
                break
    status = re.search(rb"^HTTP/1\.[01] (\d{3})|Error code: (\d{3})", answer)
    assert status, answer[:200]
    return int(status.group(1) or status.group(2))


@pytest.mark.slow  # a separate process or server, or many builds
def test_the_server_answers_odd_requests_with_a_status(live: tuple[Preview, str]) -> None:
    address = address_of(live)
    assert raw_request(address, b"POST /en/ HTTP/1.1\r\nHost: localhost\r\n\r\n") == 501
    assert raw_request(address, b"GET / HTTP/9.9\r\n\r\n") == 505
    assert raw_request(address, b"GET /" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n") == 414
    assert raw_request(address, b"GET /%00 HTTP/1.1\r\nHost: localhost\r\n\r\n") == 404
    assert raw_request(address, b"GET /en HTTP/1.1\r\n\r\n") == 403  # no Host


@pytest.mark.slow  # a separate process or server, or many builds
def test_a_failure_while_answering_is_a_500_not_a_dropped_connection(
    live: tuple[Preview, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    address = address_of(live)

    def broken(*_arguments: object) -> None:
        raise RuntimeError("a bug while answering")

    monkeypatch.setattr(PreviewHandler, "_file", broken)
    assert raw_request(address, b"GET /en/ HTTP/1.1\r\nHost: localhost\r\n\r\n") == 500


@pytest.mark.slow  # a separate process or server, or many builds
def test_a_client_hanging_up_is_no_traceback(
    live: tuple[Preview, str], capfd: pytest.CaptureFixture[str]
) -> None:
    address = address_of(live)
    host, port = address.split(":")
    for _ in range(5):
        with socket.create_connection((host, int(port)), timeout=5) as connection:
            connection.sendall(b"GET /en/index.html HTTP/1.1\r\nHost: localhost\r\n")
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
    time.sleep(0.3)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.slow  # a separate process or server, or many builds
def test_fifty_clients_at_once_are_all_answered(live: tuple[Preview, str]) -> None:
    address = address_of(live)

    def fetch(_: int) -> int:
        connection = http.client.HTTPConnection(address, timeout=10)
        connection.request("GET", "/zh/index.html")
        response = connection.getresponse()
        response.read()
        return response.status

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        assert set(pool.map(fetch, range(50))) == {200}
    assert PreviewServer.request_queue_size >= 128


@pytest.mark.slow  # a separate process or server, or many builds
def test_the_watcher_survives_its_own_failure(
    live: tuple[Preview, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Watching itself may fail (a watched folder removed, the system's limit of watches); the
    failure is shown, and watching starts again."""
    import watchfiles

    preview, address = live[0], address_of(live)
    real_watch = watchfiles.watch
    failures = iter([OSError(28, "inotify watch limit reached")])

    def failing_once(*arguments: Any, **options: Any) -> Iterator[Any]:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_watch(*arguments, **options)

    monkeypatch.setattr("etown.serve.RETRY_SECONDS", 0.1)
    monkeypatch.setattr(watchfiles, "watch", failing_once)
    stop = threading.Event()
    reports: list[Report] = []
    watcher = threading.Thread(target=watch, args=(preview, stop, reports.append), daemon=True)
    watcher.start()
    try:
        assert eventually(
            lambda: any("watching for changes failed" in p for p in status_of(address)["problems"])
        )
        time.sleep(0.5)  # watching again
        vision = preview.pipeline.root / "data" / "vision.yaml"
        edit(vision, "Looking ahead", "Watched again")
        assert eventually(
            lambda: "Watched again" in (preview.folder / "en" / "vision.html").read_text("utf-8")
        )
        assert watcher.is_alive()
    finally:
        stop.set()


def test_a_port_in_use_is_a_usage_error_before_anything_is_built(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, out, err = run(["serve", "--root", str(project), "--port", str(busy.getsockname()[1])], capsys)
    assert code == 2 and "it is in use; choose another with --port" in err
    assert not (project / "build").exists() and out == ""


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_port_out_of_range_is_a_usage_error(
    port: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["serve", "--root", str(project), f"--port={port}"], capsys)
    assert code == 2 and "--port must be between" in err


@pytest.mark.slow  # a separate process or server, or many builds
def test_serve_honours_strict_and_reports_as_check_does(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "data" / "notes.txt").write_text("to do\n", encoding="utf-8")
    check_code, check_out, check_err = run(["check", "--strict", "--root", str(project)], capsys)
    # the first build fails; the preview serves its problems until a save fixes them (issue 28)
    process = subprocess.Popen(
        [sys.executable, "-m", "etown", "serve", "--strict", "--root", str(project), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    serve_err = ""
    while "etown: " not in serve_err:
        serve_err += process.stderr.readline()
    process.terminate()
    serve_out, _ = process.communicate(timeout=30)
    assert check_code == 1 and process.returncode == 143
    warning = "data/notes.txt:1:1: warning: etown does not read this file"
    assert warning in check_err and warning in serve_err
    assert warning not in check_out + serve_out


def test_an_include_in_a_comment_is_no_cycle(project: Path) -> None:
    add_to_vision(
        project, "{# {% include 'vision.html' %} #}{% raw %}{% include 'vision.html' %}{% endraw %}"
    )
    assert Pipeline(project).check().ok


def test_a_seed_that_is_not_utf8_is_named_without_python_words(project: Path) -> None:
    only_seed(project).write_bytes("北京\n经济".encode() + b"\xff")
    problems = errors(Pipeline(project).check())
    assert [str(p) for p in problems] == [
        f"seeds/: cannot read seeds/{only_seed(project).name}: not UTF-8 text (byte 0xff on line 2); "
        "save it as UTF-8"
    ]


def test_an_etown_toml_that_is_a_folder_is_said_to_be_one(project: Path) -> None:
    (project / "etown.toml").unlink()
    (project / "etown.toml").mkdir()
    problems = errors(Pipeline(project).check())
    assert [str(p) for p in problems] == [
        "etown.toml:1:1: this is not a regular file; etown.toml must be a text file"
    ]
