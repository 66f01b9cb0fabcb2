"""What a long build or check is doing, on one line of a terminal.

The pipeline reports its stages to a callable (``Progress``); the command line passes a
``TerminalProgress`` when stderr is a terminal, and nothing otherwise, so that a log or a pipe
still gets the one summary line. Quick runs show nothing: the line appears only once a run has
taken longer than ``QUIET_SECONDS``, and is wiped before the summary is printed.
"""

import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, int, int], None]
"""Called with a stage's name and, where the stage counts files, how many are done of how many
(0 of 0 otherwise)."""

QUIET_SECONDS = 2.0
_REDRAW_SECONDS = 0.1


def silent(stage: str, done: int, total: int) -> None:
    """No progress shown: the default, and what a log or a pipe gets."""


class TerminalProgress:
    """Redraws one status line on a terminal (``\\r`` and erase-line), at most ten times a second."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._drawn_at: float | None = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        new_stage = stage != self._stage
        self._stage = stage
        if now - self._started < QUIET_SECONDS:
            return
        if (
            not new_stage
            and self._drawn_at is not None
            and now - self._drawn_at < _REDRAW_SECONDS
            and done < total
        ):
            return
        count = f" {done}/{total}" if total else ""
        self._stream.write(f"\r\x1b[Ketown: {stage}{count} ({now - self._started:.0f} s)")
        self._stream.flush()
        self._drawn_at = now

    def close(self) -> None:
        """Wipe the line, if one was drawn, so that what is printed next starts clean."""
        if self._drawn_at is not None:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn_at = None
