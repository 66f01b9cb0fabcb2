"""The command line, in-process: exit codes and what it prints."""

import subprocess
import sys
from pathlib import Path

import pytest

from etown import __version__
from etown.cli import main
from etown.languages import LANGUAGES
from etown.pages import PAGES


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "build" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"etown {__version__}"


def test_build_prints_one_summary_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "site"
    # the base URL of the session's build, so that its PDFs come from the run's cache
    code = main(
        ["build", "--root", str(project), "--out", str(out), "--base-url", "https://example.org/etown/"]
    )
    output = capsys.readouterr()
    assert code == 0, output.err
    lines = output.out.strip().splitlines()
    assert len(lines) == 1
    pages = f"{len(PAGES) * len(LANGUAGES)} pages in {len(LANGUAGES)} languages"
    assert pages in lines[0] and str(out) in lines[0]
    assert (out / "zh" / "index.html").is_file() and (out / "en" / "factsheet.html").is_file()


def test_check_passes_on_good_data(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(project)]) == 0
    assert "valid" in capsys.readouterr().out


def test_check_reports_data_problems_with_exit_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vision = project / "data" / "vision.yaml"
    vision.write_text(vision.read_text(encoding="utf-8").replace("  - id:", "  - idd:", 1), encoding="utf-8")
    assert main(["check", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert "data/vision.yaml:" in err and "unknown field 'idd'; did you mean 'id'?" in err
    assert "1 file" in err.splitlines()[-1]


def test_not_a_project_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(tmp_path)]) == 2
    assert "not an etown project" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--nope"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("base_url", ["", " "])
def test_an_empty_base_url_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], base_url: str
) -> None:
    out = project / "site"
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--root", str(project), "--out", str(out), "--base-url", base_url])
    assert exit_info.value.code == 2
    assert "argument --base-url: is empty; give an absolute http(s) URL" in capsys.readouterr().err
    assert not out.exists()


def test_a_base_url_that_is_only_a_path_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the Pages workflow passes when the setup step reports no base URL: "$BASE_URL/"."""
    out = project / "site"
    assert main(["build", "--root", str(project), "--out", str(out), "--base-url", "/"]) == 2
    assert "the base URL must be an absolute http(s) URL such as https://example.org/etown/ (got: '/')" in (
        capsys.readouterr().err
    )
    assert not out.exists()


@pytest.mark.slow  # a separate process or server, or many builds
def test_python_dash_m_etown_works(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "etown", "check", "--root", str(project)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_broken_template_is_reported_with_its_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vision = project / "templates" / "vision.html"
    lines = vision.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{% if %}")
    vision.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["build", "--root", str(project), "--out", str(project / "site"), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert "templates/vision.html:3:1: template syntax" in err
    assert "Traceback" not in err


def test_an_unknown_template_variable_is_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vision = project / "templates" / "vision.html"
    text = vision.read_text(encoding="utf-8").replace("{% endblock %}", "{{ no_such_thing }}{% endblock %}")
    vision.write_text(text, encoding="utf-8")
    assert main(["build", "--root", str(project), "--out", str(project / "site"), "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert "templates/vision.html:" in err and "no_such_thing" in err
