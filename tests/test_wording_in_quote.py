"""Every word proves itself: a Chinese text that says other than its quote fails `etown check` at
the text, saying what the quote writes there.

The edits of issue 23 are made in a copy of the project and checked as a maintainer would. The
mutations are made from the real data, each in the loaded tree of its file, which is then
validated as `etown check` validates every file (validate_file): a problem must stand at the
mutated text's own line and column."""

import copy
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from etown.load import LoadedFile, PathKey, load_data_file
from etown.problems import Problem
from etown.provenance import Seed, read_seed
from etown.records import records_in
from etown.schema import SITE_WORDS, HistoryEvent, Membership, Passage, TermsFile, Text, fields_of
from etown.sections import INSTITUTIONS, LEADERSHIP, SECTION_NAMES, TERMS
from etown.validate import FileResult, validate_file
from etown.wording_in_quote import (
    ALIGNMENT_BUDGET,
    LABEL_FIELDS,
    LABEL_WORDS,
    _Quote,
    _text_findings,
    check_wording_in_quote,
)
from helpers_data import errors_of, line_of, replace, shown

REPO = Path(__file__).resolve().parent.parent
RECORD_FILES = [name for name in SECTION_NAMES if name not in {"notes", "terms", "coverage"}]

# --- the edits of the issue ----------------------------------------------------------------------

EDITS = [
    # (file, old, new, what marks the edited line, what the message must say)
    ("overview", "value: {zh: 100176, en: 100176}", "value: {zh: 100177, en: 100177}", "zh: 100177",
     "the quote writes 100176; the text writes 100177"),
    ("overview", "value: {zh: 010, en: 010}", "value: {zh: 021, en: 021}", "zh: 021",
     "the quote writes 010; the text writes 021"),
    ("overview", "value: {zh: 北京南郊平原, en: The plain in Beijing’s southern suburbs}",
     "value: {zh: 上海浦东新区, en: Shanghai Pudong}", "zh: 上海浦东新区",
     "the quote writes 北京南郊平原; the text writes 上海浦东新区"),
    ("history", "zh: 第一栋办公楼“小红楼”建成并投入使用。", "zh: 第二栋办公楼“小蓝楼”建成并投入使用。",
     "第二栋", "the quote writes 第一栋办公楼; the text writes 第二栋办公楼"),
    ("institutions", "zh: 社会保险保障中心", "zh: 上海保险保障中心", "上海保险",
     "the quote writes 社会保险保障中心; the text writes 上海保险保障中心"),
    ("institutions", "zh: 政务服务中心", "zh: 政务上海中心", "政务上海",
     "the quote writes 政务服务中心; the text writes 政务上海中心"),
    ("ecology", "label: {zh: 公园绿地500米服务半径覆盖率,", "label: {zh: 公园绿地501米服务半径覆盖率,",
     "501米", "the quote writes 公园绿地500米服务半径覆盖率; the text writes 公园绿地501米服务半径覆盖率"),
]  # fmt: skip


def test_each_edit_of_the_issue_fails_at_the_edited_text_quoting_the_seed(project: Path) -> None:
    for name, old, new, _, _ in EDITS:
        replace(name, old, new)(project)
    errors = errors_of(project)
    for name, _, _, at, message in EDITS:
        line = line_of(project, name, at)
        found = [
            e for e in errors if (e.file, e.line) == (f"data/{name}.yaml", line) and message in e.message
        ]
        assert found, f"expected data/{name}.yaml:{line}: {message}\ngot:\n{shown(errors)}"
    # the history edit's second word, in a clause of its own
    assert any("the quote writes 小红楼; the text writes 小蓝楼" in e.message for e in errors), shown(errors)


# --- the real data ---------------------------------------------------------------------------------


def _loaded(name: str) -> LoadedFile:
    loaded, problems = load_data_file(REPO / "data", name)
    assert loaded is not None and not problems, problems
    return loaded


@pytest.fixture(scope="module")
def seed() -> Seed:
    return read_seed(REPO)


@pytest.fixture(scope="module")
def files() -> dict[str, LoadedFile]:
    return {name: _loaded(name) for name in RECORD_FILES}


@pytest.fixture(scope="module")
def validated(files: dict[str, LoadedFile], seed: Seed) -> dict[str, FileResult]:
    return {name: validate_file(loaded, seed) for name, loaded in files.items()}


def _found(files: dict[str, LoadedFile], validated: dict[str, FileResult]) -> list[Problem]:
    found: list[Problem] = []
    for name, loaded in files.items():
        model = validated[name].model
        assert model is not None
        found += check_wording_in_quote(loaded, model, validated[name].records)
    return found


def test_the_real_data_has_no_false_alarm(
    files: dict[str, LoadedFile], validated: dict[str, FileResult]
) -> None:
    assert _found(files, validated) == []


def test_every_label_word_is_needed(
    files: dict[str, LoadedFile], validated: dict[str, FileResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The label words stay few: each is one a real label needs."""
    import etown.wording_in_quote

    for word in sorted(LABEL_WORDS):
        monkeypatch.setattr(etown.wording_in_quote, "LABEL_WORDS", LABEL_WORDS - {word})
        assert _found(files, validated), f"no label needs {word}: take it out of LABEL_WORDS"


def _problems_at(
    files: dict[str, LoadedFile], seed: Seed, file: str, path: PathKey, value: str
) -> list[Problem]:
    """The errors at ``path`` once its value is ``value``."""
    loaded = files[file]
    mutated = LoadedFile(loaded.name, loaded.display_path, _set(loaded.data, path, value), loaded.source_map)
    where = loaded.source_map.locate(path)
    return [
        problem
        for problem in validate_file(mutated, seed).problems
        if (problem.line, problem.column) == where and problem.severity == "error"
    ]


def _set(data: object, path: PathKey, value: str) -> object:
    mutated = copy.deepcopy(data)
    holder = mutated
    for part in path[:-1]:
        holder = holder[part]  # type: ignore[index]
    holder[path[-1]] = value  # type: ignore[index]
    return mutated


NEW_TOWN_PLAN = ("passages", 0, "text", "zh")
"""2019年,北京市人民政府批复最新的《亦庄新城规划(2017-2035年)》,明确指出…没有大城市病的低密度绿色城区。"""


def _text(files: dict[str, LoadedFile], file: str, path: PathKey) -> str:
    node: object = files[file].data
    for part in path:
        node = node[part]  # type: ignore[index]
    assert isinstance(node, str)
    return node


def test_an_excerpt_leaves_out_clauses_but_no_words_within_one(
    files: dict[str, LoadedFile], seed: Seed
) -> None:
    text = _text(files, "divisions", NEW_TOWN_PLAN)
    assert "没有大城市病" in text, "the passage changed: update the test"
    [problem] = _problems_at(
        files, seed, "divisions", NEW_TOWN_PLAN, text.replace("没有大城市病", "有大城市病")
    )
    assert (
        "the quote writes 新城建设成为没有大城市病的低; the text writes 新城建设成为有大城市病的低"
        in problem.message
    )
    assert "but not words within a clause" in problem.message
    without_clause = text.replace(",明确指出要努力承接首都功能", "")
    assert _problems_at(files, seed, "divisions", NEW_TOWN_PLAN, without_clause) == []


def test_words_of_the_site_own_in_brackets_are_not_checked(files: dict[str, LoadedFile], seed: Seed) -> None:
    text = _text(files, "divisions", NEW_TOWN_PLAN)
    added = text.replace("北京市人民政府批复", "北京市人民政府[正式]批复")
    assert _problems_at(files, seed, "divisions", NEW_TOWN_PLAN, added) == []
    [problem] = _problems_at(files, seed, "divisions", NEW_TOWN_PLAN, added.replace("[正式]", "正式"))
    assert problem.message.endswith("; words of the site's own go in square brackets: [正式]")


def test_a_name_is_its_quote_whole(files: dict[str, LoadedFile], seed: Seed) -> None:
    path = ("groups", 2, "institutions", 5, "name", "zh")
    assert _text(files, INSTITUTIONS.name, path) == "社会保险保障中心"
    [problem] = _problems_at(files, seed, INSTITUTIONS.name, path, "社会保障中心")
    assert problem.message.startswith("the quote writes 社会保险保障中心; the text writes 社会保障中心")


def test_a_label_reorders_its_quote_and_adds_only_label_words(
    files: dict[str, LoadedFile], seed: Seed
) -> None:
    path = ("facts", 3, "label", "zh")  # 产值超亿元工业企业, from 工业企业产值超亿元185家
    assert _text(files, "economy", path) == "产值超亿元工业企业"
    assert _problems_at(files, seed, "economy", path, "工业企业产值超亿元的比重") == []
    [problem] = _problems_at(files, seed, "economy", path, "产值超亿元服务业企业")
    assert "the text writes 产值超亿元服务业企业" in problem.message and "label words" in problem.message


def test_a_member_is_the_person_the_quote_names(files: dict[str, LoadedFile], seed: Seed) -> None:
    path = ("bodies", 0, "members", 0, "person")
    assert _text(files, LEADERSHIP.name, path) == "zhang-qiang"
    [problem] = _problems_at(files, seed, LEADERSHIP.name, path, "kong-lei")
    assert problem.message == "the quote does not name 孔磊 (kong-lei); it says: 经开区工委书记:张强"


# --- mutations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    kind: str
    file: str
    path: PathKey
    """Where the mutated value stands: the problem must be reported there."""
    before: str
    after: str
    label: bool


@dataclass(frozen=True)
class _Shown:
    file: str
    path: PathKey
    text: str
    label: bool
    prose: bool


def _shown_texts(files: dict[str, LoadedFile], seed: Seed) -> Iterator[_Shown]:
    """Every Chinese text a record shows."""
    for name, loaded in files.items():
        result = validate_file(loaded, seed)
        assert result.model is not None
        for record in records_in(name, result.model):
            prose = isinstance(record.model, Passage | HistoryEvent)
            for field, value in fields_of(record.model):
                if isinstance(value, Text):
                    path = (*record.path, field, "zh")
                    yield _Shown(name, path, value["zh"], field in LABEL_FIELDS, prose or field == "text")


def _seed_words(seed_text: str) -> list[str]:
    """Two-character words of the seed: pairs of Chinese characters it writes three times or more."""
    counts: dict[str, int] = {}
    for run in re.findall(r"[\u4e00-\u9fff]+", seed_text):
        for index in range(len(run) - 1):
            counts[run[index : index + 2]] = counts.get(run[index : index + 2], 0) + 1
    return sorted(word for word, count in counts.items() if count >= 3)


def _listed_names(files: dict[str, LoadedFile]) -> dict[str, list[str]]:
    """The listed names by kind: data/terms.yaml, the institutions, the people."""
    names: dict[str, list[str]] = {}
    for term in TermsFile.model_validate(_loaded(TERMS.name).data).terms:
        names.setdefault(term.kind, []).append(term.zh)
    groups = files[INSTITUTIONS.name].data["groups"]
    names["institution"] = [item["name"]["zh"] for group in groups for item in group["institutions"]]
    names["person"] = [person["name"]["zh"] for person in files[LEADERSHIP.name].data["people"]]
    return names


def _free(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is outside the site's own words."""
    return not any(match.start() < end and start < match.end() for match in SITE_WORDS.finditer(text))


def mutations(files: dict[str, LoadedFile], seed: Seed, rng: random.Random) -> list[Mutation]:
    """Of each text: a digit changed; two characters replaced by a word of the seed; the longest
    listed name in it swapped with another of its kind; in prose, a sentence's subject (a listed
    name it starts with) swapped with another. Of each membership: the person swapped."""
    words = _seed_words(seed.text)
    names = _listed_names(files)
    listed = sorted(
        {(name, kind) for kind, group in names.items() for name in group},
        key=lambda item: (-len(item[0]), item),
    )
    subjects = sorted({name for name, kind in listed if kind in {"place", "body", "organisation", "company"}})
    found: list[Mutation] = []
    for item in _shown_texts(files, seed):
        text = item.text
        changes: list[tuple[str, int, int, str]] = []
        digits = [
            index
            for index, character in enumerate(text)
            if character.isdigit() and _free(text, index, index + 1)
        ]
        if digits:
            index = rng.choice(digits)
            changes.append(
                ("digit", index, index + 1, rng.choice([d for d in "0123456789" if d != text[index]]))
            )
        pairs = [
            index for index in range(len(text) - 1)
            if re.fullmatch(r"[\u4e00-\u9fff]{2}", text[index : index + 2]) and _free(text, index, index + 2)
        ]  # fmt: skip
        if pairs:
            index = rng.choice(pairs)
            changes.append(("seed-word", index, index + 2, rng.choice(words)))
        present = [(name, kind) for name, kind in listed if name in text and len(names[kind]) > 1]
        if present:
            name, kind = present[0]
            start = text.index(name)
            if _free(text, start, start + len(name)):
                other = rng.choice([other for other in names[kind] if other != name])
                changes.append(("listed-name", start, start + len(name), other))
        if item.prose:
            for sentence in re.finditer(r"(?:^|(?<=[。;!?]))[^。;!?]+", text):
                subject = next((name for name in subjects if sentence.group().startswith(name)), None)
                if subject is not None and _free(text, sentence.start(), sentence.start() + len(subject)):
                    other = rng.choice([name for name in subjects if name != subject])
                    changes.append(("subject", sentence.start(), sentence.start() + len(subject), other))
                    break
        for kind, start, end, new in changes:
            if text[start:end] != new:
                after = text[:start] + new + text[end:]
                found.append(Mutation(kind, item.file, item.path, text, after, item.label))
    people = [person["id"] for person in files[LEADERSHIP.name].data["people"]]
    leadership = validate_file(files[LEADERSHIP.name], seed).model
    assert leadership is not None
    for record in records_in(LEADERSHIP.name, leadership):
        if isinstance(record.model, Membership):
            other = rng.choice([person for person in people if person != record.model.person])
            path = (*record.path, "person")
            found.append(Mutation("listed-name", LEADERSHIP.name, path, record.model.person, other, False))
    return found


EXPLAINED = {
    "label-words": (
        "a label may reorder the words of its quote, of its period's stated_by and of the whole it "
        "is part of, and add label words: a word replaced by another of those, or repeated, reads "
        "as a label made of them (大兴部分面积 → 亦庄部分面积, 亦庄 from the whole's quote)"
    ),
    "shortened": (
        "the new text only leaves words out, and what is left still stands in the quote as written: "
        "a listed name swapped for a shorter one inside it (北京亦庄 → 北京, 经开区工委委员 → 工委委员). "
        "A name must be a piece of its quote, not one between its word breaks: the industries' names "
        "run on into their quotes' 方面 (新一代信息技术产业方面)"
    ),
}
"""What the rule cannot tell from the real data's own texts: every mutation missed must be one."""


def _explained(mutation: Mutation) -> str | None:
    characters = iter(mutation.before)
    if len(mutation.after) < len(mutation.before) and all(c in characters for c in mutation.after):
        return "shortened"
    return "label-words" if mutation.label else None


def caught(mutation: Mutation, files: dict[str, LoadedFile], seed: Seed) -> bool:
    return bool(_problems_at(files, seed, mutation.file, mutation.path, mutation.after))


HELD_OUT_SEED = 9431
"""Not one of the seeds the rule was measured on while it was made (1 to 7, 23 and 2311): on
those, 98.7–99.8 % of the mutations are caught; on this one, 99.0 % (619 of 625)."""


@pytest.mark.slow  # a separate process or server, or many builds
def test_mutations_of_the_real_texts_are_caught_at_the_text(files: dict[str, LoadedFile], seed: Seed) -> None:
    found = mutations(files, seed, random.Random(HELD_OUT_SEED))
    assert {mutation.kind for mutation in found} == {"digit", "seed-word", "listed-name", "subject"}
    fields = {mutation.path[-2] for mutation in found}
    assert fields >= {"text", "label", "name", "value", "title", "position", "breakdown", "organization"}
    missed = [mutation for mutation in found if not caught(mutation, files, seed)]
    listing = "\n".join(
        f"{m.kind} data/{m.file}.yaml {m.path}: {m.before} → {m.after} ({_explained(m)})" for m in missed
    )
    assert len(missed) <= len(found) * 0.05, f"{len(missed)} of {len(found)} not caught:\n{listing}"
    assert all(_explained(mutation) for mutation in missed), f"not caught, and not a known limit:\n{listing}"


# --- hostile input ---------------------------------------------------------------------------------


def test_a_text_beyond_the_alignment_budget_is_checked_in_one_pass() -> None:
    """5,000 characters of one character against a quote of 20,000 took difflib 7.6 s; beyond what
    is left of the file's budget a text is checked by the pairs of characters its quote writes."""
    budget = [ALIGNMENT_BUDGET]
    started = time.perf_counter()
    found = _text_findings("的" * 4_999 + "了", _Quote("的" * 20_000), "excerpt", budget)
    assert time.perf_counter() - started < 1 and budget == [0]
    assert (
        len(found) == 1 and found[0].startswith("the quote does not write 的的") and found[0].endswith("的了")
    )
    assert _text_findings("上海保险保障中心", _Quote("06 社会保险保障中心"), "whole", budget) == [
        "the quote does not write 上海保险保障中心"
    ]
