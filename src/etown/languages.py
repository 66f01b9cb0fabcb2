"""The site's languages, as data: one row per language, and nothing else in etown asks which one.

A language either reads its own text from the data (``zh`` and ``en`` are written by hand) or is
derived from another by a script conversion (``zh-Hant`` from ``zh``). Its row says how it writes
numbers, quantities, dates and punctuation, and how its pages are labelled for browsers, search
engines and Open Graph.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from etown.units import Qualifier

QuantityStyle = Literal["as-written", "scaled"]
"""``as-written``: the seed's number and unit (2456.4亿元); ``scaled``: converted to base units
and said with scale words (RMB 245.64 billion)."""
CitationStyle = Literal["apa", "gb-t-7714"]
"""``apa``: APA-like; ``gb-t-7714``: the Chinese national standard GB/T 7714-2015."""
HouseStyle = Literal["en-GB"]
"""The house styles ``wording.py`` can hold a translation to against its original: official
English names (data/terms.yaml), every number, code and date, UK spelling, sentence case."""


@dataclass(frozen=True)
class Punctuation:
    open_paren: str
    """Before a parenthesis: full-width in Chinese, a space and ASCII in English."""
    close_paren: str
    colon: str
    list_separator: str
    quote_open: str = "“"
    quote_close: str = "”"
    space: str = ""
    """Between words, and between a label and its value: none in Chinese."""


@dataclass(frozen=True)
class Language:
    code: str
    """The output folder and the key of translated fields: ``zh``, ``en``, ``zh-Hant``."""
    html_lang: str
    """BCP 47 tag for lang and hreflang attributes."""
    name: str
    """The language's name in itself, for the switcher."""
    english_name: str
    """For messages to maintainers and open-data descriptions."""
    locale: str
    """The Babel (CLDR) locale for dates and numbers."""
    og_locale: str
    script: str
    """ISO 15924: Hans, Hant, Latn."""
    text_from: str
    """The authored language whose text this one shows (itself, or the one it is converted from)."""
    conversion: str | None = None
    """An OpenCC configuration that derives this language's text from ``text_from``."""
    is_translation: bool = False
    """True when the text is a translation of the source rather than the source's own words (in
    some script): such pages show the source's Chinese beside names and link quotes."""
    twin: str | None = None
    """For an authored language, the authored language its texts are read beside: a
    translation's original, the original's first translation. Checks compare the two and
    messages quote it ("the English translation is missing (the Chinese is: …)")."""
    writes_han: bool = False
    """Whether its script writes Han characters (Chinese, Japanese). Pages of a language that does
    not mark each run of Chinese with its language, so screen readers switch voice; in one that
    does, a run cannot be told from the page's own words, and a text equal to its Chinese twin
    may well be translated."""
    house_style: HouseStyle | None = None
    """The house style its texts are checked to against their twin (``wording.py``); None: none."""
    citation_style: CitationStyle = "apa"
    quantity_style: QuantityStyle = "as-written"
    digit_grouping: bool = False
    """Whether long numbers get thousands separators (the seed writes 11480, 2456.4)."""
    qualifiers: dict[Qualifier, str] = field(default_factory=dict)
    """``{}`` stands for the number as written."""
    scale_words_from: int | None = None
    """For the scaled style: the smallest amount said with a scale word (10^6: 245.64 billion,
    but 349,200). The words are CLDR's (``scale_words``)."""
    currency: str = ""
    """For the scaled style: written before an amount of money (RMB 245.64 billion)."""
    unit_names: Mapping[str, str] = field(default_factory=dict)
    """For the scaled style: the name written after a number in each base unit (``Unit.base``:
    公里 → km); a unit counted in a classifier (家, 个 …) has none, its label names what it counts."""
    punctuation: Punctuation = Punctuation("(", ")", ":", "、")

    @property
    def tags_chinese_runs(self) -> bool:
        return not self.writes_han

    @property
    def scale_words(self) -> tuple[tuple[int, str], ...]:
        """Large amounts in words, largest first, each with the spacing it takes after a number
        (" billion"; Japanese "億" takes none): CLDR's long compact forms for the locale."""
        if self.scale_words_from is None:
            return ()
        return _scale_words(self.locale, self.scale_words_from)

    @property
    def is_authored(self) -> bool:
        return self.text_from == self.code

    def qualified(self, written: str, qualifier: Qualifier | None) -> str:
        return self.qualifiers[qualifier].format(written) if qualifier else written

    def parenthesised(self, text: str) -> str:
        return f"{self.punctuation.open_paren}{text}{self.punctuation.close_paren}"

    def labelled(self, label: str, value: str) -> str:
        """增长6% / Growth, year on year: 6%."""
        return f"{label}{self.punctuation.space}{value}"


@functools.cache
def _scale_words(locale: str, smallest: int) -> tuple[tuple[int, str], ...]:
    from babel import Locale  # the locale data is read when a page first needs it

    words: dict[int, str] = {}
    for threshold, pattern in Locale.parse(locale).compact_decimal_formats["long"]["other"].items():
        # "000 million" is the form from 10^8: the word itself is 10^8 / 10^(3-1)
        size = int(threshold) // 10 ** (pattern.pattern.count("0") - 1)
        if size >= smallest:
            words[size] = pattern.suffix[0]
    return tuple(sorted(words.items(), reverse=True))


CHINESE_QUALIFIERS: dict[Qualifier, str] = {
    "约": "约{}", "超过": "超过{}", "超": "超{}", "近": "近{}", "余": "{}余", "多": "{}多", "以上": "{}以上",
}  # fmt: skip

LANGUAGES: tuple[Language, ...] = (
    Language(
        code="zh", html_lang="zh-Hans", name="简体中文", english_name="Chinese",
        locale="zh_Hans_CN", og_locale="zh_CN", script="Hans", text_from="zh", twin="en", writes_han=True,
        citation_style="gb-t-7714", qualifiers=CHINESE_QUALIFIERS,
    ),
    Language(
        code="en", html_lang="en", name="English", english_name="English",
        locale="en_GB", og_locale="en_GB", script="Latn", text_from="en", is_translation=True, twin="zh",
        house_style="en-GB", quantity_style="scaled", digit_grouping=True, scale_words_from=1_000_000,
        currency="RMB",
        unit_names={
            "公里": "km", "平方公里": "km²", "平方米": "m²", "%": "%", "个百分点": "percentage points",
            "倍": "times", "人": "people", "吨": "tonnes", "微克每立方米": "μg/m³", "册": "volumes",
            "年": "years",
        },
        qualifiers={
            "约": "about {}", "超过": "more than {}", "超": "more than {}", "近": "nearly {}",
            "余": "more than {}", "多": "more than {}", "以上": "{} or more",
        },
        punctuation=Punctuation(" (", ")", ": ", ", ", "“", "”", " "),
    ),
    Language(
        code="zh-Hant", html_lang="zh-Hant", name="繁體中文", english_name="Traditional Chinese",
        locale="zh_Hant_TW", og_locale="zh_TW", script="Hant", text_from="zh", conversion="s2tw",
        writes_han=True, citation_style="gb-t-7714",
    ),
)  # fmt: skip
"""Every language of the site, in the order the switcher lists them; the first is the default
language of the root page's links."""

AUTHORED = tuple(language.code for language in LANGUAGES if language.is_authored)
"""The languages whose text is written into the data by hand (each text has one field per code)."""

AUTHORED_NAMES = {language.code: language.english_name for language in LANGUAGES if language.is_authored}
"""How messages to maintainers name the authored texts ("the English translation is missing")."""


OWN_WORDS = "en"
"""The language etown writes its own words in: messages to maintainers and the open data's
descriptions. Where those carry a text of the data (why a period is inferred, who publishes the
package), they carry it in this language."""


def by_code(code: str) -> Language:
    return next(language for language in LANGUAGES if language.code == code)
