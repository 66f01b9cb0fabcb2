"""What the browser gates share: where the tools are, one Chromium per session, axe-core and vnu.

A missing tool skips the tests that need it, saying which and how to install it; with
ETOWN_REQUIRE_BROWSER=1 (CI sets it) a missing tool fails them instead, so a gate can never stop
running unnoticed. `.ci/install-browser-tools` installs everything.

Import the fixtures into a test module, under other names so that test parameters do not shadow
them: ``from browser_support import browser as chromium  # noqa: F401``. Their names are fixed
in the decorator, so tests still ask for ``browser`` and ``site_url``.
"""

import functools
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

from etown.languages import LANGUAGES
from etown.pages import NOT_FOUND_PAGE, PAGES, ROOT_PAGE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("ETOWN_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps trying to reach Google on a closed network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "mobile": {"width": 360, "height": 780},
    "phone": {"width": 390, "height": 844},
    "narrowest": {"width": 320, "height": 640},
}

SITE_PAGES = [page.path(language) for language in LANGUAGES for page in PAGES] + [
    ROOT_PAGE,
    NOT_FOUND_PAGE,
]
"""Every HTML page a build writes, relative to the site root."""


def missing(what: str) -> NoReturn:
    if os.environ.get("ETOWN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what}; ETOWN_REQUIRE_BROWSER=1 makes this gate compulsory", pytrace=False)
    pytest.skip(f"{what}; run .ci/install-browser-tools (as root) to install it")


TOOLS_DIR = Path(os.environ.get("ETOWN_TOOLS_DIR", "/opt/etown-tools"))
"""Where .ci/install-browser-tools puts the npm packages; the only place the tests look."""


def _tool(variable: str, inside: str) -> Path | None:
    path = Path(os.environ[variable]) if variable in os.environ else TOOLS_DIR / inside
    return path if path.is_file() else None


def axe_script() -> Path:
    path = _tool("ETOWN_AXE_JS", "node_modules/axe-core/axe.min.js")
    if path is None:
        missing("axe-core (axe.min.js) not found: set ETOWN_AXE_JS or ETOWN_TOOLS_DIR")
    return path


def vnu_command() -> list[str]:
    jar = _tool("ETOWN_VNU_JAR", "node_modules/vnu-jar/build/dist/vnu.jar")
    if jar is None:
        missing("the Nu HTML Checker (vnu.jar) not found: set ETOWN_VNU_JAR or ETOWN_TOOLS_DIR")
    java = shutil.which("java")
    if java is None:
        missing("java is not installed; the Nu HTML Checker needs it")
    return [java, "-jar", str(jar)]


class _SharedBrowser:
    """One Chromium for the session, however many test modules import the fixture: pytest
    registers an imported fixture once per module, and Playwright's sync API allows only one
    running instance at a time."""

    def __init__(self) -> None:
        self.users = 0
        self.playwright: Any = None
        self.browser: Browser | None = None

    def acquire(self) -> "Browser":
        if self.browser is None:
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                missing("the Python package playwright is not installed")
            if not CHROMIUM.is_file():
                missing(f"Chromium not found at {CHROMIUM}")
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        self.users += 1
        assert self.browser is not None
        return self.browser

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.browser is not None:
            self.browser.close()
            self.playwright.stop()
            self.browser = self.playwright = None


_SHARED = _SharedBrowser()


@pytest.fixture(scope="session", name="browser")
def browser() -> Iterator["Browser"]:
    """Debian's Chromium driven by Playwright: one browser for the whole session."""
    launched = _SHARED.acquire()
    yield launched
    _SHARED.release()


def open_tab(browser: "Browser", viewport: str, color_scheme: str = "light") -> "Page":
    """A tab of the given width, reused for many pages by the caller."""
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
        color_scheme=color_scheme,  # type: ignore[arg-type]
    )
    return context.new_page()


def base_path(site: Path) -> str:
    """The URL path the site was built for ("/etown/"), read from the root page's canonical link."""
    root = (site / ROOT_PAGE).read_text(encoding="utf-8")
    match = re.search(r'<link rel="canonical" href="([^"]+)">', root)
    assert match, "the root page has no canonical link"
    return urlsplit(match.group(1)).path.rsplit("/", 1)[0] + "/"


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the build under its base path, as a static host would."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session", name="site_url")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1: the 404 page links from the base path, which a
    file:// URL cannot resolve."""
    prefix = base_path(built_site)
    handler = type("Handler", (_SiteHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    server.shutdown()
    thread.join()


def show(tab: "Page", site_url: str, page: str) -> None:
    response = tab.goto(site_url + page)
    assert response is not None and response.ok, f"{page} did not load"


def run_axe(tab: "Page") -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.0, 2.1 and 2.2 A and AA on the page the tab shows."""
    tab.add_script_tag(path=str(axe_script()))
    violations: list[dict[str, Any]] = tab.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(result =>
            result.violations.map(v => ({rule: v.id, help: v.help,
                                         where: v.nodes.map(n => n.target.join(' '))})))""",
        AXE_TAGS,
    )
    return violations


def run_vnu(files: Sequence[Path]) -> list[dict[str, Any]]:
    """The Nu HTML Checker's errors for the files, checked in one run of the JVM."""
    result = subprocess.run(
        [*vnu_command(), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    messages: list[dict[str, Any]] = report["messages"]
    return [message for message in messages if message.get("type") != "info"]
