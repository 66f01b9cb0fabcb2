"""Markdown within bounds: text without syntax skips Markdown, links are searched for a bounded
distance, and neither changes a page (the output equals Python-Markdown's own)."""

import html
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from etown.markdown_limits import markdown_problem
from etown.render import (
    LINK_SCAN_LIMIT,
    MarkdownRenderer,
    _markdown,
    _sanitised,
    plain_paragraph,
)


def reference(text: str) -> str:
    """What etown rendered before the fast path and the bounds: plain Python-Markdown."""
    return _sanitised(markdown.Markdown(output_format="html").convert(text))


def data_texts() -> list[str]:
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"zh", "en"} and isinstance(value, str):
                    texts.append(value.strip())
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted((REPO / "data").glob("*.yaml")):
        walk(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader))
    return texts


def test_every_text_of_the_data_renders_as_python_markdown_renders_it() -> None:
    renderer = MarkdownRenderer()
    texts = data_texts()
    assert len(texts) > 500
    different = [text for text in texts if str(renderer.block(text)) != reference(text)]
    assert different == []


SYNTAX = [*"ab [](){}*_`<>&!\\#-+=.1 \n:/\"'", "http://x", "中", "\xa0", "](", "[a]: http://y"]
SYNTAX += ["&amp;", "&#38;", "&#x26;", "&copy", ";", "R&D", "2019", "1.", "1)", "年", "\t", "  "]


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=40).map("".join))
def test_the_fast_path_and_the_bounds_change_nothing(text: str) -> None:
    text = text.strip()
    if text and markdown_problem(text) is None:
        assert str(MarkdownRenderer().block(text)) == reference(text)


@pytest.mark.slow  # hundreds of generated inputs
@settings(max_examples=1000, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs", "Cc"]) | st.just("\n")))
def test_arbitrary_text_renders_as_python_markdown_renders_it(text: str) -> None:
    """Any text that can reach the renderer, plain or not (the loader refuses control characters,
    some of which Python-Markdown uses for itself): the fast path for plain text (no Markdown, no
    sanitiser) must give what Python-Markdown and the sanitiser give."""
    text = text.strip()
    if text and markdown_problem(text) is None:
        assert str(MarkdownRenderer().block(text)) == reference(text)


def test_a_plain_paragraph_is_what_the_sanitiser_makes_of_it_for_every_character() -> None:
    characters = [
        chr(code) for code in [*range(0xD800), *range(0xE000, 0x110000)] if chr(code) not in "\x00\r"
    ]
    for start in range(0, len(characters), 2048):
        text = "a ".join(characters[start : start + 2048])
        assert plain_paragraph(text) == _sanitised(f"<p>{html.escape(text, quote=False)}</p>"), start


def test_the_bounded_link_patterns_keep_python_markdowns_order() -> None:
    ours, theirs = list(_markdown().inlinePatterns), list(markdown.Markdown().inlinePatterns)
    assert [mine.pattern for mine in ours] == [default.pattern for default in theirs]
    assert all(isinstance(mine, type(default)) for mine, default in zip(ours, theirs, strict=True))
    replaced = [
        type(mine).__name__
        for mine, default in zip(ours, theirs, strict=True)
        if type(mine) is not type(default)
    ]
    assert len(replaced) == 6, replaced


def test_a_link_is_looked_for_only_so_far() -> None:
    renderer = MarkdownRenderer()
    short = "[" + "a" * (LINK_SCAN_LIMIT - 10) + "](https://example.org/)"
    assert str(renderer.block(short)) == reference(short)
    assert "<a " in str(renderer.block(short))
    long = "[" + "a" * (LINK_SCAN_LIMIT + 10) + "](https://example.org/)"
    assert "<a " not in str(renderer.block(long))  # the trade: such a link stays text


def test_text_validation_refuses_is_never_rendered() -> None:
    with pytest.raises(ValueError, match="nested more than"):
        MarkdownRenderer().block("- " * 500 + "x")


def test_a_failed_conversion_leaves_the_renderer_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = MarkdownRenderer()

    def cut_short(_text: str) -> str:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(renderer._markdown, "convert", cut_short)
    with pytest.raises(RecursionError):
        renderer.block("*first*")
    assert str(renderer.block("*second*")) == "<p><em>second</em></p>"
