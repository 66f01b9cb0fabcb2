"""The site's languages, as data: one row per language, and nothing else in etown asks which one.

A language either reads its own text from the data (``zh`` and ``en`` are written by hand) or is
derived from another by a script conversion (``zh-Hant`` from ``zh``). Its row says how it writes
numbers, quantities, dates and punctuation, and how its pages are labelled for browsers, search
engines and Open Graph.
"""

from dataclasses import dataclass, field
from typing import Literal

from etown.units import Qualifier

QuantityStyle = Literal["as-written", "scaled"]
"""``as-written``: the seed's number and unit (2456.4亿元); ``scaled``: converted to base units
and said with scale words (RMB 245.64 billion)."""


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
    quantity_style: QuantityStyle = "as-written"
    digit_grouping: bool = False
    """Whether long numbers get thousands separators (the seed writes 11480, 2456.4)."""
    qualifiers: dict[Qualifier, str] = field(default_factory=dict)
    """``{}`` stands for the number as written."""
    scale_words: tuple[tuple[int, str], ...] = ()
    """For the scaled style: large amounts in words, largest first (245.64 billion)."""
    currency: str = ""
    """For the scaled style: written before an amount of money (RMB 245.64 billion)."""
    punctuation: Punctuation = Punctuation("(", ")", ":", "、")

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


CHINESE_QUALIFIERS: dict[Qualifier, str] = {
    "约": "约{}", "超过": "超过{}", "超": "超{}", "近": "近{}", "余": "{}余", "多": "{}多", "以上": "{}以上",
}  # fmt: skip

LANGUAGES: tuple[Language, ...] = (
    Language(
        code="zh", html_lang="zh-Hans", name="简体中文", english_name="Chinese",
        locale="zh_Hans_CN", og_locale="zh_CN", script="Hans", text_from="zh", qualifiers=CHINESE_QUALIFIERS,
    ),
    Language(
        code="en", html_lang="en", name="English", english_name="English",
        locale="en_GB", og_locale="en_GB", script="Latn", text_from="en", is_translation=True,
        quantity_style="scaled", digit_grouping=True,
        scale_words=((1_000_000_000, "billion"), (1_000_000, "million")), currency="RMB",
        qualifiers={
            "约": "about {}", "超过": "more than {}", "超": "more than {}", "近": "nearly {}",
            "余": "more than {}", "多": "more than {}", "以上": "{} or more",
        },
        punctuation=Punctuation(" (", ")", ": ", ", ", "“", "”", " "),
    ),
    Language(
        code="zh-Hant", html_lang="zh-Hant", name="繁體中文", english_name="Traditional Chinese",
        locale="zh_Hant_TW", og_locale="zh_TW", script="Hant", text_from="zh", conversion="s2tw",
    ),
)  # fmt: skip
"""Every language of the site, in the order the switcher lists them; the first is the default
language of the root page's links."""

AUTHORED = tuple(language.code for language in LANGUAGES if language.is_authored)
"""The languages whose text is written into the data by hand (each text has one field per code)."""

AUTHORED_NAMES = {language.code: language.english_name for language in LANGUAGES if language.is_authored}
"""How messages to maintainers name the authored texts ("the English translation is missing")."""


def by_code(code: str) -> Language:
    return next(language for language in LANGUAGES if language.code == code)
