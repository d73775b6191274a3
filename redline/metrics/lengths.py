"""How many units or gaps there are of each length: what Krippendorff's alpha_U's expected
disagreement is worked out from (:mod:`redline.metrics.unitizing`), kept as arrays so that a
batch of tens of thousands of lengths is added in a few numpy operations, not a Python step
each."""

from __future__ import annotations

import numpy as np

from redline.metrics.columns import IntArray


class Lengths:
    """How many units (or gaps) there are of each length: sorted distinct lengths and their
    counts, added a batch at a time in a few numpy operations. A label's part may take gaps
    away from the base, so a count may be negative; none is 0."""

    def __init__(self, values: IntArray | None = None, counts: IntArray | None = None) -> None:
        self.values = values if values is not None else np.zeros(0, dtype=np.int64)
        self.counts = counts if counts is not None else np.zeros(0, dtype=np.int64)

    def add(self, values: IntArray, counts: IntArray) -> None:
        """Add ``counts`` of ``values`` (sorted, distinct)."""
        self.values, self.counts = _summed(self.values, self.counts, values, counts)

    def count(self, values: IntArray, sign: int = 1) -> None:
        found, counts = np.unique(values, return_counts=True)
        self.add(found, sign * counts.astype(np.int64))

    def __add__(self, other: Lengths) -> Lengths:
        return Lengths(*_summed(self.values, self.counts, other.values, other.counts))

    def __bool__(self) -> bool:
        return bool(len(self.values))

    def total(self) -> int:
        return int(self.counts.sum())

    def items(self) -> list[tuple[int, int]]:
        """(length, count) from the shortest."""
        return list(zip(self.values.tolist(), self.counts.tolist(), strict=True))


def _summed(
    values_a: IntArray, counts_a: IntArray, values_b: IntArray, counts_b: IntArray
) -> tuple[IntArray, IntArray]:
    if not len(values_b):
        return values_a, counts_a
    if not len(values_a):
        return values_b, counts_b
    values = np.concatenate([values_a, values_b])
    order = np.argsort(values, kind="stable")
    values, counts = values[order], np.concatenate([counts_a, counts_b])[order]
    heads = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    sums = np.add.reduceat(counts, heads)
    kept = sums != 0
    return values[heads][kept], sums[kept]
