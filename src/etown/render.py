"""Stage 3: checked data + templates → the bytes of every output file (nothing is written here)."""

import contextlib
import hashlib
import re
import traceback
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
from markupsafe import Markup

from etown import charts
from etown.config import SiteConfig
from etown.format import format_date, format_number, format_quantity
from etown.load import load_file
from etown.opendata import FOLDER as OPEN_DATA_FOLDER
from etown.opendata import open_data_files
from etown.pages import LANGUAGES, NOT_FOUND_PAGE, PAGES, ROOT_PAGE, Language, Page, relative_url
from etown.problems import DataError, Problem, UsageError
from etown.schema import Note, PartialDate, Text
from etown.sitemap import alternates, json_ld, robots_txt, sitemap_xml
from etown.validate import SiteData

STYLESHEET_SOURCE = "assets/style.css"
STRINGS_FILE = "strings.yaml"
OG_LOCALES = {"zh": "zh_CN", "en": "en_GB"}

_ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "code", "br", "sup", "sub", "blockquote"}


@dataclass(frozen=True)
class OutputFile:
    path: str
    """Relative to the site root, with forward slashes."""
    content: bytes


@dataclass
class Footnotes:
    """The notes of one page, numbered in the order the page mentions them."""

    notes: list[Note] = field(default_factory=list)

    def add(self, note: Note) -> int:
        self.notes.append(note)
        return len(self.notes)


_CJK_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]*"
)
_HTML_TAG = re.compile(r"(<[^>]*>)")


def mark_chinese(html: str) -> Markup:
    """Wrap runs of Chinese in an English page in lang="zh-Hans", so screen readers switch voice."""
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


class SiteRenderer:
    """What stays the same from one render to the next: compiled templates, the interface's words,
    the stylesheet and rendered Markdown. ``etown serve`` keeps one alive between edits."""

    def __init__(self, templates_dir: Path, config: SiteConfig, seed_path: str) -> None:
        self.environment = make_environment(templates_dir)
        self.config = config
        self.seed_path = seed_path
        self.stylesheet = _stylesheet(templates_dir)
        self.strings = _strings(templates_dir, config)
        markdown_renderer = MarkdownRenderer()
        self.helpers = {
            language.code: _language_helpers(language, self.strings, markdown_renderer)
            for language in LANGUAGES
        }

    def render(
        self,
        data: SiteData,
        page_keys: Collection[str] | None = None,
        data_names: Collection[str] | None = None,
    ) -> list[OutputFile]:
        """Every output file; or, given ``page_keys``, only those pages (in every language) and
        the open data made from the files in ``data_names``: what a data edit can change."""
        outputs = [
            OutputFile(page.path(language), self._page(page, language, data).encode("utf-8"))
            for language in LANGUAGES
            for page in PAGES
            if page_keys is None or page.key in page_keys
        ]
        if page_keys is None:
            outputs.append(self.stylesheet)
            outputs += self._special_pages(data)
            outputs.append(OutputFile("sitemap.xml", sitemap_xml(self.config).encode("utf-8")))
            outputs.append(OutputFile("robots.txt", robots_txt(self.config).encode("utf-8")))
        outputs += [
            OutputFile(path, text.encode("utf-8"))
            for path, text in open_data_files(data, self.seed_path, data_names).items()
        ]
        return outputs

    def _page(self, page: Page, language: Language, data: SiteData) -> str:
        path = page.path(language)
        url = _url_maker(path)
        canonical = self.config.absolute(path)
        home = self.config.absolute(PAGES[0].path(language))
        return self.environment.get_template(f"{page.key}.html").render(
            data=data,
            page=page,
            language=language,
            languages=LANGUAGES,
            pages=PAGES,
            url=url,
            counterpart=lambda other: url(page.path(other)),
            stylesheet=url(self.stylesheet.path),
            footnotes=Footnotes(),
            canonical=canonical,
            alternates=alternates(page, self.config),
            json_ld=json_ld(data, language, canonical, home),
            og_locale=OG_LOCALES[language.code],
            og_alternate_locales=[OG_LOCALES[other.code] for other in LANGUAGES if other != language],
            open_data=url(f"{OPEN_DATA_FOLDER}/datapackage.json"),
            **self.helpers[language.code],
        )

    def _special_pages(self, data: SiteData) -> list[OutputFile]:
        """The language chooser and the 404 page. The 404 page is served at any depth, so its
        links start from the base URL's path rather than being relative."""
        outputs = []
        for path, template_name, url in (
            (ROOT_PAGE, "root.html", _url_maker(ROOT_PAGE)),
            (NOT_FOUND_PAGE, "404.html", self.config.absolute_path),
        ):
            html = self.environment.get_template(template_name).render(
                data=data, strings=self.strings, languages=LANGUAGES, pages=PAGES, url=url,
                stylesheet=url(self.stylesheet.path), canonical=self.config.absolute(path),
            )  # fmt: skip
            outputs.append(OutputFile(path, html.encode("utf-8")))
        return outputs


def render_site(data: SiteData, templates_dir: Path, config: SiteConfig, seed_path: str) -> list[OutputFile]:
    with template_errors_as_problems(templates_dir):
        return SiteRenderer(templates_dir, config, seed_path).render(data)


@contextlib.contextmanager
def template_errors_as_problems(templates_dir: Path) -> Iterator[None]:
    """A mistake in a template is reported like a data mistake: file, line, plain words."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        where = _template_name(error.filename or error.name, templates_dir)
        problem = Problem(where, error.lineno, 1, "", f"template syntax: {error.message}")
        raise DataError("a template is broken; nothing was written", [problem]) from error
    except (jinja2.TemplateError, TypeError, AttributeError, KeyError, ValueError) as error:
        where, line = _template_frame(error, templates_dir)
        problem = Problem(where, line, 1, "", f"template error: {error}")
        raise DataError("a template failed to render; nothing was written", [problem]) from error


def _template_name(filename: str | None, templates_dir: Path) -> str:
    if not filename:
        return "templates/?"
    path = Path(filename)
    try:
        return f"templates/{path.resolve().relative_to(templates_dir.resolve()).as_posix()}"
    except ValueError:
        return f"templates/{path.name}"


def _template_frame(error: BaseException, templates_dir: Path) -> tuple[str, int]:
    """The innermost template line in the traceback (Jinja maps frames back to templates)."""
    found = ("templates/?", 1)
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".svg")):
            found = (_template_name(filename, templates_dir), line)
    return found


def _url_maker(from_path: str) -> Callable[[str], str]:
    return lambda to_path: relative_url(from_path, to_path)


def _language_helpers(
    language: Language, strings: dict[str, dict[str, str]], renderer: MarkdownRenderer
) -> dict[str, Any]:
    code = language.code

    def plain(text: Text | Note) -> str:
        return str(getattr(text, code))

    def tr(text: Text | Note) -> Markup:
        escaped = Markup.escape(plain(text))
        return mark_chinese(escaped) if code == "en" else escaped

    def md(text: Text, *, inline: bool = False) -> Markup:
        html = renderer.inline(plain(text)) if inline else renderer.block(plain(text))
        return mark_chinese(html) if code == "en" else html

    return {
        "t": {key: values[code] for key, values in strings.items()},
        "tr": tr,
        "md": md,
        "md_inline": lambda text: md(text, inline=True),
        "quantity": lambda value: format_quantity(value, code),
        "number": lambda value: format_number(value, code),
        "date": lambda value: format_date(value, code),
        "datetime_attr": lambda value: str(value) if isinstance(value, PartialDate) else "",
        "bar_chart": lambda **kwargs: charts.bar_chart(language=code, **kwargs),
        "column": lambda quantities: charts.column(quantities, code),
        "industry_bars": lambda industries, attribute: [
            (plain(item.name), getattr(item, attribute)) for item in industries
        ],
    }


def _stylesheet(templates_dir: Path) -> OutputFile:
    css = (templates_dir / STYLESHEET_SOURCE).read_bytes()
    digest = hashlib.sha256(css).hexdigest()[:10]
    return OutputFile(f"assets/style.{digest}.css", css)


def _strings(templates_dir: Path, config: SiteConfig) -> dict[str, dict[str, str]]:
    """The interface's own words (navigation, headings, captions) in every language; the site's
    name comes from the configuration."""
    path = templates_dir / STRINGS_FILE
    loaded, problems = load_file(path, f"templates/{STRINGS_FILE}", "strings", templates_dir)
    if loaded is None or problems:
        raise DataError(f"templates/{STRINGS_FILE} cannot be read", problems)
    strings = loaded.data
    missing = [
        f"{key}.{language.code}"
        for key, values in strings.items()
        for language in LANGUAGES
        if not values.get(language.code)
    ]
    if missing:
        raise UsageError(f"templates/{STRINGS_FILE}: missing translations: {', '.join(missing)}")
    return {**strings, "site_name": dict(config.titles)}
