"""The English follows the Chinese: a code, a date, a year or a listed name the English gives
otherwise than the Chinese is named at the English text (a warning; an error with --strict)."""

from pathlib import Path

from etown.pipeline import check
from helpers_data import replace, shown

EDITS = [
    # (file, old, new, the English text's field, what the warning must say)
    ("history", "Mercedes-Benz GLK260 luxury", "Mercedes-Benz GLK250 luxury", "events[18].text.en",
     "the Chinese has GLK260, which the English does not"),
    ("history", None, None, "events[18].text.en", "the English has GLK250, which the Chinese does not"),
    ("overview", "On 26 January 2019 the CPC", "On 27 January 2019 the CPC", "introduction[5].text.en",
     "the Chinese has 1月26日, which the English does not (26 January)"),
    ("overview", "In August 1994 the State", "In August 1995 the State", "introduction[2].text.en",
     "the Chinese has 1994, which the English does not"),
    ("history", "Sinopharm became the world’s", "BOE became the world’s", "events[28].text.en",
     "the English names “BOE” (京东方 in data/terms.yaml), which the Chinese does not"),
]  # fmt: skip


def test_a_code_date_year_or_name_the_english_gives_otherwise_is_named_at_the_english(project: Path) -> None:
    for name, old, new, _, _ in EDITS:
        if old is not None and new is not None:
            replace(name, old, new)(project)
    report = check(project)
    warnings = [problem for problem in report.problems if problem.severity == "warning"]
    for name, _, _, field, message in EDITS:
        where = (f"data/{name}.yaml", field)
        assert [p for p in warnings if (p.file, p.field) == where and message in p.message], (
            f"expected data/{name}.yaml: {field}: {message}\ngot:\n{shown(warnings)}"
        )
    assert report.ok and not check(project, strict=True).ok


def test_the_site_own_words_in_english_need_no_chinese(project: Path) -> None:
    """A gloss in brackets may name what the Chinese does not; a completed name in brackets
    ([Beijing] Tongren Hospital) is still the listed name."""
    text = (project / "data" / "society.yaml").read_text(encoding="utf-8")
    assert "jointly with Tongren Hospital," in text, "the name changed: update the test"
    replace(
        "society",
        "jointly with Tongren Hospital,",
        "jointly with [Beijing] Tongren Hospital [see BOE],",
    )(project)
    assert [problem for problem in check(project).problems if problem.file == "data/society.yaml"] == []
