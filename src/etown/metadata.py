"""What a page says about itself to browsers and search engines: its language alternates and a
schema.org description of the place and its governing bodies (JSON-LD), from the data only, and
no more than the pages say: the BDA is a Place (not a type of administrative area, as a note
says), its bodies are named as the source names them."""

import json
from collections.abc import Callable

from markupsafe import Markup

from etown.config import SiteConfig
from etown.languages import AUTHORED, LANGUAGES, by_code
from etown.pages import Page
from etown.schema import Text
from etown.sections import LEADERSHIP, OVERVIEW, SiteData


def alternates(page: Page, config: SiteConfig) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for every language of a page, then x-default."""
    links = [(language.html_lang, config.absolute(page.path(language))) for language in LANGUAGES]
    links.append(("x-default", config.absolute(page.path(by_code(config.default_language)))))
    return links


def json_ld(data: SiteData, text_of: Callable[[Text], str], page_url: str, home_url: str) -> Markup:
    overview = data[OVERVIEW]
    rows = {row.key: row for row in overview.infobox}
    address = {
        "@type": "PostalAddress",
        "streetAddress": text_of(rows["seat"].value),
        "postalCode": rows["postal_code"].value["zh"],
    }
    place_id = home_url + "#place"
    graph: list[dict[str, object]] = [
        {
            "@type": "Place",
            "@id": place_id,
            "name": text_of(overview.name),
            "alternateName": sorted(
                {overview.short_name[code] for code in AUTHORED}
                | {rows["foreign_name"].value[code] for code in AUTHORED}
            ),
            "description": text_of(overview.introduction[0].text),
            "address": address,
            "url": page_url,
        }
    ]
    for body in data[LEADERSHIP].bodies:
        if body.organization is not None:
            graph.append({
                "@type": "GovernmentOrganization",
                "name": text_of(body.organization),
                "areaServed": {"@id": place_id},
            })  # fmt: skip
    document = {"@context": "https://schema.org", "@graph": graph}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    # inside <script>, "</" could close the element early
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
