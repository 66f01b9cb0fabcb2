"""Rendering: Markdown cannot inject markup, Chinese in English pages is marked, URLs are right."""

from pathlib import Path

import jinja2
import jinja2.runtime
import pytest

from etown.config import normalise_base_url, read_config
from etown.pages import relative_url
from etown.problems import UsageError
from etown.render import MarkdownRenderer, make_environment, mark_chinese


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://example.org></iframe>",
        '<svg onload="alert(1)"></svg>',
        "<style>body{display:none}</style>",
    ],
)
def test_markdown_output_is_sanitised(payload: str) -> None:
    html = str(MarkdownRenderer().block(payload)).lower()
    for dangerous in ("<script", "onerror", "javascript:", "<iframe", "onload", "<style", "<img"):
        assert dangerous not in html, html


def test_markdown_keeps_safe_links_and_emphasis() -> None:
    html = str(MarkdownRenderer().block("*Reply* on [the plan](https://example.org/plan)"))
    assert "<em>Reply</em>" in html
    assert 'href="https://example.org/plan"' in html


def test_chinese_runs_in_english_text_are_marked_outside_tags() -> None:
    html = str(mark_chinese('known as <a href="x" title="北京">北京亦庄</a>, “亦庄”'))
    assert html == (
        'known as <a href="x" title="北京"><span lang="zh-Hans">北京亦庄</span></a>, '
        '“<span lang="zh-Hans">亦庄</span>”'
    )


@pytest.mark.parametrize(
    ("start", "target", "link"),
    [
        ("zh/index.html", "en/index.html", "../en/index.html"),
        ("zh/history.html", "assets/style.abc.css", "../assets/style.abc.css"),
        ("index.html", "zh/index.html", "zh/index.html"),
    ],
)
def test_relative_urls(start: str, target: str, link: str) -> None:
    assert relative_url(start, target) == link


def test_base_url_decides_absolute_urls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "etown.toml").write_text(
        '[site]\nbase_url = "https://example.org/etown"\n[site.title]\nzh = "甲"\nen = "A"\n'
        '[site.publisher]\nzh = "乙"\nen = "B"\n',
        encoding="utf-8",
    )
    config, problems = read_config(tmp_path)
    assert problems == [] and config is not None
    assert config.absolute("zh/index.html") == "https://example.org/etown/zh/"
    assert config.absolute("en/history.html") == "https://example.org/etown/en/history.html"
    assert config.absolute_path("zh/index.html") == "/etown/zh/"
    overridden, _ = read_config(tmp_path, "https://other.example/")
    assert overridden is not None and overridden.absolute("404.html") == "https://other.example/404.html"
    with pytest.raises(UsageError):  # an empty override is a mistake, never "use etown.toml"
        read_config(tmp_path, "")


@pytest.mark.parametrize("url", ["example.org", "ftp://example.org/", "/etown/", ""])
def test_base_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(UsageError):
        normalise_base_url(url)


def test_templates_call_plain_helpers_directly_and_others_as_jinja_does(tmp_path: Path) -> None:
    """The quick way through calls (HelperContext) must not change what any callable receives."""
    (tmp_path / "page.html").write_text(
        "{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}"
        "{% for n in [1] %}{{ plain(n, 2) }}|{{ named(n, extra=3) }}|{{ with_context() }}|"
        "{{ with_environment() }}|{{ callable_object() }}|{{ twice(n) }}|{{ length([1, 2]) }}|"
        "{{ stops() is undefined }}{% endfor %}",
        encoding="utf-8",
    )
    environment = make_environment(tmp_path)

    class CallableObject:
        @jinja2.pass_context
        def __call__(self, context: jinja2.runtime.Context) -> str:
            return f"object:{context['marker']}"

    def stops() -> None:
        raise StopIteration

    rendered = environment.get_template("page.html").render(
        marker="M",
        plain=lambda a, b: f"plain:{a + b}",
        named=lambda a, extra: f"named:{a}/{extra}",
        with_context=jinja2.pass_context(lambda context: f"context:{context['marker']}"),
        with_environment=jinja2.pass_environment(lambda env: f"env:{env is environment}"),
        callable_object=CallableObject(),
        length=len,
        stops=stops,
    )
    assert rendered == "plain:3|named:1/3|context:M|env:True|object:M|11|2|True"
