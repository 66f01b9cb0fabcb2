"""The sitemap escapes as the standard library's xml.sax.saxutils does (which it no longer
imports: that costs every start-up urllib.request, http, ssl and email)."""

from xml.sax.saxutils import escape as sax_escape
from xml.sax.saxutils import quoteattr as sax_quoteattr

import pytest

from etown.producers.sitemap import escape, quoteattr

HOSTILE = [
    "",
    "https://example.org/en/history.html",
    "a&b<c>d",
    "&amp; already",
    'say "hi"',
    "it's",
    "both \" and ' quotes & <tags>",
    "line\nbreak\rreturn\ttab",
    "https://例子.测试/路径?q=1&r=2#frag",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escaping_is_the_standard_librarys(text: str) -> None:
    assert escape(text) == sax_escape(text)
    assert quoteattr(text) == sax_quoteattr(text)
