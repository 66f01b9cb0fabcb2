"""Golden trees: every built page of each language compared whole with tests/golden/.

After an intended change to templates or data, regenerate with:

    ETOWN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

import difflib
import os
import shutil
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ETOWN_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_built_pages_match_the_golden_tree(built_site: Path, language: str) -> None:
    built = {path.name: path.read_text(encoding="utf-8") for path in (built_site / language).glob("*.html")}
    golden_dir = GOLDEN / language
    if UPDATE:
        shutil.rmtree(golden_dir, ignore_errors=True)
        golden_dir.mkdir(parents=True)
        for name, text in built.items():
            (golden_dir / name).write_text(text, encoding="utf-8")
    golden = {path.name: path.read_text(encoding="utf-8") for path in golden_dir.glob("*.html")}
    assert sorted(built) == sorted(golden), "pages added or removed; regenerate the golden tree"
    failures = []
    for name in sorted(built):
        if built[name] != golden[name]:
            diff = difflib.unified_diff(
                golden[name].splitlines(keepends=True), built[name].splitlines(keepends=True),
                f"golden/{language}/{name}", f"build/{language}/{name}", n=2,
            )  # fmt: skip
            failures.append("".join(list(diff)[:80]))
    assert not failures, "\n".join(failures) + "\n(ETOWN_UPDATE_GOLDEN=1 regenerates)"
