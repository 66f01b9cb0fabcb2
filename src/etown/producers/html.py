"""The HTML pages: every page in every language, the root language chooser and the 404 page."""

from collections.abc import Callable, Iterator

from etown.languages import LANGUAGES
from etown.outputs import Context, Target
from etown.pages import NOT_FOUND_PAGE, PAGES, ROOT_PAGE
from etown.producers.webpage import page_maker
from etown.render import url_maker
from etown.sections import SiteData


class HtmlPages:
    name = "pages"

    def targets(self, context: Context) -> Iterator[Target]:
        for language in LANGUAGES:
            for page in PAGES:
                yield Target(page.path(language), page_maker(context, page, language))
        yield Target(ROOT_PAGE, _special_maker(context, ROOT_PAGE, "root.html", relative=True))
        # the 404 page is served at any depth, so its links start from the base URL's path
        yield Target(NOT_FOUND_PAGE, _special_maker(context, NOT_FOUND_PAGE, "404.html", relative=False))


def _special_maker(
    context: Context, path: str, template: str, *, relative: bool
) -> Callable[[SiteData], bytes]:
    def make(data: SiteData) -> bytes:
        url = url_maker(path) if relative else context.config.absolute_path
        return context.renderer.render_bytes(
            template,
            data=data,
            pages=PAGES,
            url=url,
            stylesheet=url(context.stylesheet_path),
            canonical=context.config.absolute(path),
        )

    return make


HTML_PAGES = HtmlPages()
