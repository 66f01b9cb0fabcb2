"""The second hostile probe (issue 28): what reaches the published files. A correction of the
zh-Hant conversion, a base URL, a cached PDF, a citation's title: each is published as it is
meant, escaped where it is text, or refused with a message; never raw, doubled or corrupt."""

import errno
import hashlib
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from bibtexparser.entrypoint import parse_string
from pylatexenc import latex2text

import etown.files
from etown.cache import CACHE_ENV, write_entry
from etown.pipeline import Pipeline
from etown.problems import EtownError, Problem, errors_only
from etown.producers import pdf


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def shown(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in errors_only(problems)]


def built(project: Path) -> Path:
    out = project / "site"
    report = Pipeline(project, expensive=False, finishing=False).build(out)
    assert report.ok, "\n".join(map(str, report.problems))
    return out


# --- zh-Hant: the conversion and its corrections come before escaping ---------------------------


def add_correction(project: Path, wrong: str, right: str) -> None:
    with (project / "data" / "conversion" / "zh-Hant.yaml").open("a", encoding="utf-8") as stream:
        stream.write(f"  - from: {wrong!r}\n    to: {right!r}\n    why: a test\n")


def chart_captions(page: str) -> list[str]:
    """Each chart's caption and its SVG's title, as published."""
    return re.findall(r'<figcaption id="chart-[a-z]+-caption">(.*?)</figcaption>', page) + re.findall(
        r'<title id="chart-[a-z]+-title">(.*?)</title>', page
    )


def test_a_correction_holding_markup_is_published_escaped(project: Path) -> None:
    add_correction(project, "主導產業", "主導產業<img src=x onerror=alert(1)>")
    page = (built(project) / "zh-Hant" / "economy.html").read_text(encoding="utf-8")
    assert (
        chart_captions(page)
        == [
            "2022年四大主導產業&lt;img src=x onerror=alert(1)&gt;產值(億元)",
            "2022年四大主導產業&lt;img src=x onerror=alert(1)&gt;佔全市比重(%)",
        ]
        * 2
    )
    assert "<img" not in page


def test_a_correction_holding_markup_in_an_interface_pattern_is_published_escaped(project: Path) -> None:
    """The words a caption is put into ({period}{caption}) are text too, once converted."""
    add_correction(project, "{period}{caption}", "{period}<b>{caption}</b>")
    page = (built(project) / "zh-Hant" / "economy.html").read_text(encoding="utf-8")
    assert chart_captions(page)[0] == "2022年&lt;b&gt;四大主導產業產值&lt;/b&gt;(億元)"
    assert "<b>" not in page


def test_a_correction_adding_a_gloss_appears_once_in_chart_captions(project: Path) -> None:
    add_correction(project, "億元", "億元(人民幣)")
    page = (built(project) / "zh-Hant" / "economy.html").read_text(encoding="utf-8")
    assert chart_captions(page)[0] == "2022年四大主導產業產值(億元(人民幣))"
    assert "(人民幣)(人民幣)" not in page


def test_a_missing_corrections_file_is_an_error_not_other_pages(project: Path) -> None:
    """Deleting it would silently turn the surname 于 of Yu Miao into 於 on every zh-Hant page."""
    (project / "data" / "conversion" / "zh-Hant.yaml").unlink()
    for report in (Pipeline(project).check(), Pipeline(project).build(project / "site")):
        assert shown(report.problems) == [
            "data/conversion/zh-Hant.yaml:1:1: the file is missing; the zh-Hant pages are made by OpenCC and "
            "then the corrections this file lists: restore it (git checkout), or if the pages need none, "
            "write `corrections: []` in it"
        ]
    assert not (project / "site").exists()


def test_an_empty_list_of_corrections_is_accepted(project: Path) -> None:
    (project / "data" / "conversion" / "zh-Hant.yaml").write_text("corrections: []\n", encoding="utf-8")
    page = (built(project) / "zh-Hant" / "government.html").read_text(encoding="utf-8")
    assert "於淼" in page  # what the file was there to correct (the seed's quotes keep 于淼)


# --- citation files: escaping that reads back as written, one line per field ---------------------

HOSTILE_TITLE = r"Price ~100 \ per {unit: 5% & 3_4 ^2 $1 #1 }"


def set_title(project: Path, title: str) -> None:
    meta = next((project / "seeds").glob("*.meta.yaml"))
    edit(meta, 'title: "北京经济技术开发区介绍"', f"title: {json.dumps(title, ensure_ascii=False)}")


def latex_to_text(latex: str) -> str:
    """LaTeX read as LaTeX means it: pylatexenc, told the textcomp names it does not know."""
    context = latex2text.get_default_latex_context_db()
    context.add_context_category(
        "textcomp-names",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec("textbraceleft", "{"),
            latex2text.MacroTextSpec("textbraceright", "}"),
            latex2text.MacroTextSpec("textasciicircum", "^"),  # pylatexenc says U+02C6
        ],
    )
    return str(latex2text.LatexNodes2Text(latex_context=context).latex_to_text(latex))


def test_a_bibtex_title_is_escaped_so_that_it_reads_back_as_written(project: Path) -> None:
    set_title(project, HOSTILE_TITLE)
    bib = (built(project) / "cite" / "en" / "about.bib").read_text(encoding="utf-8")
    assert (
        r"  title = {Price \textasciitilde{}100 \textbackslash{} per \textbraceleft{}unit: 5\% \& 3\_4 "
        r"\textasciicircum{}2 \$1 \#1 \textbraceright{}},"
    ) in bib.splitlines()
    assert bib.count("{") == bib.count("}"), "BibTeX counts every brace, escaped or not"
    library = parse_string(bib)
    assert library.failed_blocks == []
    assert latex_to_text(library.entries[0]["title"]) == HOSTILE_TITLE


def test_a_bibtex_url_holds_nothing_bibtex_counts(project: Path) -> None:
    meta = next((project / "seeds").glob("*.meta.yaml"))
    edit(meta, "published:", 'url: "https://example.org/a{b}\\\\c"\npublished:')
    bib = (built(project) / "cite" / "en" / "about.bib").read_text(encoding="utf-8")
    assert "  url = {https://example.org/a%7Bb%7D%5Cc}," in bib.splitlines()
    assert parse_string(bib).failed_blocks == []


def every_line_tagged(ris: str) -> list[str]:
    """The lines of a RIS file that are neither tagged nor the blank line between records."""
    return [line for line in ris.split("\n") if line and not re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line)]


def test_a_note_with_line_breaks_puts_no_untagged_line_into_ris(project: Path) -> None:
    strings = project / "templates" / "strings.yaml"
    text = re.sub(
        r"^cite_site_note: .*$",
        "cite_site_note:\n  zh: 本站\n  en: |\n    first line\n\n    second line",
        strings.read_text(encoding="utf-8"),
        count=1,
        flags=re.MULTILINE,
    )
    strings.write_text(text, encoding="utf-8")
    site = built(project)
    for path in sorted((site / "cite").rglob("*.ris")):
        assert every_line_tagged(path.read_text(encoding="utf-8")) == [], path
    ris = (site / "cite" / "en" / "about.ris").read_text(encoding="utf-8")
    assert "N1  - first line second line" in ris.split("\n")
    bib = (site / "cite" / "en" / "about.bib").read_text(encoding="utf-8")
    assert "  note = {first line second line}," in bib.splitlines()


# --- the PDF cache: an entry is used only when it is whole ----------------------------------------


@pytest.mark.slow  # a separate process or server, or many builds
def test_a_truncated_or_empty_cached_pdf_is_made_again_never_published(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    def render(
        _context: object, html: bytes, _css: bytes, _day: str, page_url: str, _independence: str
    ) -> tuple[bytes, list[str]]:
        """Stands in for WeasyPrint (seconds a PDF): bytes that depend on what is printed."""
        made.append(page_url)
        return b"%PDF-1.7\n" + hashlib.sha256(html).hexdigest().encode() * 1000 + b"\n%%EOF\n", [
            "DejaVu Sans"
        ]

    monkeypatch.setattr(pdf, "_render", render)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    first, second = tmp_path / "first", tmp_path / "second"
    assert Pipeline(project, finishing=False).build(first).ok
    assert len(made) == 3
    entries = sorted((tmp_path / "cache" / "pdf").glob("*.pdf"))
    assert len(entries) == 3
    truncated, emptied, unrecorded = entries
    truncated.write_bytes(truncated.read_bytes()[:-5000])
    emptied.write_bytes(b"")
    unrecorded.write_bytes(unrecorded.read_bytes().split(b"\n", 1)[1])  # the PDF alone, no size or hash
    made.clear()
    assert Pipeline(project, finishing=False).build(second).ok
    assert len(made) == 3
    published = sorted(first.rglob("*.pdf"))
    assert [path.read_bytes() for path in published] == [
        (second / path.relative_to(first)).read_bytes() for path in published
    ]
    made.clear()
    assert Pipeline(project, finishing=False).build(tmp_path / "third").ok
    assert made == []  # whole entries are read back


def test_a_cache_entry_that_cannot_be_written_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the write fails half way, and the half-written file goes with it."""
    folder = tmp_path / "cache" / "pdf"

    class FullDisk(io.FileIO):
        def write(self, data: object) -> int:
            super().write(b"%PDF-1.7 half")
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(etown.files, "open", lambda path, _mode: FullDisk(path, "wb"), raising=False)
    write_entry(folder / "entry.pdf", b"%PDF-1.7 whatever")
    assert list(folder.iterdir()) == []


# --- characters the PDF's fonts lack: named, never drawn as another ----------------------------


def print_page(project: Path, body: str) -> bytes:
    """A page as the PDF prints it, made by WeasyPrint with the site's fonts (a small one: the
    fact sheet takes seconds)."""
    context = SimpleNamespace(
        root=project,
        config=SimpleNamespace(absolute=lambda path: f"https://example.org/{path}"),
        stylesheet_path="assets/style.css",
        stylesheet_bytes=b"body { font-family: 'Noto Sans CJK SC', sans-serif }",
    )
    html = f'<!DOCTYPE html><html lang="zh"><head><title>t</title></head><body><p>{body}</p></body></html>'
    page_url = "https://example.org/zh/factsheet.html"
    made, _families = pdf._render(context, html.encode(), b"", "2026-11-24", page_url, "")  # type: ignore[arg-type]
    return made


def test_a_character_no_embedded_font_has_is_named_where_it_stands(project: Path) -> None:
    """Noto Sans CJK has 65,535 glyphs, its most: every character it lacks was drawn with the same
    last one, and copied out of the PDF as the first such character (𠀁 came out as 𠀀)."""
    history = project / "data" / "history.yaml"
    edit(history, "      zh: 北京经济技术开发区开工建设。", "      zh: 北京经济技术开发区开工建设𠀁。")
    with pytest.raises(EtownError) as refused:
        print_page(project, "开工建设𠀀和𠀁。")
    line = (
        history.read_text(encoding="utf-8").split("\n").index("      zh: 北京经济技术开发区开工建设𠀁。") + 1
    )
    assert [str(problem) for problem in refused.value.problems] == [
        "build:: no font the PDF embeds has 𠀀 (U+20000): the PDF would show an empty box, and a reader "
        "copying the text would get another character; write it otherwise, or build without the PDFs "
        "(--no-pdf)",
        f"data/history.yaml:{line}:24: no font the PDF embeds has 𠀁 (U+20001): the PDF would show an empty "
        "box, and a reader copying the text would get another character; write it otherwise, or build "
        "without the PDFs (--no-pdf)",
    ]


def test_characters_the_fonts_have_make_a_pdf(project: Path) -> None:
    assert print_page(project, "北京亦庄 Beijing E-Town 2456.4亿元 ①").startswith(b"%PDF-")
