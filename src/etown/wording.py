"""What each record says in both languages, checked against each other and the house style.

- Terms: where a Chinese text names something in data/terms.yaml, its English uses the listed
  English name (or an accepted other form, or quotes the Chinese itself). Longest terms first,
  so inside 亦庄新城 only "Yizhuang New Town" is asked for. And no other listed body, company,
  plan … stands in the English where the Chinese does not name it.
- Numbers, codes and dates: every number the Chinese writes appears in the English (万 and 亿
  converted, small numbers perhaps spelled out), every code (GLK260, PM2.5) as written, every
  month and day by name (1月26日, 26 January); and the other way round.
- House style: UK spelling, curly quotes and apostrophes, sentence-case labels.

The site's own words in an English text ([Beijing] Tongren Hospital, a gloss in brackets) may
say more than the Chinese: their brackets are no part of a name, and what they hold is not asked
of the Chinese. All are warnings (errors with --strict): located at the English text, saying
what is missing.
"""

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from etown.evidence import chinese_number
from etown.languages import LANGUAGES
from etown.load import LoadedFile, PathKey
from etown.problems import Problem, field_path
from etown.schema import Term, TermsFile, fields_of, without_site_words
from etown.sections import COVERAGE, NOTES, TERMS

CHECKED_PAIRS = tuple(
    (language.twin, language.code)
    for language in LANGUAGES
    if language.house_style == "en-GB" and language.twin
)
"""(original, translation): the languages whose texts these checks read, by their rows. Every
check here reads English (its official names in data/terms.yaml, its numbers, months and spelling)."""

CHECKED_ELSEWHERE = {TERMS.name}
"""The terms file itself names things in both languages by definition."""

_SMALL_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100, "first": 1, "second": 2,
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "tenfold": 10, "half": 2, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000,
}  # fmt: skip
_SCALES = {
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}

US_SPELLINGS = {
    "center": "centre", "centers": "centres", "organization": "organisation",
    "organizations": "organisations",
    "program": "programme", "programs": "programmes", "color": "colour", "labor": "labour",
    "authorized": "authorised", "organized": "organised", "recognized": "recognised", "realized": "realised",
    "modernization": "modernisation", "industrialization": "industrialisation", "utilization": "utilisation",
    "optimization": "optimisation", "standardization": "standardisation", "specialized": "specialised",
    "digitalization": "digitalisation", "internationalization": "internationalisation", "defense": "defence",
    "license": "licence", "kilometer": "kilometre", "kilometers": "kilometres", "meter": "metre",
}  # fmt: skip
"""The house style is UK English; a term whose official English spells it otherwise is allowed."""


TextKey = tuple[str, str, bool]
"""A text as the wording check reads it: its Chinese, its English, and whether it is a label or
title that must be in sentence case."""
Messages = Callable[[TextKey, Callable[[], list[str]]], list[str]]
"""What the check of one file asks for each text: its messages, found by the callable or kept."""


@dataclass
class _Kept:
    model: object
    terms_file: object
    found: list[Problem]
    texts: dict[TextKey, list[str]] | None
    """The messages of each text of the file, kept from its second check on (an edit session)."""


class WordingMemo:
    """The findings of each file, kept while neither its models nor the terms change: after an
    edit ``etown serve`` rechecks the edited file alone (the whole check is most of a
    revalidation). Once a file has been checked again, its texts' messages are kept too, so the
    next edit rechecks only the texts it changed. A one-off build or check keeps no texts."""

    def __init__(self) -> None:
        self._kept: dict[str, _Kept] = {}

    def findings(
        self, name: str, model: object, terms_file: object, check: Callable[[Messages], list[Problem]]
    ) -> list[Problem]:
        kept = self._kept.get(name)
        if kept is None or kept.terms_file is not terms_file:
            found, texts = check(_found), None
        elif kept.model is model:
            return kept.found
        else:
            previous, texts = kept.texts or {}, {}

            def messages(key: TextKey, find: Callable[[], list[str]]) -> list[str]:
                found_here = previous[key] if key in previous else find()
                texts[key] = found_here
                return found_here

            found = check(messages)
        self._kept[name] = _Kept(model, terms_file, found, texts)
        return found

    def keep(self, name: str, model: object, terms_file: object, found: list[Problem]) -> None:
        """Take the findings of file ``name`` as an earlier run found them for the same model and
        terms (``etown.kept_state``), unless this memo already has the file."""
        self._kept.setdefault(name, _Kept(model, terms_file, found, None))

    def knows(self, name: str) -> bool:
        return name in self._kept

    def found(self, name: str, model: object) -> list[Problem] | None:
        """The findings of file ``name`` as last found for ``model``, if they were."""
        kept = self._kept.get(name)
        return kept.found if kept is not None and kept.model is model else None


def _found(_key: TextKey, find: Callable[[], list[str]]) -> list[str]:
    return find()


def check_wording(
    models: Mapping[str, Any], files: Mapping[str, LoadedFile], memo: WordingMemo | None = None
) -> Iterator[Problem]:
    terms_file = models.get(TERMS.name)
    terms = (
        sorted(terms_file.terms, key=lambda term: -len(term.zh)) if isinstance(terms_file, TermsFile) else []
    )
    official = " ".join(term.en for term in terms)
    starting = _by_first_character(terms)
    named = _Named(terms)
    for name, loaded in sorted(files.items()):
        if name in CHECKED_ELSEWHERE:
            continue
        model = models.get(name)
        check = functools.partial(_file_wording, name, model, loaded, terms, starting, official, named)
        yield from memo.findings(name, model, terms_file, check) if memo is not None else check(_found)


def _file_wording(
    name: str,
    model: Any,
    loaded: LoadedFile,
    terms: list[Term],
    starting: dict[str, list[int]],
    official: str,
    named: "_Named",
    messages_of: Messages,
) -> list[Problem]:
    skip_case = name in {NOTES.name, COVERAGE.name}
    problems = []
    texts = (
        (code, text) for original, code in CHECKED_PAIRS for text in _bilingual(model, (), original, code)
    )
    for translation, (path, zh, en) in texts:
        titled = not skip_case and bool(path) and path[-1] in {"label", "title"}

        def find(zh: str = zh, en: str = en, titled: bool = titled) -> list[str]:
            translated = without_site_words(en)
            return [
                *_term_findings(zh, en.replace("[", "").replace("]", ""), _candidates(zh, terms, starting)),
                *named.findings(zh, translated),
                *_number_findings(zh, en, translated),
                *_code_findings(zh, translated),
                *_date_findings(zh, en),
                *_style_findings(en, official, titled=titled),
            ]

        for message in messages_of((zh, en, titled), find):
            line, column = loaded.source_map.locate((*path, translation))
            problems.append(
                Problem(
                    loaded.display_path, line, column, field_path((*path, translation)), message, "warning"
                )
            )
    return problems


def _bilingual(
    node: Any, path: PathKey, original: str, translation: str
) -> Iterator[tuple[PathKey, str, str]]:
    """Every text of a checked file that is written in both languages, with its path (the
    file's models mirror its YAML: a field is the key it was written under)."""
    if isinstance(node, BaseModel):
        zh, en = getattr(node, original, None), getattr(node, translation, None)
        if isinstance(zh, str) and isinstance(en, str):
            yield path, zh, en
        for name, value in fields_of(node):
            yield from _bilingual(value, (*path, name), original, translation)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _bilingual(item, (*path, index), original, translation)


# --- terms ------------------------------------------------------------------------------------


def _by_first_character(terms: list[Term]) -> dict[str, list[int]]:
    """Where in ``terms`` the terms starting with each character stand."""
    starting: dict[str, list[int]] = {}
    for index, term in enumerate(terms):
        starting.setdefault(term.zh[:1], []).append(index)
    return starting


def _candidates(zh: str, terms: list[Term], starting: dict[str, list[int]]) -> list[Term]:
    """The terms that may occur in ``zh`` (their first character does), in the order of ``terms``:
    a text holds a handful of the hundreds of terms, and looking for each in every text was most
    of the wording check."""
    return [terms[index] for index in sorted(i for c in set(zh) for i in starting.get(c, ()))]


def _term_findings(zh: str, en: str, terms: list[Term]) -> Iterator[str]:
    taken = [False] * len(zh)
    for term in terms:
        start = zh.find(term.zh)
        while start >= 0:
            end = start + len(term.zh)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                accepted = [term.en, *term.also, term.zh]
                accepted += [form[0].upper() + form[1:] for form in accepted]  # at the start of a sentence
                if not any(form in en for form in accepted):
                    yield f"the Chinese names {term.zh}, whose English name is “{term.en}” (data/terms.yaml)"
                    break
            start = zh.find(term.zh, start + 1)


NAMED_KINDS = frozenset({"body", "organisation", "company", "plan", "programme", "base", "park"})
"""The kinds of term that name one thing: where the English names one, the Chinese must too.
Places and designations (the BDA, Beijing, China, national-level) the English names where the
Chinese leaves them implicit (全市, 全国, a sentence without a subject)."""


class _Named:
    """The English names of the listed things, to find those an English text names."""

    def __init__(self, terms: list[Term]) -> None:
        self._chinese: dict[str, set[str]] = {}
        for term in terms:
            if term.kind in NAMED_KINDS:
                for form in (term.en, *term.also):
                    self._chinese.setdefault(form, set()).add(term.zh)
        forms = sorted(self._chinese, key=len, reverse=True)  # inside a longer name, only that name
        self._pattern = (
            re.compile(r"(?<![\w’-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w’-])")
            if forms
            else None
        )

    def findings(self, zh: str, en: str) -> Iterator[str]:
        """A listed name the English gives instead of the one the Chinese gives (or none)."""
        if self._pattern is None:
            return
        for form in dict.fromkeys(self._pattern.findall(en)):
            chinese = self._chinese[form]
            if not any(name in zh for name in chinese):
                listed = "/".join(sorted(chinese))
                yield f"the English names “{form}” ({listed} in data/terms.yaml), which the Chinese does not"


# --- numbers ----------------------------------------------------------------------------------

_CHINESE_NUMBER = re.compile(r"(?<![A-Za-z\d.])(\d+(?:\.\d+)?)(?![A-Za-z\d])\s*(万|亿)?(月|日)?")
_ENGLISH_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.\-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th|s)?(?:\s*(million|billion))?(?![A-Za-z0-9_年月日])"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ENGLISH_DAY = re.compile(rf"\b\d{{1,2}} (?={_MONTHS})|\b({_MONTHS}) \d{{1,2}}\b")
_CHINESE_NUMERALS = re.compile(r"[〇零一二两三四五六七八九十百千万亿]+")
_SPELLED_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _number_findings(zh: str, en: str, translated: str) -> Iterator[str]:
    """Each number of one language must be in the other: a Chinese number with 万 or 亿 may be
    given scaled (29万 as 290,000) or as written; months and days are names in English (checked
    as dates). The site's own words in the English ([…]) may hold numbers the Chinese has not:
    ``translated`` is the English without them."""
    written_in_english = english_values(translated)
    english = written_in_english | _spelled(en)
    chinese_occurrences = chinese_values(zh)
    chinese = {value for alternatives in chinese_occurrences for value in alternatives} | _numerals(zh)
    missing_in_english = sorted(
        {min(alternatives) for alternatives in chinese_occurrences if not alternatives & english}
    )
    missing_in_chinese = sorted(written_in_english - chinese)
    if missing_in_english:
        yield f"the Chinese has {_shown(missing_in_english)}, which the English does not"
    if missing_in_chinese:
        yield f"the English has {_shown(missing_in_chinese)}, which the Chinese does not"


_CODE = re.compile(
    r"(?<![A-Za-z0-9.])(?=[A-Za-z0-9.]*[A-Za-z])(?=[A-Za-z0-9.]*[0-9])(?!\d+(?:st|nd|rd|th|s)\b)"
    r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*"
)
"""A code of letters and digits: GLK260, E400L, PM2.5, 5G (not an ordinal, 14th, nor 100s)."""


def _code_findings(zh: str, en: str) -> Iterator[str]:
    """A code is written alike in both languages."""
    in_chinese, in_english = set(_CODE.findall(zh)), set(_CODE.findall(en))
    if in_chinese - in_english:
        yield f"the Chinese has {', '.join(sorted(in_chinese - in_english))}, which the English does not"
    if in_english - in_chinese:
        yield f"the English has {', '.join(sorted(in_english - in_chinese))}, which the Chinese does not"


_MONTH_NAMES = _MONTHS.split("|")
_CHINESE_DATE = re.compile(r"(?<!\d)(\d{1,2})月(?:(\d{1,2})日)?")


def _date_findings(zh: str, en: str) -> Iterator[str]:
    """The month and day of a Chinese date (its year is a number) are in the English: 1月26日 as
    26 January."""
    for date in _CHINESE_DATE.finditer(zh):
        month, day = int(date.group(1)), date.group(2)
        if not 1 <= month <= 12:
            continue
        name = _MONTH_NAMES[month - 1]
        said = re.search(rf"\b{day} {name}\b|\b{name} {day}\b", en) if day else re.search(rf"\b{name}\b", en)
        if said is None:
            english = f"{day} {name}" if day else name
            yield f"the Chinese has {date.group()}, which the English does not ({english})"


def chinese_values(text: str) -> list[set[Decimal]]:
    """Each number of a Chinese text with the values it may stand for (as written; scaled)."""
    occurrences = []
    for digits, scale, date_part in _CHINESE_NUMBER.findall(text):
        number = _decimal(digits)
        if number is None or date_part:
            continue
        occurrences.append({number, (number * _SCALES[scale]).normalize()} if scale else {number})
    return occurrences


def english_values(text: str) -> set[Decimal]:
    values = set()
    for digits, scale in _ENGLISH_NUMBER.findall(_ENGLISH_DAY.sub(lambda match: match.group(1) or " ", text)):
        number = _decimal(digits.replace(",", ""))
        if number is not None:
            values.add((number * _SCALES[scale]).normalize() if scale else number)
    return values


def _spelled(text: str) -> set[Decimal]:
    words = re.findall(r"[a-z]+", text.lower())
    return {Decimal(_SMALL_WORDS[word]) for word in words if word in _SMALL_WORDS}


def _numerals(text: str) -> set[Decimal]:
    """Numbers the Chinese writes in characters: 三个, 十四五, 二〇三五, 亿 (as in 超亿元)."""
    found = set()
    for run in _CHINESE_NUMERALS.findall(text):
        if len(run) > 1 and all(character in _SPELLED_DIGITS for character in run):
            found.add(Decimal("".join(str(_SPELLED_DIGITS[character]) for character in run)))
            continue
        for start in range(len(run)):  # 十四五 reads as 14 and 5, the 14th Five-Year Plan
            for end in range(start + 1, min(len(run), start + 3) + 1):
                number = chinese_number(run[start:end])
                if number is not None:
                    found.add(number)
    return found


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text).normalize()
    except InvalidOperation:
        return None


def _shown(values: list[Decimal]) -> str:
    return ", ".join(f"{value:f}" for value in values)


# --- house style ------------------------------------------------------------------------------

_STRAIGHT = re.compile(r"[\"']")
_WORD = re.compile(r"[A-Za-z][A-Za-z’-]*")


def _style_findings(en: str, official: str, *, titled: bool) -> Iterator[str]:
    for word in _WORD.findall(en):
        british = US_SPELLINGS.get(word.lower())
        if british and word not in official:
            yield f"US spelling {word!r}; the house style is UK English ({british})"
    if _STRAIGHT.search(_without_links(en)):
        yield "straight quotes or apostrophes; the house style uses “ ” and ’"
    if titled:
        yield from _title_case(en, official)


def _without_links(text: str) -> str:
    return re.sub(r"\]\([^)]*\)", "]", text)


def _title_case(label: str, official: str) -> Iterator[str]:
    """Sentence case: after the first word, a capital only in a proper name or an acronym."""
    words = _WORD.findall(label)
    for previous, word in itertools.pairwise(words):
        name = word.removesuffix("’s")
        if word[0].isupper() and not word.isupper() and name not in official and not previous.endswith(":"):
            yield f"“{word}” is capitalised; labels are in sentence case (capitals for names only)"
            return
