"""What search engines read: sitemap.xml (with every language alternate), robots.txt, JSON-LD."""

import json
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

from etown.config import SiteConfig
from etown.pages import LANGUAGES, PAGES, ROOT_PAGE, Language, Page
from etown.validate import SiteData


def alternates(page: Page, config: SiteConfig) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for every language of a page, then x-default."""
    links = [(language.html_lang, config.absolute(page.path(language))) for language in LANGUAGES]
    default = next(language for language in LANGUAGES if language.code == config.default_language)
    links.append(("x-default", config.absolute(page.path(default))))
    return links


def sitemap_xml(config: SiteConfig) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for page in PAGES:
        links = alternates(page, config)
        for language in LANGUAGES:
            lines.append("  <url>")
            lines.append(f"    <loc>{config.absolute(page.path(language))}</loc>")
            lines.extend(
                f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(url)}/>'
                for lang, url in links
            )
            lines.append("  </url>")
    lines.append(f"  <url>\n    <loc>{config.absolute(ROOT_PAGE)}</loc>\n  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(config: SiteConfig) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute('sitemap.xml')}\n"


def json_ld(data: SiteData, language: Language, page_url: str, home_url: str) -> Markup:
    """schema.org description of the place and its government, from the data only."""
    code = language.code
    rows = {row.key: row for row in data.overview.infobox}
    address = {
        "@type": "PostalAddress",
        "streetAddress": getattr(rows["seat"].value, code),
        "postalCode": rows["postal_code"].value.zh,
    }
    place_id = home_url + "#place"
    graph: list[dict[str, object]] = [
        {
            "@type": "AdministrativeArea",
            "@id": place_id,
            "name": getattr(data.overview.name, code),
            "alternateName": sorted(
                {data.overview.short_name.zh, data.overview.short_name.en, rows["foreign_name"].value.en}
            ),
            "description": getattr(data.overview.introduction[0].text, code),
            "address": address,
            "url": page_url,
        }
    ]
    for body in data.leadership.bodies:
        if body.organization is not None:
            graph.append({
                "@type": "GovernmentOrganization",
                "name": getattr(body.organization, code),
                "areaServed": {"@id": place_id},
            })  # fmt: skip
    document = {"@context": "https://schema.org", "@graph": graph}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    # inside <script>, "</" could close the element early
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
