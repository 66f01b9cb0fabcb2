"""The one registry of data sections: which files ``data/`` holds and the model each must match.

Everything else is derived from it: what the loader reads, what validation checks, the open
data's JSON files, the editors' JSON Schemas, and (by recording what each output reads while it
is rendered) what an edit to a file must rebuild.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from etown.records import RecordIndex
from etown.schema import (
    CoverageFile,
    DivisionsFile,
    EconomyFile,
    FactsFile,
    Flag,
    HistoryFile,
    InstitutionsFile,
    LeadershipFile,
    NotesFile,
    OverviewFile,
    SocietyFile,
    SourceNote,
    TermsFile,
    VisionFile,
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Section(Generic[M]):
    name: str
    """The file ``data/NAME.yaml`` and the key under which pages reach its model: ``data.NAME``."""
    model: type[M]

    @property
    def path(self) -> str:
        return f"data/{self.name}.yaml"


OVERVIEW = Section("overview", OverviewFile)
HISTORY = Section("history", HistoryFile)
DIVISIONS = Section("divisions", DivisionsFile)
ECOLOGY = Section("ecology", FactsFile)
POPULATION = Section("population", FactsFile)
LEADERSHIP = Section("leadership", LeadershipFile)
INSTITUTIONS = Section("institutions", InstitutionsFile)
ECONOMY = Section("economy", EconomyFile)
SOCIETY = Section("society", SocietyFile)
VISION = Section("vision", VisionFile)
NOTES = Section("notes", NotesFile)
TERMS = Section("terms", TermsFile)
COVERAGE = Section("coverage", CoverageFile)

SECTIONS: tuple[Section[Any], ...] = (
    OVERVIEW, HISTORY, DIVISIONS, ECOLOGY, POPULATION, LEADERSHIP, INSTITUTIONS, ECONOMY, SOCIETY, VISION,
    NOTES, TERMS, COVERAGE,
)  # fmt: skip
"""Every data file, in the order open data and messages list them."""

SECTION_NAMES = tuple(section.name for section in SECTIONS)


def section_named(name: str) -> Section[Any] | None:
    return next((section for section in SECTIONS if section.name == name), None)


class SiteData:
    """The checked models of every section. Templates reach a section as ``data.economy``, code
    as ``data[ECONOMY]``; a recording view notes each section it hands out, so the pipeline learns
    which sections every output file is made from."""

    def __init__(
        self,
        models: Mapping[str, BaseModel],
        reads: set[str] | None = None,
        index: "RecordIndex | None" = None,
    ) -> None:
        self._models = dict(models)
        self._reads = reads
        self._index = index if index is not None else RecordIndex(self._models)

    def notes_of(self, record: object) -> list[SourceNote]:
        """The notes touching a record (reading the notes section)."""
        self._model(NOTES.name)
        return self._index.notes(record)

    def flags_of(self, record: object) -> list[Flag]:
        self._model(NOTES.name)
        return self._index.flags(record)

    def flag_notes(self, record: object) -> list[tuple[Flag, SourceNote]]:
        """The notes that give a record its flags, with the flag each gives (reading the notes)."""
        self._model(NOTES.name)
        return self._index.flag_notes(record)

    @property
    def index(self) -> "RecordIndex":
        """Every record and its notes (not recorded as a read: whoever walks it reads all)."""
        return self._index

    def ref_of(self, record: object) -> str | None:
        return self._index.ref(record)

    def record(self, ref: str) -> BaseModel:
        """The record named ``ref`` (reading its section)."""
        found = self._index.record(ref)
        self._model(found.section)
        return found.model

    def __getitem__(self, section: Section[M]) -> M:
        model = self._model(section.name)
        assert isinstance(model, section.model)
        return model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._models:
            raise AttributeError(f"no data section named {name!r}")
        return self._model(name)

    def _model(self, name: str) -> BaseModel:
        if self._reads is not None:
            self._reads.add(name)
        return self._models[name]

    def items(self) -> Iterator[tuple[str, BaseModel]]:
        """Every section by name (recorded as read: whoever walks them all depends on all)."""
        for name in self._models:
            yield name, self._model(name)

    def recording(self, reads: set[str]) -> "SiteData":
        """The same data, noting into ``reads`` the name of each section handed out."""
        return SiteData(self._models, reads, self._index)


SCHEMA_FOLDER = "data/schema"
"""Where ``etown schema`` writes one JSON Schema per data file, for editors to validate against
(each data file starts with ``# yaml-language-server: $schema=schema/NAME.schema.json``)."""


def json_schema_text(section: Section[Any]) -> str:
    import json

    schema = section.model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"etown {section.path}"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
