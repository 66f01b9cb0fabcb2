"""Each data file's loaded and checked state, kept between runs for the exact bytes it was made of.

Reading a data file and checking it on its own (schema, quotes, values in their quotes, wording
in quotes) is a pure function of its bytes, the seed's text and etown's code, and most runs of
``etown build`` or ``etown check`` follow an edit to one file, or to none. So the state of every
file that passed those checks is kept, pickled, in the user's cache folder (see ``etown.cache``),
named by a digest of all three; the next run unpickles it (a few milliseconds) instead of
parsing and checking the file again (a tenth of a second for the real data, most of a second at
ten times its size). The checks across files always run, but the wording check of a file (its
terms and house style), which reads only the file and the terms, is kept the same way, named by
both. A file with an error is never kept: its
problems name the closest passages of the seed within a budget the whole run shares, and it is
the file being edited anyway. An entry that cannot be read, or is not whole, is made again.

Pickle, because the state is the models and records the checks made, references between them
included; the entries are etown's own, in the user's own folder, as Jinja's compiled templates are.
"""

import pickle
from typing import Any

from etown.cache import cache_folder, read_entry, trim, write_entry
from etown.check_cache import digest_of, running_code

FORMAT = "etown-kept-state-1"
KIND = "state"
WORDING = "wording"
"""Where each file's wording findings are kept, beside its state."""
KEPT = 400
"""Entries kept: the 13 data files of a few projects, a few versions of each."""
KEPT_BYTES = 512 * 2**20
"""And no more than this in all (the real data's states take about 0.6 MB)."""


def state_key(name: str, content_digest: str, seed_digest: str) -> str | None:
    """The name of the kept state of data file ``name`` whose bytes have the SHA-256
    ``content_digest``, checked against the seed whose bytes have ``seed_digest``; None when
    etown's code cannot be read to make it, or the seed has no digest."""
    code = running_code()
    if code is None or not seed_digest:
        return None
    return digest_of(FORMAT, code, name, content_digest, seed_digest)


def wording_key(file_key: str, terms_key: str) -> str:
    """The name of a file's wording findings: they depend on the file and the terms alone."""
    return digest_of("wording", file_key, terms_key)


def recall(key: str, kind: str = KIND) -> Any | None:
    """The state (or, of ``kind`` WORDING, the findings) kept under ``key``, or None."""
    content = read_entry(cache_folder(kind) / f"{key}.pickle")
    if content is None:
        return None
    try:
        return pickle.loads(content)
    except Exception:  # an entry of another version's classes, or not a state at all: made again
        return None


def remember(states: dict[str, object], kind: str = KIND) -> None:
    """Keep each state under its key; a state that cannot be pickled or written costs time only."""
    if not states:
        return
    folder = cache_folder(kind)
    for key, state in states.items():
        try:
            content = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            continue
        write_entry(folder / f"{key}.pickle", content)
    trim(folder, "*.pickle", KEPT, KEPT_BYTES)
