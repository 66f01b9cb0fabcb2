"""An XSS corpus placed in text fields renders as inert text in a real browser."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser_support import SITE_PAGES, browser  # noqa: F401
from conftest import copy_project
from etown.pipeline import Pipeline

PAYLOADS = [
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    '"><svg onload="window.__pwned = \'svg\'">',
    "[click me](javascript:window.__pwned='link')",
    "</script><script>window.__pwned = 'json-ld'</script>",
    "<a href=\"javascript:window.__pwned='a'\">x</a>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    "{{ seven * seven }} {% raw %}",  # no digits: a number the quote lacks is a data error now
    "<style>body { display: none }</style>",
    "javascript:window.__pwned='bare'",
]

Edit = Callable[[dict[str, Any], str], None]


def _set(path: list[str | int]) -> Edit:
    def edit(document: dict[str, Any], payload: str) -> None:
        node: Any = document
        for key in path[:-1]:
            node = node[key]
        if path[-1] == "zh":  # Chinese beyond its quote is an error unless marked as the site's own
            payload = "[" + payload.replace("[", "(").replace("]", ")") + "]"
        node[path[-1]] = f"{node[path[-1]]} {payload}"

    return edit


PLACES: dict[str, list[Edit]] = {
    "overview": [_set(["name", "en"]), _set(["name", "zh"]), _set(["infobox", 0, "value", "en"]),
                 _set(["introduction", 0, "text", "en"])],
    "history": [_set(["events", 0, "text", "en"]), _set(["events", 0, "text", "zh"])],
    "leadership": [_set(["people", 0, "name", "en"]), _set(["bodies", 0, "members", 0, "position", "zh"])],
    "institutions": [_set(["groups", 0, "institutions", 0, "name", "en"])],
    "economy": [_set(["industries", 0, "name", "en"]), _set(["indicators", 0, "label", "en"]),
                _set(["industries", 0, "description", "text", "zh"])],
    "society": [_set(["topics", 0, "title", "en"]), _set(["topics", 0, "facts", 0, "label", "zh"])],
    "notes": [_set(["notes", 0, "text", "en"]), _set(["notes", 1, "title", "en"])],
    "vision": [_set(["passages", 0, "text", "zh"])],
}  # fmt: skip


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("xss") / "project")
    for name, edits in PLACES.items():
        path = project / "data" / f"{name}.yaml"
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for index, edit in enumerate(edits):
            edit(document, PAYLOADS[index % len(PAYLOADS)] + " " + PAYLOADS[(index + 4) % len(PAYLOADS)])
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert Pipeline(project, expensive=False).build(project / "build").ok  # pages and search; no PDFs
    return project / "build"


def test_payloads_reach_the_pages_as_text(poisoned_site: Path) -> None:
    html = (poisoned_site / "en" / "history.html").read_text(encoding="utf-8")
    assert "window.__pwned" in html  # the payload is there, escaped, not dropped silently
    assert "<script>window.__pwned" not in html
    assert "{{ seven * seven }}" in (poisoned_site / "en" / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.parametrize("page", SITE_PAGES)
@pytest.mark.browser
def test_no_payload_runs_in_chromium(browser, poisoned_site: Path, page: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(java_script_enabled=True)
    tab = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", dismiss)
    tab.goto((poisoned_site / page).as_uri())
    tab.wait_for_load_state("load")
    assert tab.evaluate("window.__pwned") is None
    assert dialogs == []
    # the search page's own script, inline and the same on every build, is the one script allowed
    own_script = ':not([type="module"])' if page.endswith("/search.html") else ""
    dangerous = tab.evaluate(
        """own => [...document.querySelectorAll('*')].flatMap(element =>
             [...element.attributes]
               .filter(a => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value))
               .map(a => element.tagName + ' ' + a.name))
             .concat([...document.querySelectorAll(
                 `script:not([type="application/ld+json"])${own}, iframe, style`)]
               .map(element => element.tagName))""",
        own_script,
    )
    assert dangerous == [], dangerous
    scripts = tab.eval_on_selector_all('script[type="module"]', "all => all.map(s => s.textContent)")
    assert not any("pwned" in script for script in scripts)
    context.close()
