"""What is known of the seed: ``seeds/NAME.meta.yaml``, read strictly, like every file etown reads.

The file records the seed's SHA-256, the day its copy was taken, its title and URL where they are
known, and the editions it replaced (kept under ``seeds/editions/``). The pipeline reads it once per
run, with the seed, and hands it to every stage through its context: ``etown check`` verifies the
SHA-256 (an edited seed cannot slip through), citations and the PDFs take the title and the dates
from it, and the seed commands (``etown seed``) read and write it by the same rules.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, ValidationError

from etown.load import LoadedFile, PathKey, load_file
from etown.problems import DataError, Problem, errors_only, field_path, shorten
from etown.schema import Model, NonEmptyText

META_SUFFIX = ".meta.yaml"
EDITIONS_FOLDER = "editions"
"""Inside seeds/: the earlier editions, each named after the day it was taken and its SHA-256."""

# --- what is known of an edition ---------------------------------------------------------------


def _iso_date(raw: object) -> date:
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("a date is written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a real date") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/?#@]+([/?#]\S*)?$")]
OneLine = Annotated[NonEmptyText, StringConstraints(pattern=r"^[^\n]*$")]
"""A text that goes into citation files, where every field is one line (RIS tags each line)."""


class EditionFields(Model):
    file: NonEmptyText
    """Relative to seeds/."""
    sha256: Sha256
    title: OneLine | None = None
    """The document's own title, as it gives it."""
    taken: IsoDate
    """The day this copy was taken (see ``taken_note`` for what that date really is)."""
    taken_note: OneLine | None = None
    url: Url | None = None
    """Only where it is known; never guessed."""
    published: OneLine = "unknown"


class _EarlierEdition(EditionFields):
    replaced: IsoDate
    """The day a later edition was adopted in its place."""


class MetadataFile(EditionFields):
    editions: list[_EarlierEdition] = Field(default_factory=list)
    """Earlier editions, the latest first."""


@dataclass(frozen=True)
class Edition:
    """One edition of the source document."""

    file: str
    """Relative to seeds/: ``000_….txt`` for the current edition, ``editions/….txt`` for earlier ones."""
    sha256: str
    taken: date
    taken_note: str | None = None
    url: str | None = None
    published: str = "unknown"
    replaced: date | None = None
    """When a later edition took its place (None for the current edition)."""
    title: str | None = None
    """The document's own title (北京经济技术开发区介绍)."""

    @property
    def path(self) -> str:
        return f"seeds/{self.file}"

    @property
    def published_date(self) -> date | None:
        """The day the source was published, where ``published`` gives one (YYYY-MM-DD), else
        None: "the page is undated" and "unknown" say that no date is known."""
        written = self.published.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
            return None
        try:
            return date.fromisoformat(written)
        except ValueError:
            return None


@dataclass(frozen=True)
class SeedMetadata:
    """The current edition and the earlier ones, latest first."""

    current: Edition
    earlier: tuple[Edition, ...] = ()
    display_path: str = ""

    @property
    def editions(self) -> tuple[Edition, ...]:
        """Every edition, the current one first."""
        return (self.current, *self.earlier)


def metadata_path(seed_path: Path) -> Path:
    """``seeds/000_x.txt`` → ``seeds/000_x.meta.yaml``."""
    return seed_path.with_name(seed_path.stem + META_SUFFIX)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def current_seed_path(root: Path) -> Path | None:
    folder = root / "seeds"
    seeds = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    return seeds[0] if len(seeds) == 1 else None


def load_seed_metadata(root: Path) -> tuple[SeedMetadata | None, list[Problem]]:
    """The seed's metadata and every problem with it (none when all is well).

    A missing file is a warning (a project may not track editions); a file that does not match
    the seed, an unreadable one or an earlier edition that is not where it says are errors."""
    seed_path = current_seed_path(root)
    if seed_path is None:  # read_seed says why
        return None, []
    meta_path = metadata_path(seed_path)
    problems = [_stray_metadata(root, path) for path in _metadata_files(root) if path != meta_path]
    display = meta_path.relative_to(root).as_posix()
    if not meta_path.exists():
        problems.append(
            Problem(
                display, 1, 1, "",
                f"{seed_path.name} has no metadata: record when it was taken with "
                "`etown seed record --taken YYYY-MM-DD` (and its URL with --url, if it is known)",
                severity="warning",
            )
        )  # fmt: skip
        return None, problems
    metadata, file_problems = checked_metadata(root, seed_path)
    return metadata, problems + file_problems


def checked_metadata(
    root: Path, seed_path: Path, content: bytes | None = None, pending: dict[str, str] | None = None
) -> tuple[SeedMetadata | None, list[Problem]]:
    """The metadata file beside ``seed_path`` (or ``content``, what a command is about to write
    there), read and checked as ``etown check`` does: ``pending`` names the files the command
    writes with it (relative to seeds/, with their SHA-256), the seed among them."""
    meta_path = metadata_path(seed_path)
    display = meta_path.relative_to(root).as_posix()
    loaded, problems = load_file(meta_path, display, "seed metadata", meta_path.parent, content)
    if loaded is None:
        return None, problems
    try:
        model = MetadataFile.model_validate(loaded.data)
    except ValidationError as error:
        problems += [field_problem(loaded, detail) for detail in error.errors(include_url=False)]
        return None, problems
    metadata = metadata_of(model, display)
    problems += list(_integrity_problems(root, loaded, metadata, seed_path, pending or {}))
    return metadata, problems


def read_seed_metadata(root: Path) -> SeedMetadata:
    """The seed's metadata, for pages and tools (the About page, citations, the PDF's date).

    Raises DataError, with the problems, when it is missing or does not match the seed."""
    metadata, problems = load_seed_metadata(root)
    errors = errors_only(problems)
    if metadata is None or errors:
        raise DataError("the seed's metadata is missing or wrong", problems)
    return metadata


def _metadata_files(root: Path) -> list[Path]:
    folder = root / "seeds"
    return sorted(folder.glob("*" + META_SUFFIX)) if folder.is_dir() else []


def _stray_metadata(root: Path, path: Path) -> Problem:
    return Problem(
        path.relative_to(root).as_posix(), 1, 1, "",
        "metadata of a seed that is not in seeds/; the seed is replaced with `etown seed adopt`, "
        "which keeps its metadata in step (delete this file if it is left over)",
    )  # fmt: skip


def metadata_of(model: MetadataFile, display: str) -> SeedMetadata:
    def edition(fields: EditionFields, replaced: date | None) -> Edition:
        return Edition(
            fields.file,
            fields.sha256,
            fields.taken,
            fields.taken_note,
            fields.url,
            fields.published,
            replaced,
            fields.title,
        )

    earlier = tuple(edition(item, item.replaced) for item in model.editions)
    return SeedMetadata(edition(model, None), earlier, display)


def _integrity_problems(
    root: Path, loaded: LoadedFile, metadata: SeedMetadata, seed_path: Path, pending: dict[str, str]
) -> Iterator[Problem]:
    at = loaded.problem_at

    def sha_of(path: Path) -> str:
        relative = path.relative_to(root / "seeds").as_posix()
        return pending[relative] if relative in pending else sha256_of(path)

    current = metadata.current
    if current.file != seed_path.name:
        yield at(("file",), f"names {current.file}, but the seed is {seed_path.name}")
    actual = sha_of(seed_path)
    if actual != current.sha256:
        yield at(
            ("sha256",),
            f"seeds/{seed_path.name} has changed since this edition was recorded (its SHA-256 is now "
            f"{actual[:12]}…, recorded {current.sha256[:12]}…); the seed is never edited: restore it "
            "(git checkout seeds/), or take a new edition in with `etown seed diff` and `etown seed adopt`",
        )
    for index, edition in enumerate(metadata.earlier):
        path = root / "seeds" / edition.file
        inside = path.resolve().is_relative_to((root / "seeds" / EDITIONS_FOLDER).resolve())
        if not inside:
            yield at(("editions", index, "file"), f"an earlier edition is kept in seeds/{EDITIONS_FOLDER}/")
        elif edition.file not in pending and not path.is_file():
            yield at(("editions", index, "file"), f"{edition.path} is missing")
        elif sha_of(path) != edition.sha256:
            yield at(("editions", index, "sha256"), f"{edition.path} does not match its recorded SHA-256")


_ONE_LINE = "it is written on one line (citation files give each field one line)"
_FIELD_WORDS = {
    "sha256": "a SHA-256 is written as 64 lower-case hexadecimal digits",
    "url": "a URL starts with https:// or http://, names a host, and holds no spaces",
    "title": _ONE_LINE,
    "taken_note": _ONE_LINE,
    "published": _ONE_LINE,
}


def field_problem(loaded: LoadedFile, detail: Any) -> Problem:
    path: PathKey = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        line, column = loaded.source_map.locate(path[:-1])
        message = f"the required field {path[-1]!r} is missing"
    else:
        line, column = loaded.source_map.locate(path, at_key=kind == "extra_forbidden")
        if kind == "extra_forbidden":
            allowed = ", ".join(
                _EarlierEdition.model_fields if "editions" in path else MetadataFile.model_fields
            )
            message = f"unknown field {str(path[-1])!r} (the fields are: {allowed})"
        else:
            message = value_message(str(path[-1]) if path else "", detail)
    return Problem(loaded.display_path, line, column, field_path(path), message)


def value_message(name: str, detail: Any) -> str:
    """What is wrong with the value of the field ``name``, in plain words."""
    kind = detail["type"]
    if kind == "string_pattern_mismatch":
        wording = _FIELD_WORDS.get(name, "the value is not written as expected")
        return f"{wording} (got: {shorten(detail['input'])})"
    if kind == "string_too_short":
        return "the value is empty"
    return str(detail["msg"]).removeprefix("Value error, ")
