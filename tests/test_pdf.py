"""The PDF fact sheets: tagged A4, fonts embedded as subsets, text that pdftotext finds, at most
1.5 MB, byte-reproducible, cached by their inputs, and never made by etown check."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser_support import missing
from etown.cache import CACHE_ENV
from etown.cli import main
from etown.languages import LANGUAGES, by_code
from etown.pages import PAGES
from etown.pipeline import Pipeline
from etown.producers import fontfiles, pdf

BASE = "https://example.org/etown/"
LIMIT = 1_500_000
FACTSHEET = next(page for page in PAGES if page.key == "factsheet")
KEY_FACTS = {
    # the headline figure with its label and its source's words (quoted as the seed writes them,
    # in every language), the population, the key facts' area and its scope, the full site's address
    "zh": ["地区生产总值", "2456.4", "2022年,全年完成地区生产总值2456.4亿元,增长6%", "常住人口", "29万人",
           "225平方公里", "亦庄新城规划面积", f"{BASE}zh/"],
    "zh-Hant": ["地區生產總值", "2456.4", "2022年,全年完成地区生产总值2456.4亿元,增长6%", "常住人口",
                "29萬人", "225平方公里", "亦莊新城規劃面積", f"{BASE}zh-Hant/"],
    "en": ["Gross domestic product (GDP)", "245.64", "2022年,全年完成地区生产总值2456.4亿元,增长6%",
           "Resident population", "290,000", "225 km²", "planned area of Yizhuang New Town", f"{BASE}en/"],
}  # fmt: skip
CJK_FONT = {"zh": "Noto-Sans-CJK-SC", "zh-Hant": "Noto-Sans-CJK-TC", "en": "Noto-Sans-CJK-SC"}


def poppler(tool: str, *arguments: str) -> str:
    if shutil.which(tool) is None:
        missing(f"{tool} not found (Debian: poppler-utils)")
    return subprocess.run([tool, *arguments], capture_output=True, text=True, check=True).stdout


def _pdf(site: Path, code: str) -> Path:
    return site / pdf.pdf_path(FACTSHEET, by_code(code))


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_each_language_has_a_tagged_a4_pdf_within_its_size_limit(built_site: Path, code: str) -> None:
    path = _pdf(built_site, code)
    assert path.read_bytes().startswith(b"%PDF-1.7")
    assert path.stat().st_size <= LIMIT, f"{path.stat().st_size} bytes"
    info = poppler("pdfinfo", str(path))
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    assert re.search(r"^Page size:\s+595\.276 x 841\.89 pts \(A4\)$", info, re.MULTILINE), info
    assert re.search(r"^CreationDate:\s+.*Nov 24 00:00:00 2026", info, re.MULTILINE), info
    assert "Title:" in info and "·" in info
    # a PDF travels without the page around it: its metadata says who made it, and that it is not official
    publisher = {"zh": "etown项目贡献者", "en": "etown contributors", "zh-Hant": "etown項目貢獻者"}[code]
    assert re.search(rf"^Author:\s+{publisher}$", info, re.MULTILINE), info
    independent = {"zh": "并非官方网站", "en": "it is not an official site", "zh-Hant": "並非官方網站"}[code]
    assert re.search(rf"^Subject:\s+.*{independent}", info, re.MULTILINE), info


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_fonts_are_embedded_subsets_and_chinese_is_noto_sans_cjk(built_site: Path, code: str) -> None:
    rows = poppler("pdffonts", str(_pdf(built_site, code))).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, embedded, subset, unicode, _object, _generation = row.split()
        assert (embedded, subset, unicode) == ("yes", "yes", "yes"), row
        assert re.fullmatch(r"[A-Z]{6}\+.+", name), row
    assert any(CJK_FONT[code] in row for row in rows), rows


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_the_key_facts_are_text_that_can_be_found(built_site: Path, code: str) -> None:
    text = poppler("pdftotext", "-enc", "UTF-8", str(_pdf(built_site, code)), "-")
    flat = "".join(text.split())  # pdftotext breaks lines where the page does
    for fact in KEY_FACTS[code]:
        assert "".join(fact.split()) in flat, fact
    assert "Cite this page" in text if code == "en" else "引用本" in text


def test_the_fact_sheet_page_links_its_pdf(built_site: Path) -> None:
    for language in LANGUAGES:
        html = (built_site / FACTSHEET.path(language)).read_text(encoding="utf-8")
        assert '<a href="factsheet.pdf" type="application/pdf">' in html


@pytest.mark.slow  # makes every PDF again (seconds each)
def test_a_pdf_made_afresh_is_byte_identical(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build (an empty cache) gives the same bytes as the session's build."""
    from conftest import REPO

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    out = tmp_path / "site"
    assert Pipeline(REPO, base_url=BASE, finishing=False).build(out).ok
    assert len(list((tmp_path / "cache" / "pdf").glob("*.pdf"))) == len(LANGUAGES)
    for language in LANGUAGES:
        assert (out / pdf.pdf_path(FACTSHEET, language)).read_bytes() == _pdf(
            built_site, language.code
        ).read_bytes()


def _weasyprint_forbidden(*_arguments: object) -> bytes:
    raise AssertionError("WeasyPrint ran")


def test_an_unchanged_build_reads_its_pdfs_from_the_cache(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import REPO

    monkeypatch.setattr(pdf, "_render", _weasyprint_forbidden)
    assert Pipeline(REPO, base_url=BASE, finishing=False).build(tmp_path / "site").ok
    for language in LANGUAGES:
        path = pdf.pdf_path(FACTSHEET, language)
        assert (tmp_path / "site" / path).read_bytes() == (built_site / path).read_bytes()


@pytest.mark.slow  # a separate process or server, or many builds
def test_check_and_no_pdf_builds_never_run_weasyprint(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "_render", _weasyprint_forbidden)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))  # empty: every PDF would be made
    (project / "templates" / "base.html").write_text(
        (project / "templates" / "base.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert Pipeline(project).check().ok
    assert main(["build", "--root", str(project), "--out", str(tmp_path / "out"), "--no-pdf"]) == 0
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert (tmp_path / "out" / "en" / "factsheet.html").is_file()


def test_a_missing_print_stylesheet_is_a_problem_not_a_traceback(project: Path, tmp_path: Path) -> None:
    (project / "templates" / pdf.PRINT_STYLESHEET).unlink()
    report = Pipeline(project, finishing=False).build(tmp_path / "out")
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        f"build:{path}: cannot make this file: cannot read templates/print/factsheet.css (No such file or "
        "directory)"
        for path in sorted(pdf.pdf_path(FACTSHEET, language) for language in LANGUAGES)
    ]


# --- the cache's key: what the PDF is made from, and the font files it embeds ------------------


def test_fontconfig_names_the_files_of_the_families_a_pdf_embeds(built_site: Path) -> None:
    """The fonts the cache key follows are the files fontconfig resolves for the families a PDF
    embeds: here the CJK font's files, which pdffonts finds embedded in every PDF."""
    files = fontfiles.files_of_family("Noto Sans CJK SC")
    assert files and all(Path(file).is_file() for file in files), files
    assert any("NotoSansCJK" in Path(file).name or "NotoSansSC" in Path(file).name for file in files)
    assert fontfiles.files_of_family("No Such Family Anywhere") == []


class _FakeFonts:
    """WeasyPrint and fontconfig stood in for: each PDF "embeds" the family Test Sans, whose one
    file is a file of the test's. Counts the PDFs made, and keeps them in a cache of its own."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(CACHE_ENV, str(folder / "cache"))  # a cache of its own, kept apart from the run's
        folder.mkdir()
        self.file = folder / "TestSans.ttf"
        self.file.write_bytes(b"version 1")
        self.made = 0
        monkeypatch.setattr(pdf, "_render", self.render)
        monkeypatch.setattr(
            fontfiles, "files_of_family", lambda family: [str(self.file)] if family == "Test Sans" else []
        )

    def render(self, _context: object, html: bytes, *_rest: object) -> tuple[bytes, list[str]]:
        self.made += 1
        return b"%PDF-1.7 " + self.file.read_bytes() + b" " + str(len(html)).encode(), ["Test Sans"]


def test_a_font_of_another_family_installed_keeps_the_cache_and_one_of_its_own_family_renews_it(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fonts = _FakeFonts(tmp_path / "fonts", monkeypatch)
    out = tmp_path / "site"
    assert Pipeline(project, finishing=False).build(out).ok
    assert fonts.made == len(LANGUAGES)
    (tmp_path / "fonts" / "Unrelated-Regular.ttf").write_bytes(b"a package's new font")  # another family
    assert Pipeline(project, finishing=False).build(out).ok
    assert fonts.made == len(LANGUAGES)  # read back from the cache
    fonts.file.write_bytes(b"version 2, updated")  # the embedded family's file changed
    assert Pipeline(project, finishing=False).build(out).ok
    assert fonts.made == 2 * len(LANGUAGES)
    for language in LANGUAGES:
        assert b"version 2, updated" in (out / pdf.pdf_path(FACTSHEET, language)).read_bytes()
