"""A fourth, authored language is a row of the language table, its strings and its texts.

The test copies the project and etown's own code, adds Japanese to the copy (a row in
``languages.py``, a text in every mapping of ``templates/strings.yaml``, the site's title and
publisher in ``etown.toml``, a text in every text of the data) and runs etown from that copy in a
process of its own, as a maintainer would. The Japanese texts are the Chinese ones, copied: the
test asks what etown does with a fourth language, not what it says.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
import yaml

import etown
from conftest import REPO, copy_project

JAPANESE_ROW = """    Language(
        code="ja", html_lang="ja", name="日本語", english_name="Japanese", locale="ja_JP", og_locale="ja_JP",
        script="Jpan", text_from="ja", is_translation=True, twin="zh", writes_han=True,
        qualifiers={
            "约": "約{}", "超过": "{}超", "超": "{}超", "近": "近{}",
            "余": "{}余", "多": "{}余", "以上": "{}以上",
        },
    ),
"""
TABLE_END = ')  # fmt: skip\n"""Every language of the site'

LEFT_UNTRANSLATED = ("data/history.yaml", "construction-begins")
"""The one text given no Japanese at first: check must name it, as it names a missing English."""


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def add_japanese(text: str, skip: str | None = None) -> str:
    """``text`` (YAML) with ``ja:`` after the ``en:`` of every mapping that has ``zh`` and ``en``
    texts, the Chinese copied, every other byte as it was; a mapping inside the record ``skip``
    (by id) is left alone."""
    insertions: list[tuple[int, str]] = []

    def walk(node: yaml.Node, record: str | None) -> None:
        if isinstance(node, yaml.MappingNode):
            keys = {key.value: (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}
            if "id" in keys and isinstance(keys["id"][1], yaml.ScalarNode):
                record = keys["id"][1].value
            zh, en = keys.get("zh"), keys.get("en")
            if (
                zh is not None and en is not None
                and isinstance(zh[1], yaml.ScalarNode) and isinstance(en[1], yaml.ScalarNode)
                and (skip is None or record != skip)
            ):  # fmt: skip
                copied = json.dumps(zh[1].value, ensure_ascii=False)
                end = en[1].end_mark.index
                if node.flow_style:
                    insertions.append((end, f", ja: {copied}"))
                else:
                    indent = " " * en[0].start_mark.column
                    at_line_start = end > 0 and text[end - 1] == "\n"  # a block scalar ends so
                    insertions.append(
                        (end, f"{indent}ja: {copied}\n" if at_line_start else f"\n{indent}ja: {copied}")
                    )
            for _, value in node.value:
                walk(value, record)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, record)

    tree = yaml.compose(text, Loader=yaml.SafeLoader)
    assert tree is not None
    walk(tree, None)
    for at, insertion in sorted(insertions, reverse=True):
        text = text[:at] + insertion + text[at:]
    return text


def etown_from(code: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.run(
        [sys.executable, "-m", "etown", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


@pytest.fixture
def japanese(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the project and of etown's code, and the digests of both before any change."""
    project = copy_project(tmp_path / "project")
    code = tmp_path / "code"
    shutil.copytree(Path(etown.__file__).parent, code / "etown", ignore=shutil.ignore_patterns("__pycache__"))
    before = {**digests(project), **{f"src/{name}": value for name, value in digests(code).items()}}
    languages = code / "etown" / "languages.py"
    table = languages.read_text(encoding="utf-8")
    assert table.count(TABLE_END) == 1, "the language table's end moved: update TABLE_END"
    languages.write_text(table.replace(TABLE_END, JAPANESE_ROW + TABLE_END), encoding="utf-8")
    strings = project / "templates" / "strings.yaml"
    strings.write_text(add_japanese(strings.read_text(encoding="utf-8")), encoding="utf-8")
    config = project / "etown.toml"
    config.write_text(
        re.sub(
            r'(?m)^zh = "(.*)"$',
            lambda line: f'{line.group(0)}\nja = "{line.group(1)}"',
            config.read_text("utf-8"),
        ),
        encoding="utf-8",
    )
    for path in sorted((project / "data").glob("*.yaml")):
        if path.name == "terms.yaml":  # official English names, not texts: a term has no Japanese
            continue
        skip = LEFT_UNTRANSLATED[1] if path.relative_to(project).as_posix() == LEFT_UNTRANSLATED[0] else None
        path.write_text(add_japanese(path.read_text(encoding="utf-8"), skip), encoding="utf-8")
    return project, code, before


@pytest.mark.slow  # etown in processes of its own, over a copy of its code
def test_a_fourth_language_touches_its_row_strings_config_and_data_and_builds(
    japanese: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    project, code, before = japanese

    checked = etown_from(code, "check", "--root", str(project))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    missing = [line for line in checked.stderr.splitlines() if "translation is missing" in line]
    assert len(missing) == 1, checked.stderr
    assert re.match(
        r"data/history\.yaml:\d+:\d+: events\[\d+\]\.text\.ja: the Japanese translation is missing "
        r"\(the Chinese is: 北京经济技术开发区开工建设。\)$",
        missing[0],
    ), missing[0]

    original = (REPO / LEFT_UNTRANSLATED[0]).read_text(encoding="utf-8")
    (project / LEFT_UNTRANSLATED[0]).write_text(add_japanese(original), encoding="utf-8")

    out = tmp_path / "site"
    built = etown_from(code, "build", "--root", str(project), "--out", str(out), "--no-pdf", "--no-search")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "in 4 languages" in built.stdout, built.stdout
    assert re.search(
        r"data/translations\.lock:1:1: warning: \d+ Japanese texts are new or edited since the fingerprints "
        r"were written \(the first: data/\S+\.yaml:\d+:\d+ \S+\.ja\); run `etown translations update`",
        built.stderr,
    ), built.stderr
    assert "English texts are new" not in built.stderr  # the English stay recorded
    page = (out / "ja" / "history.html").read_text(encoding="utf-8")
    assert '<html lang="ja"' in page
    assert "北京经济技术开发区开工建设。" in page
    assert '<span lang="zh-Hans">北京经济技术开发区开工建设' not in page  # kanji are the page's script
    assert (out / "cite" / "ja" / "site.bib").is_file()
    root_page = (out / "index.html").read_text(encoding="utf-8")
    assert '<span class="subtitle" lang="ja">' in root_page

    po = tmp_path / "ja.po"
    exported = etown_from(code, "translations", "export", "--language", "ja", str(po), "--root", str(project))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert re.match(r"etown: wrote [1-9]\d* texts to .*ja\.po", exported.stdout), exported.stdout
    assert '"Language: ja\\n"' in po.read_text(encoding="utf-8")
    catalogue = polib.pofile(str(po))
    entry = next(entry for entry in catalogue if entry.msgid == "北京经济技术开发区开工建设。")
    entry.msgstr = "北京経済技術開発区の建設が始まった。"
    catalogue.save()
    imported = etown_from(code, "translations", "import", "--language", "ja", str(po), "--root", str(project))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "1 Japanese text(s) changed in 1 file(s)" in imported.stdout, imported.stdout
    history = (project / LEFT_UNTRANSLATED[0]).read_text(encoding="utf-8")
    assert 'ja: "北京経済技術開発区の建設が始まった。"' in history  # in place, in the scalar's own style

    after = {**digests(project), **{f"src/{name}": value for name, value in digests(code).items()}}
    touched = sorted(name for name in after.keys() | before.keys() if after.get(name) != before.get(name))
    assert [name for name in touched if not name.startswith("data/")] == [
        "etown.toml", "src/etown/languages.py", "templates/strings.yaml",
    ]  # fmt: skip
    assert "data/history.yaml" in touched
