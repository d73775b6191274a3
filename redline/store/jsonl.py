"""The JSONL backend: ``<root>/<dataset>/<annotator>.jsonl``, one file per annotator.

The newest line for a doc_id is that annotator's current version; older lines are history
and are never rewritten. A save is write + flush + fsync before it returns, so whatever the
UI has called "saved" survives a crash or power loss. One process per annotator file holds
an OS lock on it.
"""

from __future__ import annotations

import contextlib
import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import orjson
from pydantic import ValidationError

from redline.errors import InputError, Location, RedlineError, display_path
from redline.index_cache import WORTH_CACHING, IndexCache
from redline.schema.records import Annotation
from redline.store.base import AnnotatorLog, NumberedRecords, ReadProgress
from redline.store.files import (
    digest_before,
    last_newline_before,
    lock_for_writing,
    unlock,
    write_all,
)
from redline.store.jsonl_reading import (
    PARALLEL_FROM_BYTES,
    PROGRESS_FROM_BYTES,
    RANGE_BYTES,
    RangeFound,
    Told,
    check_here,
    check_in_parallel,
    check_line,
)
from redline.store.torn import is_record, recover_torn_tail

RECORD_SUFFIX = ".jsonl"
TEAM = "team"
"""The name a dataset's sign-in file takes (``team.jsonl``): no annotator may have it."""
LOCK_SUFFIX = ".lock"
INDEX_SUFFIX = ".index"
_INDEX_FORMAT = 2
"""2: the text SHA-1s as one string of hex (1: a column of strings)."""
_INDEX_TAIL_BYTES = 1 << 16
_SHA1_BYTES = 20


class JsonlAnnotatorLog(AnnotatorLog, NumberedRecords):
    """An annotator's JSONL file: an index of line offsets in memory, records read on demand."""

    parallel_from_bytes = PARALLEL_FROM_BYTES
    """Reading through at least this much is shared with worker processes."""
    progress_from_bytes = PROGRESS_FROM_BYTES
    """Reading through at least this much is told to ``progress``."""
    range_bytes = RANGE_BYTES
    """The share of reading done at once (and told to ``progress`` after)."""

    def __init__(
        self, path: Path, annotator: str, *, write: bool, progress: ReadProgress | None = None
    ) -> None:
        """``progress``: told (bytes read, bytes to read) while a big file is read through
        (one without a valid index cache); small files and cached ones never call it."""
        self.path = path
        self._progress = progress
        self.annotator = annotator
        self.writable = write
        self.problems = []
        self.torn = []
        self._shown = display_path(path)
        self._lock_fd: int | None = None
        self._fd: int | None = None
        # One entry per record line, in columns (100,000 records: a few MB, no object each).
        self._offsets = array("q")
        self._lengths = array("q")
        self._numbers = array("q")
        self._doc_ids: list[str] = []
        # each record's text SHA-1 as its 20 bytes, one after another (hex strings: 90 B each)
        self._text_sha1s = bytearray()
        self._newest: dict[str, int] = {}  # doc_id -> its newest line's position
        self._older: dict[str, list[int]] = {}  # doc_id -> earlier positions, if any
        self._size = 0
        self._line_total = 0
        self._cached_lines = 0
        self._cache = IndexCache(path.with_name(path.name + INDEX_SUFFIX), _INDEX_FORMAT)
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = lock_for_writing(path.with_name(path.name + LOCK_SUFFIX), self._shown)
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            torn = recover_torn_tail(self._fd, path, self._shown)
            if torn is not None:
                self.torn.append(torn)
        elif path.exists():
            self._fd = os.open(path, os.O_RDONLY)
        self._index()

    # -- opening -------------------------------------------------------------------------

    def _index(self) -> None:
        if self._fd is None:
            return
        offset, number = self._load_index_cache()
        cached = number
        begun = offset
        size = os.fstat(self._fd).st_size
        to_read = size - begun
        big = to_read > 0 and to_read >= self.progress_from_bytes
        report = Told(self._progress if big else None, to_read)
        whole = last_newline_before(self._fd, size) + 1  # a last line being written: below
        found: Iterable[RangeFound] | None = None  # checked with workers; else here
        if whole - offset >= self.parallel_from_bytes:
            found = check_in_parallel(
                str(self.path),
                self._fd,
                offset,
                whole,
                self.annotator,
                progress=report,
                range_bytes=self.range_bytes,
            )
        if found is None:
            found = check_here(self._fd, offset, whole, self.annotator, self.range_bytes)
        for part in found:
            self._add_range(part, number)
            number += part.lines
            offset = part.end
            report(offset - begun)
        if offset < size:
            # Only a read-only open gets here (a writer completed or quarantined the tail): a
            # whole record is read, a partial one is reported and left alone.
            raw = os.pread(self._fd, size - offset, offset)
            if is_record(raw):
                number += 1
                self._add_line(raw, offset, number)
                offset += len(raw)
            else:
                self.torn.append(
                    InputError(
                        Location(self._shown, number + 1),
                        "incomplete last line (being written, or torn by a crash); not read",
                    )
                )
        report(to_read)
        self._size = offset
        self._line_total = number
        if number - cached >= WORTH_CACHING:
            self._save_index_cache()

    def _add_range(self, found: RangeFound, lines_before: int) -> None:
        for number, problem in found.problems:
            self.problems.append(InputError(Location(self._shown, lines_before + number), problem))
        for k, doc_id in enumerate(found.doc_ids):
            self._remember(
                found.offsets[k],
                found.lengths[k],
                lines_before + found.numbers[k],
                doc_id,
                found.text_sha1s[k],
            )

    # -- the index cache -----------------------------------------------------------------
    # The index of the validated part of the file is kept beside it, in <file>.index (see
    # redline.index_cache). It is trusted only while the file still starts with the bytes it
    # was made from (same size or longer, same last 64 KiB of that part): appends keep that
    # true, a rewrite does not. The lines after the cached part are validated as usual.

    def _load_index_cache(self) -> tuple[int, int]:
        """(offset, line number) where validation must go on: after the cached part."""
        cached = self._cache.load(
            expect={"annotator": self.annotator},
            numbers=("offsets", "lengths", "numbers"),
            texts=("doc_ids",),
            shown=self._shown,
        )
        if cached is None:
            return 0, 0
        size, line_total = cached.stamp.get("size"), cached.stamp.get("line_total")
        if not isinstance(size, int) or not isinstance(line_total, int):
            return 0, 0
        if not self._starts_as_indexed(size, cached.stamp.get("tail_sha1")):
            return 0, 0
        numbers, texts = cached.numbers, cached.texts
        doc_ids = texts["doc_ids"]
        # one string of hex, not one per record: 100,000 small strings read only to be
        # packed would leave their memory behind with the allocator
        hexed = cached.stamp.get("text_sha1s")
        if not isinstance(hexed, str) or len(hexed) != 2 * _SHA1_BYTES * len(doc_ids):
            return 0, 0
        try:
            sha1s = bytearray.fromhex(hexed)
        except ValueError:
            return 0, 0
        if len(sha1s) != _SHA1_BYTES * len(doc_ids):  # whitespace, which fromhex passes over
            return 0, 0
        self._offsets, self._lengths = numbers["offsets"], numbers["lengths"]
        self._numbers, self._text_sha1s, self._doc_ids = numbers["numbers"], sha1s, doc_ids
        self._newest = dict(zip(doc_ids, range(len(doc_ids)), strict=True))
        if len(self._newest) != len(doc_ids):  # some documents have older versions
            latest: dict[str, int] = {}
            for position, doc_id in enumerate(doc_ids):
                if doc_id in latest:
                    self._older.setdefault(doc_id, []).append(latest[doc_id])
                latest[doc_id] = position
        self.problems.extend(cached.problems)
        self._cached_lines = line_total
        return size, line_total

    def _starts_as_indexed(self, size: int, tail_sha1: object) -> bool:
        assert self._fd is not None
        try:
            return (
                0 <= size <= os.fstat(self._fd).st_size
                and digest_before(self._fd, size, _INDEX_TAIL_BYTES) == tail_sha1
            )
        except OSError:
            return False

    def _save_index_cache(self) -> None:
        if self._fd is None or len(self._doc_ids) < WORTH_CACHING:
            return
        stamp = {
            "annotator": self.annotator,
            "size": self._size,
            "line_total": self._line_total,
            "tail_sha1": digest_before(self._fd, self._size, _INDEX_TAIL_BYTES),
            "text_sha1s": self._text_sha1s.hex(),
        }
        if self._cache.save(
            stamp,
            numbers={"offsets": self._offsets, "lengths": self._lengths, "numbers": self._numbers},
            texts={"doc_ids": self._doc_ids},
            problems=self.problems,
        ):
            self._cached_lines = self._line_total

    def _add_line(self, raw: bytes, offset: int, number: int) -> None:
        checked = check_line(raw, self.annotator)
        if isinstance(checked, str):
            self.problems.append(InputError(Location(self._shown, number), checked))
        else:
            self._remember(offset, len(raw), number, *checked)

    def _remember(self, offset: int, length: int, number: int, doc_id: str, sha1: str) -> None:
        position = len(self._doc_ids)
        self._offsets.append(offset)
        self._lengths.append(length)
        self._numbers.append(number)
        self._doc_ids.append(doc_id)
        self._text_sha1s += bytes.fromhex(sha1)
        previous = self._newest.get(doc_id)
        if previous is not None:
            self._older.setdefault(doc_id, []).append(previous)
        self._newest[doc_id] = position

    # -- writing -------------------------------------------------------------------------

    def append_many(self, records: Sequence[Annotation]) -> None:
        if not records:
            return
        if not self.writable or self._fd is None:
            raise RedlineError(f"{self._shown} was opened read-only")
        encoded = [line + b"\n" for line in self.encoded(records)]
        payload = b"".join(encoded)
        start = self._size
        try:
            write_all(self._fd, payload)
            os.fsync(self._fd)
        except OSError as error:
            # Take back whatever part of the batch reached the file: no half line stays.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
            raise RedlineError(
                f"could not save to {self._shown}: {error.strerror or error}; "
                "nothing was written and earlier saves are intact"
            ) from None
        offset = start
        for record, line in zip(records, encoded, strict=True):
            self._line_total += 1
            self._remember(offset, len(line), self._line_total, record.doc_id, record.text_sha1)
            offset += len(line)
        self._size = offset

    # -- reading -------------------------------------------------------------------------

    def _read(self, position: int) -> Annotation:
        assert self._fd is not None
        raw = os.pread(self._fd, self._lengths[position], self._offsets[position])
        try:
            record = Annotation.model_validate_json(raw)
        except ValidationError:
            record = None
        if record is None or record.doc_id != self._doc_ids[position]:
            self._changed_under_us(position)
        return record

    # -- records by number (NumberedRecords): a number is a record line's position -------

    def numbered(self) -> NumberedRecords:
        return self

    @property
    def source(self) -> str:
        return str(self.path.resolve())

    def record_count(self) -> int:
        return len(self._doc_ids)

    def prefix_stamp(self, count: int) -> str:
        if not count or self._fd is None:
            return "0"
        end = self._offsets[count - 1] + self._lengths[count - 1]
        return f"{end}:{digest_before(self._fd, end, _INDEX_TAIL_BYTES)}"

    def newest_numbers(self, doc_ids: Sequence[str]) -> list[int]:
        return [self._newest.get(doc_id, -1) for doc_id in doc_ids]

    def json_of(self, numbers: Sequence[int]) -> list[dict[str, Any]]:
        found = []
        for position in numbers:
            assert self._fd is not None
            raw = os.pread(self._fd, self._lengths[position], self._offsets[position])
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                record = None
            if not isinstance(record, dict) or record.get("doc_id") != self._doc_ids[position]:
                self._changed_under_us(position)
            found.append(record)
        return found

    def _changed_under_us(self, position: int) -> NoReturn:
        """Someone rewrote the file under us (appends never do this): start over."""
        self._cache.discard()
        raise RedlineError(
            f"{self._shown}:{self._numbers[position]}: the file was changed by another "
            "program while redline had it open; run the command again"
        )

    def newest(self, doc_id: str) -> Annotation | None:
        position = self._newest.get(doc_id)
        return None if position is None else self._read(position)

    def history(self, doc_id: str) -> list[Annotation]:
        if doc_id not in self._newest:
            return []
        positions = [*self._older.get(doc_id, []), self._newest[doc_id]]
        return [self._read(p) for p in positions]

    def doc_ids(self) -> list[str]:
        return list(self._newest)

    def with_text(self, sha1: str) -> Iterator[Annotation]:
        digest, positions = bytes.fromhex(sha1), []
        found = self._text_sha1s.find(digest)
        while found >= 0:  # a scan of 2 MB per 100,000 records: well under a millisecond
            if found % _SHA1_BYTES == 0:
                positions.append(found // _SHA1_BYTES)
            found = self._text_sha1s.find(digest, found + 1)
        for position in reversed(positions):
            yield self._read(position)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._newest

    def __len__(self) -> int:
        return len(self._newest)

    @property
    def location(self) -> str:
        return self._shown

    @property
    def line_count(self) -> int:
        return len(self._doc_ids)

    def close(self) -> None:
        if self._fd is not None:
            if self.writable and self._line_total > self._cached_lines:
                self._save_index_cache()
            os.close(self._fd)
            self._fd = None
        if self._lock_fd is not None:
            unlock(self._lock_fd)
            self._lock_fd = None

    def __del__(self) -> None:
        self.close()
