"""Screenshots of every page, desktop and mobile, for a person to look at (not a test).

    .venv/bin/python tests/tools/screenshots.py [--out DIR]

Builds the site into a temporary folder, serves it on 127.0.0.1 and drives Debian's Chromium
through Playwright (`bash .ci/install-browser-tools` installs both). The PNGs go to
test-artifacts/screenshots/ unless --out says otherwise.
"""

import argparse
import functools
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 360, "height": 780}}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "test-artifacts" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from etown.languages import LANGUAGES
    from etown.pages import NOT_FOUND_PAGE, PAGES, ROOT_PAGE
    from etown.pipeline import build

    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "site"
        build(REPO, site, base_url="http://127.0.0.1/")
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/"
        pages = [page.path(language) for language in LANGUAGES for page in PAGES] + [
            ROOT_PAGE,
            NOT_FOUND_PAGE,
        ]
        arguments.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=arguments.chromium, args=CHROMIUM_FLAGS)
            for viewport, size in VIEWPORTS.items():
                tab = browser.new_context(viewport=size).new_page()  # type: ignore[arg-type]
                for page in pages:
                    tab.goto(base + page)
                    target = arguments.out / f"{page.removesuffix('.html').replace('/', '-')}-{viewport}.png"
                    tab.screenshot(path=str(target), full_page=True)
            browser.close()
        server.shutdown()
    print(f"screenshots: {len(pages) * len(VIEWPORTS)} PNGs in {arguments.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
