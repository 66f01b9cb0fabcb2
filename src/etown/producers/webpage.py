"""A page of the site in one language, made from the data: what the HTML pages are, and what the
PDF fact sheets print (both producers make their pages here, so neither reaches into the other)."""

import functools
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from etown.apparatus import Apparatus, SourceEntry
from etown.languages import LANGUAGES, Language
from etown.metadata import alternates, json_ld
from etown.outputs import Context
from etown.pages import ABOUT_PAGE, PAGES, SOURCE_PAGE, Page
from etown.producers.citations import PageCitations
from etown.records import FLAGS, anchor
from etown.render import url_maker
from etown.schema import (
    NOTE_KINDS,
    SITE_WORDS,
    HistoryEvent,
    Membership,
    PartialDate,
    Person,
    SourceNote,
    Text,
    fields_of,
)
from etown.sections import LEADERSHIP, SiteData

OPEN_DATA_PACKAGE = "data/datapackage.json"


def page_maker(context: Context, page: Page, language: Language) -> Callable[[SiteData], bytes]:
    def make(data: SiteData) -> bytes:
        renderer = context.renderer
        path = page.path(language)
        url = url_maker(path)
        canonical = context.config.absolute(path)
        home = context.config.absolute(PAGES[0].path(language))
        apparatus = Apparatus()
        anchor_of = _anchorer(data)
        helpers = renderer.helpers(language)
        source_page = url(SOURCE_PAGE.path(language))
        source_link = _source_linker(context, source_page)
        paragraph_of = _paragraph_linker(context, source_page)
        paragraphs_of = _paragraphs_of(paragraph_of)
        cite = PageCitations(context, page, language)
        describe = _describer(data, helpers)
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
            marks=record_marks(data, apparatus, helpers, language, anchor_of, source_link),
            source_entries=source_entries(helpers),
            note_entries=note_entries(helpers, paragraphs_of),
            anchor_of=anchor_of,
            record=data.record,
            paragraphs_of=paragraphs_of,
            source_link=source_link,
            paragraph_of=paragraph_of,
            source_path=SOURCE_PAGE.path(language),
            about_path=ABOUT_PAGE.path(language),
            document=context.source_document,
            seed=context.seed,
            seed_taken=_seed_taken(context),
            all_flags=FLAGS,
            notes_by_kind=notes_by_kind,
            anchor=anchor,
            describe=describe,
            note_places=_note_places(data, helpers, language, url, describe),
            canonical=canonical,
            alternates=alternates(page, context.config),
            json_ld=json_ld(data, helpers["plain"], canonical, home),
            og_alternate_locales=[other.og_locale for other in LANGUAGES if other != language],
            open_data=url(OPEN_DATA_PACKAGE),
            cite=cite,
            pdf_made=context.makes_pdf,
            about_url=context.config.absolute(ABOUT_PAGE.path(language)),
            home_url=home,
        )

    return make


def _seed_taken(context: Context) -> PartialDate | None:
    """The day the seed's copy was taken, where its metadata says."""
    metadata = context.seed_metadata
    if metadata is None:
        return None
    taken = metadata.current.taken
    return PartialDate(taken.year, taken.month, taken.day)


def _anchorer(data: SiteData) -> Callable[[object], str]:
    """The anchor of a record on a page: its id, or its path in its file."""
    return lambda record: anchor(data.ref_of(record) or "")


def record_marks(
    data: SiteData,
    apparatus: Apparatus,
    helpers: dict[str, Any],
    language: Language,
    anchor_of: Callable[[object], str],
    source_link: Callable[[str], str],
) -> Callable[..., Markup]:
    """What follows each record on a page: its status flags, one link to the notes touching it and
    a numbered link straight to its words in the source document, highlighted (one click to the
    proof; the page's list of sources gathers the quotes too). The marks are links raised by the
    stylesheet rather than wrapped in <sup>. A record whose texts hold words of the site's own has
    the page's legend explain them.

    ``quiet``: the source's link alone, for a headline figure, shown with all its marks where the
    site gives it in full. ``lead``: the source's link alone, for the sentence that opens a page;
    its notes are listed at the page's end all the same, leading back to it. ``at``: the id of the
    element that shows the record, where it is not the record's anchor (a headline's tile).

    Made here rather than as a template macro: a record's marks are the markup a page repeats most,
    and a macro's call cost a fifth of the rendering."""
    words, space = helpers["t"], escape(helpers["space"])
    # looked up at the first call, from the template: a missing word is then reported at the
    # template line that asked for the marks
    labels = functools.cache(lambda: (escape(words["notes"]), escape(words["source"])))

    def marks(record: object, *, quiet: bool = False, lead: bool = False, at: str | None = None) -> Markup:
        notes_word, source_word = labels()
        html: list[str] = []
        if not apparatus.site_words and has_site_words(record, language.text_from):
            apparatus.site_words = True
        if not (quiet or lead):
            for flag in data.flags_of(record):
                if apparatus.flag(flag) != "publication":
                    html.append(f'{space}<span class="flag">{escape(words["flag_" + flag])}</span>')
        raw_anchor = anchor_of(record)
        if lead:
            for note in data.notes_of(record):
                apparatus.unmarked_note(note, raw_anchor)
        elif not quiet and (numbered := [apparatus.note(note) for note in data.notes_of(record)]):
            numbers = sorted({mark.number for mark in numbered})
            shown = escape(note_numbers(numbers))
            back = "".join(f'<span id="ref-{mark.number}"></span>' for mark in numbered if mark.first)
            html.append(
                f'<a class="nm" href="#note-{numbers[0]}" aria-label="{notes_word} {shown}">'
                f"[{shown}]{back}</a>"
            )
        number = apparatus.source(record, at or raw_anchor).number  # type: ignore[arg-type]
        link = escape(source_link(record.source))  # type: ignore[attr-defined]
        html.append(f'<a class="sm" href="{link}" aria-label="S{number} {source_word}">S{number}</a>')
        return Markup("".join(html))

    return marks


def note_numbers(numbers: list[int]) -> str:
    """1, 2, 3, 4 and 7 as "1–4, 7": a record's notes in one mark."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


def has_site_words(record: object, language: str) -> bool:
    """Whether a record's texts in ``language`` (an authored one) hold words of the site's own."""
    return any(
        isinstance(value, Text) and "[" in value[language] and SITE_WORDS.search(value[language]) is not None
        for _, value in fields_of(record)  # type: ignore[arg-type]
    )


def note_entries(
    helpers: dict[str, Any], paragraphs_of: Callable[[SourceNote], list[tuple[str, str]]]
) -> Callable[[Apparatus], Markup]:
    """The items of a page's list of notes, numbered as the page marks them: each note's title,
    opening on the note whole, with the paragraphs of the source it cites. (The fact sheet
    numbers its few notes on itself: templates/_factsheet.html.) Made here rather than in
    _apparatus.html for the reason the marks are."""
    words, tr, md_inline, space = helpers["t"], helpers["tr"], helpers["md_inline"], escape(helpers["space"])

    def entries(apparatus: Apparatus) -> Markup:
        back, in_the_source = escape(words["back_to_reference"]), escape(words["in_the_source"])
        html: list[str] = []
        for number, note in enumerate(apparatus.notes, start=1):
            target = escape(apparatus.backs.get(number, f"ref-{number}"))
            back_link = f'<a href="#{target}" aria-label="{back} {number}">↩</a>'
            # the title, and the note whole when asked for: a page's notes take a line each
            html.append(
                f'<li id="note-{number}"><details><summary>{tr(note.title)}</summary>{md_inline(note.text)}'
            )
            if note.reading:
                html.append(f"{space}{md_inline(note.reading)}")
            html.append(f"{space}<small>{in_the_source}")  # a label of its own, not run into the text
            for link, paragraph in paragraphs_of(note):
                html.append(f' <a href="{escape(link)}">¶{escape(paragraph)}</a>')
            html.append(f"</small> {back_link}</details></li>\n")
        return Markup("".join(html))

    return entries


def source_entries(helpers: dict[str, Any]) -> Callable[[list[SourceEntry]], Markup]:
    """The items of a page's list of sources: each quote once, with the periods the site inferred
    from it and a link back to the record citing it, whose mark leads to the quote's words in the
    source document (numbered as the marks are). Made here rather than in _apparatus.html for the
    reason the marks are: an item per quote made the list half of a section page's rendering."""
    words, labelled, period, tr = helpers["t"], helpers["labelled"], helpers["period"], helpers["tr"]

    def entries(sources: list[SourceEntry]) -> Markup:
        back, inferred_word = escape(words["back_to_reference"]), words["period_inferred"]
        html: list[str] = []
        for number, entry in enumerate(sources, start=1):
            anchor = escape(entry.anchor)
            html.append(f'<li><q lang="zh-Hans">{escape(entry.quote)}</q>')
            html.extend(
                f' <small class="block">{labelled(inferred_word, period(inferred))}: '
                f"{tr(inferred.inferred)}</small>"
                for inferred in entry.inferred
            )
            html.append(f' <a href="#{anchor}" aria-label="{back} S{number}">↩</a></li>\n')
        return Markup("".join(html))

    return entries


def notes_by_kind(notes: list[SourceNote]) -> list[tuple[str, list[SourceNote]]]:
    """The notes grouped by kind, in the order the kinds are listed in the schema."""
    return [
        (kind, [note for note in notes if note.kind == kind])
        for kind in NOTE_KINDS
        if any(n.kind == kind for n in notes)
    ]


def _note_places(
    data: SiteData,
    helpers: dict[str, Any],
    language: Language,
    url: Callable[[str], str],
    describe: Callable[[str], str],
) -> Callable[[SourceNote], Markup]:
    """Where a note appears (the About page): a link to each record it touches or mentions, on
    each page that shows the record's section. Made here rather than in the template: the about
    page names every record of every note, and the template's loops over the pages for each of
    them were a third of its rendering."""
    words, space = helpers["t"], escape(helpers["space"])
    homes: dict[str, list[str]] = {}

    def home_urls(section: str) -> list[str]:
        if section not in homes:
            homes[section] = [url(home.path(language)) for home in PAGES if section in home.sections]
        return homes[section]

    def places(note: SourceNote) -> Markup:
        refs = [*note.touches, *note.mentions]
        separator = escape(words["list_separator"])
        parts: list[str] = []
        for number, ref in enumerate(refs):
            if number == 0:
                parts.append(space)
            links = home_urls(data.index.record(ref).section)
            if links:
                target, name = escape(anchor(ref)), escape(describe(ref))
                parts += [f'<a href="{escape(link)}#{target}">{name}</a>' for link in links]
            if number < len(refs) - 1:
                parts.append(separator)
        return Markup("".join(parts))

    return places


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
            return shortened(str(plain(text)))
        return ref

    return describe


SHORT_TEXT = 40
"""The most characters of a passage that name it in a link (Chinese: half as many)."""


def shortened(words: str, limit: int = SHORT_TEXT) -> str:
    """The beginning of a passage, to name it in a link: whole if short, else cut after a whole
    word (in Chinese after a character, at half the length) with an ellipsis, never mid-word."""
    if _CJK.search(words[:8]):  # 2010年,市委… is Chinese too
        limit //= 2
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if not _CJK.search(cut[-1:]) and words[limit - 1 : limit].isalnum():
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:–—") + "…"


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _source_linker(context: Context, source_page: str) -> Callable[[str], str]:
    """The link to a quote's exact words in the source document (a text fragment)."""
    document = context.source_document

    def link(quote: str) -> str:
        passage = document.locate(quote)
        return f"{source_page}#{passage.fragment}" if passage is not None else source_page

    return link


def _paragraphs_of(
    paragraph_of: Callable[[str], tuple[str, str]],
) -> Callable[[SourceNote], list[tuple[str, str]]]:
    """The paragraphs of the source a note's passages stand in, each once, in the note's order:
    two passages of one paragraph are one link (not ¶76 ¶76)."""

    def paragraphs(note: SourceNote) -> list[tuple[str, str]]:
        return list(dict.fromkeys(paragraph_of(quote) for quote in note.sources))

    return paragraphs


def _paragraph_linker(context: Context, source_page: str) -> Callable[[str], tuple[str, str]]:
    """The paragraph of the source document where a quote begins: (link, paragraph number)."""
    document = context.source_document

    def link(quote: str) -> tuple[str, str]:
        passage = document.locate(quote)
        if passage is None:
            return source_page, "?"
        return f"{source_page}#{passage.paragraph}", passage.paragraph.removeprefix("p")

    return link
