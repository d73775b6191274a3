"""The annotation store: every verified document, append-only, never lost.

The default store is a folder of JSONL files, ``annotations/<dataset>/<annotator>.jsonl``.
The newest line for a doc_id is that annotator's current version; older lines are history
and are never rewritten. A save is write + flush + fsync before it returns, so whatever the
UI has called "saved" survives a crash or power loss. One process per annotator file holds
an OS lock on it. Everything above this module talks to :class:`DatasetStore` and
:class:`AnnotatorLog` only, so another backend (PostgreSQL for teams) can slot in.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
from abc import ABC, abstractmethod
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType

import orjson
from pydantic import ValidationError

from redline.atomic import write_atomic
from redline.errors import (
    InputError,
    Location,
    RedlineError,
    StoreLockedError,
    describe_validation_error,
    display_path,
)
from redline.schema.keys import is_model, is_person
from redline.schema.records import Annotation, Document

DEFAULT_ROOT = Path("annotations")
RECORD_SUFFIX = ".jsonl"
TORN_SUFFIX = ".torn"
LOCK_SUFFIX = ".lock"
INDEX_SUFFIX = ".index"
_INDEX_FORMAT = 1
_INDEX_MIN_LINES = 1000  # smaller files index faster than their cache would load
_INDEX_TAIL_BYTES = 1 << 16
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@:+-]{0,99}")


def check_name(kind: str, name: str) -> str:
    """Dataset and annotator names become file names: no separators, '..' or control chars."""
    if not _NAME.fullmatch(name) or ".." in name:
        raise RedlineError(
            f"invalid {kind} name {name!r}: use letters, digits and _ . @ : + - "
            "(at most 100, not starting with '.' or '-', no '..')"
        )
    return name


class AnnotatorLog(ABC):
    """One annotator's versions of the documents of one dataset."""

    annotator: str
    problems: list[InputError]
    """Invalid lines found on opening, each naming file and line; they were skipped."""
    torn: list[InputError]
    """Last lines cut off by a crash (quarantined by a writer, left alone by a reader)."""

    @abstractmethod
    def append(self, record: Annotation) -> None:
        """Store a record durably; when this returns, the record survives a crash."""

    @abstractmethod
    def append_many(self, records: Sequence[Annotation]) -> None:
        """Store several records durably with one sync (for bulk writers such as suggest)."""

    @abstractmethod
    def newest(self, doc_id: str) -> Annotation | None:
        """This annotator's current version of a document."""

    @abstractmethod
    def history(self, doc_id: str) -> list[Annotation]:
        """Every saved version of a document, oldest first."""

    @abstractmethod
    def doc_ids(self) -> list[str]:
        """The documents with at least one record, in the order they were first saved."""

    @abstractmethod
    def with_text(self, sha1: str) -> Iterator[Annotation]:
        """Records whose text has this SHA-1, newest first (whatever their doc_id)."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the records go, as a user would name it (a path, a table)."""

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.newest(doc_id) is not None

    def __len__(self) -> int:
        return len(self.doc_ids())

    def iter_newest(self) -> Iterator[Annotation]:
        """The current version of every document, streamed."""
        for doc_id in self.doc_ids():
            record = self.newest(doc_id)
            if record is not None:
                yield record

    def resume_point(self, doc_ids: Iterable[str]) -> str | None:
        """The first document (in corpus order) without a record; None when all are done."""
        done = set(self.doc_ids())
        return next((doc_id for doc_id in doc_ids if doc_id not in done), None)

    def text_changed(self, document: Document) -> bool:
        """True when the saved version was made on a different text: its offsets are stale."""
        record = self.newest(document.doc_id)
        return record is not None and record.text_sha1 != document.text_sha1

    def __enter__(self) -> AnnotatorLog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class DatasetStore(ABC):
    """A named set of annotator logs."""

    name: str

    @abstractmethod
    def annotators(self, include_models: bool = True) -> list[str]:
        """Every annotator with a file, sorted; without the models' pseudo-annotators when
        ``include_models`` is False."""

    @abstractmethod
    def open(self, annotator: str, *, write: bool = False) -> AnnotatorLog: ...

    def people(self) -> list[str]:
        """The annotators whose versions are compared and reviewed: no model, not gold."""
        return [name for name in self.annotators() if is_person(name)]

    def require(self, *names: str, people_only: bool = False) -> list[str]:
        """``names``, once each, after checking the dataset has them all (only among its
        people with ``people_only``); else one error naming what is missing and what is there."""
        known = self.people() if people_only else self.annotators()
        missing = [name for name in names if name not in known]
        if missing:
            raise RedlineError(
                f"dataset {self.name!r} has no annotator {', '.join(map(repr, missing))} "
                f"(it has: {', '.join(known) or 'none'})"
            )
        return list(dict.fromkeys(names))


class JsonlAnnotatorLog(AnnotatorLog):
    """An annotator's JSONL file: an index of line offsets in memory, records read on demand."""

    def __init__(self, path: Path, annotator: str, *, write: bool) -> None:
        self.path = path
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
        self._text_sha1s: list[str] = []
        self._newest: dict[str, int] = {}  # doc_id -> its newest line's position
        self._older: dict[str, list[int]] = {}  # doc_id -> earlier positions, if any
        self._by_text: dict[str, list[int]] | None = None  # built when first asked for
        self._size = 0
        self._line_total = 0
        self._cached_lines = 0
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            self._recover_torn_tail()
        elif path.exists():
            self._fd = os.open(path, os.O_RDONLY)
        self._index()

    # -- opening -------------------------------------------------------------------------

    def _lock(self) -> None:
        lock_path = self.path.with_name(self.path.name + LOCK_SUFFIX)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise StoreLockedError(
                f"{self._shown} is open for writing in another redline process"
                f"{f' (pid {holder})' if holder.isdigit() else ''}; close that one first"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _recover_torn_tail(self) -> None:
        """A last line without its newline is a save that a crash cut off: quarantine it."""
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        if size == 0 or os.pread(self._fd, 1, size - 1) == b"\n":
            return
        start = _last_newline_before(self._fd, size) + 1
        tail = os.pread(self._fd, size - start, start)
        number = _count_newlines(self._fd, start) + 1
        if not _is_record(tail):
            torn_path = self.path.with_name(self.path.name + TORN_SUFFIX)
            with torn_path.open("ab") as torn:
                torn.write(tail + b"\n")
                torn.flush()
                os.fsync(torn.fileno())
            os.ftruncate(self._fd, start)
            os.fsync(self._fd)
            self.torn.append(
                InputError(
                    Location(self._shown, number),
                    f"torn last line ({len(tail)} bytes, an interrupted save) moved to "
                    f"{display_path(torn_path)}",
                )
            )
        else:
            # A whole record that only lacks its newline (e.g. edited by hand): keep it.
            _write_all(self._fd, b"\n")
            os.fsync(self._fd)

    def _index(self) -> None:
        if self._fd is None:
            return
        offset, number = self._load_index_cache()
        cached = number
        with open(self._fd, "rb", closefd=False) as handle:
            handle.seek(offset)
            for raw in handle:
                number += 1
                if not raw.endswith(b"\n"):
                    # Only a read-only open gets here (a writer completed or quarantined the
                    # tail): a whole record is read, a partial one is reported and left alone.
                    if not _is_record(raw):
                        self.torn.append(
                            InputError(
                                Location(self._shown, number),
                                "incomplete last line (being written, or torn by a crash); "
                                "not read",
                            )
                        )
                        number -= 1
                        break
                    self._add_line(raw, offset, number)
                    offset += len(raw)
                    break
                if raw.strip():
                    self._add_line(raw, offset, number)
                offset += len(raw)
        self._size = offset
        self._line_total = number
        if number - cached >= _INDEX_MIN_LINES:
            self._save_index_cache()

    # -- the index cache -----------------------------------------------------------------
    # Validating every record of a big file on each open costs seconds (100,000 records:
    # ~12 s), so the index of the validated part is kept beside the file, in
    # <file>.index. It is trusted only while the file still starts with the bytes it was made
    # from (same size or longer, same last 64 KiB of that part); the lines after it are
    # validated as usual. A cache that does not fit is ignored, never an error.

    @property
    def _index_path(self) -> Path:
        return self.path.with_name(self.path.name + INDEX_SUFFIX)

    def _load_index_cache(self) -> tuple[int, int]:
        """(offset, line number) where validation must go on: after the cached part."""
        assert self._fd is not None
        try:
            cache = orjson.loads(self._index_path.read_bytes())
            size = cache["size"]
            if (
                cache["format"] != _INDEX_FORMAT
                or cache["annotator"] != self.annotator
                or size > os.fstat(self._fd).st_size
                or cache["tail_sha1"] != _tail_digest(self._fd, size)
            ):
                return 0, 0
            doc_ids, text_sha1s = cache["doc_ids"], cache["text_sha1s"]
            offsets = array("q", cache["offsets"])
            lengths = array("q", cache["lengths"])
            numbers = array("q", cache["numbers"])
            if not len(offsets) == len(lengths) == len(numbers) == len(doc_ids) == len(text_sha1s):
                return 0, 0
            if not all(isinstance(d, str) for d in doc_ids) or not all(
                isinstance(t, str) for t in text_sha1s
            ):
                return 0, 0
            problems = [
                InputError(Location(self._shown, line), message)
                for line, message in cache["problems"]
            ]
            line_total = cache["line_total"]
        except (OSError, ValueError, KeyError, TypeError, OverflowError):
            return 0, 0
        self._offsets, self._lengths, self._numbers = offsets, lengths, numbers
        self._doc_ids, self._text_sha1s = doc_ids, text_sha1s
        self._newest = dict(zip(doc_ids, range(len(doc_ids)), strict=True))
        if len(self._newest) != len(doc_ids):  # some documents have older versions
            latest: dict[str, int] = {}
            for position, doc_id in enumerate(doc_ids):
                if doc_id in latest:
                    self._older.setdefault(doc_id, []).append(latest[doc_id])
                latest[doc_id] = position
        self.problems.extend(problems)
        self._cached_lines = line_total
        return size, line_total

    def _save_index_cache(self) -> None:
        """Best effort (a read-only folder just goes without): written whole, then renamed."""
        if self._fd is None or len(self._doc_ids) < _INDEX_MIN_LINES:
            return
        cache = {
            "format": _INDEX_FORMAT,
            "annotator": self.annotator,
            "size": self._size,
            "line_total": self._line_total,
            "tail_sha1": _tail_digest(self._fd, self._size),
            "offsets": self._offsets.tolist(),
            "lengths": self._lengths.tolist(),
            "numbers": self._numbers.tolist(),
            "doc_ids": self._doc_ids,
            "text_sha1s": self._text_sha1s,
            "problems": [[p.location.line, p.message] for p in self.problems],
        }
        try:
            write_atomic(self._index_path, orjson.dumps(cache))
        except RedlineError:
            return
        self._cached_lines = self._line_total

    def _add_line(self, raw: bytes, offset: int, number: int) -> Annotation | None:
        try:
            record = Annotation.model_validate_json(raw)
        except ValidationError as error:
            self.problems.append(
                InputError(
                    Location(self._shown, number),
                    f"invalid record, skipped: {describe_validation_error(error)}",
                )
            )
            return None
        if record.annotator != self.annotator:
            self.problems.append(
                InputError(
                    Location(self._shown, number),
                    f"record of annotator {record.annotator!r} in {self.annotator!r}'s file; "
                    "skipped",
                )
            )
            return None
        self._remember(offset, len(raw), number, record.doc_id, record.text_sha1)
        return record

    def _remember(self, offset: int, length: int, number: int, doc_id: str, sha1: str) -> None:
        position = len(self._doc_ids)
        self._offsets.append(offset)
        self._lengths.append(length)
        self._numbers.append(number)
        self._doc_ids.append(doc_id)
        self._text_sha1s.append(sha1)
        previous = self._newest.get(doc_id)
        if previous is not None:
            self._older.setdefault(doc_id, []).append(previous)
        self._newest[doc_id] = position
        if self._by_text is not None:
            self._by_text.setdefault(sha1, []).append(position)

    # -- writing -------------------------------------------------------------------------

    def append(self, record: Annotation) -> None:
        self.append_many([record])

    def append_many(self, records: Sequence[Annotation]) -> None:
        if not records:
            return
        if not self.writable or self._fd is None:
            raise RedlineError(f"{self._shown} was opened read-only")
        encoded: list[bytes] = []
        for record in records:
            if record.annotator != self.annotator:
                raise RedlineError(
                    f"a record of annotator {record.annotator!r} cannot go into {self._shown}"
                )
            try:
                encoded.append(orjson.dumps(record.model_dump(mode="json")) + b"\n")
            except (orjson.JSONEncodeError, ValueError) as error:
                # values JSON cannot hold, or nesting deeper than can be written back
                raise RedlineError(
                    f"cannot save {record.doc_id!r} to {self._shown}: {error}; nothing was written"
                ) from None
        payload = b"".join(encoded)
        start = self._size
        try:
            _write_all(self._fd, payload)
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
            # Someone rewrote the file under us (appends never do this): start over.
            self._index_path.unlink(missing_ok=True)
            raise RedlineError(
                f"{self._shown}:{self._numbers[position]}: the file was changed by another "
                "program while redline had it open; run the command again"
            )
        return record

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
        if self._by_text is None:
            self._by_text = {}
            for position, text in enumerate(self._text_sha1s):
                self._by_text.setdefault(text, []).append(position)
        for position in reversed(self._by_text.get(sha1, [])):
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
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __del__(self) -> None:
        self.close()


class JsonlDataset(DatasetStore):
    """``<root>/<name>/``: one JSONL file per annotator."""

    def __init__(self, name: str, root: str | Path = DEFAULT_ROOT) -> None:
        self.name = check_name("dataset", name)
        self.root = Path(root)
        self.folder = self.root / name

    def exists(self) -> bool:
        return self.folder.is_dir()

    def path_of(self, annotator: str) -> Path:
        return self.folder / f"{check_name('annotator', annotator)}{RECORD_SUFFIX}"

    def annotators(self, include_models: bool = True) -> list[str]:
        if not self.folder.is_dir():
            return []
        names = sorted(p.stem for p in self.folder.glob(f"*{RECORD_SUFFIX}") if p.is_file())
        if include_models:
            return names
        return [n for n in names if not is_model(n)]

    def open(self, annotator: str, *, write: bool = False) -> JsonlAnnotatorLog:
        return JsonlAnnotatorLog(self.path_of(annotator), annotator, write=write)


def open_dataset(name: str, root: str | Path = DEFAULT_ROOT) -> JsonlDataset:
    return JsonlDataset(name, root)


def _is_record(raw: bytes) -> bool:
    try:
        Annotation.model_validate_json(raw)
    except ValueError:
        return False
    return True


def _tail_digest(fd: int, size: int) -> str:
    start = max(0, size - _INDEX_TAIL_BYTES)
    return hashlib.sha1(os.pread(fd, size - start, start)).hexdigest()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _last_newline_before(fd: int, end: int) -> int:
    """Offset of the last b'\\n' before ``end``, or -1."""
    block = 65536
    position = end
    while position > 0:
        start = max(0, position - block)
        chunk = os.pread(fd, position - start, start)
        found = chunk.rfind(b"\n")
        if found != -1:
            return start + found
        position = start
    return -1


def _count_newlines(fd: int, end: int) -> int:
    count = 0
    position = 0
    while position < end:
        chunk = os.pread(fd, min(1 << 20, end - position), position)
        if not chunk:
            break
        count += chunk.count(b"\n")
        position += len(chunk)
    return count
