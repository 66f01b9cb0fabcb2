"""The HTML pages: every page in every language, the root language chooser and the 404 page."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from etown.languages import LANGUAGES, Language
from etown.metadata import alternates, json_ld
from etown.outputs import Context, Target
from etown.pages import NOT_FOUND_PAGE, PAGES, ROOT_PAGE, Page
from etown.producers.citations import page_citations
from etown.render import url_maker
from etown.schema import Note
from etown.sections import SiteData

OPEN_DATA_PACKAGE = "data/datapackage.json"


@dataclass
class Footnotes:
    """The notes of one page, numbered in the order the page mentions them."""

    notes: list[Note] = field(default_factory=list)

    def add(self, note: Note) -> int:
        self.notes.append(note)
        return len(self.notes)


class HtmlPages:
    name = "pages"

    def targets(self, context: Context) -> Iterator[Target]:
        for language in LANGUAGES:
            for page in PAGES:
                yield Target(page.path(language), _page_maker(context, page, language))
        yield Target(ROOT_PAGE, _special_maker(context, ROOT_PAGE, "root.html", relative=True))
        # the 404 page is served at any depth, so its links start from the base URL's path
        yield Target(NOT_FOUND_PAGE, _special_maker(context, NOT_FOUND_PAGE, "404.html", relative=False))


def _page_maker(context: Context, page: Page, language: Language) -> Callable[[SiteData], bytes]:
    def make(data: SiteData) -> bytes:
        renderer = context.renderer
        path = page.path(language)
        url = url_maker(path)
        canonical = context.config.absolute(path)
        home = context.config.absolute(PAGES[0].path(language))
        html = renderer.render(
            f"{page.key}.html",
            language=language,
            data=data,
            page=page,
            pages=PAGES,
            url=url,
            counterpart=lambda other: url(page.path(other)),
            stylesheet=url(context.stylesheet_path),
            footnotes=Footnotes(),
            canonical=canonical,
            alternates=alternates(page, context.config),
            json_ld=json_ld(data, renderer.helpers(language)["plain"], canonical, home),
            og_alternate_locales=[other.og_locale for other in LANGUAGES if other != language],
            open_data=url(OPEN_DATA_PACKAGE),
            cite=page_citations(context, page, language),
        )
        return html.encode("utf-8")

    return make


def _special_maker(
    context: Context, path: str, template: str, *, relative: bool
) -> Callable[[SiteData], bytes]:
    def make(data: SiteData) -> bytes:
        url = url_maker(path) if relative else context.config.absolute_path
        html = context.renderer.render(
            template,
            data=data,
            pages=PAGES,
            url=url,
            stylesheet=url(context.stylesheet_path),
            canonical=context.config.absolute(path),
        )
        return html.encode("utf-8")

    return make


HTML_PAGES = HtmlPages()
