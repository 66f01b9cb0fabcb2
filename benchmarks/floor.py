"""The floor: the least work that turns data/*.yaml into the same site, to measure etown against.

No validation, no source positions, no provenance check, no staging folder: libyaml's C loader,
one Jinja2 environment, the same templates with the same context, the files written straight
into the output folder. It imports none of etown's pipeline (and so not pydantic either); the few
formatting rules the templates need are repeated here, and run.py compares this script's output
with etown's byte for byte, so a drift between the two shows up as "identical: no".

    python benchmarks/floor.py ROOT OUT
"""

import datetime
import hashlib
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
import yaml
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from markupsafe import Markup

from etown import charts
from etown.pages import LANGUAGES, NOT_FOUND_PAGE, PAGES, ROOT_PAGE, relative_url
from etown.units import UNITS

DATE_FIELDS = {"date", "as_of"}
LIST_FIELDS = {"notes", "passages", "facts"}
"""Optional lists: absent in the YAML, empty for the templates."""


class Record(dict[str, Any]):
    """A mapping read as an object, as the templates and helpers read etown's models.

    An optional field that the YAML leaves out reads as None (or an empty list), like a model's
    default.
    """

    def __getattr__(self, name: str) -> Any:
        if name in self:
            return self[name]
        if name.startswith("__"):
            raise AttributeError(name)
        return [] if name in LIST_FIELDS else None


class PartialDate:
    def __init__(self, raw: object) -> None:
        parts = [int(part) for part in str(raw).split("-")] + [0, 0]
        self.year, self.month, self.day = parts[:3]
        self.precision = "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        return "-".join(
            [f"{self.year:04d}"] + [f"{part:02d}" for part in (self.month, self.day) if part]
        )


def typed(node: Any, key: str = "") -> Any:
    """The loaded YAML with the types the templates expect: records, Decimals, dates, text."""
    if isinstance(node, dict):
        record = Record((name, typed(value, name)) for name, value in node.items())
        if "unit" in record:
            record["value"] = Decimal(str(node["value"]))
        return record
    if isinstance(node, list):
        return [typed(item) for item in node]
    if key in DATE_FIELDS:
        return PartialDate(node)
    return str(node).strip()


# --- the formatting the templates call (the same rules as etown.format) ---------------------

LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}
ZH_QUALIFIERS = {"about": "约{}", "over": "超过{}", "nearly": "近{}", "above": "{}以上"}
EN_QUALIFIERS = {
    "about": "about {}", "over": "more than {}", "plus": "more than {}",
    "nearly": "nearly {}", "above": "over {}",
}  # fmt: skip
MILLION, BILLION = Decimal(1_000_000), Decimal(1_000_000_000)


def format_number(value: Decimal, lang: str) -> str:
    return format_decimal(value, locale=LOCALES[lang])


def format_date(date: PartialDate, lang: str) -> str:
    real_date = datetime.date(date.year, date.month or 1, date.day or 1)
    if date.precision == "day":
        return babel_format_date(real_date, "long", locale=LOCALES[lang])
    return format_skeleton("yMMMM" if date.month else "y", real_date, locale=LOCALES[lang])


def format_quantity(quantity: Record, lang: str) -> str:
    qualifier = quantity.qualifier
    if lang == "zh":
        number, unit = format_number(quantity.value, "zh"), quantity.unit
        if qualifier == "plus":
            split = 1 if unit[0] in "万亿" and len(unit) > 1 else 0
            return f"{number}{unit[:split]}余{unit[split:]}"
        written = f"{number}{unit}"
        return ZH_QUALIFIERS[qualifier].format(written) if qualifier else written
    unit_info = UNITS[quantity.unit]
    amount = quantity.value * unit_info.scale
    if unit_info.money:
        written = "RMB " + large_number(amount)
    else:
        number = large_number(amount) if unit_info.scale > 1 else format_number(amount, "en")
        separator = "" if unit_info.attached or not unit_info.en else " "
        written = f"{number}{separator}{unit_info.en}"
    return EN_QUALIFIERS[qualifier].format(written) if qualifier else written


def large_number(amount: Decimal) -> str:
    if amount >= BILLION:
        return f"{format_number(amount / BILLION, 'en')} billion"
    if amount >= MILLION:
        return f"{format_number(amount / MILLION, 'en')} million"
    return format_number(amount, "en")


CJK_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]*"
)
HTML_TAG = re.compile(r"(<[^>]*>)")


def mark_chinese(html: str) -> Markup:
    pieces = HTML_TAG.split(html)
    for index in range(0, len(pieces), 2):
        pieces[index] = CJK_RUN.sub(lambda run: f'<span lang="zh-Hans">{run.group(0)}</span>', pieces[index])
    return Markup("".join(pieces))


class MarkdownRenderer:
    def __init__(self) -> None:
        self.markdown = markdown.Markdown(output_format="html")
        self.cache: dict[str, Markup] = {}

    def block(self, text: str) -> Markup:
        if text not in self.cache:
            html = self.markdown.reset().convert(text)
            self.cache[text] = Markup(nh3.clean(
                html,
                tags={"p", "em", "strong", "a", "ul", "ol", "li", "code", "br", "sup", "sub", "blockquote"},
                attributes={"a": {"href", "title"}},
                url_schemes={"http", "https", "mailto"},
                link_rel="noopener noreferrer",
            ))  # fmt: skip
        return self.cache[text]

    def inline(self, text: str) -> Markup:
        html = str(self.block(text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)


class Footnotes:
    def __init__(self) -> None:
        self.notes: list[Record] = []

    def add(self, note: Record) -> int:
        self.notes.append(note)
        return len(self.notes)


def helpers(code: str, strings: dict[str, Any], renderer: MarkdownRenderer) -> dict[str, Any]:
    def tr(text: Record) -> Markup:
        escaped = Markup.escape(getattr(text, code))
        return mark_chinese(escaped) if code == "en" else escaped

    def md(text: Record, *, inline: bool = False) -> Markup:
        plain = getattr(text, code)
        html = renderer.inline(plain) if inline else renderer.block(plain)
        return mark_chinese(html) if code == "en" else html

    return {
        "t": {key: values[code] for key, values in strings.items()},
        "tr": tr,
        "md": md,
        "md_inline": lambda text: md(text, inline=True),
        "quantity": lambda value: format_quantity(value, code),
        "number": lambda value: format_number(value, code),
        "percent": lambda value: f"{format_number(value, code)}%",
        "date": lambda value: format_date(value, code),
        "datetime_attr": lambda value: str(value) if isinstance(value, PartialDate) else "",
        "bar_chart": lambda **kwargs: charts.bar_chart(language=code, **kwargs),
        "industry_bars": lambda industries, attribute: [
            (getattr(item.name, code), getattr(item, attribute).value,
             format_quantity(getattr(item, attribute), code))
            for item in industries
        ],
    }  # fmt: skip


# --- the build -------------------------------------------------------------------------------


class TextLoader(yaml.CSafeLoader):
    """libyaml's C safe loader with YAML 1.1's implicit typing off, so 010 stays 010, not 8
    (etown reads every scalar as the text it was written as, too)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012


def load(path: Path) -> Any:
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=TextLoader)


def build(root: Path, out: Path) -> int:
    templates = root / "templates"
    data = Record((path.stem, typed(load(path))) for path in sorted((root / "data").glob("*.yaml")))
    strings = load(templates / "strings.yaml")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )  # fmt: skip
    css = (templates / "assets/style.css").read_bytes()
    stylesheet = f"assets/style.{hashlib.sha256(css).hexdigest()[:10]}.css"
    files = {stylesheet: css}
    renderer = MarkdownRenderer()
    for language in LANGUAGES:
        language_helpers = helpers(language.code, strings, renderer)
        for page in PAGES:
            path = page.path(language)
            files[path] = environment.get_template(f"{page.key}.html").render(
                data=data, page=page, language=language, languages=LANGUAGES, pages=PAGES,
                url=lambda to, path=path: relative_url(path, to),
                counterpart=lambda other, path=path, page=page: relative_url(path, page.path(other)),
                stylesheet=relative_url(path, stylesheet), footnotes=Footnotes(), **language_helpers,
            ).encode()  # fmt: skip
    for path, template in ((ROOT_PAGE, "root.html"), (NOT_FOUND_PAGE, "404.html")):
        files[path] = environment.get_template(template).render(
            data=data, strings=strings, languages=LANGUAGES, pages=PAGES,
            url=lambda to, path=path: relative_url(path, to), stylesheet=relative_url(path, stylesheet),
        ).encode()  # fmt: skip
    for path, content in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return len(files)


if __name__ == "__main__":
    root, out = (Path(argument) for argument in sys.argv[1:3])
    print(f"floor: wrote {build(root, out)} files to {out}")
