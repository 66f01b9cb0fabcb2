"""Every kind of output the site is made of, one module each; the pipeline runs them in order.

A new output format is a new module here and one line in ``PRODUCERS``. A producer imports no
other producer: what two of them share (a page, its citations, the fonts) is a module of its own
here (``webpage``, ``citations``, ``fontfiles``), which makes no output by itself.
"""

from etown.outputs import Producer
from etown.producers import assets, citefiles, html, opendata, pdf, search, sitemap

PRODUCERS: tuple[Producer, ...] = (
    assets.ASSETS,
    html.HTML_PAGES,
    sitemap.SITEMAP,
    opendata.OPEN_DATA,
    citefiles.CITATIONS,
    pdf.PDFS,
    search.SEARCH,
)
