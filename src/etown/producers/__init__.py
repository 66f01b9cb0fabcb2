"""Every kind of output the site is made of, one module each; the pipeline runs them in order.

A new output format is a new module here and one line in ``PRODUCERS``.
"""

from etown.outputs import Producer
from etown.producers import assets, citations, html, opendata, pdf, search, sitemap

PRODUCERS: tuple[Producer, ...] = (
    assets.ASSETS,
    html.HTML_PAGES,
    sitemap.SITEMAP,
    opendata.OPEN_DATA,
    citations.CITATIONS,
    pdf.PDFS,
    search.SEARCH,
)
