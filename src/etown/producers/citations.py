"""Citations: every page credits the source document first and this site second.

This site's citations name its publisher (``[site.publisher]`` in etown.toml) as their author
and say that it is an independent site, so that no citation reads as if the body the site
describes had published it; the source's name nobody, since the page names no publisher.

As ready-made text in the page's language (English: APA-like; Chinese: GB/T 7714-2015, the
national standard for references) and as files for reference managers (``citefiles.py``): BibTeX, RIS and
CSL-JSON, per page and language (``cite/LANG/PAGE.bib``) and for the whole site
(``cite/LANG/site.bib``). Parts that are not known are left out, never guessed: the source page
is undated, names no author and no publisher, and its URL was not recorded (``seeds/*.meta.yaml``);
its access date is the day this project's copy was taken, and says so wherever it is shown.

The site's own date is the build's: SOURCE_DATE_EPOCH when set, else the day the seed's copy was
taken, so that two builds of the same inputs stay byte-identical.
"""

import datetime
import functools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from babel.dates import format_date
from markupsafe import Markup

from etown.languages import CitationStyle, Language
from etown.outputs import Context
from etown.pages import PAGES, Page
from etown.problems import EtownError
from etown.provenance import Seed
from etown.seed_metadata import Edition, metadata_path

FOLDER = "cite"
SOURCE_LANG = "zh-Hans"
"""The seed is written in Simplified Chinese; its title is quoted as written on every page."""
SOURCE_KEY = "bda-introduction"


# --- what is known about the source, and the build's date ---------------------------------------


def source_edition(context: Context) -> tuple[Edition, str]:
    """The seed's current edition, as its metadata records it (read once, by the pipeline), and
    its title: citations need the title and the day its copy was taken."""
    metadata = context.seed_metadata
    shown = metadata.display_path if metadata is not None else _metadata_shown(context.seed)
    if metadata is None:
        raise EtownError(f"{shown} is missing: citations need the seed's title and date")
    if metadata.current.title is None:
        raise EtownError(f"{shown}: needs a title (the source document's own title)")
    return metadata.current, metadata.current.title


def _metadata_shown(seed: Seed) -> str:
    return metadata_path(Path(seed.display_path)).as_posix()


def edition_date(edition: Edition) -> datetime.date:
    """The date this build of the site carries: SOURCE_DATE_EPOCH (reproducible builds' convention)
    when set, else the day the seed's copy was taken."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return edition.taken


# --- the things cited ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """One thing to cite: the source document, a page of this site, or the whole site."""

    key: str
    """The BibTeX key and CSL-JSON id."""
    title: str
    language: str
    """BCP 47 tag of the title's language."""
    author: str | None = None
    """Who is responsible for the work: this site's publisher, for the site and its pages (the
    source names nobody)."""
    container: str | None = None
    """The website the work is part of."""
    issued: datetime.date | None = None
    accessed: datetime.date | None = None
    url: str | None = None
    translated_title: str | None = None
    description: str | None = None
    """What the work is: a web page naming no publisher, or an independent site, not an official
    one."""
    accessed_caveat: str | None = None
    """What the access date is, where it is not the day the work was read on the web."""
    note: str | None = None


@dataclass(frozen=True)
class Citation:
    """Everything a page in one language says to cite itself: the source, then the page."""

    language: Language
    source: Work
    page: Work
    """A page of this site, or the whole site."""
    via: str
    """Between the source and this site: "As cited in:", 转引自:."""

    def at(self, anchor: str | None) -> "Citation":
        """The same citation pointing at one place on the page (a figure, a table)."""
        if not anchor or self.page.url is None:
            return self
        return replace(self, page=replace(self.page, url=f"{self.page.url.split('#')[0]}#{anchor}"))

    def text(self) -> str:
        style = style_of(self.language)
        return f"{style(self.source)} {self.via} {style(self.page)}"


# --- the two text styles ---------------------------------------------------------------------------


def apa(work: Work) -> str:
    """APA-like, as English readers expect: Author. (date). Title [Translation]. Site. URL, and
    without an author, Title [Translation]. (date). Site. URL"""
    title = _period(work.title + (f" [{work.translated_title}]" if work.translated_title else ""))
    date = f"({_apa_date(work.issued)})."
    parts = [_period(work.author), date, title] if work.author else [title, date]
    if work.description:
        parts.append(f"[{work.description}].")
    if work.container:
        parts.append(_period(work.container))
    if work.accessed and not work.url:
        caveat = f" ({work.accessed_caveat})" if work.accessed_caveat else ""
        parts.append(f"Accessed {_en_gb(work.accessed, 'long')}{caveat}.")
    if work.url:
        parts.append(work.url)
    return " ".join(parts)


def _apa_date(day: datetime.date | None) -> str:
    return f"{day.year}, {_en_gb(day, 'd MMMM')}" if day else "n.d."


@functools.lru_cache(maxsize=64)
def _en_gb(day: datetime.date, pattern: str) -> str:
    """A date as British English writes it (asked for by every figure's citation: made once)."""
    return format_date(day, pattern, locale="en_GB")


def gbt_7714(work: Work) -> str:
    """GB/T 7714-2015 for an electronic resource on the web, with unknown parts left out:
    主要责任者. 题名[EB/OL]//网站. (发布或更新日期)[引用日期]. 网址."""
    head = (f"{work.author}. " if work.author else "") + f"{work.title}[EB/OL]"
    head += f"//{work.container}" if work.container else ""
    dates = (f"({work.issued.isoformat()})" if work.issued else "") + (
        f"[{work.accessed.isoformat()}]" if work.accessed else ""
    )
    if work.accessed and work.accessed_caveat:
        dates += f"({work.accessed_caveat})"
    parts = [f"{head}.", *([f"{dates}."] if dates else []), *([f"{work.url}."] if work.url else [])]
    if work.description:
        parts.append(f"{work.description}。")
    return " ".join(parts)


def _period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


STYLES: dict[CitationStyle, Callable[[Work], str]] = {"apa": apa, "gb-t-7714": gbt_7714}
"""By a language's ``citation_style``: Chinese pages cite by the Chinese national standard,
English pages APA-like."""


def style_of(language: Language) -> Callable[[Work], str]:
    return STYLES[language.citation_style]


# --- making the citations of a page -------------------------------------------------------------


def citation(context: Context, page: Page | None, language: Language) -> Citation:
    """The citation of ``page`` (None: the whole site) in ``language``."""
    record, title = source_edition(context)
    words = context.renderer.strings
    issued = edition_date(record)
    site_title = words.get("site_name", language)
    publisher = words.get("site_publisher", language)
    site_description = words.get("cite_site_description", language)
    source = Work(
        key=SOURCE_KEY,
        title=title,
        language=SOURCE_LANG,
        issued=record.published_date,
        accessed=record.taken,
        url=record.url,
        translated_title=words.get("cite_source_translation", language) if language.is_translation else None,
        description=words.get("cite_source_description", language),
        accessed_caveat=words.get("cite_accessed_caveat", language),
        note=words.get("cite_source_note", language),
    )
    if page is None:
        work = Work(
            key=f"etown-{language.code}",
            title=site_title,
            language=language.html_lang,
            author=publisher,
            issued=issued,
            description=site_description,
            url=context.config.absolute(PAGES[0].path(language)),
            note=words.get("cite_site_note", language),
        )
    else:
        work = Work(
            key=f"etown-{language.code}-{page.key}",
            title=words.get(f"title_{page.key}", language),
            language=language.html_lang,
            author=publisher,
            container=site_title,
            issued=issued,
            description=site_description,
            url=context.config.absolute(page.path(language)),
            note=words.get("cite_site_note", language),
        )
    return Citation(language, source, work, words.get("cite_as_cited_in", language))


@dataclass(frozen=True)
class PageCitations:
    """What templates call ``cite``: ``cite()`` or ``cite('key-indicators')`` gives the text that
    credits the source, then this page (at that anchor); ``cite.source()`` and ``cite.page()``
    give each part; ``cite.files`` lists the citation files of the page and of the whole site."""

    context: Context
    page_ref: Page
    language: Language

    @functools.cached_property
    def citation(self) -> Citation:
        """Made when a template first cites: what it needs (the seed's metadata, the interface's
        words) is then reported at the template line that asked for it."""
        return citation(self.context, self.page_ref, self.language)

    def __call__(self, anchor: str | None = None) -> Markup:
        return self._marked(self.citation.at(anchor).text())

    def source(self) -> Markup:
        return self._marked(style_of(self.citation.language)(self.citation.source))

    def page(self, anchor: str | None = None) -> Markup:
        return self._marked(style_of(self.citation.language)(self.citation.at(anchor).page))

    @property
    def files(self) -> dict[str, list[tuple[str, str]]]:
        """``{"page": [(label, path), …], "site": […]}``, paths relative to the site root."""
        code = self.language.code
        return {
            "page": [(label, f"{FOLDER}/{code}/{self.page_ref.key}.{suffix}") for suffix, label in FORMATS],
            "site": [(label, f"{FOLDER}/{code}/site.{suffix}") for suffix, label in FORMATS],
        }

    def _marked(self, text: str) -> Markup:
        """Escaped, with the source's Chinese title marked as such where the page is in another
        language or script, so screen readers read it in the right voice."""
        escaped = Markup.escape(text)
        if self.citation.language.html_lang == SOURCE_LANG:
            return escaped
        title = Markup.escape(self.citation.source.title)
        return Markup(escaped.replace(title, Markup(f'<span lang="{SOURCE_LANG}">{title}</span>'), 1))


# --- the files -----------------------------------------------------------------------------------


def bibtex(works: list[Work]) -> str:
    return "\n".join(_bibtex_entry(work) for work in works)


_BIBTEX_ESCAPES = {
    # BibTeX counts every brace, escaped or not, so a lone brace is a command with balanced ones;
    # \~ and \^ are accents and \\ a line break in LaTeX, so those three are commands too
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    **{character: "\\" + character for character in "%&#$_"},
}
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(_BIBTEX_ESCAPES)) + "]")
_URL_UNSAFE_IN_BIBTEX = {"{": "%7B", "}": "%7D", "\\": "%5C"}


def one_line(text: str) -> str:
    """Every run of white space, line breaks and separators included, as one space: a citation
    file gives each field one line (RIS tags every line; a blank line ends a LaTeX paragraph)."""
    return " ".join(text.split())


def _bibtex_value(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_ESCAPES[match.group()], one_line(text))


def _bibtex_url(url: str) -> str:
    """A URL for biblatex's verbatim url field: the same address, with nothing BibTeX counts."""
    return "".join(_URL_UNSAFE_IN_BIBTEX.get(character, character) for character in one_line(url))


def _bibtex_entry(work: Work) -> str:
    fields: list[tuple[str, str]] = []
    if work.author:  # braced: a name as written, never split into given and family names
        fields.append(("author", "{" + _bibtex_value(work.author) + "}"))
    fields.append(("title", _bibtex_value(work.title)))
    if work.translated_title:
        fields.append(("titleaddon", _bibtex_value(f"[{work.translated_title}]")))
    if work.container:
        fields.append(("howpublished", _bibtex_value(work.container)))
    if work.issued:
        fields += [("year", str(work.issued.year)), ("date", work.issued.isoformat())]
    if work.url:
        fields.append(("url", _bibtex_url(work.url)))
    if work.accessed:
        fields.append(("urldate", work.accessed.isoformat()))
    fields.append(("langid", work.language))
    if work.note:
        fields.append(("note", _bibtex_value(work.note)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{work.key},\n{body}}}\n"


def ris(works: list[Work]) -> str:
    """RIS, one ELEC (web page) record per work; dates as RIS writes them, YYYY/MM/DD/."""
    records = []
    for work in works:
        lines = [("TY", "ELEC"), ("ID", work.key)]
        if work.author:
            lines.append(("AU", work.author))
        lines.append(("TI", work.title))
        if work.translated_title:
            lines.append(("TT", work.translated_title))
        if work.container:
            lines.append(("T2", work.container))
        if work.issued:
            lines += [("PY", str(work.issued.year)), ("DA", work.issued.strftime("%Y/%m/%d/"))]
        if work.url:
            lines.append(("UR", work.url))
        if work.accessed:
            lines.append(("Y2", work.accessed.strftime("%Y/%m/%d/")))
        lines.append(("LA", work.language))
        if work.note:
            lines.append(("N1", work.note))
        lines.append(("ER", ""))
        records.append("".join(f"{tag}  - {one_line(value)}\n" for tag, value in lines))
    return "\n".join(records)


def csl_json(works: list[Work]) -> str:
    items = []
    for work in works:
        item: dict[str, object] = {"id": work.key, "type": "webpage", "title": work.title}
        if work.author:  # a literal name, never split into given and family names
            item["author"] = [{"literal": work.author}]
        if work.container:
            item["container-title"] = work.container
        if work.issued:
            item["issued"] = _csl_date(work.issued)
        if work.accessed:
            item["accessed"] = _csl_date(work.accessed)
        if work.url:
            item["URL"] = work.url
        item["language"] = work.language
        # CSL 1.0 has no field for a title's translation: it goes into the note
        translation = f"[{work.translated_title}]" if work.translated_title else ""
        note = " ".join(filter(None, [translation, work.note]))
        if note:
            item["note"] = note
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _csl_date(day: datetime.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


FORMATS: tuple[tuple[str, str], ...] = (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))
