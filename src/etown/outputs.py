"""The shape every output takes: a producer promises targets, and each target makes one file's
bytes from the site's data when the pipeline asks for it.

A target is handed a recording view of the data, so the pipeline learns which data sections each
file is made from; what an edit must rebuild is derived from that, never listed by hand.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from etown.config import SiteConfig
from etown.convert import Conversions
from etown.problems import Problem
from etown.provenance import Seed
from etown.sections import SiteData
from etown.seed_metadata import SeedMetadata
from etown.sourcedoc import SourceDocument

if TYPE_CHECKING:
    from etown.render import Renderer

STYLESHEET_SOURCE = "assets/style.css"
"""Inside templates/."""


@dataclass(frozen=True)
class OutputFile:
    path: str
    """Relative to the site root, with forward slashes."""
    content: bytes


@dataclass(frozen=True)
class Target:
    path: str
    make: Callable[[SiteData], bytes]
    expensive: bool = False
    """Takes seconds to make (a PDF): only a full build makes it; ``etown check`` and the
    preview's updates after a data edit skip it."""


@dataclass
class Context:
    """What producers may use besides the data: the project, its configuration, its seed and
    what is known of it, the renderer (templates and the interface's words)."""

    root: Path
    config: SiteConfig
    seed: Seed
    renderer: "Renderer"
    stylesheet_bytes: bytes
    conversions: Conversions
    seed_metadata: SeedMetadata | None = None
    """What ``seeds/NAME.meta.yaml`` records of the seed (None where the file is missing or
    wrong: check reports it, and nothing that cites the seed is made)."""
    makes_pdf: bool = True
    """Whether this run makes the PDF fact sheets (``etown build --no-pdf`` and the preview do
    not): the pages link a PDF only where one is made."""

    @cached_property
    def source_document(self) -> SourceDocument:
        return SourceDocument(self.seed)

    @cached_property
    def stylesheet_path(self) -> str:
        digest = hashlib.sha256(self.stylesheet_bytes).hexdigest()[:10]
        return f"assets/style.{digest}.css"


class Producer(Protocol):
    """One kind of output (pages, assets, sitemap, open data …), registered in
    ``etown.producers.PRODUCERS``."""

    name: str

    def targets(self, context: Context) -> Iterable[Target]: ...


@runtime_checkable
class Finisher(Protocol):
    """A producer that also works on the written site, after every target is on disk and
    before the site is published (a search index made from the pages): it may add files to
    ``folder`` and returns the problems it met."""

    stage: str
    """What it does, as a long build shows it on a terminal ("making the search index")."""

    def finish(self, context: Context, folder: Path) -> "list[Problem]": ...
