"""What search engines read first: sitemap.xml, with every language alternate, and robots.txt."""

from collections.abc import Iterator

from etown.config import SiteConfig
from etown.languages import LANGUAGES
from etown.metadata import alternates
from etown.outputs import Context, Target
from etown.pages import PAGES, ROOT_PAGE


def escape(text: str) -> str:
    """XML character data, as ``xml.sax.saxutils.escape`` writes it: that module imports
    ``urllib.request`` (and with it http, ssl and email), 46 million instructions of every
    start-up, 3 % of it, for three replacements."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An XML attribute value with its quotes, as ``xml.sax.saxutils.quoteattr`` writes it."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


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
            lines.append(f"    <loc>{escape(config.absolute(page.path(language)))}</loc>")
            lines.extend(
                f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(url)}/>'
                for lang, url in links
            )
            lines.append("  </url>")
    lines.append(f"  <url>\n    <loc>{escape(config.absolute(ROOT_PAGE))}</loc>\n  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(config: SiteConfig) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute('sitemap.xml')}\n"


class Sitemap:
    name = "sitemap"

    def targets(self, context: Context) -> Iterator[Target]:
        config = context.config
        yield Target("sitemap.xml", lambda _data: sitemap_xml(config).encode("utf-8"))
        yield Target("robots.txt", lambda _data: robots_txt(config).encode("utf-8"))


SITEMAP = Sitemap()
