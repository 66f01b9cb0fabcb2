"""The second hostile probe (issue 28), outside the write commands, the published files and the
processes (tests/test_hostile_writes.py, test_hostile_outputs.py, test_hostile_processes.py):
internal errors where a clear message belongs, and contradictions in the data accepted."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PUBLISHED_BASE_URL
from etown.cli import DEBUG_VARIABLE, main
from etown.pipeline import Pipeline
from etown.problems import Problem, errors_only


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(arguments)
    output = capsys.readouterr()
    assert "Traceback" not in output.err + output.out
    return code, output.out, output.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def shown(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in errors_only(problems)]


# --- no home folder ------------------------------------------------------------------------------

NO_HOME = """
import pathlib, sys
def no_home(cls=None):
    raise RuntimeError("Could not determine home directory.")
pathlib.Path.home = classmethod(no_home)
from etown.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", [["check"], ["build", "--no-pdf", "--no-search"], ["coverage"]])
@pytest.mark.slow  # a separate process or server, or many builds
def test_no_home_folder_is_no_error(project: Path, tmp_path: Path, command: list[str]) -> None:
    """A service user with no home folder: Python cannot tell where ``~`` is (HOME unset, no
    entry in the passwd file), and nothing but the PDFs' font folders ever asked."""
    environment = {key: value for key, value in os.environ.items() if key not in {"HOME", "XDG_CACHE_HOME"}}
    environment.pop(DEBUG_VARIABLE, None)
    environment.pop("ETOWN_CACHE_DIR", None)
    environment["TMPDIR"] = str(tmp_path)  # where the cache goes without a home
    arguments = [*command, "--root", str(project)]
    if command[0] == "build":
        arguments += ["--out", str(tmp_path / "site")]
    result = subprocess.run(
        [sys.executable, "-c", NO_HOME, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    if command[0] != "coverage":  # which renders nothing, so keeps nothing
        assert (tmp_path / f"etown-cache-{os.getuid()}").is_dir()


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["data/history.yaml:²⁸", "data/history.yaml:١٢", "data/history.yaml:1:²"])
def test_a_line_that_is_not_ascii_digits_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    lock = (project / "data" / "translations.lock").read_bytes()
    code, _, err = run(["translations", "confirm", target, "--root", str(project)], capsys)
    assert code == 2
    assert err == f"etown: {target}: name a text as FILE or FILE:LINE, like data/history.yaml:42\n"
    assert (project / "data" / "translations.lock").read_bytes() == lock


def test_a_line_number_too_long_for_python_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["translations", "confirm", "data/history.yaml:" + "9" * 5000, "--root", str(project)], capsys
    )
    assert code == 2 and "name a text as FILE or FILE:LINE" in err


BAD_BASE_URLS = {
    "http://[::1/": "the base URL's brackets do not enclose an IPv6 address (got: 'http://[::1/'); an IPv6 "
    "host is written whole in brackets, such as http://[::1]:8000/",
    "http://example.org]/": "the base URL's brackets do not enclose an IPv6 address (got: "
    "'http://example.org]/'); an IPv6 host is written whole in brackets, such as http://[::1]:8000/",
    "https://example.org:80800/": "the base URL's port must be a number from 1 to 65535 (got: "
    "'https://example.org:80800/')",
    "https://example.org:0/": "the base URL's port must be a number from 1 to 65535 (got: 'https://example.org:0/')",
    "https://example.org:http/": "the base URL's port must be a number from 1 to 65535 (got: "
    "'https://example.org:http/')",
    "https://example.org:/": "the base URL's port must be a number from 1 to 65535 (got: 'https://example.org:/')",
    "https://user:secret@example.org/": "the base URL must not hold a user name or password (they would be "
    "published in every page); give the address alone (got: 'https://…@example.org/')",
    "https://@example.org/": "the base URL must not hold a user name or password (they would be published in "
    "every page); give the address alone (got: 'https://…@example.org/')",
    "https://:8000/": "the base URL names no host (got: 'https://:8000/')",
    "https://example.org/?": "the base URL cannot have a query or a fragment (got: 'https://example.org/?')",
    "https://example.org/a%zz/": "the base URL has a % that starts no percent-escape such as %20 (got: "
    "'https://example.org/a%zz/'); write % as %25",
    "https://例子.中国/路径/": "the base URL must be written in ASCII, as the sitemap needs it (got: "
    "'https://例子.中国/路径/'); write it https://xn--fsqu00a.xn--fiqs8s/%E8%B7%AF%E5%BE%84/",
}


@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_a_bad_base_url_on_the_command_line_is_named_there(
    project: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    out = project / "site"
    code, _, err = run(["build", "--root", str(project), "--base-url", url, "--out", str(out)], capsys)
    assert code == 2
    assert err == f"etown: --base-url: {BAD_BASE_URLS[url]}\n"
    assert "secret" not in err
    assert not out.exists()


@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_a_bad_base_url_in_etown_toml_is_named_at_its_line(project: Path, url: str) -> None:
    edit(project / "etown.toml", f'base_url = "{PUBLISHED_BASE_URL}"', f'base_url = "{url}"')
    report = Pipeline(project).check()
    assert shown(report.problems) == [f"etown.toml:5:1: site.base_url: {BAD_BASE_URLS[url]}"]


def test_an_ipv6_base_url_with_a_port_is_fine(project: Path) -> None:
    out = project / "site"
    report = Pipeline(project, base_url="http://[::1]:8000/etown/", expensive=False, finishing=False).build(
        out
    )
    assert report.ok, report.problems
    assert '<link rel="canonical" href="http://[::1]:8000/etown/en/">' in (
        out / "en" / "index.html"
    ).read_text(encoding="utf-8")


def test_a_missing_etown_toml_is_said_to_be_missing(project: Path) -> None:
    (project / "etown.toml").unlink()
    report = Pipeline(project).check()
    assert shown(report.problems) == [
        "etown.toml:1:1: the file is missing; it gives the site's address ([site] base_url), its title "
        "and its publisher in each language ([site.title], [site.publisher]): restore it (git checkout "
        "etown.toml)"
    ]


# --- a key missing from templates/strings.yaml -------------------------------------------------


def without_key(project: Path, key: str) -> None:
    strings = project / "templates" / "strings.yaml"
    text = strings.read_text(encoding="utf-8")
    cut = re.sub(rf"^{key}:.*\n(?:[ #].*\n)*", "", text, count=1, flags=re.MULTILINE)
    assert cut != text, f"no key {key} in templates/strings.yaml any more: update the test"
    strings.write_text(cut, encoding="utf-8")


def template_line(project: Path, template: str, needle: str) -> int:
    lines = (project / "templates" / template).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize(
    ("key", "template", "needle"),
    [
        # asked for by Python code a template calls
        ("back_to_reference", "_apparatus.html", "note_entries("),
        ("not_found_title", "404.html", "{% block title %}"),  # asked for by a template itself
    ],
)
def test_a_missing_key_of_strings_yaml_is_named_with_the_template_line_using_it(
    project: Path, key: str, template: str, needle: str
) -> None:
    without_key(project, key)
    line = template_line(project, template, needle)
    quick = Pipeline(project, expensive=False, finishing=False)  # the PDFs would only add seconds
    for report in (Pipeline(project).check(), quick.build(project / "site")):
        assert shown(report.problems) == [
            f"templates/strings.yaml: {key}: no such key (templates/{template}:{line} uses it); add it, "
            "with its text in zh and en"
        ]
    assert not (project / "site").exists()


def test_a_missing_key_that_only_the_citation_files_use_is_named_once(project: Path) -> None:
    without_key(project, "cite_source_description")
    problems = shown(Pipeline(project).check().problems)
    assert (
        "templates/strings.yaml: cite_source_description: no such key (etown needs it to make the files in "
        "cite/); add it, with its text in zh and en"
    ) in problems
    assert len(problems) == 3, problems  # the citation files, and the two templates that cite


# --- contradictions in the data ------------------------------------------------------------------


def line_of(path: Path, needle: str, start_after: str = "") -> int:
    text = path.read_text(encoding="utf-8")
    offset = text.index(start_after) if start_after else 0
    return text[: text.index(needle, offset)].count("\n") + 1


TERM = "  - zh: 亦庄新城\n    en: Yizhuang New Town\n    kind: place\n"


@pytest.mark.parametrize(
    ("english", "message"),
    [
        (
            "Yizhuang Newtown",
            "亦庄新城 is already listed at line {first} with the English “Yizhuang New Town”, and here with "
            "“Yizhuang Newtown”; a name has one official English name: keep one entry",
        ),
        ("Yizhuang New Town", "亦庄新城 is already listed at line {first}; list each term once"),
    ],
    ids=["other English", "same English"],
)
def test_a_term_listed_twice_is_an_error(project: Path, english: str, message: str) -> None:
    terms = project / "data" / "terms.yaml"
    with terms.open("a", encoding="utf-8") as stream:
        stream.write(TERM.replace("Yizhuang New Town", english))
    first = line_of(terms, "  - zh: 亦庄新城\n")
    text = terms.read_text(encoding="utf-8")
    again = len(text.splitlines()) - 2
    last = text.count("\n  - zh: ") - 1  # the term appended is the last
    assert shown(Pipeline(project).check().problems) == [
        f"data/terms.yaml:{again}:9: terms[{last}].zh: {message.format(first=first)}"
    ]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (
            "{zh: 别的理由。, en: Another reason.}",
            "this passage is already skipped at line {first} for another reason; a passage is left out for "
            "one reason: keep one entry",
        ),
        (
            "{zh: 目录及章节标题。, en: An entry of the table of contents and a section heading.}",
            "this passage is already skipped at line {first}; list each passage once",
        ),
    ],
    ids=["other reason", "same reason"],
)
def test_a_passage_skipped_twice_is_an_error(project: Path, reason: str, message: str) -> None:
    coverage = project / "data" / "coverage.yaml"
    with coverage.open("a", encoding="utf-8") as stream:
        stream.write(f"  - passage: 2行政区划\n    reason: {reason}\n")
    first = line_of(coverage, "  - passage: 2行政区划\n")
    again = len(coverage.read_text(encoding="utf-8").splitlines()) - 1
    assert shown(Pipeline(project).check().problems) == [
        f"data/coverage.yaml:{again}:14: skip[17].passage: {message.format(first=first)}"
    ]


def test_a_figure_that_is_part_of_itself_is_an_error(project: Path) -> None:
    divisions = project / "data" / "divisions.yaml"
    edit(divisions, "    part_of: bda-current\n", "    part_of: bda-functional-area\n")
    line = line_of(divisions, "    part_of: bda-functional-area")
    assert shown(Pipeline(project).check().problems) == [
        f"data/divisions.yaml:{line}:14: areas[2].part_of: bda-functional-area → bda-functional-area: "
        "a figure cannot be a part of itself"
    ]


def test_figures_that_are_parts_of_each_other_are_an_error_once(project: Path) -> None:
    divisions = project / "data" / "divisions.yaml"
    edit(
        divisions,
        "    value: {value: 225, unit: 平方公里}\n",
        "    value: {value: 225, unit: 平方公里}\n    part_of: bda-functional-area\n",
    )
    line = line_of(divisions, "    part_of: bda-functional-area")
    assert shown(Pipeline(project).check().problems) == [
        f"data/divisions.yaml:{line}:14: areas[0].part_of: new-town-total → bda-functional-area → "
        "bda-current → new-town-total: a figure cannot be a part of itself, however far down"
    ]


def test_an_event_the_same_year_as_itself_is_an_error(project: Path) -> None:
    history = project / "data" / "history.yaml"
    edit(
        history, "same_year_as: industrial-estate-decision", "same_year_as: management-committee-established"
    )
    line = line_of(history, "same_year_as: management-committee-established")
    assert shown(Pipeline(project).check().problems) == [
        f"data/history.yaml:{line}:21: events[1].derived.same_year_as: an event cannot take its year (同年) "
        "from itself; name the event whose year 同年 means"
    ]


def test_events_the_same_year_as_each_other_are_an_error_once(project: Path) -> None:
    history = project / "data" / "history.yaml"
    edit(
        history,
        "    source: 1991年8月15日",
        "    derived:\n      written: 同年\n      same_year_as: management-committee-established\n"
        "      reason: {zh: 测试。, en: A test.}\n    source: 1991年8月15日",
    )
    line = line_of(history, "same_year_as: management-committee-established")
    problems = shown(Pipeline(project).check().problems)
    assert (
        f"data/history.yaml:{line}:21: events[0].derived.same_year_as: same_year_as goes round in a circle "
        "(industrial-estate-decision → management-committee-established → industrial-estate-decision), so "
        "none of these years is stated: one of the events must have its year from its own quote"
    ) in problems
    assert sum("goes round in a circle" in problem for problem in problems) == 1


# --- the fingerprints of the translations follow no list position -----------------------------


def test_inserting_a_term_outdates_no_other_text(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    terms = project / "data" / "terms.yaml"
    edit(
        terms,
        "  - zh: 北京经济技术开发区\n",
        "  - zh: 测试河\n    en: Test River\n    kind: place\n  - zh: 北京经济技术开发区\n",
    )
    warnings = [str(problem) for problem in Pipeline(project).check().problems]
    assert warnings == [
        "data/translations.lock:1:1: warning: an English text is new or edited since the fingerprints were "
        f"written (the first: data/terms.yaml:{line_of(terms, 'en: Test River')}:9 terms[0].en); run `etown "
        "translations update` to record them"
    ]
    code, _, err = run(["translations", "update", "--root", str(project)], capsys)
    assert code == 0, err
    assert Pipeline(project, strict=True).check().problems == []
    assert '"data/terms.yaml:terms[测试河].en"' in (project / "data" / "translations.lock").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            'caption_with_year: {zh: "{period}{caption}"',
            'caption_with_year: {zh: "{period}{caption"',
            "caption_with_year.zh",
            "not a pattern that can be filled in (expected '}' before end of string); a placeholder is "
            "written {name}, and a brace itself {{ or }}",
        ),
        (
            'en: "{count} in all,',
            'en: "In all,',
            "about_weaknesses_lede.en",
            "its placeholders (none) are not the zh text's ({count}); every language fills in the same ones",
        ),
    ],
    ids=["unclosed brace", "placeholder dropped"],
)
def test_a_broken_pattern_in_strings_yaml_is_named_there(
    project: Path, old: str, new: str, field: str, message: str
) -> None:
    strings = project / "templates" / "strings.yaml"
    edit(strings, old, new)
    line = line_of(strings, new)
    problems = shown(Pipeline(project).check().problems)
    assert len(problems) == 1 and problems[0].startswith(f"templates/strings.yaml:{line}:")
    assert problems[0].endswith(f": {field}: {message}")
