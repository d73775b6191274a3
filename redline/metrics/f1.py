"""Span and relation F1 between two annotators, and where their labels part.

F1 needs no units fixed in advance: it counts the spans (or relations) the two annotators
share and the ones only one of them has, which is what gold annotation is judged by. Spans
match exactly (same extent and label, :class:`~redline.schema.keys.SpanKey`) or by overlap;
relations match when both ends match exactly as spans and the labels agree
(:class:`~redline.schema.keys.RelationKey`). Ids are never compared: each annotator numbers
spans their own way. Only documents both annotators did count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar, cast

import numpy as np

from redline.errors import RedlineError
from redline.metrics.batch_builder import pair_batch
from redline.metrics.columns import Batch, BoolArray, IntArray, Side, Spans, found_in, row_keys
from redline.metrics.compared import pair_mask
from redline.schema.records import Annotation

Match = Literal["exact", "overlap"]

MISSING = "∅"
"""In :func:`label_confusion`: the side of a span the other annotator does not have."""


@dataclass(frozen=True)
class Counts:
    """Matches of ``b`` against the reference ``a``: true and false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2tp / (2tp + fp + fn): symmetric in the two annotators; None when neither has any."""
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None

    @property
    def units(self) -> int:
        """Distinct items compared: matched pairs plus the unmatched items of either side."""
        return self.tp + self.fp + self.fn

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class PairF1:
    """Precision, recall and F1 of ``b`` relative to ``a``, overall and per label.

    ``per_label`` is keyed by label (empty for unlabelled matching, where a match may join
    two labels). ``documents`` is the number of documents both did; ``documents_left_out``
    the number only one of them did; ``documents_left_out_answers`` the number the answers
    policy left out (set by the report, :func:`redline.metrics.answers.accepted_only`).
    """

    overall: Counts
    per_label: Mapping[str, Counts] = field(default_factory=dict)
    documents: int = 0
    documents_left_out: int = 0
    documents_left_out_answers: int = field(default=0, kw_only=True)
    """Keyword-only, so that the positional fields (and a subclass's) keep their places."""

    @property
    def precision(self) -> float | None:
        return self.overall.precision

    @property
    def recall(self) -> float | None:
        return self.overall.recall

    @property
    def f1(self) -> float | None:
        return self.overall.f1

    @property
    def units(self) -> int:
        return self.overall.units

    def __add__(self, other: PairF1) -> PairF1:
        """Two batches' counts as one (the report adds its batches up)."""
        per_label = dict(self.per_label)
        for label, counts in other.per_label.items():
            per_label[label] = per_label.get(label, Counts()) + counts
        return PairF1(
            self.overall + other.overall,
            dict(sorted(per_label.items())),
            self.documents + other.documents,
            self.documents_left_out + other.documents_left_out,
            documents_left_out_answers=self.documents_left_out_answers
            + other.documents_left_out_answers,
        )


def _shared(
    columns_a: Sequence[IntArray], columns_b: Sequence[IntArray]
) -> tuple[IntArray, IntArray, IntArray]:
    """Items both sides have, counted as multisets: for each key both have, a row of ``a``
    holding it, a row of ``b`` holding it, and how many times both have it."""
    keys = row_keys([np.concatenate([x, y]) for x, y in zip(columns_a, columns_b, strict=True)])
    size = len(columns_a[0])
    keys_a, rows_a, counts_a = np.unique(keys[:size], return_index=True, return_counts=True)
    keys_b, rows_b, counts_b = np.unique(keys[size:], return_index=True, return_counts=True)
    found, at = found_in(keys_b, keys_a)  # the keys both have, in key order
    in_a = np.flatnonzero(found)
    in_b = at[in_a]
    return rows_a[in_a], rows_b[in_b], np.minimum(counts_a[in_a], counts_b[in_b])


def _by_label(
    codes: IntArray, names: Sequence[str], weights: IntArray | None = None
) -> Counter[str]:
    counts = np.bincount(codes, weights=weights, minlength=len(names))
    return Counter({names[c]: int(n) for c, n in enumerate(counts) if n})


def _pair_f1(
    n_a: int,
    n_b: int,
    matched: int,
    tp: Counter[str] | None,
    all_a: Counter[str] | None,
    all_b: Counter[str] | None,
    documents: int,
    left_out: int,
) -> PairF1:
    """A batch's counts: per label when the labels of both sides' items are given."""
    per_label: dict[str, Counts] = {}
    if tp is not None and all_a is not None and all_b is not None:
        for label in sorted(all_a | all_b):
            hits = tp[label]
            per_label[label] = Counts(hits, all_b[label] - hits, all_a[label] - hits)
    return PairF1(Counts(matched, n_b - matched, n_a - matched), per_label, documents, left_out)


def pair_by_overlap(a: Spans, b: Spans, same_label: bool) -> tuple[IntArray, IntArray]:
    """One-to-one pairing of overlapping spans, largest overlap first (ties by position, then
    by the records' order): rows of ``a`` and of ``b`` paired.

    Greedy, not a maximum matching: a pair with the largest shared extent is taken first,
    which is what a reader comparing the two versions would pair. A candidate pair whose two
    spans overlap no other candidate is taken whatever the order, so only the rest (spans
    that overlap several) go through the greedy loop.
    """
    i, j = overlapping(a, b)
    return _one_to_one(a, b, i, j, same_label)


def overlapping(a: Spans, b: Spans) -> tuple[IntArray, IntArray]:
    """Every pair of a span of ``a`` and one of ``b`` that share a character: their rows."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(a) or not len(b):
        return empty, empty
    order = np.lexsort((b.end, b.start))
    b_starts = b.start[order]
    longest = np.zeros(int(max(a.doc.max(), b.doc.max())) + 1, dtype=np.int64)
    np.maximum.at(longest, b.doc, b.end - b.start)
    lo = np.searchsorted(b_starts, a.start - longest[a.doc], side="right")
    hi = np.searchsorted(b_starts, a.end, side="left")
    counts = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(a)), counts)
    step = np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts)
    j = order[np.repeat(lo, counts) + step]
    overlaps = b.end[j] > a.start[i]
    return i[overlaps], j[overlaps]


def _one_to_one(
    a: Spans, b: Spans, i: IntArray, j: IntArray, same_label: bool
) -> tuple[IntArray, IntArray]:
    """The pairs :func:`pair_by_overlap` takes among the overlapping pairs ``i``, ``j``."""
    if same_label:
        same = b.label[j] == a.label[i]
        i, j = i[same], j[same]
    alone = (np.bincount(i, minlength=len(a))[i] == 1) & (np.bincount(j, minlength=len(b))[j] == 1)
    rest_i, rest_j = i[~alone], j[~alone]
    if not len(rest_i):
        return i, j
    shared = np.minimum(a.end[rest_i], b.end[rest_j]) - np.maximum(a.start[rest_i], b.start[rest_j])
    ranked = np.lexsort(
        (b.rank[rest_j], a.rank[rest_i], b.end[rest_j], b.start[rest_j],
         a.end[rest_i], a.start[rest_i], -shared)
    )  # fmt: skip
    used_a: set[int] = set()
    used_b: set[int] = set()
    taken_i, taken_j = [], []
    for x, y in zip(rest_i[ranked].tolist(), rest_j[ranked].tolist(), strict=True):
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
            taken_i.append(x)
            taken_j.append(y)
    return (
        np.concatenate([i[alone], np.asarray(taken_i, dtype=np.int64)]),
        np.concatenate([j[alone], np.asarray(taken_j, dtype=np.int64)]),
    )


def _unpaired(size: int, paired: IntArray) -> IntArray:
    mask = np.ones(size, dtype=bool)
    mask[paired] = False
    return np.flatnonzero(mask)


_T = TypeVar("_T")


def _of_pair(a: Side, b: Side, what: str, make: Callable[[], _T]) -> _T:
    """What a statistic derives from two sides, once for all that need it: kept in ``a``'s
    memo with ``b`` itself (a side is compared by its arrays, so it is no dict key)."""
    key = (what, id(b))
    found = a.memo.get(key)
    if found is not None and found[0] is b:
        return cast("_T", found[1])
    value = make()
    a.memo[key] = (b, value)
    return value


def _compared_spans(a: Side, b: Side) -> tuple[BoolArray, int, Spans, Spans]:
    """The documents both did, how many only one did, and the spans of each in the first."""

    def compared() -> tuple[BoolArray, int, Spans, Spans]:
        both, left_out = pair_mask(a, b)
        return both, left_out, a.spans.of_docs(both), b.spans.of_docs(both)

    return _of_pair(a, b, "spans", compared)


def _paired_by_overlap(a: Side, b: Side, labelled: bool) -> tuple[IntArray, IntArray]:
    """:func:`pair_by_overlap` of the compared spans (the unlabelled pairs serve both the
    unlabelled overlap F1 and the confusion of labels)."""
    _, _, sa, sb = _compared_spans(a, b)

    def paired() -> tuple[IntArray, IntArray]:
        i, j = _of_pair(a, b, "overlapping", lambda: overlapping(sa, sb))
        return _one_to_one(sa, sb, i, j, labelled)

    return _of_pair(a, b, f"overlap-{labelled}", paired)


def batch_span_f1(
    batch: Batch, a: Side, b: Side, match: Match = "exact", labelled: bool = True
) -> PairF1:
    """:func:`span_f1` of one batch's two sides."""
    if match not in ("exact", "overlap"):
        raise RedlineError(f"span matching must be 'exact' or 'overlap', not {match!r}")
    both, left_out, sa, sb = _compared_spans(a, b)
    names = batch.labels.names
    documents = int(np.count_nonzero(both))
    if match == "exact":
        extent_a = [sa.start, sa.end - sa.start] + ([sa.label] if labelled else [])
        extent_b = [sb.start, sb.end - sb.start] + ([sb.label] if labelled else [])
        rows_a, _, counts = _shared(extent_a, extent_b)
        matched = int(counts.sum())
        tp = _by_label(sa.label[rows_a], names, counts) if labelled else None
    else:
        paired_a, _ = _paired_by_overlap(a, b, labelled)
        matched = len(paired_a)
        tp = _by_label(sa.label[paired_a], names) if labelled else None
    all_a = _by_label(sa.label, names) if labelled else None
    all_b = _by_label(sb.label, names) if labelled else None
    return _pair_f1(len(sa), len(sb), matched, tp, all_a, all_b, documents, left_out)


def batch_relation_f1(batch: Batch, a: Side, b: Side) -> PairF1:
    """:func:`relation_f1` of one batch's two sides."""
    both, left_out = pair_mask(a, b)
    ra, rb = a.relations.of_docs(both), b.relations.of_docs(both)
    names = batch.relation_labels.names
    columns_a = [*ra.ends.T, ra.label]
    columns_b = [*rb.ends.T, rb.label]
    rows_a, _, counts = _shared(columns_a, columns_b)
    tp = _by_label(ra.label[rows_a], names, counts)
    all_a, all_b = _by_label(ra.label, names), _by_label(rb.label, names)
    matched = int(counts.sum())
    documents = int(np.count_nonzero(both))
    return _pair_f1(len(ra), len(rb), matched, tp, all_a, all_b, documents, left_out)


def batch_label_confusion(batch: Batch, a: Side, b: Side) -> Counter[tuple[str, str]]:
    """:func:`label_confusion` of one batch's two sides."""
    _, _, sa, sb = _compared_spans(a, b)
    names = [*batch.labels.names, MISSING]
    missing = len(names) - 1
    paired_a, paired_b = _paired_by_overlap(a, b, labelled=False)
    only_a, only_b = _unpaired(len(sa), paired_a), _unpaired(len(sb), paired_b)
    left = np.concatenate([sa.label[paired_a], sa.label[only_a], np.full(len(only_b), missing)])
    right = np.concatenate([sb.label[paired_b], np.full(len(only_a), missing), sb.label[only_b]])
    cells, counts = np.unique(left * len(names) + right, return_counts=True)
    return Counter(
        {
            (names[c // len(names)], names[c % len(names)]): int(n)
            for c, n in zip(cells.tolist(), counts.tolist(), strict=True)
        }
    )


def span_f1(
    a: Sequence[Annotation],
    b: Sequence[Annotation],
    match: Match = "exact",
    labelled: bool = True,
) -> PairF1:
    """Span precision, recall and F1 of annotator ``b`` against annotator ``a``.

    ``exact``: same start, end (and label); ``overlap``: at least one shared character (and
    the same label), spans paired one-to-one by largest overlap. Unlabelled variants ignore
    the label (and give no per-label rows). Only documents both did count.
    """
    batch, x, y = pair_batch(a, b)
    return batch_span_f1(batch, x, y, match, labelled)


def relation_f1(a: Sequence[Annotation], b: Sequence[Annotation]) -> PairF1:
    """Relation precision, recall and F1 of ``b`` against ``a``, overall and per label.

    A relation matches when its head and its child match exactly as spans (start, end,
    label) and its label matches: span ids are never compared.
    """
    batch, x, y = pair_batch(a, b)
    return batch_relation_f1(batch, x, y)


def label_confusion(a: Sequence[Annotation], b: Sequence[Annotation]) -> dict[tuple[str, str], int]:
    """How ``a``'s labels meet ``b``'s on overlapping spans: ``(label_a, label_b) -> count``.

    Spans are paired one-to-one by largest overlap whatever their labels; a span the other
    annotator has nothing paired with counts as ``(label, "∅")`` or ``("∅", label)``. Only
    documents both did count.
    """
    batch, x, y = pair_batch(a, b)
    return dict(sorted(batch_label_confusion(batch, x, y).items()))
