"""Golden trees: every built page of each language, the root chooser, the 404 page and the
sitemap, compared whole with tests/golden/.

After an intended change to templates or data, regenerate with:

    ETOWN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

import difflib
import os
import shutil
from pathlib import Path

import pytest

from etown.languages import LANGUAGES

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ETOWN_UPDATE_GOLDEN") == "1"
SITE_FILES = ("index.html", "404.html", "sitemap.xml", "robots.txt")
"""Outside the language folders: golden/site/."""


def _compare(built: dict[str, str], golden_dir: Path, label: str) -> None:
    if UPDATE:
        shutil.rmtree(golden_dir, ignore_errors=True)
        golden_dir.mkdir(parents=True)
        for name, text in built.items():
            (golden_dir / name).write_text(text, encoding="utf-8")
    golden = {path.name: path.read_text(encoding="utf-8") for path in golden_dir.glob("*")}
    assert sorted(built) == sorted(golden), "files added or removed; regenerate the golden tree"
    failures = []
    for name in sorted(built):
        if built[name] != golden[name]:
            diff = difflib.unified_diff(
                golden[name].splitlines(keepends=True), built[name].splitlines(keepends=True),
                f"golden/{label}/{name}", f"build/{label}/{name}", n=2,
            )  # fmt: skip
            failures.append("".join(list(diff)[:80]))
    assert not failures, "\n".join(failures) + "\n(ETOWN_UPDATE_GOLDEN=1 regenerates)"


@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_built_pages_match_the_golden_tree(built_site: Path, language: str) -> None:
    built = {path.name: path.read_text(encoding="utf-8") for path in (built_site / language).glob("*.html")}
    _compare(built, GOLDEN / language, language)


def test_root_404_and_sitemap_match_the_golden_tree(built_site: Path) -> None:
    built = {name: (built_site / name).read_text(encoding="utf-8") for name in SITE_FILES}
    _compare(built, GOLDEN / "site", "site")
