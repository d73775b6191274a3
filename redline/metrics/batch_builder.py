"""Records laid out as a :class:`~redline.metrics.columns.Batch`, from any of their forms.

Records come in as validated :class:`~redline.schema.records.Annotation` objects (the
functions of the statistics, the tests), as the plain JSON objects the store already
validated when it wrote and indexed them (:meth:`BatchBuilder.add_json`: a report need not
build a model object per span only to read four of its fields), or already as arrays
(:meth:`BatchBuilder.add_laid_out`, from :mod:`redline.metrics.saved_columns`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any, cast, overload

import numpy as np

from redline.metrics.columns import (
    ANSWER_CODES,
    NOT_DONE,
    Batch,
    IntArray,
    Labels,
    Relations,
    Side,
    Spans,
    ints,
)
from redline.schema.keys import check_same_text
from redline.schema.records import Annotation

_Fields = tuple[Callable[[Any], Any], ...]
JSON_FIELDS: _Fields = tuple(map(itemgetter, ("id", "start", "end", "label")))
_MODEL_FIELDS: _Fields = tuple(map(attrgetter, ("id", "start", "end", "label")))


@dataclass(frozen=True)
class LaidOut:
    """Records as arrays, offsets still on each record's own text; ``record_doc`` and the
    relations' ``record`` number the records in this order."""

    doc_ids: list[str]
    answers: IntArray
    span_counts: IntArray
    starts: IntArray
    ends: IntArray
    labels: IntArray
    relation_record: IntArray
    relation_ends: IntArray
    """Rows of (head start, head end, head label, child start, child end, child label)."""
    relation_labels: IntArray


@dataclass
class RecordColumns:
    """Records while they are gathered: a list entry per record and per span."""

    doc_ids: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    span_counts: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    relation_docs: list[int] = field(default_factory=list)
    relation_ends: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    relation_labels: list[int] = field(default_factory=list)

    def add(
        self,
        doc_id: str,
        answer: str,
        spans: Sequence[Any],
        fields: _Fields,
        relations: list[tuple[str, str, str]],
        labels: Labels,
        relation_labels: Labels,
    ) -> None:
        """One record; its spans' fields are read column by column (``fields``: getters of
        id, start, end and label), a C loop each rather than a Python tuple per span."""
        record = len(self.doc_ids)
        self.doc_ids.append(doc_id)
        self.answers.append(ANSWER_CODES[answer])
        self.span_counts.append(len(spans))
        get_id, get_start, get_end, get_label = fields
        starts, ends = list(map(get_start, spans)), list(map(get_end, spans))
        known = list(map(labels.codes.get, map(get_label, spans)))
        codes = (
            cast("list[int]", known)
            if None not in known
            else list(map(labels.code, map(get_label, spans)))
        )
        self.starts += starts
        self.ends += ends
        self.labels += codes
        if relations:
            ids = map(get_id, spans)
            by_id = {i: e for i, e in zip(ids, zip(starts, ends, codes, strict=True), strict=True)}
            for head, child, label in relations:
                if head in by_id and child in by_id:
                    self.relation_docs.append(record)
                    self.relation_ends.append((*by_id[head], *by_id[child]))
                    self.relation_labels.append(relation_labels.code(label))

    def add_json(
        self,
        record: Mapping[str, Any],
        labels: Labels,
        relation_labels: Labels,
        only: set[str] | None,
    ) -> None:
        """A record as the plain JSON object the store holds (validated when saved)."""
        spans = record.get("spans", ())
        if only is not None:
            spans = [s for s in spans if s["label"] in only]
        relations = record.get("relations")
        self.add(
            record["doc_id"],
            record.get("answer", "accept"),
            spans,
            JSON_FIELDS,
            [(r["head"], r["child"], r["label"]) for r in relations] if relations else [],
            labels,
            relation_labels,
        )

    def laid_out(self) -> LaidOut:
        return LaidOut(
            self.doc_ids,
            ints(self.answers),
            ints(self.span_counts),
            ints(self.starts),
            ints(self.ends),
            ints(self.labels),
            ints(self.relation_docs),
            np.asarray(self.relation_ends, dtype=np.int64).reshape(-1, 6),
            ints(self.relation_labels),
        )


TextReader = tuple[Callable[[int], str], int]
"""A text not read yet: what reads it, and the number it is read by."""


class Texts(Sequence[str]):
    """A batch's texts, each read when first asked for: a text whose tokens are cached is
    never read (those of :mod:`redline.metrics.saved_columns`' batches)."""

    def __init__(self, texts: list[str | TextReader]) -> None:
        self._texts = texts

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        text = self._texts[index]
        if not isinstance(text, str):
            read, number = text
            text = self._texts[index] = read(number)
        return text


class BatchBuilder:
    """Gathers records, then lays them out as a :class:`Batch`.

    ``labels`` (when given) keeps only the spans of those labels, and the relations between
    kept spans, as ``redline agreement --labels`` compares them. The codes are shared with
    the batches before (pass the same :class:`Labels`)."""

    def __init__(
        self,
        labels: Labels | None = None,
        relation_labels: Labels | None = None,
        only: Iterable[str] | None = None,
    ) -> None:
        self.labels = labels or Labels()
        self.relation_labels = relation_labels or Labels()
        self.only = set(only) if only is not None else None
        self._sides: dict[str, RecordColumns | LaidOut] = {}
        self._texts: dict[str, tuple[int, str | TextReader]] = {}
        self._digests: dict[str, dict[str, bytes]] = {}

    def side(self, name: str) -> None:
        """Make ``name`` a side of the batch even if it has no record in it."""
        self._sides.setdefault(name, RecordColumns())

    def add_json(self, name: str, record: Mapping[str, Any]) -> None:
        """A record as the plain JSON object the store holds (validated when saved)."""
        self._text(name, record["doc_id"], len(record["text"]), record["text"], record["text_sha1"])
        self._collecting(name).add_json(record, self.labels, self.relation_labels, self.only)

    def add_record(self, name: str, record: Annotation) -> None:
        spans = record.spans
        if self.only is not None:
            spans = [s for s in spans if s.label in self.only]
        self._text(name, record.doc_id, len(record.text), record.text, record.text_sha1)
        self._collecting(name).add(
            record.doc_id,
            record.answer,
            spans,
            _MODEL_FIELDS,
            [(r.head, r.child, r.label) for r in record.relations],
            self.labels,
            self.relation_labels,
        )

    def add_laid_out(
        self,
        name: str,
        records: LaidOut,
        texts: Sequence[tuple[int, bytes, TextReader]],
    ) -> None:
        """A side's records of the batch already as arrays, with each one's text as (length,
        SHA-1 digest, what reads it); the side had no record yet."""
        existing = self._sides.get(name)
        if isinstance(existing, LaidOut) or (existing is not None and existing.doc_ids):
            raise ValueError(f"side {name!r} already has records")
        self._sides[name] = records
        for doc_id, (length, digest, read) in zip(records.doc_ids, texts, strict=True):
            self._text(name, doc_id, length, read, digest)

    def _collecting(self, name: str) -> RecordColumns:
        side = self._sides.setdefault(name, RecordColumns())
        if not isinstance(side, RecordColumns):
            raise ValueError(f"side {name!r} was given as arrays")
        return side

    def _text(
        self, name: str, doc_id: str, length: int, text: str | TextReader, sha1: str | bytes
    ) -> None:
        self._texts.setdefault(doc_id, (length, text))
        self._digests.setdefault(doc_id, {})[name] = (
            sha1 if isinstance(sha1, bytes) else bytes.fromhex(sha1)
        )

    def build(self) -> Batch:
        """The batch; raises when annotators of one document worked on different texts."""
        doc_ids = sorted(self._texts)
        for doc_id in doc_ids:
            digests = self._digests[doc_id]
            if len(digests) > 1 and len(set(digests.values())) > 1:
                check_same_text(doc_id, {n: _Sha1(d.hex()) for n, d in digests.items()})
        texts = [self._texts[d] for d in doc_ids]
        starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([length for length, _ in texts], out=starts[1:])
        where = {doc_id: i for i, doc_id in enumerate(doc_ids)}
        sides = {
            name: _side(c if isinstance(c, LaidOut) else c.laid_out(), where, starts)
            for name, c in self._sides.items()
        }
        return Batch(
            doc_ids,
            Texts([text for _, text in texts]),
            starts,
            sides,
            self.labels,
            self.relation_labels,
            [next(iter(self._digests[d].values())) for d in doc_ids],
        )


def _side(records: LaidOut, where: dict[str, int], starts: IntArray) -> Side:
    # A document listed twice: the last record counts (as in the store's newest).
    last = {doc_id: i for i, doc_id in enumerate(records.doc_ids)}
    record_doc = ints([where[d] for d in records.doc_ids])
    kept_record = np.zeros(len(records.doc_ids), dtype=bool)
    kept_record[list(last.values())] = True
    answer = np.full(len(where), NOT_DONE, dtype=np.int64)
    answer[record_doc[kept_record]] = records.answers[kept_record]
    counts = records.span_counts
    span_record = np.repeat(np.arange(len(counts)), counts)
    first_of_record = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    keep = kept_record[span_record]
    doc = record_doc[span_record]
    offset = starts[doc]
    spans = Spans(
        doc,
        records.starts + offset,
        records.ends + offset,
        records.labels,
        np.arange(len(span_record), dtype=np.int64) - first_of_record[span_record],
    )
    if not kept_record.all():
        spans = spans.take(keep)
    relation_record = records.relation_record
    relation_doc = record_doc[relation_record]
    ends = records.relation_ends.copy()
    ends[:, [0, 1, 3, 4]] += starts[relation_doc][:, None]
    relations = Relations(relation_doc, ends, records.relation_labels)
    if not kept_record.all():
        keep_relation = kept_record[relation_record]
        relations = Relations(
            relation_doc[keep_relation], ends[keep_relation], records.relation_labels[keep_relation]
        )
    return Side(answer, spans, relations)


@dataclass(frozen=True)
class _Sha1:
    text_sha1: str


def batch_of(
    versions: Mapping[str, Iterable[Annotation]], names: Sequence[str] | None = None
) -> Batch:
    """The records of every annotator as one batch (for the functions over record lists)."""
    builder = BatchBuilder()
    for name in names or versions:
        builder.side(name)
        for record in versions[name]:
            builder.add_record(name, record)
    return builder.build()


def pair_batch(a: Sequence[Annotation], b: Sequence[Annotation]) -> tuple[Batch, Side, Side]:
    """Two annotators' records as one batch; the sides are named by their annotators, as
    the error about different texts names them."""
    first = a[0].annotator if a else "a"
    second = b[0].annotator if b else "b"
    if first == second:
        first, second = f"{first} (1)", f"{second} (2)"
    batch = batch_of({first: a, second: b})
    return batch, batch.sides[first], batch.sides[second]


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a batch is read. The store's JSON holds no
    cycles, but each of a batch's ~150,000 span objects counts towards the collector's next
    pass, which walks everything alive: ~0.4 s of reading 10,000 documents."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
