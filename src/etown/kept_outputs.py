"""Each output file as a run made it, kept between runs for the exact inputs it was made from.

A page, a table or a citation file is made from the project's settings, templates and seed, and
from the data sections it reads, which the pipeline records while it renders (``etown serve``
re-renders after an edit exactly the files that read the edited section). So each file that was
made without a problem is kept in the user's cache folder (see ``etown.cache``), named by a
digest of everything else the project holds, etown's code, the options, the file's path and the
bytes of each section it read; the section names it read are kept for the next run under the
project's digest. The next ``etown build`` or ``etown check`` takes every file whose inputs are
unchanged from here and renders only the rest: after an edit to one section, the files that
read it. The kept files are the bytes a render would make; the golden trees and the tests
compare them with a fresh render.
"""

import contextlib
import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from etown.cache import cache_folder, read_entry, trim, write_entry
from etown.check_cache import digest_of, project_digest, running_code

FORMAT = "etown-kept-output-1"
KIND = "outputs"
KEPT = 4_000
"""Files kept: every file of the site (about 150), several versions of each page, a few projects."""
KEPT_BYTES = 512 * 2**20
"""And no more than this in all: the real site is 2 MB of files, a site at etown's limits on its
data files (2 MB each) about 40 MB; a larger one keeps what fits, the most recent first."""
READS_KEPT = 64


def project_key(root: Path, sections: Collection[str], options: object) -> str | None:
    """A digest of everything an output file can depend on besides the data sections it reads:
    etown's code, the options, the environment, and every file of the project that is not the
    file of a data section (the seed, the templates, etown.toml, the translations' fingerprints,
    the conversion corrections). None when it cannot be made (see ``etown.check_cache``)."""
    section_files = {f"data/{name}.yaml" for name in sections}
    return project_digest(root, running_code(), FORMAT, repr(options), stand_ins=section_files)


def section_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def output_key(project: str, path: str, reads: Collection[str], sections: Mapping[str, str]) -> str | None:
    """The name of output file ``path`` made from the sections ``reads`` (with the digests of
    their bytes in ``sections``), or None when one of them was not read this run."""
    if not all(name in sections for name in reads):
        return None
    return digest_of(project, path, *(f"{name}={sections[name]}" for name in sorted(reads)))


class KeptOutputs:
    """What one run of one project takes from the kept output files, and adds to them.

    ``project`` is the project's key as the run started to read it (None: nothing is kept),
    ``sections`` the digest of each data section's bytes as the run read them."""

    def __init__(self, project: str | None, sections: Mapping[str, str]) -> None:
        self.project = project
        self.sections = sections
        self._reads_of = _recall_reads(project) if project is not None else {}
        self._kept: list[str] = []

    def recall(self, path: str) -> tuple[bytes, frozenset[str]] | None:
        """Output file ``path`` as a run of the same inputs made it, and the sections it read."""
        reads = self._reads_of.get(path)
        key = self._key(path, reads) if reads is not None else None
        content = read_entry(cache_folder(KIND) / f"{key}.out") if key is not None else None
        return (content, reads) if content is not None and reads is not None else None

    def keep(self, path: str, reads: frozenset[str], content: bytes) -> None:
        """Keep one file as soon as it is made (a large site is not held whole); a cache that
        cannot be written costs time only."""
        key = self._key(path, reads)
        if key is not None:
            write_entry(cache_folder(KIND) / f"{key}.out", content)
            self._kept.append(key)

    def close(self, reads: Mapping[str, frozenset[str]], project_now: Callable[[], str | None]) -> None:
        """Keep what each file read (``reads``), unless the project changed while the run read it
        (``project_now`` takes its key again): then what was made may mix the old and the new,
        and what this run kept is let go."""
        if not self._kept or self.project is None:
            return
        folder = cache_folder(KIND)
        if project_now() != self.project:
            for key in self._kept:
                with contextlib.suppress(OSError):
                    (folder / f"{key}.out").unlink()
            return
        content = json.dumps({path: sorted(names) for path, names in sorted(reads.items())}).encode()
        write_entry(folder / f"{self.project}.reads.json", content)
        with contextlib.suppress(OSError):
            trim(folder, "*.reads.json", READS_KEPT)
            trim(folder, "*.out", KEPT, KEPT_BYTES)

    def _key(self, path: str, reads: Collection[str]) -> str | None:
        return output_key(self.project, path, reads, self.sections) if self.project is not None else None


def _recall_reads(project: str) -> dict[str, frozenset[str]]:
    """Which sections each output file read when the last run of this project made it."""
    content = read_entry(cache_folder(KIND) / f"{project}.reads.json")
    try:
        kept = json.loads(content or b"{}")
        return {str(path): frozenset(map(str, names)) for path, names in kept.items()}
    except (ValueError, TypeError, AttributeError):
        return {}
