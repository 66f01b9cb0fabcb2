"""The Hugo port of the site (bench/hugo-port), scaled the way synthetic.py scales etown's data.

    python benchmarks/hugoport.py PORT TARGET FACTOR

The port renders a frozen copy of etown's data with Hugo templates; run.py builds it beside
etown. For a scale run it needs the same growth: every record list of the port's data files is
repeated FACTOR times by synthetic.multiplied, so its copies get the same ``-xN`` ids, the same
references and the same ``(copy …)`` prose as etown's (Hugo checks none of it, but distinct ids
and text keep every copy a page element of its own, as in etown's build). The port's interface
files (site.yaml: its pages and languages; strings.yaml; units.yaml) are not records and are
kept once. Layouts, content, assets and the configuration are copied unchanged.

Every scalar is written back as it was written, so that Hugo reads the copy as it reads the port:
plain text stays plain (Hugo decides that 010 is 8 and 08 is "08"), quoted text stays quoted. A
×1 copy builds the port's own output byte for byte.
"""

import shutil
import sys
from pathlib import Path
from typing import Any

import synthetic
import yaml

KEPT = {"site.yaml", "strings.yaml", "units.yaml"}
"""The port's interface files: not records, so not multiplied."""
HUGO_OUTPUT = {"public", "resources", ".hugo_build.lock"}


class _Quoted(str):
    """Text that was quoted in the port's YAML: written back quoted."""


class _Loader(yaml.CSafeLoader):
    """Every scalar as text (Hugo decides its type), quoted text marked as such."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012


class _Dumper(yaml.CSafeDumper):
    """With no implicit types, any text may be written plain, as it was read."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    text = loader.construct_scalar(node)
    return _Quoted(text) if node.style in {"'", '"'} else text


def _represent_quoted(dumper: _Dumper, text: _Quoted) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style='"')


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_Dumper.add_representer(_Quoted, _represent_quoted)


def read_as_written(path: Path) -> Any:
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=_Loader)


def dump_as_written(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)


def make_port(port: Path, target: Path, factor: int) -> int:
    """Write the port with its data multiplied into ``target``; return its record count."""
    target.mkdir(parents=True)
    for entry in port.iterdir():
        if entry.name in HUGO_OUTPUT or entry.name == "data":
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name)
        else:
            shutil.copy2(entry, target / entry.name)
    (target / "data").mkdir()
    records = 0
    for path in sorted((port / "data").glob("*.yaml")):
        if path.name in KEPT:
            shutil.copy2(path, target / "data" / path.name)
            continue
        data = synthetic.multiplied(read_as_written(path), factor)
        records += synthetic.count_records(data)
        (target / "data" / path.name).write_text(dump_as_written(data), encoding="utf-8")
    for copied in target.rglob("*"):  # the port is read-only; its copy is deleted afterwards
        copied.chmod(copied.stat().st_mode | 0o200)
    return records


if __name__ == "__main__":
    port, target, factor = sys.argv[1:4]
    print(make_port(Path(port), Path(target), int(factor)))
