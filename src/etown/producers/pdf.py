"""The fact sheet as a PDF per language (``LANG/factsheet.pdf``), made with WeasyPrint.

The PDF is the fact sheet page itself, as the page's maker renders it, printed with the site's
print stylesheet plus ``templates/print/factsheet.css``: two A4 pages, tagged (PDF/UA-1), its text
selectable, its fonts embedded as subsets (Noto Sans CJK from Debian's fonts-noto-cjk). Its
links point at the published site. Its date is the build's (SOURCE_DATE_EPOCH or the day the
seed's copy was taken), so the same inputs give the same bytes.

Making one takes most of a second (WeasyPrint's import, about half a second in each process, then
its layout, drawing and font subsetting), so a PDF is kept in a cache named by the SHA-256 of
everything that goes into it (``pdf/`` in etown's cache folder: see etown.cache), and read back
while the font files it embeds are unchanged and the PDF is whole (see _cached). The targets are
``expensive``: ``etown check`` and the preview's updates after a data edit skip them; ``etown
build --no-pdf`` too.
"""

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from etown.cache import cache_folder, read_entry, trim, write_entry
from etown.languages import LANGUAGES, Language
from etown.outputs import Context, Target
from etown.pages import PAGES, Page
from etown.problems import EtownError, Problem
from etown.producers import fontfiles
from etown.producers.citations import edition_date, source_edition
from etown.producers.webpage import page_maker
from etown.sections import SiteData

PRINT_STYLESHEET = "print/factsheet.css"
"""Inside templates/: what the PDF adds to the site's print stylesheet."""
CACHE_KEPT = 48
"""PDFs kept in the cache (the most recently used); each is under 1 MB."""
RECIPE = "2"
"""Part of the cache key: change it when this module changes what it asks WeasyPrint for."""
CJK_FAMILY = "Noto Sans CJK"
MISSING_LIBRARIES = (
    "WeasyPrint cannot load its system libraries ({error}); on Debian or Ubuntu: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk "
    "(or build without the PDFs: etown build --no-pdf)"
)


def pdf_path(page: Page, language: Language) -> str:
    return page.path(language).removesuffix(".html") + ".pdf"


class FactSheetPdfs:
    name = "pdf"

    def targets(self, context: Context) -> Iterator[Target]:
        page = next(page for page in PAGES if page.key == "factsheet")
        for language in LANGUAGES:
            yield Target(pdf_path(page, language), _pdf_maker(context, page, language), expensive=True)


def _pdf_maker(context: Context, page: Page, language: Language) -> Callable[[SiteData], bytes]:
    html_maker = page_maker(context, page, language)

    def make(data: SiteData) -> bytes:
        html = html_maker(data)
        print_css = _read_print_stylesheet(context)
        day = edition_date(source_edition(context)[0]).isoformat()
        page_url = context.config.absolute(page.path(language))
        strings = context.renderer.strings
        independence = strings.get("footer_independent", language).format(
            publisher=strings.get("site_publisher", language)
        )
        key = _cache_key(html, context.stylesheet_bytes, print_css, day, page_url, independence)
        return _cached(key, lambda: _render(context, html, print_css, day, page_url, independence))

    return make


def _read_print_stylesheet(context: Context) -> bytes:
    path = context.root / "templates" / PRINT_STYLESHEET
    try:
        return path.read_bytes()
    except OSError as error:
        raise EtownError(f"cannot read templates/{PRINT_STYLESHEET} ({error.strerror})") from error


# --- rendering -----------------------------------------------------------------------------------


def _render(
    context: Context, html: bytes, print_css: bytes, day: str, page_url: str, independence: str
) -> tuple[bytes, list[str]]:
    """The PDF, and the font families it embeds. Its metadata names the site's publisher as
    author (the page's ``<meta name="author">``) and its subject says the site is independent:
    a PDF travels without the page's footer around it."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except OSError as error:  # Pango, HarfBuzz or fontconfig missing
        raise EtownError(MISSING_LIBRARIES.format(error=error)) from error

    site_stylesheet = context.config.absolute(context.stylesheet_path)

    class SiteFetcher(URLFetcher):  # type: ignore[misc]
        """The site's stylesheet from memory; nothing from the network or the disk."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url != site_stylesheet:
                raise ValueError(f"the PDF loads nothing but the site's stylesheet (asked for {url})")
            return URLFetcherResponse(url, context.stylesheet_bytes, {"Content-Type": "text/css"})

    with _weasyprint_errors() as errors:
        fetcher = SiteFetcher()
        source = weasyprint.HTML(string=html.decode("utf-8"), base_url=page_url, url_fetcher=fetcher)
        extra = weasyprint.CSS(string=print_css.decode("utf-8"), url_fetcher=fetcher)
        document = source.render(stylesheets=[extra])
        document.metadata.created = document.metadata.modified = day
        document.metadata.description = _joined(document.metadata.description, independence)
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    if errors:
        raise EtownError("WeasyPrint could not make the PDF: " + "; ".join(errors))
    missing = sorted({chr(code) for font in document.fonts.values() for code in getattr(font, "missing", {})})
    if missing:
        raise _missing_glyphs(context, missing)
    families = {font.family for font in document.fonts.values()}
    if not any(family.startswith(CJK_FAMILY) for family in families):
        raise EtownError(
            f"the Chinese font {CJK_FAMILY} is not installed, so the PDF would show no Chinese "
            f"(found only: {', '.join(sorted(families))}); on Debian or Ubuntu: apt-get install "
            "fonts-noto-cjk"
        )
    return pdf, sorted(families)


SEARCHED_FOR_CHARACTERS = ("data", "templates")
"""Where a character the fonts lack is looked for, to say where it stands."""


def _joined(first: str | None, second: str) -> str:
    """Two sentences as their language writes them: Chinese runs on after its full stop."""
    if not first:
        return second
    return first + ("" if first.endswith(("。", "！", "？")) else " ") + second


def _missing_glyphs(context: Context, characters: list[str]) -> EtownError:
    """No font the PDF embeds has these characters: drawn as an empty box, and copied out of
    the PDF as another character (every missing one shares one glyph of a full CJK font), so the
    PDF is not made. Each is named where it first stands in the project."""
    problems = []
    for character in characters:
        where = _first_place(context.root, character)
        named = f"{character} (U+{ord(character):04X})"
        message = (
            f"no font the PDF embeds has {named}: the PDF would show an empty box, and a reader copying "
            "the text would get another character; write it otherwise, or build without the PDFs (--no-pdf)"
        )
        file, line, column = where if where is not None else ("build:", 0, 0)
        problems.append(Problem(file, line, column, "", message))
    return EtownError("the PDF's fonts lack characters", problems)


def _first_place(root: Path, character: str) -> tuple[str, int, int] | None:
    """Where ``character`` first stands in the project's data or templates (file, line, column)."""
    for folder in SEARCHED_FOR_CHARACTERS:
        for path in sorted((root / folder).rglob("*")):
            try:
                text = path.read_text(encoding="utf-8") if path.is_file() else ""
            except (OSError, UnicodeDecodeError):
                continue
            at = text.find(character)
            if at >= 0:
                line = text.count("\n", 0, at) + 1
                return path.relative_to(root).as_posix(), line, at - text.rfind("\n", 0, at)
    return None


@contextlib.contextmanager
def _weasyprint_errors() -> Iterator[list[str]]:
    """WeasyPrint logs a resource it cannot use as an error and goes on; here it stops the build.
    (Its warnings, for CSS it does not support, are about screens, not paper, and are ignored.)"""
    errors: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    handler = Collect(logging.ERROR)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield errors
    finally:
        logger.removeHandler(handler)


# --- the cache -----------------------------------------------------------------------------------


def _cache_key(
    html: bytes, stylesheet: bytes, print_css: bytes, day: str, page_url: str, subject: str
) -> str:
    """What the PDF is made from (the fonts apart: see _cached)."""
    digest = hashlib.sha256()
    for part in (
        RECIPE.encode(),
        _versions().encode(),
        day.encode(),
        page_url.encode(),
        subject.encode(),
        stylesheet,
        print_css,
        html,
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _versions() -> str:
    versions = []
    for package in ("weasyprint", "pydyf", "fonttools", "tinycss2", "tinyhtml5"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package}={metadata.version(package)}")
    return " ".join(versions)


def _cached(key: str, make: Callable[[], tuple[bytes, list[str]]]) -> bytes:
    """The PDF made from ``key``'s inputs: read back from the cache while the fonts it embeds are
    the same files, else made (``make`` gives the PDF and the font families it embeds).

    Each entry is the PDF and a record beside it: the families it embeds and the fingerprint of
    the font files fontconfig resolves for them, both kept whole (etown.cache.write_entry: a
    damaged entry is made again). A font update, or a font newly listed under one of those
    families, makes the entry stale; fonts of other families, installed or removed, do not."""
    folder = cache_folder("pdf")
    path, record_path = folder / f"{key}.pdf", folder / f"{key}.fonts"
    kept = read_entry(record_path)
    with contextlib.suppress(ValueError, KeyError, TypeError):
        record = json.loads(kept) if kept is not None else None
        if record is not None and record["fonts"] == fontfiles.fingerprint(record["families"]):
            content = read_entry(path)
            if content is not None:
                return content
    content, families = make()
    record = {"families": sorted(families), "fonts": fontfiles.fingerprint(families)}
    write_entry(path, content)
    write_entry(record_path, json.dumps(record).encode("utf-8"))
    trim(folder, "*.pdf", CACHE_KEPT)
    trim(folder, "*.fonts", CACHE_KEPT)
    return content


PDFS = FactSheetPdfs()
