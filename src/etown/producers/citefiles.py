"""The citation files for reference managers: BibTeX, RIS and CSL-JSON, per page and language
(``cite/LANG/PAGE.bib``) and for the whole site (``cite/LANG/site.bib``), made from the citations
every page shows (``citations.py``)."""

from collections.abc import Callable, Iterator

from etown.languages import LANGUAGES, Language
from etown.outputs import Context, Target
from etown.pages import PAGES, Page
from etown.producers.citations import FOLDER, FORMATS, Work, bibtex, citation, csl_json, ris

_WRITERS: dict[str, Callable[[list[Work]], str]] = {"bib": bibtex, "ris": ris, "json": csl_json}


class Citations:
    name = "citations"

    def targets(self, context: Context) -> Iterator[Target]:
        for language in LANGUAGES:
            for page in [*PAGES, None]:
                key = page.key if page is not None else "site"
                for suffix, _label in FORMATS:
                    path = f"{FOLDER}/{language.code}/{key}.{suffix}"
                    yield Target(path, _file_maker(context, page, language, suffix))


def _file_maker(
    context: Context, page: Page | None, language: Language, suffix: str
) -> Callable[[object], bytes]:
    def make(_data: object) -> bytes:
        cited = citation(context, page, language)
        return _WRITERS[suffix]([cited.source, cited.page]).encode("utf-8")

    return make


CITATIONS = Citations()
