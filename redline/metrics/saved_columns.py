"""Each annotator's records kept as columns in the cache folder, so a report parses no JSON.

Parsing the records' JSON was most of a report that had nothing else left to wait for: the
files of 3 x 10,000 news articles take orjson alone most of a second, each time. A record
never changes once saved, and the store numbers its records in the order they were saved
(:class:`~redline.store.base.NumberedRecords`), so the columns of every record a report
needs (answer, text length and SHA-1, spans, relations with their ends resolved) are laid
out once and kept in ``columns/`` in the cache folder, a file per annotator log; the next
report maps that file and takes each batch's records from it. Records saved since are read
as JSON and added; a log whose first records are no longer what they were (a rewritten
file: its prefix stamp changed) is laid out again.

Like everything in the cache folder it is a shortcut: a file that cannot be read or written
is passed by and the records are read as JSON, and the report is the same to the last digit
either way (``tests/unit/test_saved_columns.py``). Only the pages of the batch being counted
stay mapped in, so memory does not grow with the documents.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from redline import __version__
from redline.atomic import atomic_writer
from redline.cache_folder import cache_folder
from redline.errors import RedlineError
from redline.metrics.batch_builder import LaidOut, RecordColumns, TextReader, collector_paused
from redline.metrics.columns import IntArray, Labels
from redline.store.base import NumberedRecords

_MAGIC = b"RLCOLS\x00\x01"
_FORMAT = 1
_ALIGN = 64
_DIGEST = 20
_CHUNK = 1000
"""Records parsed and laid out at a time while a file is made."""

_Arrays = dict[str, npt.NDArray[Any]]
_DTYPES = {
    "answer": "i1",
    "text_length": "<i8",
    "digest": "u1",
    "span_first": "<i8",
    "span_start": "<i4",
    "span_end": "<i4",
    "span_label": "<i4",
    "relation_first": "<i8",
    "relation_ends": "<i4",
    "relation_label": "<i4",
}

TextRef = tuple[int, bytes, TextReader]
"""A record's text as (length, SHA-1 digest, what reads it)."""


def columns_file(source: str) -> Path:
    return cache_folder("columns") / f"{hashlib.sha1(source.encode()).hexdigest()}.columns"


class SavedColumns:
    """One log's records as columns: mapped from its file in the cache folder, or (when that
    cannot be written) held in memory."""

    def __init__(
        self,
        records: NumberedRecords,
        arrays: _Arrays,
        labels: list[str],
        relation_labels: list[str],
        mapped: mmap.mmap | None = None,
    ) -> None:
        self.records = records
        self._arrays = arrays
        self.labels = labels
        self.relation_labels = relation_labels
        self._mapped = mapped

    @classmethod
    def of(
        cls,
        records: NumberedRecords,
        lay_out: bool = True,
        told: Callable[[int, int], None] | None = None,
    ) -> SavedColumns | None:
        """The columns of every record of ``records``: the cache's file, with the records
        saved since it was written added (and the file written again). ``lay_out``: False to
        take only a file that is whole already (None otherwise); ``told(records laid out,
        records to lay out)`` after each thousand laid out."""
        total = records.record_count()
        if not total:
            return None
        path = columns_file(records.source)
        found = _load(path, records)
        if found is not None and found.count == total:
            return found
        if not lay_out:
            if found is not None:
                found.close()
            return None
        labels, relation_labels = Labels(), Labels()
        old: _Arrays = {}
        if found is not None:
            for name in found.labels:
                labels.code(name)
            for name in found.relation_labels:
                relation_labels.code(name)
            old = found._arrays
        new = _laid_out(
            records, range(found.count if found else 0, total), labels, relation_labels, told
        )
        arrays = {
            name: np.concatenate([old[name], new[name]]) if old else new[name] for name in new
        }
        if old:
            arrays["span_first"] = _joined_firsts(old["span_first"], new["span_first"])
            arrays["relation_first"] = _joined_firsts(old["relation_first"], new["relation_first"])
        del old
        if found is not None:
            found.close()
        header = {
            "format": _FORMAT,
            "redline": __version__,
            "source": records.source,
            "count": total,
            "prefix": records.prefix_stamp(total),
            "labels": labels.names,
            "relation_labels": relation_labels.names,
        }
        if _save(path, header, arrays):
            saved = _load(path, records)
            if saved is not None and saved.count == total:
                return saved
        return cls(records, arrays, labels.names, relation_labels.names)

    @property
    def count(self) -> int:
        return len(self._arrays["answer"])

    def gather(
        self, doc_ids: Sequence[str], labels: Labels, relation_labels: Labels, only: set[str] | None
    ) -> tuple[LaidOut, list[TextRef]]:
        """The current versions of ``doc_ids`` (those done), as a batch's side takes them:
        label codes those of the report (given in the order the records name them first, as
        reading the JSON gives them), only the labels of ``only`` when given."""
        numbers = self.records.newest_numbers(doc_ids)
        done = [n for n in numbers if n >= 0]
        kept_ids = [d for d, n in zip(doc_ids, numbers, strict=True) if n >= 0]
        at = np.asarray(done, dtype=np.int64)
        a = self._arrays
        span_record, span_rows = _rows(a["span_first"], at)
        span_label = a["span_label"][span_rows].astype(np.int64)
        relation_record, relation_rows = _rows(a["relation_first"], at)
        ends = a["relation_ends"][relation_rows].astype(np.int64).reshape(-1, 6)
        relation_label = a["relation_label"][relation_rows].astype(np.int64)
        if only is not None:
            wanted = np.asarray([name in only for name in self.labels], dtype=bool)
            keep = wanted[span_label]
            span_record, span_rows, span_label = (
                span_record[keep],
                span_rows[keep],
                span_label[keep],
            )
            keep = wanted[ends[:, 2]] & wanted[ends[:, 5]]
            relation_record, ends, relation_label = (
                relation_record[keep], ends[keep], relation_label[keep]
            )  # fmt: skip
        to_report = _codes_in_order(span_label, self.labels, labels)
        ends[:, 2], ends[:, 5] = to_report[ends[:, 2]], to_report[ends[:, 5]]
        laid = LaidOut(
            kept_ids,
            a["answer"][at].astype(np.int64),
            np.bincount(span_record, minlength=len(at)).astype(np.int64),
            a["span_start"][span_rows].astype(np.int64),
            a["span_end"][span_rows].astype(np.int64),
            to_report[span_label],
            relation_record,
            ends,
            _codes_in_order(relation_label, self.relation_labels, relation_labels)[relation_label],
        )
        lengths = a["text_length"][at].tolist()
        blob = a["digest"][at].tobytes()
        digests = [blob[k : k + _DIGEST] for k in range(0, len(blob), _DIGEST)]
        texts: list[TextRef] = [
            (length, digest, (self._text, number))
            for length, digest, number in zip(lengths, digests, done, strict=True)
        ]
        return laid, texts

    def _text(self, number: int) -> str:
        text: str = self.records.json_of([number])[0]["text"]
        return text

    def release(self) -> None:
        """Let the pages read so far go (they stay in the system's file cache)."""
        if self._mapped is not None and hasattr(mmap, "MADV_DONTNEED"):
            with contextlib.suppress(OSError):
                self._mapped.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        self._arrays = {}
        if self._mapped is not None:
            with contextlib.suppress(BufferError):  # a view still held: closed when freed
                self._mapped.close()
            self._mapped = None


def _rows(first: IntArray, at: IntArray) -> tuple[IntArray, IntArray]:
    """For the records ``at``: each of their rows' record (0, 1, ... in ``at``'s order) and
    row number, where record n's rows are ``first[n]`` to ``first[n + 1]``."""
    begin, counts = first[at], first[at + 1] - first[at]
    record = np.repeat(np.arange(len(at), dtype=np.int64), counts)
    before = np.cumsum(counts) - counts
    return record, (np.arange(int(counts.sum()), dtype=np.int64) - before[record] + begin[record])


def _codes_in_order(codes: IntArray, names: list[str], report: Labels) -> IntArray:
    """The report's code of each of this file's label codes, the names given a report code in
    the order ``codes`` first shows them."""
    if not all(name in report.codes for name in names):
        first = np.full(len(names), len(codes), dtype=np.int64)
        np.minimum.at(first, codes, np.arange(len(codes)))  # only while names are new
        for code in np.argsort(first, kind="stable").tolist():
            if first[code] < len(codes):
                report.code(names[code])
    return np.asarray([report.codes.get(name, -1) for name in names], dtype=np.int64)


def _joined_firsts(old: IntArray, new: IntArray) -> IntArray:
    return np.concatenate([old, new[1:] + old[-1]]).astype(np.int64)


def _laid_out(
    records: NumberedRecords,
    numbers: range,
    labels: Labels,
    relation_labels: Labels,
    told: Callable[[int, int], None] | None = None,
) -> _Arrays:
    """The columns of records ``numbers``, read as JSON a chunk at a time."""
    parts: dict[str, list[npt.NDArray[Any]]] = {name: [] for name in _DTYPES}
    for start in range(numbers.start, numbers.stop, _CHUNK):
        with collector_paused():
            chunk = records.json_of(range(start, min(start + _CHUNK, numbers.stop)))
            collected = RecordColumns()
            for record in chunk:
                collected.add_json(record, labels, relation_labels, None)
        laid = collected.laid_out()
        parts["answer"].append(laid.answers)
        parts["text_length"].append(np.asarray([len(r["text"]) for r in chunk], dtype=np.int64))
        digests = b"".join(bytes.fromhex(r["text_sha1"]) for r in chunk)
        parts["digest"].append(np.frombuffer(digests, dtype=np.uint8).reshape(-1, _DIGEST))
        parts["span_first"].append(laid.span_counts)
        parts["span_start"].append(laid.starts)
        parts["span_end"].append(laid.ends)
        parts["span_label"].append(laid.labels)
        parts["relation_first"].append(np.bincount(laid.relation_record, minlength=len(chunk)))
        parts["relation_ends"].append(laid.relation_ends)
        parts["relation_label"].append(laid.relation_labels)
        if told is not None:
            told(start + len(chunk) - numbers.start, len(numbers))
    arrays: _Arrays = {}
    for name, dtype in _DTYPES.items():
        shape = {"relation_ends": (0, 6), "digest": (0, _DIGEST)}.get(name, (0,))
        joined = np.concatenate(parts[name]) if parts[name] else np.zeros(shape, dtype=np.int64)
        if name in ("span_first", "relation_first"):
            joined = np.concatenate([[0], np.cumsum(joined)])
        arrays[name] = joined.astype(dtype)
    return arrays


def _save(path: Path, header: dict[str, Any], arrays: _Arrays) -> bool:
    """Write the file whole or not at all (:mod:`redline.atomic`); False when it cannot be
    written."""
    layout, offset = {}, 0
    for name, array in arrays.items():
        layout[name] = [array.dtype.str, list(array.shape), offset]
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    encoded = orjson.dumps({**header, "arrays": layout})
    head = len(_MAGIC) + 8 + len(encoded)
    try:
        with atomic_writer(path) as out:
            out.write(_MAGIC + len(encoded).to_bytes(8, "little") + encoded)
            out.write(b"\0" * (-head % _ALIGN))
            for array in arrays.values():
                data = np.ascontiguousarray(array).tobytes()
                out.write(data + b"\0" * (-len(data) % _ALIGN))
    except RedlineError:
        return False
    return True


def _load(path: Path, records: NumberedRecords) -> SavedColumns | None:
    """The file's columns if it is one this code wrote of these records, as they still are
    (the part it covers; None otherwise)."""
    try:
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if mapped[: len(_MAGIC)] != _MAGIC:
            raise ValueError("not a columns file")
        length = int.from_bytes(mapped[len(_MAGIC) : len(_MAGIC) + 8], "little")
        header = orjson.loads(mapped[len(_MAGIC) + 8 : len(_MAGIC) + 8 + length])
        count = header["count"]
        if (
            header["format"] != _FORMAT
            or header["redline"] != __version__
            or header["source"] != records.source
            or not 0 < count <= records.record_count()
            or header["prefix"] != records.prefix_stamp(count)
        ):
            raise ValueError("another version, log or state of the log")
        base = len(_MAGIC) + 8 + length
        base += -base % _ALIGN
        arrays: _Arrays = {}
        for name, (dtype, shape, offset) in header["arrays"].items():
            size = int(np.prod(shape)) if shape else 1
            arrays[name] = np.frombuffer(
                mapped, dtype=np.dtype(dtype), count=size, offset=base + offset
            ).reshape(shape)
        if set(arrays) != set(_DTYPES) or len(arrays["answer"]) != count:
            raise ValueError("columns missing")
        return SavedColumns(records, arrays, header["labels"], header["relation_labels"], mapped)
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        arrays = {}
        with contextlib.suppress(BufferError):
            mapped.close()
        return None
