"""Stage 3: checked data + templates → text, in every language (nothing is written here).

One Jinja2 environment (autoescape, StrictUndefined) and, per language, the helpers templates use
to say things in that language: its text of a record, its numbers, quantities and dates, its
interface strings. Producers (``etown.producers``) decide which files are rendered from what.
"""

import contextlib
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
from markupsafe import Markup

from etown import charts
from etown.config import SiteConfig
from etown.convert import Conversions
from etown.format import format_date, format_number, format_quantity
from etown.languages import AUTHORED, LANGUAGES, Language, by_code
from etown.pages import relative_url
from etown.problems import Problem
from etown.schema import PartialDate, Period, Text
from etown.strings import Strings

_ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "code", "br", "sup", "sub", "blockquote"}
TEMPLATE_SUFFIXES = (".html", ".xml", ".svg", ".txt")
UNKNOWN_TEMPLATE = "templates/?"

_CJK_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]*"
)
_HTML_TAG = re.compile(r"(<[^>]*>)")


def mark_chinese(html: str) -> Markup:
    """Wrap runs of Chinese in a page of another script in lang="zh-Hans", so screen readers
    switch voice."""
    pieces = _HTML_TAG.split(html)
    for index in range(0, len(pieces), 2):  # even pieces are text, odd ones are tags
        pieces[index] = _CJK_RUN.sub(lambda run: f'<span lang="zh-Hans">{run.group(0)}</span>', pieces[index])
    return Markup("".join(pieces))


class MarkdownRenderer:
    """Markdown → sanitised HTML; raw HTML in the data can never reach the page."""

    def __init__(self) -> None:
        self._markdown = markdown.Markdown(output_format="html")
        self._cache: dict[str, Markup] = {}

    def block(self, text: str) -> Markup:
        if text not in self._cache:
            html = self._markdown.reset().convert(text)
            clean = nh3.clean(
                html,
                tags=_ALLOWED_TAGS,
                attributes={"a": {"href", "title"}},
                url_schemes={"http", "https", "mailto"},
                link_rel="noopener noreferrer",
            )
            self._cache[text] = Markup(clean)
        return self._cache[text]

    def inline(self, text: str) -> Markup:
        html = str(self.block(text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)


def make_environment(templates_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class Renderer:
    """What stays the same from one render to the next: compiled templates, the interface's
    words and rendered Markdown. A pipeline keeps one alive between edits."""

    def __init__(
        self, templates_dir: Path, config: SiteConfig, strings: Strings, conversions: Conversions
    ) -> None:
        self.templates_dir = templates_dir
        self.environment = make_environment(templates_dir)
        self.config = config
        self.strings = strings
        self.conversions = conversions
        self.markdown = MarkdownRenderer()
        self.outdated: frozenset[tuple[str, ...]] = frozenset()
        """The texts whose translation may be out of date (each as its authored texts, zh and en),
        set by the pipeline from the translations' fingerprints."""
        self._helpers = {language.code: self._language_helpers(language) for language in LANGUAGES}

    def render(self, template: str, *, language: Language | None = None, **context: Any) -> str:
        helpers = self._helpers[language.code] if language else {}
        return self.environment.get_template(template).render(
            language=language, languages=LANGUAGES, strings=self.strings, **helpers, **context
        )

    def helpers(self, language: Language) -> dict[str, Any]:
        return self._helpers[language.code]

    def _language_helpers(self, language: Language) -> dict[str, Any]:
        """What templates use to say things in ``language``. A derived language says what its
        source language says, converted: its texts, its numbers with their units, its dates."""
        markdown_renderer = self.markdown
        marked = language.script not in {"Hans", "Hant"}
        convert = self.conversions.converter(language)
        speaking = by_code(language.text_from)

        def plain(text: Text) -> str:
            return convert(text[language.text_from])

        def outdated(text: Text) -> bool:
            return language.is_translation and tuple(text[code] for code in AUTHORED) in self.outdated

        def tr(text: Text) -> Markup:
            escaped = Markup.escape(plain(text))
            html = mark_chinese(escaped) if marked else escaped
            return self._marked_outdated(html, language) if outdated(text) else html

        def md(text: Text, *, inline: bool = False) -> Markup:
            html = markdown_renderer.inline(plain(text)) if inline else markdown_renderer.block(plain(text))
            html = mark_chinese(html) if marked else html
            if not outdated(text):
                return html
            return self._marked_outdated(html, language, block=not inline)

        words: dict[str, str] = {
            # the interface's words may quote the source's Chinese (“截至目前”): mark it too
            key: mark_chinese(Markup.escape(text)) if marked and _CJK_RUN.search(text) else text
            for key, text in self.strings.in_language(language).items()
        }

        def period(value: Period) -> str:
            if value.date is not None:
                if value.year_end:
                    return words["period_year_end"].format(year=value.date.year)
                return convert(format_date(value.date, speaking))
            if value.publication:
                return words["period_publication"]
            if value.years_to_publication is not None:
                return words["period_years"].format(years=value.years_to_publication)
            return words["period_unstated"]

        def with_period(caption: str, value: Period) -> Markup:
            key = (
                "caption_with_year"
                if value.date is not None and not value.year_end
                else "caption_with_period"
            )
            return Markup(words[key]).format(caption=caption, period=period(value))

        return {
            "t": words,
            "period": period,
            "with_period": with_period,
            "shared_period": shared_period,
            "labelled": lambda label, value: Markup(
                speaking.labelled(str(Markup.escape(label)), str(Markup.escape(value)))
            ),
            "tr": tr,
            "plain": plain,
            "md": md,
            "md_inline": lambda text: md(text, inline=True),
            "quantity": lambda value: convert(format_quantity(value, speaking)),
            "number": lambda value: format_number(value, speaking),
            "date": lambda value: convert(format_date(value, speaking)),
            "datetime_attr": lambda value: str(value) if isinstance(value, PartialDate) else "",
            "parenthesised": speaking.parenthesised,
            "bar_chart": lambda **kwargs: Markup(convert(charts.bar_chart(language=speaking, **kwargs))),
            "column": lambda quantities: charts.column(quantities, speaking, convert),
            "industry_bars": lambda industries, attribute: [
                (plain(item.name), getattr(item, attribute)) for item in industries
            ],
        }

    def _marked_outdated(self, html: Markup, language: Language, *, block: bool = False) -> Markup:
        """A text whose translation may be out of date, with a visible mark (words, not colour
        alone, and no script). In a block of paragraphs the mark ends the last paragraph, where
        footnote references then follow it."""
        punctuation = language.punctuation
        words = punctuation.open_paren.strip() + self.strings.get("translation_outdated", language)
        mark = Markup('<small class="outdated-mark">{}</small>').format(words + punctuation.close_paren)
        if not block:
            return Markup('<span class="outdated">{}</span> {}').format(html, mark)
        text = str(html).replace("<p>", '<p class="outdated">')
        if text.endswith("</p>"):
            return Markup(text[:-4]) + Markup(" ") + mark + Markup("</p>")
        return Markup(text) + Markup('<p class="outdated">') + mark + Markup("</p>")


def shared_period(records: Iterable[object]) -> Period | None:
    """The period every record holds for, when they share one (a caption then says it once)."""
    periods = [getattr(record, "period", None) for record in records]
    first = periods[0] if periods else None
    if not isinstance(first, Period):
        return None
    return (
        first
        if all(isinstance(period, Period) and period.meaning == first.meaning for period in periods)
        else None
    )


def url_maker(from_path: str) -> Callable[[str], str]:
    """Links from the output file ``from_path`` to others, relative so any base URL works."""
    return lambda to_path: relative_url(from_path, to_path)


# --- a template's mistakes, reported like a data file's ------------------------------------------


@contextlib.contextmanager
def template_problems(templates_dir: Path, output: str, problems: list[Problem]) -> Iterator[None]:
    """Turn a failure while rendering ``output`` into a problem at the template's file and line
    (or, when no template was running, a problem naming the output)."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        where = template_name(error.filename or error.name, templates_dir)
        problems.append(Problem(where, error.lineno, 1, "", f"template syntax: {error.message}"))
    except jinja2.TemplateNotFound as error:
        where, line = _template_frame(error, templates_dir)
        missing = f"templates/{error.name}"
        message = f"the template {missing} does not exist"
        problems.append(Problem(where if where != UNKNOWN_TEMPLATE else missing, line, 1, "", message))
    except RecursionError as error:
        where, line = _template_frame(error, templates_dir)
        problems.append(Problem(where, line, 1, "", "template error: a template includes or calls itself"))
    except Exception as error:  # a template's mistake, or data a template cannot show
        where, line = _template_frame(error, templates_dir)
        message = str(error) or type(error).__name__
        if where == UNKNOWN_TEMPLATE:
            problems.append(Problem(f"build:{output}", 0, 0, "", f"cannot make this file: {message}"))
        else:
            problems.append(Problem(where, line, 1, "", f"template error: {message}"))


def template_name(filename: str | None, templates_dir: Path) -> str:
    if not filename:
        return UNKNOWN_TEMPLATE
    path = Path(filename)
    try:
        return f"templates/{path.resolve().relative_to(templates_dir.resolve()).as_posix()}"
    except (ValueError, OSError):
        return f"templates/{path.name}"


def _template_frame(error: BaseException, templates_dir: Path) -> tuple[str, int]:
    """The innermost template line in the traceback (Jinja maps frames back to templates)."""
    found = (UNKNOWN_TEMPLATE, 1)
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIXES):
            found = (template_name(filename, templates_dir), line)
    return found
