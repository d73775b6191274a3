"""Records as columns of numbers: the form every agreement statistic counts in.

A report compares millions of spans. One Python object per span costs most of a minute;
one numpy operation over all of them costs milliseconds. So the records of a batch of
documents are laid out as arrays: the batch's texts end to end on one continuum, each span
as (start, end) on it, each label as a code. Spans of different documents can then never
meet, and a statistic compares every document of the batch at once. A report reads its
documents a batch at a time and adds up each batch's counts (:mod:`redline.metrics.report`),
so its memory does not grow with the dataset.

Records come in either as validated :class:`~redline.schema.records.Annotation` objects
(the functions of the statistics, the tests) or as the plain JSON objects the store already
validated when it wrote and indexed them (:meth:`BatchBuilder.add_json`): a report need not
build a model object per span only to read four of its fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from redline.schema.keys import check_same_text
from redline.schema.records import Annotation

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ANSWER_CODES = {"accept": 0, "reject": 1, "ignore": 2}
NOT_DONE = -1
"""The answer code of a document the annotator did not do."""


class Labels:
    """Codes of label names, shared by every batch of one report so that counts add up."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.codes: dict[str, int] = {}

    def code(self, name: str) -> int:
        found = self.codes.get(name)
        if found is None:
            found = self.codes[name] = len(self.names)
            self.names.append(name)
        return found

    def ranks(self) -> IntArray:
        """Each code's place in the names' string order (for ties broken by label name)."""
        ranks = np.zeros(len(self.names), dtype=np.int64)
        ranks[np.argsort(np.array(self.names, dtype=object), kind="stable")] = np.arange(
            len(self.names)
        )
        return ranks


def _ints(values: Sequence[int] | IntArray) -> IntArray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


@dataclass(frozen=True)
class Spans:
    """Spans as parallel arrays. ``start``/``end`` are on the batch's continuum; ``rank``
    is the span's place in its record, which breaks ties as the record lists them."""

    doc: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    rank: IntArray

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, keep: BoolArray | IntArray) -> Spans:
        return Spans(
            self.doc[keep], self.start[keep], self.end[keep], self.label[keep], self.rank[keep]
        )

    def of_docs(self, docs: BoolArray) -> Spans:
        """The spans of the documents marked in ``docs``."""
        return self.take(docs[self.doc])


@dataclass(frozen=True)
class Relations:
    """Relations with both ends resolved to their extents and labels (ids are an
    annotator's own numbering and are never compared)."""

    doc: IntArray
    ends: IntArray
    """Rows of (head start, head end, head label, child start, child end, child label)."""
    label: IntArray

    def __len__(self) -> int:
        return len(self.doc)

    def of_docs(self, docs: BoolArray) -> Relations:
        keep = docs[self.doc]
        return Relations(self.doc[keep], self.ends[keep], self.label[keep])


@dataclass(frozen=True)
class Side:
    """One annotator's records of a batch's documents."""

    answer: IntArray
    """Per document: the answer's code (:data:`ANSWER_CODES`), :data:`NOT_DONE` if none."""
    spans: Spans
    relations: Relations
    memo: dict[object, Any] = field(default_factory=dict, compare=False)
    """What the statistics derive from these records once for all of them."""
    taken_from: tuple[Side, BoolArray] | None = field(default=None, compare=False)
    """The side these records were taken from, and the documents taken out (:meth:`without`):
    what is derived from the whole side serves for the rest of its documents."""

    @property
    def done(self) -> BoolArray:
        done: BoolArray = self.answer != NOT_DONE
        return done

    def without(self, docs: BoolArray) -> Side:
        """The same records with those of ``docs`` taken out (as if never done)."""
        if not docs.any():
            return self
        kept = ~docs
        return Side(
            np.where(docs, NOT_DONE, self.answer),
            self.spans.of_docs(kept),
            self.relations.of_docs(kept),
            taken_from=(self, docs),
        )


@dataclass(frozen=True)
class Batch:
    """Documents (sorted by id) and each annotator's records of them, as arrays."""

    doc_ids: list[str]
    texts: list[str]
    starts: IntArray
    """Where each document begins on the continuum; one more entry, where the last ends."""
    sides: dict[str, Side]
    labels: Labels
    relation_labels: Labels
    memo: dict[object, Any] = field(default_factory=dict, compare=False)
    """What the statistics derive from the batch once for all of them (its tokens)."""

    def __len__(self) -> int:
        return len(self.doc_ids)


_Fields = tuple[Callable[[Any], Any], ...]
_JSON_FIELDS: _Fields = tuple(map(itemgetter, ("id", "start", "end", "label")))
_MODEL_FIELDS: _Fields = tuple(map(attrgetter, ("id", "start", "end", "label")))


@dataclass
class _Collected:
    """One annotator's records while a batch is being gathered."""

    doc_ids: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    span_counts: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    relation_docs: list[int] = field(default_factory=list)
    relation_ends: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    relation_labels: list[int] = field(default_factory=list)


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
        self._sides: dict[str, _Collected] = {}
        self._texts: dict[str, str] = {}
        self._sha1s: dict[str, dict[str, str]] = {}

    def side(self, name: str) -> None:
        """Make ``name`` a side of the batch even if it has no record in it."""
        self._sides.setdefault(name, _Collected())

    def add_json(self, name: str, record: Mapping[str, Any]) -> None:
        """A record as the plain JSON object the store holds (validated when saved)."""
        spans = record.get("spans", ())
        if self.only is not None:
            spans = [s for s in spans if s["label"] in self.only]
        relations = record.get("relations")
        self._add(
            name,
            record["doc_id"],
            record["text"],
            record["text_sha1"],
            record.get("answer", "accept"),
            spans,
            _JSON_FIELDS,
            [(r["head"], r["child"], r["label"]) for r in relations] if relations else [],
        )

    def add_record(self, name: str, record: Annotation) -> None:
        spans = record.spans
        if self.only is not None:
            spans = [s for s in spans if s.label in self.only]
        self._add(
            name,
            record.doc_id,
            record.text,
            record.text_sha1,
            record.answer,
            spans,
            _MODEL_FIELDS,
            [(r.head, r.child, r.label) for r in record.relations],
        )

    def _add(
        self,
        name: str,
        doc_id: str,
        text: str,
        sha1: str,
        answer: str,
        spans: Sequence[Any],
        fields: _Fields,
        relations: list[tuple[str, str, str]],
    ) -> None:
        """One record; its spans' fields are read column by column (``fields``: getters of
        id, start, end and label), a C loop each rather than a Python tuple per span."""
        side = self._sides.setdefault(name, _Collected())
        self._texts.setdefault(doc_id, text)
        self._sha1s.setdefault(doc_id, {})[name] = sha1
        record = len(side.doc_ids)
        side.doc_ids.append(doc_id)
        side.answers.append(ANSWER_CODES[answer])
        side.span_counts.append(len(spans))
        get_id, get_start, get_end, get_label = fields
        starts, ends = list(map(get_start, spans)), list(map(get_end, spans))
        known = list(map(self.labels.codes.get, map(get_label, spans)))
        labels = (
            cast("list[int]", known)
            if None not in known
            else list(map(self.labels.code, map(get_label, spans)))
        )
        side.starts += starts
        side.ends += ends
        side.labels += labels
        if relations:
            ids = map(get_id, spans)
            by_id = {i: e for i, e in zip(ids, zip(starts, ends, labels, strict=True), strict=True)}
            for head, child, label in relations:
                if head in by_id and child in by_id:
                    side.relation_docs.append(record)
                    side.relation_ends.append((*by_id[head], *by_id[child]))
                    side.relation_labels.append(self.relation_labels.code(label))

    def build(self) -> Batch:
        """The batch; raises when annotators of one document worked on different texts."""
        doc_ids = sorted(self._texts)
        for doc_id in doc_ids:
            sha1s = self._sha1s[doc_id]
            if len(sha1s) > 1 and len(set(sha1s.values())) > 1:
                check_same_text(doc_id, {n: _Sha1(s) for n, s in sha1s.items()})
        texts = [self._texts[d] for d in doc_ids]
        starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in texts], out=starts[1:])
        where = {doc_id: i for i, doc_id in enumerate(doc_ids)}
        sides = {name: self._side(c, where, starts) for name, c in self._sides.items()}
        return Batch(doc_ids, texts, starts, sides, self.labels, self.relation_labels)

    def _side(self, collected: _Collected, where: dict[str, int], starts: IntArray) -> Side:
        # A document listed twice: the last record counts (as in the store's newest).
        last = {doc_id: i for i, doc_id in enumerate(collected.doc_ids)}
        record_doc = _ints([where[d] for d in collected.doc_ids])
        kept_record = np.zeros(len(collected.doc_ids), dtype=bool)
        kept_record[list(last.values())] = True
        answer = np.full(len(where), NOT_DONE, dtype=np.int64)
        answer[record_doc[kept_record]] = _ints(collected.answers)[kept_record]
        counts = _ints(collected.span_counts)
        span_record = np.repeat(np.arange(len(counts)), counts)
        first_of_record = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        keep = kept_record[span_record]
        doc = record_doc[span_record]
        offset = starts[doc]
        spans = Spans(
            doc,
            _ints(collected.starts) + offset,
            _ints(collected.ends) + offset,
            _ints(collected.labels),
            np.arange(len(span_record), dtype=np.int64) - first_of_record[span_record],
        ).take(keep)
        relation_record = _ints(collected.relation_docs)
        relation_doc = record_doc[relation_record]
        ends = np.asarray(collected.relation_ends, dtype=np.int64).reshape(-1, 6)
        ends[:, [0, 1, 3, 4]] += starts[relation_doc][:, None]
        keep_relation = kept_record[relation_record]
        relations = Relations(
            relation_doc[keep_relation],
            ends[keep_relation],
            _ints(collected.relation_labels)[keep_relation],
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
