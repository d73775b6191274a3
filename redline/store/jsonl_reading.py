"""Reading an annotator file through: every line validated, on several cores when it is big.

The first open of a file without a valid index cache checks every record, ~45 µs each with
the quick check (:mod:`redline.schema.quick_check`; the models alone take ~100 µs), which is
nearly all CPU. Byte ranges of the file, cut at newlines, are checked apart in spawned worker
processes while this process checks ranges from the other end; each range sends back only
its index columns and its problems, and the ranges are put together in file order, so the
result is exactly what reading the file line after line gives. Starting a worker costs a
Python start and the schema's imports (~0.35 s): this process does not wait for it, and a
worker is handed ranges only once it has started, so a file read before then costs no more
than it did alone; only files that take longer than that are read so at all.

Two cores (one worker), 690 MB: x3.4 to x4.1 against the models line after line, of which
the quick check x2.7 to x2.9 and the worker x1.2 to x1.5 (``python -m bench.first_open``).
"""

from __future__ import annotations

import multiprocessing
import os
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from redline.errors import describe_validation_error
from redline.schema.quick_check import validated_keys
from redline.store.base import ReadProgress

if TYPE_CHECKING:
    from concurrent.futures import Future

PARALLEL_FROM_BYTES = 64 << 20
"""Less than this to read (about 8,500 records of 7.6 KB, 0.4 to 0.6 s) is read in this
process alone: a worker would barely have started before it was done."""
PROGRESS_FROM_BYTES = 16 << 20
"""Less than this to read opens quietly: a bar that flashes by says nothing."""
RANGE_BYTES = 2 << 20
"""The share of work handed out at once: small enough that the last one does not keep the
others waiting long, and the progress moves often."""
MAX_WORKERS = 7
IN_FLIGHT = 8
"""Ranges handed to a worker and not yet back. A finished range comes back through a thread
of this process, which waits for the interpreter while this process checks ranges of its
own; with two in flight, a worker sat idle for a third of the time (it did 131 ranges of 327
to this process's 196; with eight, half). Near the end it has fewer (:func:`_in_flight`):
this process would wait for the last of them."""


class Told:
    """Passes on (done, total) to ``progress`` only when done has grown, never past total."""

    def __init__(self, progress: ReadProgress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = -1

    def __call__(self, done: int, _total: int = 0) -> None:
        done = min(done, self.total)
        if self.progress is not None and done > self.done:
            self.done = done
            self.progress(done, self.total)


Checked = tuple[str, str] | str
"""A line's (doc_id, text_sha1) when it is a record of this file's annotator, else why not."""


def check_line(raw: bytes, annotator: str) -> Checked:
    try:
        record = validated_keys(raw)
    except ValidationError as error:
        return f"invalid record, skipped: {describe_validation_error(error)}"
    if record.annotator != annotator:
        return f"record of annotator {record.annotator!r} in {annotator!r}'s file; skipped"
    return record.doc_id, record.text_sha1


@dataclass(slots=True)
class RangeFound:
    """What checking the whole lines of ``[start, end)`` found; line numbers count from 1 at
    the range's first line."""

    start: int
    end: int
    lines: int = 0
    offsets: array[int] = field(default_factory=lambda: array("q"))
    lengths: array[int] = field(default_factory=lambda: array("q"))
    numbers: array[int] = field(default_factory=lambda: array("q"))
    doc_ids: list[str] = field(default_factory=list)
    text_sha1s: list[str] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def check_range(data: bytes, start: int, annotator: str) -> RangeFound:
    """``data``: whole lines, each ending in a newline, read at ``start`` of the file."""
    found = RangeFound(start, start + len(data))
    position = 0
    number = 0
    while position < len(data):
        end = data.index(b"\n", position) + 1
        raw = data[position:end]
        number += 1
        if raw.strip():
            checked = check_line(raw, annotator)
            if isinstance(checked, str):
                found.problems.append((number, checked))
            else:
                found.offsets.append(start + position)
                found.lengths.append(len(raw))
                found.numbers.append(number)
                found.doc_ids.append(checked[0])
                found.text_sha1s.append(checked[1])
        position = end
    found.lines = number
    return found


def check_here(
    fd: int, start: int, end: int, annotator: str, range_bytes: int = RANGE_BYTES
) -> Iterator[RangeFound]:
    """The ranges of ``[start, end)`` (whole lines), checked in this process one after the
    other: a long line costs no more than a short one to find (a file's lines, read one at a
    time, cost a fifth of the check itself)."""
    for a, b in ranges(fd, start, end, range_bytes):
        yield check_range(_read(fd, a, b), a, annotator)


def _check_in_worker(
    path: str, identity: tuple[int, int], start: int, end: int, annotator: str
) -> RangeFound:
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        if (status.st_dev, status.st_ino) != identity:
            raise OSError(f"{path} was replaced while it was read")
        return check_range(_read(handle.fileno(), start, end), start, annotator)


def _read(fd: int, start: int, end: int) -> bytes:
    data = os.pread(fd, end - start, start)
    if len(data) != end - start:
        raise OSError("the file was cut short while it was read")
    return data


def ranges(fd: int, start: int, end: int, size: int = RANGE_BYTES) -> list[tuple[int, int]]:
    """``[start, end)`` cut just after newlines into ranges of ``size`` bytes or a little more
    (a whole line more at most); ``end`` must be just after a newline too."""
    cuts = [start]
    while end - cuts[-1] > size:
        cuts.append(_after_newline(fd, cuts[-1] + size - 1, end))
    if cuts[-1] != end:
        cuts.append(end)
    return list(pairwise(cuts))


def _after_newline(fd: int, position: int, end: int) -> int:
    """Just after the first newline from ``position`` on, or ``end``."""
    while position < end:
        block = os.pread(fd, min(1 << 16, end - position), position)
        if not block:
            break
        found = block.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(block)
    return end


def worker_count(pieces: int) -> int:
    """Workers besides this process: one per other core, none if nothing is left for them."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, pieces - 1, MAX_WORKERS))


def _in_flight(left: int, workers: int) -> int:
    """Ranges a worker may have in flight with ``left`` not handed out yet: fewer near the
    end, so that the workers and this process run out of work together."""
    return min(IN_FLIGHT, max(1, left // (workers + 1)))


def _ready() -> None:
    """The first task of each worker: it is done once the worker has started and imported the
    schema (~0.35 s), and only then are ranges handed to workers; a range handed out cannot be
    taken back, and this process would wait for it."""


def check_in_parallel(
    path: str,
    fd: int,
    start: int,
    end: int,
    annotator: str,
    progress: ReadProgress | None = None,
    range_bytes: int = RANGE_BYTES,
    here_too: bool = True,
) -> list[RangeFound] | None:
    """The ranges of ``[start, end)`` (whole lines), checked, in file order; None when there
    are not the cores for it or the workers failed (the caller reads the file itself).

    The workers take ranges from the front, :data:`IN_FLIGHT` each at most, while this
    process takes them from the back (unless not ``here_too``: the tests' way to be sure the
    workers read), until none are left."""
    pieces = ranges(fd, start, end, range_bytes)
    workers = worker_count(len(pieces))
    if workers == 0:
        return None
    status = os.fstat(fd)
    identity = (status.st_dev, status.st_ino)
    found: list[RangeFound | None] = [None] * len(pieces)
    front, back = 0, len(pieces)  # the ranges not handed out yet
    told = 0
    # imported here: the pool (and its logging) costs every command's start ~5 ms otherwise
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        starting = {pool.submit(_ready) for _ in range(workers)}
        ready = 0
        flying: dict[Future[RangeFound], int] = {}
        while front < back or flying:
            for began in [f for f in starting if f.done()]:
                began.result()
                starting.discard(began)
                ready += 1
            for checked in [f for f in flying if f.done()]:
                piece = found[flying.pop(checked)] = checked.result()
                told += piece.end - piece.start
            while front < back and len(flying) < ready * _in_flight(back - front, ready):
                a, b = pieces[front]
                flying[pool.submit(_check_in_worker, path, identity, a, b, annotator)] = front
                front += 1
            if here_too and front < back:
                back -= 1
                a, b = pieces[back]
                found[back] = check_range(_read(fd, a, b), a, annotator)
                told += b - a
            else:
                running: set[Future[Any]] = {*flying, *starting}
                wait(running, return_when=FIRST_COMPLETED)
            if progress is not None:
                progress(told, end - start)
    except Exception:
        # Workers only ever save time: whatever stops them (a file replaced under them, a
        # process that may not have children, one killed) leaves the reading to the caller,
        # which finds and reports everything itself.
        return None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a worker still starting is not waited for
    return [r for r in found if r is not None]
