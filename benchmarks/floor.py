"""The floor: the least work that turns data/*.yaml into the same site, to measure etown against.

libyaml's C loader, then etown's own renderer (one Jinja2 environment, the same templates, the
same context and formatting), then the files written straight into the output folder. What it
leaves out is what etown adds on top: the strict loader and its source positions, validation
(pydantic, the seed's provenance, the cross-checks) and the staging folder. pydantic is never
imported: the two modules that need it, etown.schema and etown.validate, are replaced by
stand-ins before etown.render is imported, and the records are plain mappings read as objects.

The pages come out byte for byte as etown writes them (run.py checks); the open data's JSON
differs, since without the schema there are no defaults to fill in and no field order to follow.

    python benchmarks/floor.py ROOT OUT
"""

import dataclasses
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

DATE_FIELDS = {"date", "as_of"}
LIST_FIELDS = {"notes", "passages", "facts"}
"""Optional lists: absent in the YAML, empty for the templates."""


class TextLoader(yaml.CSafeLoader):
    """libyaml's C safe loader with YAML 1.1's implicit typing off, so 010 stays 010, not 8
    (etown reads every scalar as the text it was written as, too)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012


class Record(dict[str, Any]):
    """A mapping read as an object, the way the templates and etown's helpers read its models:
    a field the YAML leaves out reads as None, or as an empty list, like a model's default."""

    def __getattr__(self, name: str) -> Any:
        if name in self:
            return self[name]
        if name.startswith("__"):
            raise AttributeError(name)
        return [] if name in LIST_FIELDS else None

    def model_dump(self, mode: str = "json") -> Any:
        return _plain(self)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    return node if isinstance(node, str) else str(node)


class PartialDate:
    """YYYY, YYYY-MM or YYYY-MM-DD, read without checking that the date exists."""

    def __init__(self, text: str) -> None:
        self.year, self.month, self.day = ([int(part) for part in text.split("-")] + [0, 0])[:3]
        self.precision = "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{part:02d}" for part in (self.month, self.day) if part]
        return "-".join(parts)


def typed(node: Any, key: str = "") -> Any:
    """The loaded YAML with the types the templates expect: records, Decimals, dates, text."""
    if isinstance(node, dict):
        record = Record((name, typed(value, name)) for name, value in node.items())
        if "unit" in record:  # a quantity
            record["value"] = Decimal(record["value"])
        return record
    if isinstance(node, list):
        return [typed(item) for item in node]
    return PartialDate(node.strip()) if key in DATE_FIELDS else node.strip()


def load(path: Path) -> Any:
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=TextLoader)


def stand_in(name: str, **members: Any) -> None:
    """A module that hands out Record for any name it is asked for, and ``members`` as given."""
    module = types.ModuleType(name)
    module.__dict__.update(members)
    module.__getattr__ = lambda attribute: Record  # type: ignore[method-assign]
    sys.modules[name] = module


def build(root: Path, out: Path) -> int:
    sections = {path.stem: typed(load(path)) for path in sorted((root / "data").glob("*.yaml"))}
    site_data = dataclasses.make_dataclass("SiteData", list(sections))
    stand_in("etown.schema", PartialDate=PartialDate)
    stand_in("etown.validate", SiteData=site_data)

    from etown.config import read_config
    from etown.render import SiteRenderer

    seed = next((root / "seeds").glob("*.txt")).relative_to(root).as_posix()
    renderer = SiteRenderer(root / "templates", read_config(root), seed)
    outputs = renderer.render(site_data(**sections))
    for output in outputs:
        target = out / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)
    return len(outputs)


if __name__ == "__main__":
    root, out = (Path(argument) for argument in sys.argv[1:3])
    print(f"floor: wrote {build(root, out)} files to {out}")
