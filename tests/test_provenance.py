"""Quotes and the seed: found white space aside, and when not found, the closest passage shown."""

from pathlib import Path

import pytest

from conftest import REPO
from etown.problems import UsageError
from etown.provenance import Seed, normalise, read_seed

SEED = read_seed(REPO)


def test_a_quote_is_found_whatever_its_white_space() -> None:
    assert SEED.contains("北京经济技术开发区于1992年4月开工建设")
    assert SEED.contains("北京经济技术开发区于 1992 年\n4 月开工建设")
    assert not SEED.contains("北京经济技术开发区于1993年4月开工建设")


def test_normalise_removes_every_kind_of_white_space() -> None:
    assert normalise(" a\tb\nc\u3000d\u00a0e ") == "abcde"


@pytest.mark.parametrize(
    ("quote", "closest"),
    [
        ("北京经济技术开发区于1993年4月开工建设", "北京经济技术开发区于1992年4月开工建设"),
        ("开发区实际管辖面积达到59平方公里", "开发区实际管辖面积达到59.6平方公里"),
        ("常住人口30万人", "常住人口29万人"),
        ("Beijing E Town", "Beijing E-Town"),
    ],
)
def test_the_closest_passage_is_the_seeds_own_wording(quote: str, closest: str) -> None:
    assert SEED.closest_passage(quote) == closest


def test_nothing_is_suggested_when_nothing_is_close() -> None:
    assert SEED.closest_passage("完全无关的句子内容") is None
    assert SEED.hint("完全无关的句子内容") == "no passage of the seed is close to it"


def test_a_quote_differing_only_in_character_width_says_so() -> None:
    full_width = "北京经济技术开发区于\uff11\uff19\uff19\uff12年\uff14月开工建设"
    assert not SEED.contains(full_width)
    assert "differs from the seed only in full-width or half-width characters" in SEED.hint(full_width)
    hint = SEED.hint("北京经济技术开发区于1993年4月开工建设")
    assert hint == "the closest passage of the seed is: 北京经济技术开发区于1992年4月开工建设"


def test_the_closest_passage_keeps_the_seeds_spaces() -> None:
    seed = Seed("seeds/s.txt", "First line of the seed.\nSecond  line, with   spaces.\n")
    assert seed.closest_passage("Second line,with spaces!") == "Second line, with spaces"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "seeds/ must hold exactly one .txt source document (found: none)"),
        (
            {"a.txt": b"x", "b.txt": b"y"},
            "seeds/ must hold exactly one .txt source document (found: a.txt, b.txt)",
        ),
        ({"a.txt": b"\xff\xfe"}, "cannot read seeds/a.txt"),
    ],
)
def test_a_missing_or_unreadable_seed_is_a_usage_error(
    tmp_path: Path, files: dict[str, bytes], message: str
) -> None:
    (tmp_path / "seeds").mkdir()
    for name, content in files.items():
        (tmp_path / "seeds" / name).write_bytes(content)
    with pytest.raises(UsageError) as error:
        read_seed(tmp_path)
    assert message in str(error.value)
