"""Rendering in forked processes: results in order, and workers that never outlive the build.

multiprocessing's Pool was used until it showed what it does not promise: three threads of its
own in the parent (a worker that dies is replaced by a fork from one of them, and Python 3.12
warns of forks from threaded processes), a traceback from every worker on Ctrl+C, a
BrokenPipeError traceback from every worker whose parent was killed, and once a worker left
running with no parent. Here the parent forks its workers from its only thread and talks to
each over a pair of pipes; a worker ignores Ctrl+C (the parent stops it), leaves quietly on
SIGTERM (cleaning up as it unwinds), is killed by the kernel when its parent dies, and never
returns into the parent's code: it ends with ``os._exit``.
"""

import contextlib
import ctypes
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any

from etown.problems import EtownError

STOP_SECONDS = 2.0
"""How long stopped workers get to clean up (a temporary file) before they are killed."""
_PR_SET_PDEATHSIG = 1


def threads_running() -> int:
    """Threads of this process, the operating system's count (C libraries' threads included),
    where it can be read; else Python's."""
    with contextlib.suppress(OSError):
        return len(os.listdir("/proc/self/task"))
    import threading

    return threading.active_count()


def can_fork() -> bool:
    """Forking is safe only on Linux (macOS's system libraries are not fork-safe; Windows cannot
    fork) and only while this process runs no other thread: the child would hold copies of
    locks that no thread of it will ever release."""
    return sys.platform == "linux" and threads_running() == 1


def forked_map(function: Callable[[int], Any], items: Sequence[int], workers: int) -> Iterator[Any]:
    """``function(item)`` for each item, in order, made by ``workers`` forked copies of this
    process (each starts with all this process holds, nothing pickled); in this process when
    it cannot fork safely. ``function`` reports its own failures in what it returns."""
    if workers <= 1 or len(items) <= 1 or not can_fork():
        yield from map(function, items)
        return
    pool = _Pool(function, min(workers, len(items)))
    try:
        yield from pool.results(items)
    finally:
        pool.stop()


class _Pool:
    def __init__(self, function: Callable[[int], Any], count: int) -> None:
        self.workers: list[tuple[int, Connection, Connection]] = []
        """Each worker's process id, the pipe it reads work from, the pipe it answers on."""
        parent = os.getpid()
        try:
            for _ in range(count):
                work_reader, work_writer = Pipe(duplex=False)
                answer_reader, answer_writer = Pipe(duplex=False)
                pid = os.fork()
                if pid == 0:  # the worker
                    for _pid, other_work, other_answers in self.workers:  # the other workers' pipes
                        other_work.close()
                        other_answers.close()
                    work_writer.close()
                    answer_reader.close()
                    _serve(function, work_reader, answer_writer, parent)  # never returns
                work_reader.close()
                answer_writer.close()
                self.workers.append((pid, work_writer, answer_reader))
        except BaseException:
            self.stop()
            raise

    def results(self, items: Sequence[int]) -> Iterator[Any]:
        waiting = iter(range(len(items)))
        busy: dict[Connection, int] = {}
        done: dict[int, Any] = {}
        for _pid, work, answers in self.workers:
            position = next(waiting, None)
            if position is not None:
                work.send(items[position])
                busy[answers] = position
        pipes = {answers: work for _pid, work, answers in self.workers}
        following = 0
        while following < len(items):
            while following in done:
                yield done.pop(following)
                following += 1
            if following >= len(items):
                break
            for ready in wait(list(busy)):
                assert isinstance(ready, Connection)  # wait() hands back what it was given
                answers = ready
                try:
                    position = busy.pop(answers)
                    done[position] = answers.recv()
                except EOFError:
                    raise EtownError(
                        "a rendering process ended before it was done (was it killed, or out of "
                        "memory?); nothing was written"
                    ) from None
                if isinstance(done[position], _Failure):
                    raise done[position].error()
                work = pipes[answers]
                upcoming = next(waiting, None)
                if upcoming is not None:
                    work.send(items[upcoming])
                    busy[answers] = upcoming

    def stop(self) -> None:
        """End every worker: told to stop when all went well, else SIGTERM (they clean up),
        then SIGKILL for any still there after STOP_SECONDS; none is left unreaped."""
        for _pid, work, _answers in self.workers:
            with contextlib.suppress(OSError):
                work.send(None)
        running = {pid for pid, _work, _answers in self.workers}
        deadline = time.monotonic() + STOP_SECONDS / 4
        for stage in (None, signal.SIGTERM, signal.SIGKILL):
            if stage is not None:
                for pid in running:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, stage)
                deadline = time.monotonic() + STOP_SECONDS
            while running and time.monotonic() < deadline:
                for pid in list(running):
                    with contextlib.suppress(ChildProcessError):
                        if os.waitpid(pid, os.WNOHANG)[0] == 0:
                            continue
                    running.discard(pid)
                if running:
                    time.sleep(0.01)
            if not running:
                break
        for _pid, work, answers in self.workers:
            work.close()
            answers.close()
        self.workers = []


@dataclass(frozen=True)
class _Failure:
    """What a worker's ``function`` raised, sent back in place of its result."""

    said: str
    where: str
    """The worker's traceback, shown with ETOWN_DEBUG set."""

    def error(self) -> RuntimeError:
        return RuntimeError(f"in a rendering process: {self.said}\n{self.where}")


def _serve(function: Callable[[int], Any], work: Connection, answers: Connection, parent: int) -> None:
    """A worker's life: make what it is sent until told to stop; then, or on any failure (its
    parent gone: EOF, a broken pipe), leave without a word."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent stops us
        signal.signal(signal.SIGTERM, _leave)
        _die_with(parent)
        while (item := work.recv()) is not None:
            try:
                result = function(item)
            except Exception as error:  # etown's own bug: the parent raises it, as in one process
                result = _Failure(f"{type(error).__name__}: {error}", traceback.format_exc())
            answers.send(result)
    except (EOFError, OSError, SystemExit):  # the parent is gone, or stopped us
        code = 0
    except BaseException:  # a failure of etown's own: the parent says so (no result)
        code = 1
    finally:
        os._exit(code)  # never back into the parent's code, its finally blocks, its atexit


def _leave(_signal: int, _frame: object) -> None:
    raise SystemExit(0)


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux), however it dies: killed,
    or out of memory. If it died already, leave now."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        raise SystemExit(0)
