"""Stage 3: checked data + templates → text, in every language (nothing is written here).

One Jinja2 environment (autoescape, StrictUndefined) and, per language, the helpers templates use
to say things in that language: its text of a record, its numbers, quantities and dates, its
interface strings. Producers (``etown.producers``) decide which files are rendered from what.
"""

import contextlib
import hashlib
import itertools
import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from html import escape as escape_html
from pathlib import Path
from types import BuiltinFunctionType, FunctionType
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.runtime
import jinja2.utils
import markdown
import nh3
from jinja2.loaders import split_template_path
from markdown import inlinepatterns
from markupsafe import Markup

from etown import charts
from etown.cache import cache_folder, trim
from etown.config import SiteConfig
from etown.convert import Conversions
from etown.format import format_date, format_number, format_quantity
from etown.languages import AUTHORED, LANGUAGES, Language, by_code
from etown.load import refuse_location
from etown.markdown_limits import nesting_problem
from etown.pages import relative_url
from etown.problems import EtownError, Problem
from etown.records import field_value
from etown.schema import PartialDate, Period, Text
from etown.strings import DISPLAY_PATH as STRINGS_PATH
from etown.strings import MissingString, Strings, Words
from etown.tables import measures, table_rows

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
    if not _CJK_RUN.search(html):  # most texts of such a page: one scan instead of a split
        return Markup(html)
    pieces = _HTML_TAG.split(html)
    for index in range(0, len(pieces), 2):  # even pieces are text, odd ones are tags
        pieces[index] = _CJK_RUN.sub(lambda run: f'<span lang="zh-Hans">{run.group(0)}</span>', pieces[index])
    return Markup("".join(pieces))


_SHOWN_SITE_WORDS = re.compile(r"\[[^\[\]<>]*\]")


def mark_site_words(html: str) -> Markup:
    """Set the site's own words (a text's ``[开发区]``, see schema.SITE_WORDS) apart: their brackets
    stay, so every reader and screen reader meets them, in a span the style sheet tones down. In
    rendered HTML a link is a tag by now, so every bracket left in the text is such a mark."""
    if "[" not in html:
        return Markup(html)
    pieces = _HTML_TAG.split(html)
    for index in range(0, len(pieces), 2):  # even pieces are text, odd ones are tags
        pieces[index] = _SHOWN_SITE_WORDS.sub(
            lambda words: f'<span class="own">{words.group(0)}</span>', pieces[index]
        )
    return Markup("".join(pieces))


# --- Markdown ----------------------------------------------------------------------------------

LINK_SCAN_LIMIT = 200
"""How far past a '[' Markdown looks for the ']' that closes it, and past '](' for the ')': a link's
text and its address are this short. Unbounded, the search ran to the end of the text from
every '[', so a run of '[' took time growing with the square of its length (20 kB: 100 s)."""

# Markdown syntax (markdown_limits.MARKDOWN_SYNTAX) narrowed to what Python-Markdown acts on: &
# only as the start of an entity, ! only before [ (which is syntax anyway), a digit at the start
# only as an ordered list's "1."; and a tab, which Markdown expands (the loader refuses tabs in
# texts anyway). Most texts that start with a year or hold "R&D" need no Markdown
# (tests/test_markdown.py holds the paths together).
_NEEDS_MARKDOWN = re.compile(r"[\\`*_\[\]<>\t\n\r]|&(?:#|[A-Za-z0-9]+;)|^(?:[\s#+\-=>|]|[0-9]+\.)")


class _Bounded(inlinepatterns.LinkInlineProcessor):
    """A link pattern that looks for a link's end no further than LINK_SCAN_LIMIT characters."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        return super().getText(data[: index + LINK_SCAN_LIMIT], index)

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        return super().getLink(data[: index + LINK_SCAN_LIMIT], index)


class _BoundedLink(_Bounded):
    pass


class _BoundedImage(_Bounded, inlinepatterns.ImageInlineProcessor):
    pass


class _BoundedReference(_Bounded, inlinepatterns.ReferenceInlineProcessor):
    def evalId(self, data: str, index: int, text: str) -> tuple[str | None, int, bool]:
        return super().evalId(data[: index + LINK_SCAN_LIMIT], index, text)


class _BoundedShortReference(_Bounded, inlinepatterns.ShortReferenceInlineProcessor):
    pass


class _BoundedImageReference(_BoundedReference, inlinepatterns.ImageReferenceInlineProcessor):
    pass


class _BoundedShortImageReference(_Bounded, inlinepatterns.ShortImageReferenceInlineProcessor):
    pass


_BOUNDED_LINK_PATTERNS: dict[str, tuple[type[_Bounded], float]] = {
    # name and priority as Python-Markdown registers them (markdown.inlinepatterns)
    "reference": (_BoundedReference, 170),
    "link": (_BoundedLink, 160),
    "image_link": (_BoundedImage, 150),
    "image_reference": (_BoundedImageReference, 140),
    "short_reference": (_BoundedShortReference, 130),
    "short_image_ref": (_BoundedShortImageReference, 125),
}


def _markdown() -> markdown.Markdown:
    """Python-Markdown whose link patterns search a bounded distance (see LINK_SCAN_LIMIT)."""
    md = markdown.Markdown(output_format="html")
    for name, (bounded, priority) in _BOUNDED_LINK_PATTERNS.items():
        md.inlinePatterns.register(bounded(md.inlinePatterns[name].pattern, md), name, priority)
    return md


MARKDOWN_KEPT = 8192
"""Texts with Markdown syntax whose HTML is kept (the rest is made afresh in microseconds)."""


def plain_paragraph(text: str) -> str:
    """A text without Markdown syntax (nor NUL), as one paragraph: what Markdown and then the
    sanitiser make of it, made directly. The sanitiser (html5ever) writes a text node with &, <
    and > escaped and U+00A0 as &nbsp;, and changes nothing else (tested on every code point and
    on arbitrary texts); running it on each of the hundreds of thousands of plain texts of a
    large site took 13 µs apiece, and keeping its results took memory in proportion."""
    return "<p>" + escape_html(text, quote=False).replace("\xa0", "&nbsp;") + "</p>"


class MarkdownRenderer:
    """Markdown → sanitised HTML; raw HTML in the data can never reach the page."""

    def __init__(self) -> None:
        self._markdown = _markdown()
        self._cache: dict[str, Markup] = {}

    def block(self, text: str) -> Markup:
        if not _NEEDS_MARKDOWN.search(text) and "\x00" not in text:
            return Markup(plain_paragraph(text))
        if text not in self._cache:
            problem = nesting_problem(text)
            if problem is not None:  # validation refuses such text before anything is rendered
                raise ValueError(f"cannot render this text as Markdown: {problem}")
            if _NEEDS_MARKDOWN.search(text):
                html = self._convert(text)
            else:  # plain, but with a NUL, which the sanitiser replaces
                html = f"<p>{escape_html(text, quote=False)}</p>"
            if len(self._cache) >= MARKDOWN_KEPT:  # the oldest goes: memory stays bounded at scale
                del self._cache[next(iter(self._cache))]
            self._cache[text] = Markup(_sanitised(html))
        return self._cache[text]

    def _convert(self, text: str) -> str:
        try:
            return self._markdown.reset().convert(text)
        except BaseException:
            self._markdown = _markdown()  # a conversion cut short leaves it unusable
            raise

    def inline(self, text: str) -> Markup:
        html = str(self.block(text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)


def _sanitised(html: str) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# --- templates -----------------------------------------------------------------------------------


class TemplateFileError(jinja2.TemplateError):
    """A template file that cannot be used, with where to say so."""

    def __init__(self, where: str, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.where, self.line, self.column, self.text = where, line, column, message


class ProjectTemplates(jinja2.BaseLoader):
    """The templates in ``templates/``, and nothing a link there leads to outside it (Jinja's own
    file loader follows links anywhere, so a template could publish any file of the machine);
    a file that is not UTF-8 is reported at its first bad byte."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, path = self.source_of(template)
        modified = path.stat().st_mtime_ns

        def unchanged() -> bool:
            try:
                return path.stat().st_mtime_ns == modified
            except OSError:
                return False

        return source, str(path), unchanged

    def source_of(self, template: str) -> tuple[str, Path]:
        """The text of ``template`` and its file, or TemplateFileError saying why not."""
        pieces = split_template_path(template)
        path = self.folder.joinpath(*pieces)
        shown = "templates/" + "/".join(pieces)
        if not path.exists() and not path.is_symlink():
            raise jinja2.TemplateNotFound(template)
        refusal = refuse_location(path, self.folder, "templates/")
        if refusal:
            raise TemplateFileError(shown, 1, 1, refusal)
        try:
            raw = path.read_bytes()
        except OSError as error:
            message = f"cannot read the file ({error.strerror or error})"
            raise TemplateFileError(shown, 1, 1, message) from error
        try:
            return raw.decode("utf-8"), path
        except UnicodeDecodeError as error:
            before = raw[: error.start]
            line = before.count(b"\n") + 1
            column = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
            message = f"not UTF-8 text (byte {raw[error.start]:#04x}); save the file as UTF-8"
            raise TemplateFileError(shown, line, column, message) from None

    def list_templates(self) -> list[str]:
        found = []
        for folder, _folders, files in os.walk(self.folder):  # links to folders are not entered
            relative = Path(folder).relative_to(self.folder)
            found += [(relative / name).as_posix() for name in files]
        return sorted(found)


def read_template_file(templates_dir: Path, relative: str) -> tuple[bytes | None, list[Problem]]:
    """A file of ``templates/`` published as it is (the stylesheet), read as templates are."""
    path = templates_dir / relative
    shown = f"templates/{relative}"
    if not path.exists() and not path.is_symlink():
        return None, [Problem(shown, 1, 1, "", "the file is missing")]
    refusal = refuse_location(path, templates_dir, "templates/")
    if refusal:
        return None, [Problem(shown, 1, 1, "", refusal)]
    try:
        return path.read_bytes(), []
    except OSError as error:
        return None, [Problem(shown, 1, 1, "", f"cannot read the file ({error.strerror or error})")]


_REFERENCE = re.compile(r"""\{%[-+]?\s*(?:include|extends|import|from)\s+(["'])([^"'\n]+)\1""")
_UNREAD = re.compile(r"\{#.*?#\}|\{%[-+]?\s*raw\s*[-+]?%\}.*?\{%[-+]?\s*endraw\s*[-+]?%\}", re.DOTALL)
"""Comments and raw blocks: what Jinja does not read as template code."""


def include_cycles(templates_dir: Path) -> list[Problem]:
    """Templates that include, extend or import themselves, directly or through others. Jinja
    would recurse until Python gives up, seconds later, and blame whichever template was
    innermost then; each cycle is named here at the line that closes it. (The names are found
    by a pattern, not by parsing, which would cost a fifth of a build: a name built at run time
    is not seen, and such a cycle is reported when it recurses.)"""
    loader = ProjectTemplates(templates_dir)
    references: dict[str, list[tuple[str, int]]] = {}
    for name in loader.list_templates():
        if not name.endswith(TEMPLATE_SUFFIXES):
            continue
        try:
            source = loader.source_of(name)[0]
        except (jinja2.TemplateError, OSError):  # reported where the template is used
            continue
        code = _UNREAD.sub(lambda unread: re.sub(r"[^\n]", " ", unread.group()), source)
        references[name] = [
            (match.group(2), code.count("\n", 0, match.start()) + 1) for match in _REFERENCE.finditer(code)
        ]
    problems: list[Problem] = []
    reported: set[frozenset[str]] = set()
    for start in sorted(references):
        for chain, line in _paths_back(start, references):
            if frozenset(chain) not in reported:
                reported.add(frozenset(chain))
                through = " → ".join([*chain, start])
                message = f"template error: a template includes itself ({through}); it would never end"
                problems.append(Problem(f"templates/{chain[-1]}", line, 1, "", message))
    return problems


def _paths_back(start: str, references: dict[str, list[tuple[str, int]]]) -> Iterator[tuple[list[str], int]]:
    """Each way from ``start`` back to itself (as the templates on it, and the line of the last
    reference), through templates not yet on the way."""
    stack: list[tuple[list[str], str, int]] = [([start], target, line) for target, line in references[start]]
    while stack:
        chain, target, line = stack.pop()
        if target == start:
            yield chain, line
        elif target not in chain and target in references:
            stack.extend(([*chain, target], onward, next_line) for onward, next_line in references[target])


_ENVIRONMENT_OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}
_AUTOESCAPED = ("html", "xml", "svg")
TEMPLATE_CODE_KEPT = 400
"""Compiled templates kept in the cache (the most recently used); a project has about 25, of
10-60 kB each, and the tests compile those of many copies of the project."""


class TemplateCodeCache(jinja2.FileSystemBytecodeCache):
    """Templates compiled by an earlier run, read back instead of compiled again (compiling them
    was a fifth of a build of the real site). Jinja checks each entry against the template's
    source and its own bytecode format; the entry's name adds what Jinja leaves out: its own
    version and the environment's options, which shape the compiled code too. The compiled code
    is the same either way, so the output is byte for byte the same."""

    def __init__(self, folder: Path) -> None:
        fingerprint = hashlib.sha256(
            repr((jinja2.__version__, sorted(_ENVIRONMENT_OPTIONS.items()), _AUTOESCAPED)).encode()
        ).hexdigest()[:12]
        super().__init__(str(folder), f"{fingerprint}-%s.cache")
        self.folder = folder
        self._trimmed = False

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        """Keyed by the template's name alone, not by where its project lies: copies of a project
        (a second checkout, the tests' copies) share their compiled templates, which Jinja still
        checks against each one's source. Errors name the template by its own path, which Jinja
        puts back into every traceback."""
        return super().get_bucket(environment, name, None, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # an entry cut short (pickle, marshal), a file where the folder was
            bucket.reset()
        if bucket.code is not None:
            with contextlib.suppress(OSError):  # recently used: kept when the cache is trimmed
                os.utime(self._get_cache_filename(bucket))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
            if not self._trimmed:
                self._trimmed = True
                trim(self.folder, "*.cache", TEMPLATE_CODE_KEPT)


class HelperContext(jinja2.runtime.Context):
    """Jinja's context, calling plain functions and macros straight away.

    Every call in a template goes through ``Context.call``, which first asks the callable, by
    three attribute lookups, whether it wants the context, the evaluation context or the
    environment passed in. etown's helpers are plain functions, and a page calls them tens of
    thousands of times at scale: the asking was 5 % of the rendering. A plain function can
    only say so in its own ``__dict__``, and a macro never does, so for those the answer is
    known without asking; anything else is asked as Jinja asks it."""

    @jinja2.utils.internalcode
    def call(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        kind = type(function)
        if not (
            (kind is FunctionType and "jinja_pass_arg" not in function.__dict__)
            or kind is jinja2.runtime.Macro
            or kind is BuiltinFunctionType
        ):
            return super().call(function, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return function(*args, **kwargs)
        except StopIteration:  # as Jinja answers it
            return self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


def make_environment(templates_dir: Path, code_cache: Path | None = None) -> jinja2.Environment:
    """The one Jinja environment; ``code_cache`` is the folder to keep compiled templates in."""
    environment = jinja2.Environment(
        loader=ProjectTemplates(templates_dir),
        autoescape=jinja2.select_autoescape(list(_AUTOESCAPED), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=TemplateCodeCache(code_cache) if code_cache is not None else None,
        **_ENVIRONMENT_OPTIONS,
    )
    environment.context_class = HelperContext
    return environment


RENDER_BATCH = 4096
"""Pieces of a page (Jinja yields one per output expression or run of markup, rarely over a few
hundred characters) joined and encoded at a time (see Renderer.render_bytes). Counted, not
measured: taking them in slices keeps the loop out of Python."""


class Renderer:
    """What stays the same from one render to the next: compiled templates, the interface's
    words and rendered Markdown. A pipeline keeps one alive between edits."""

    def __init__(
        self, templates_dir: Path, config: SiteConfig, strings: Strings, conversions: Conversions
    ) -> None:
        self.templates_dir = templates_dir
        self.environment = make_environment(templates_dir, cache_folder("jinja"))
        self.config = config
        self.strings = strings
        self.conversions = conversions
        self.markdown = MarkdownRenderer()
        self.outdated: frozenset[tuple[str, ...]] = frozenset()
        """The texts whose translation may be out of date (each as its authored texts, zh and en),
        set by the pipeline from the translations' fingerprints."""
        self._helpers: dict[str, dict[str, Any]] = {}
        """Each language's helpers, made when its first page is rendered: a derived language's
        words are converted by OpenCC, whose dictionaries a command that renders nothing
        (coverage, the translations commands) should not load."""

    def render_bytes(self, template: str, *, language: Language | None = None, **context: Any) -> bytes:
        """``template`` rendered in ``language``, encoded as UTF-8 as it is made: a page of a large
        site is tens of MB, and joining it whole before encoding it held it in memory three times
        over (the pieces, the text, the bytes)."""
        helpers = self.helpers(language) if language else {}
        pieces = self.environment.get_template(template).generate(
            language=language, languages=LANGUAGES, strings=self.strings, **helpers, **context
        )
        encoded: list[bytes] = []
        while batch := list(itertools.islice(pieces, RENDER_BATCH)):
            encoded.append("".join(batch).encode("utf-8"))
        return b"".join(encoded)

    def helpers(self, language: Language) -> dict[str, Any]:
        if language.code not in self._helpers:
            self._helpers[language.code] = self._language_helpers(language)
        return self._helpers[language.code]

    def _language_helpers(self, language: Language) -> dict[str, Any]:
        """What templates use to say things in ``language``. A derived language says what its
        source language says, converted: its texts, its numbers with their units, its dates."""
        markdown_renderer = self.markdown
        marked = language.tags_chinese_runs
        convert = self.conversions.converter(language)
        speaking = by_code(language.text_from)

        def plain(text: Text) -> str:
            return convert(text[language.text_from])

        def outdated(text: Text) -> bool:
            if not (self.outdated and language.is_translation):
                return False
            return tuple(text[code] for code in AUTHORED) in self.outdated

        def tr(text: Text) -> Markup:
            escaped = mark_site_words(Markup.escape(plain(text)))
            html = mark_chinese(escaped) if marked else escaped
            return self._marked_outdated(html, language) if outdated(text) else html

        def md(text: Text, *, inline: bool = False) -> Markup:
            html = markdown_renderer.inline(plain(text)) if inline else markdown_renderer.block(plain(text))
            html = mark_site_words(html)
            html = mark_chinese(html) if marked else html
            if not outdated(text):
                return html
            return self._marked_outdated(html, language, block=not inline)

        words = Words(
            # the interface's words may quote the source's Chinese (“截至目前”): mark it too
            (key, mark_chinese(Markup.escape(text)) if marked and _CJK_RUN.search(text) else text)
            for key, text in self.strings.in_language(language).items()
        )

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
            # the words are text (a derived language's made by conversion, whose corrections may
            # write anything): escaped before they become the markup the caption is put into
            return Markup.escape(words[key]).format(caption=caption, period=period(value))

        def measured(facts: Iterable[object]) -> str:
            """A caption naming what the rows measure: "Area and population" / 面积与人口."""
            named = [words[f"measure_{measure}"] for measure in measures(facts)]  # type: ignore[arg-type]
            if len(named) > 1:
                named = [speaking.punctuation.list_separator.join(named[:-1]), named[-1]]
            text = words["measures_joined"].format(*named) if len(named) > 1 else "".join(named)
            return text[:1].upper() + text[1:]

        def as_written(fact: object) -> str | None:
            """The value as the seed writes it, where the record says it writes it otherwise
            (百万平米 for 100万平方米), in a language that shows the seed's own numbers."""
            derived = getattr(fact, "derived", None)
            if speaking.quantity_style != "as-written" or derived is None or derived.written is None:
                return None
            return convert(derived.written) if derived.same_year_as is None else None

        return {
            "t": words,
            "measured": measured,
            "as_written": as_written,
            "period": period,
            "with_period": with_period,
            "shared_period": shared_period,
            "table_rows": table_rows,
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
            "space": speaking.punctuation.space,
            "bar_chart": lambda **kwargs: charts.bar_chart(language=speaking, convert=convert, **kwargs),
            "column": lambda quantities: charts.column(quantities, speaking, convert),
            "industry_bars": lambda industries, attribute, flags_of: [
                (_flagged(plain(item.name), flags_of(item), words), getattr(item, attribute))
                for item in industries
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


def _flagged(label: str, flags: Iterable[str], words: dict[str, str]) -> str:
    """A chart's label with the flags its record carries in a table ([conflict] …), so that a
    figure drawn says as much as the figure written."""
    shown = [words[f"flag_{flag}"] for flag in flags if flag != "publication"]
    return " ".join([label, *shown])


def shared_period(records: Iterable[object]) -> Period | None:
    """The period every record holds for, when they share one (a caption then says it once)."""
    periods = [field_value(record, "period") for record in records]
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
    except TemplateFileError as error:
        problems.append(Problem(error.where, error.line, error.column, "", error.text))
    except jinja2.TemplateSyntaxError as error:
        where = template_name(error.filename or error.name, templates_dir)
        problems.append(Problem(where, error.lineno, 1, "", f"template syntax: {error.message}"))
    except jinja2.TemplateNotFound as error:
        where, line = _template_frame(error, templates_dir)
        missing = f"templates/{error.name}"
        message = f"the template {missing} does not exist"
        problems.append(Problem(where if where != UNKNOWN_TEMPLATE else missing, line, 1, "", message))
    except MissingString as error:
        where, line = _template_frame(error, templates_dir)
        folder, _, rest = output.partition("/")
        made = f"the files in {folder}/" if rest else output  # one problem for the citation files, not 99
        user = f"{where}:{line} uses it" if where != UNKNOWN_TEMPLATE else f"etown needs it to make {made}"
        message = f"no such key ({user}); add it, with its text in {' and '.join(AUTHORED)}"
        problems.append(Problem(STRINGS_PATH, 0, 0, error.key, message))
    except RecursionError as error:
        where, line = _template_frame(error, templates_dir)
        problems.append(Problem(where, line, 1, "", "template error: a template includes or calls itself"))
    except Exception as error:  # a template's mistake, or data a template cannot show
        if isinstance(error, EtownError) and error.problems:  # a producer's, placed where they stand
            problems.extend(
                replace(problem, file=f"build:{output}") if problem.file == "build:" else problem
                for problem in error.problems
            )
            return
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
