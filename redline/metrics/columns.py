"""Records as columns of numbers: the form every agreement statistic counts in.

A report compares millions of spans. One Python object per span costs most of a minute;
one numpy operation over all of them costs milliseconds. So the records of a batch of
documents are laid out as arrays: the batch's texts end to end on one continuum, each span
as (start, end) on it, each label as a code. Spans of different documents can then never
meet, and a statistic compares every document of the batch at once. A report reads its
documents a batch at a time and adds up each batch's counts (:mod:`redline.metrics.report`),
so its memory does not grow with the dataset.

:mod:`redline.metrics.batch_builder` lays records out in this form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

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


def ints(values: Sequence[int] | IntArray) -> IntArray:
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
    texts: Sequence[str]
    starts: IntArray
    """Where each document begins on the continuum; one more entry, where the last ends."""
    sides: dict[str, Side]
    labels: Labels
    relation_labels: Labels
    digests: list[bytes] = field(default_factory=list)
    """Each text's SHA-1 digest (what its cached tokens are found by)."""
    memo: dict[object, Any] = field(default_factory=dict, compare=False)
    """What the statistics derive from the batch once for all of them (its tokens)."""

    def __len__(self) -> int:
        return len(self.doc_ids)


def row_keys(columns: Sequence[IntArray]) -> IntArray:
    """One integer per row of ``columns`` (non-negative), equal exactly when the rows are and
    ordered as they are (by the first column, then the next...)."""
    if not len(columns[0]):
        return np.zeros(0, dtype=np.int64)
    radices = [int(c.max()) + 1 for c in columns]
    if np.prod(radices, dtype=object) < 2**62:
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for column, radix in zip(columns, radices, strict=True):
            key = key * radix + column
        return key
    _, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def lexical_order(columns: Sequence[IntArray]) -> IntArray:
    """The rows of ``columns`` (non-negative) sorted by the first column, then the next...,
    rows alike kept in their order: :func:`np.lexsort` of the columns the other way round, in
    one sort of one key where they fit."""
    return np.argsort(row_keys(columns), kind="stable")


def found_in(known: IntArray, keys: IntArray) -> tuple[BoolArray, IntArray]:
    """Which of ``keys`` the sorted ``known`` holds too, and each one's place in ``known``
    (meaningful where found): a look-up of sorted keys, not a second sort of both."""
    if not len(known):
        return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64)
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    found: BoolArray = known[at] == keys
    return found, at
