"""The HTML pages: every page in every language, the root language chooser and the 404 page."""

import functools
from collections.abc import Callable, Iterator
from typing import Any

from markupsafe import Markup, escape

from etown.apparatus import Apparatus, SourceEntry
from etown.languages import LANGUAGES, Language
from etown.metadata import alternates, json_ld
from etown.outputs import Context, Target
from etown.pages import ABOUT_PAGE, FACTSHEET_PAGE, NOT_FOUND_PAGE, PAGES, ROOT_PAGE, SOURCE_PAGE, Page
from etown.producers.citations import page_citations
from etown.records import FLAGS, anchor
from etown.render import url_maker
from etown.schema import NOTE_KINDS, HistoryEvent, Membership, Person, SourceNote, Text, parse_partial_date
from etown.sections import LEADERSHIP, SiteData

OPEN_DATA_PACKAGE = "data/datapackage.json"


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
        apparatus = Apparatus()
        anchor_of = _anchorer(data)
        page_path = _page_pather(url, language)
        helpers = renderer.helpers(language)
        source_page = url(SOURCE_PAGE.path(language))
        source_link = _source_linker(context, source_page)
        paragraph_of = _paragraph_linker(context, source_page)
        cite = page_citations(context, page, language)
        return renderer.render_bytes(
            f"{page.key}.html",
            language=language,
            data=data,
            page=page,
            pages=PAGES,
            url=url,
            counterpart=lambda other: url(page.path(other)),
            stylesheet=url(context.stylesheet_path),
            apparatus=apparatus,
            marks=record_marks(data, apparatus, page, helpers, anchor_of, page_path),
            source_entries=source_entries(helpers, source_link, cite),
            note_entries=note_entries(
                helpers, paragraph_of, url(ABOUT_PAGE.path(language)), gathers_sources=page.gathers_sources
            ),
            anchor_of=anchor_of,
            record=data.record,
            paragraph_of=paragraph_of,
            source_path=SOURCE_PAGE.path(language),
            factsheet_path=FACTSHEET_PAGE.path(language),
            document=context.source_document,
            seed=context.seed,
            seed_taken=parse_partial_date(context.seed.taken) if context.seed.taken else None,
            all_flags=FLAGS,
            notes_by_kind=notes_by_kind,
            anchor=anchor,
            describe=_describer(data, helpers),
            canonical=canonical,
            alternates=alternates(page, context.config),
            json_ld=json_ld(data, helpers["plain"], canonical, home),
            og_alternate_locales=[other.og_locale for other in LANGUAGES if other != language],
            open_data=url(OPEN_DATA_PACKAGE),
            cite=cite,
        )

    return make


def _anchorer(data: SiteData) -> Callable[[object], str]:
    """The anchor of a record on a page: its id, or its path in its file."""
    return lambda record: anchor(data.ref_of(record) or "")


def _page_pather(url: Callable[[str], str], language: Language) -> Callable[[str], str]:
    """The link to another page of the same language, by its key."""
    return lambda key: url(f"{language.code}/{key}.html")


def record_marks(
    data: SiteData,
    apparatus: Apparatus,
    page: Page,
    helpers: dict[str, Any],
    anchor_of: Callable[[object], str],
    page_path: Callable[[str], str],
) -> Callable[[object], Markup]:
    """What follows each record on a page: its status flags, a numbered link to each note touching
    it and a link to its source quote, gathered at the end of the page (or, on the fact sheet, of
    its section's page). The marks are links raised by the stylesheet rather than wrapped in
    <sup>: thousands of them on the fact sheet.

    Made here rather than as a template macro: a record's marks are the markup a page repeats most
    (every record of the fact sheet has them), and a macro's call cost a fifth of the rendering."""
    words, space = helpers["t"], escape(helpers["space"])
    # looked up at the first call, from the template: a missing word is then reported at the
    # template line that asked for the marks
    labels = functools.cache(lambda: (escape(words["note"]), escape(words["source"])))

    def marks(record: object) -> Markup:
        note_word, source_word = labels()
        html: list[str] = []
        for flag in data.flags_of(record):
            if apparatus.flag(flag) != "publication":
                html.append(f'{space}<span class="flag">{escape(words["flag_" + flag])}</span>')
        for note in data.notes_of(record):
            mark = apparatus.note(note)
            first = f' id="ref-{mark.number}"' if mark.first else ""
            html.append(
                f'<a class="nm" href="#note-{mark.number}"{first} aria-label="{note_word} {mark.number}">'
                f"[{mark.number}]</a>"
            )
        raw_anchor = anchor_of(record)
        record_anchor = escape(raw_anchor)
        if page.gathers_sources:
            number = apparatus.source(record, raw_anchor).number  # type: ignore[arg-type]
            html.append(
                f'<a class="sm" href="#s-{record_anchor}" aria-label="S{number} {source_word}">S{number}</a>'
            )
        else:
            home = apparatus.home
            link = escape(page_path(home))
            title = escape(words[f"title_{home}"])
            html.append(
                f'<a class="sm" href="{link}#s-{record_anchor}" aria-label="S {source_word}: {title}">S</a>'
            )
        return Markup("".join(html))

    return marks


def note_entries(
    helpers: dict[str, Any],
    paragraph_of: Callable[[str], tuple[str, str]],
    about_page: str,
    *,
    gathers_sources: bool,
) -> Callable[[list[SourceNote]], Markup]:
    """The items of a page's list of notes, numbered as the page marks them. A page that gathers
    its sources gives each note whole, with the paragraphs of the source it cites; a page that
    shows everything (the fact sheet) names each note and links to it in full on the About page.
    Made here rather than in _apparatus.html for the reason the marks are."""
    words, tr, md_inline = helpers["t"], helpers["tr"], helpers["md_inline"]
    about = escape(about_page)

    def entries(notes: list[SourceNote]) -> Markup:
        back, in_the_source = escape(words["back_to_reference"]), escape(words["in_the_source"])
        all_notes = escape(words["all_notes"])
        html: list[str] = []
        for number, note in enumerate(notes, start=1):
            back_link = f'<a href="#ref-{number}" aria-label="{back} {number}">↩</a></li>\n'
            about_note = f"{about}#{escape(note.id)}"
            if not gathers_sources:
                html.append(f'<li id="note-{number}"><a href="{about_note}">{tr(note.title)}</a> {back_link}')
                continue
            html.append(f'<li id="note-{number}"><strong>{tr(note.title)}</strong> {md_inline(note.text)}')
            if note.reading:
                html.append(f" {md_inline(note.reading)}")
            html.append(f"<small>{in_the_source}")
            for quote in note.sources:
                link, paragraph = paragraph_of(quote)
                html.append(f' <a href="{escape(link)}">¶{escape(paragraph)}</a>')
            html.append(f' · <a href="{about_note}">{all_notes}</a></small> {back_link}')
        return Markup("".join(html))

    return entries


def source_entries(
    helpers: dict[str, Any], source_link: Callable[[str], str], cite: Callable[[str], Markup]
) -> Callable[[list[SourceEntry]], Markup]:
    """The items of a page's list of sources: each quote once, with a link to its words in the
    source document, the periods the site inferred from it, a link back to the record citing it
    and a citation of the figure. Made here rather than in _apparatus.html for the reason the
    marks are: an item per quote made the list half of a section page's rendering."""
    words, labelled, period, tr = helpers["t"], helpers["labelled"], helpers["period"], helpers["tr"]

    def entries(sources: list[SourceEntry]) -> Markup:
        view, back = escape(words["view_in_source"]), escape(words["back_to_reference"])
        inferred_word, cite_word = words["period_inferred"], escape(words["cite_this_figure"])
        html: list[str] = []
        for number, entry in enumerate(sources, start=1):
            anchor = escape(entry.anchor)
            html.append(f'<li id="s-{anchor}">')
            html.extend(f'<span id="s-{escape(other)}"></span>' for other in entry.also)
            html.append(
                f'<q lang="zh-Hans">{escape(entry.quote)}</q> '
                f'<a href="{escape(source_link(entry.quote))}">{view}</a>'
            )
            html.extend(
                f' <small class="block">{labelled(inferred_word, period(inferred))}: '
                f"{tr(inferred.inferred)}</small>"
                for inferred in entry.inferred
            )
            html.append(
                f' <a href="#{anchor}" aria-label="{back} S{number}">↩</a>\n'
                f'<details class="figure-cite"><summary>{cite_word}</summary>{cite(entry.anchor)}'
                "</details></li>\n"
            )
        return Markup("".join(html))

    return entries


def notes_by_kind(notes: list[SourceNote]) -> list[tuple[str, list[SourceNote]]]:
    """The notes grouped by kind, in the order the kinds are listed in the schema."""
    return [
        (kind, [note for note in notes if note.kind == kind])
        for kind in NOTE_KINDS
        if any(n.kind == kind for n in notes)
    ]


def _describer(data: SiteData, helpers: dict[str, Any]) -> Callable[[str], str]:
    """A record named for a link: its label, name or title; an event's date; a member's name."""
    plain, date = helpers["plain"], helpers["date"]
    # The people by id, made at the first member described rather than for each (the about page
    # of a large site names thousands: the time grew with the square of the members), and not
    # before it: a page that names no member does not read the leadership.
    people: dict[str, Person] = {}

    def describe(ref: str) -> str:
        record = data.record(ref)
        for attribute in ("label", "name", "title"):
            value = getattr(record, attribute, None)
            if isinstance(value, Text):
                return str(plain(value))
        if isinstance(record, HistoryEvent):
            return str(date(record.date))
        if isinstance(record, Membership):
            if not people:
                people.update((person.id, person) for person in data[LEADERSHIP].people)
            return str(plain(people[record.person].name))
        text = getattr(record, "text", None)
        if isinstance(text, Text):
            words = str(plain(text))
            return words if len(words) <= 24 else words[:23] + "…"
        return ref

    return describe


def _source_linker(context: Context, source_page: str) -> Callable[[str], str]:
    """The link to a quote's exact words in the source document (a text fragment)."""
    document = context.source_document

    def link(quote: str) -> str:
        passage = document.locate(quote)
        return f"{source_page}#{passage.fragment}" if passage is not None else source_page

    return link


def _paragraph_linker(context: Context, source_page: str) -> Callable[[str], tuple[str, str]]:
    """The paragraph of the source document where a quote begins: (link, paragraph number)."""
    document = context.source_document

    def link(quote: str) -> tuple[str, str]:
        passage = document.locate(quote)
        if passage is None:
            return source_page, "?"
        return f"{source_page}#{passage.paragraph}", passage.paragraph.removeprefix("p")

    return link


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
