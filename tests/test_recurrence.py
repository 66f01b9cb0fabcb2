"""Rules for the slips a new reader found (issue 24), so that none comes back: a paragraph linked
twice in one note, a label run into the text before it, a link text cut mid-word, a count that
reads as two totals, a link to a PDF that the build did not make."""

import re
from pathlib import Path

import pytest

from etown.cli import main
from etown.convert import NO_CONVERSIONS
from etown.languages import LANGUAGES
from etown.pipeline import Pipeline, load_site_data
from etown.producers.webpage import shortened
from etown.schema import Text, fields_of
from etown.strings import read_strings

REPO = Path(__file__).resolve().parent.parent
NOTE_SOURCES = re.compile(r"(?:In the source:|原文:)((?:\s*<a href=\"[^\"]+\">¶\d+</a>)+)")
BLOCK = re.compile(
    r"</?(?:p|li|td|th|tr|div|dd|dt|h\d|section|caption|figcaption|summary)\b[^>]*>|<small class=\"block\">"
)
TAG = re.compile(r"<[^>]+>")
APPEARS = re.compile(r"Appears at:(.*?)</small>", re.DOTALL)


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_no_note_links_a_paragraph_twice(built_site: Path, code: str) -> None:
    found = 0
    for page in sorted((built_site / code).glob("*.html")):
        for links in NOTE_SOURCES.findall(page.read_text(encoding="utf-8")):
            paragraphs = re.findall(r"¶(\d+)", links)
            found += 1
            assert len(paragraphs) == len(set(paragraphs)), (page.name, paragraphs)
    assert found > 100


def test_a_label_is_never_run_into_the_text_before_it(built_site: Path) -> None:
    """Every English label of the interface that ends in a colon stands after a space or at the
    start of a block, on every English page."""
    strings, _ = read_strings(
        REPO / "templates", {"site_name": {"zh": "开发区", "en": "BDA"}}, NO_CONVERSIONS
    )
    assert strings is not None
    english = next(language for language in LANGUAGES if language.code == "en")
    labels = {
        text.strip()
        for text in strings.in_language(english).values()
        if text.strip().endswith(":") and text.strip()[:1].isalpha()  # not "; for the whole site:"
    }
    assert {"In the source:", "Appears at:", "of which:", "Within:"} <= labels
    for page in sorted((built_site / "en").glob("*.html")):
        text = TAG.sub("", BLOCK.sub("\n", page.read_text(encoding="utf-8")))
        for label in labels:
            for match in re.finditer(re.escape(label), text):
                before = text[match.start() - 1 : match.start()]
                assert before in {"", " ", "\n", "(", "\u00a0"}, (
                    page.name,
                    text[match.start() - 30 : match.end()],
                )


def test_a_passage_is_named_by_whole_words() -> None:
    long = "In August 2002 the State Council approved its expansion to 46.8 km²."
    assert shortened(long) == "In August 2002 the State Council…"
    assert shortened("Short enough.") == "Short enough."
    assert (
        shortened("2010年,市委、市政府授权开发区统一开发和管理大兴区12平方公里产业及配套用地")
        == "2010年,市委、市政府授权开发区统一…"
    )


def test_no_appears_at_link_is_cut_mid_word(built_site: Path) -> None:
    data = load_site_data(REPO)
    texts = [value["en"] for _, model in data.items() for value in _texts(model)]
    about = (built_site / "en" / "about.html").read_text(encoding="utf-8")
    cut = 0
    for block in APPEARS.findall(about):
        for name in re.findall(r">([^<]+)</a>", block):
            if not name.endswith("…"):
                continue
            cut += 1
            start = name[:-1]
            whole = next(text for text in texts if text.startswith(start))
            assert not whole[len(start) : len(start) + 1].isalnum(), (name, whole)
    assert cut > 5


def _texts(model: object) -> list[Text]:
    from pydantic import BaseModel

    found: list[Text] = []
    if isinstance(model, Text):
        found.append(model)
    elif isinstance(model, BaseModel):
        for _name, value in fields_of(model):
            found += _texts(value)
    elif isinstance(model, list):
        for item in model:
            found += _texts(item)
    return found


def test_coverage_gives_one_total_and_how_it_divides(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--root", str(REPO)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    match = re.search(
        r"the source has (\d+) sentences: (\d+) left out on purpose \(data/coverage.yaml\) "
        r"and (\d+) to cite, of which records cite (\d+) \(100.0 %\)",
        line,
    )
    assert match, line
    total, left_out, to_cite, cited = map(int, match.groups())
    assert total == left_out + to_cite and cited == to_cite


def test_a_build_without_pdfs_links_none(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = Pipeline(project, expensive=False).build(out)
    assert not [p for p in report.problems if p.severity == "error"]
    for language in LANGUAGES:
        page = (out / language.code / "factsheet.html").read_text(encoding="utf-8")
        assert "factsheet.pdf" not in page and not (out / language.code / "factsheet.pdf").exists()


def test_a_build_with_pdfs_links_each(built_site: Path) -> None:
    for language in LANGUAGES:
        page = (built_site / language.code / "factsheet.html").read_text(encoding="utf-8")
        assert 'href="factsheet.pdf"' in page
