"""Krippendorff's unitizing alpha (alpha_U): agreement on where units are, not only on labels.

Token kappa and alpha see boundaries only through the tokens a span covers; exact F1 counts
a boundary one character off as a miss, overlap F1 not at all. alpha_U measures the squared
distance between the annotators' boundaries over the character continuum of each document,
against the distance expected by chance (Krippendorff 2004, *Content Analysis*, 2nd ed.,
section 12.4). The sums are kept as exact fractions until the value is reported.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import accumulate, combinations, pairwise

import numpy as np

from redline.errors import RedlineError
from redline.metrics.batch_builder import batch_of
from redline.metrics.columns import (
    Batch,
    BoolArray,
    IntArray,
    Labels,
    Relations,
    Side,
    Spans,
    lexical_order,
)
from redline.metrics.compared import Score, Versions, done_counts, require_two
from redline.metrics.lengths import Lengths

Unit = tuple[int, int, str]
"""A coder's unit of a continuum: [start, end) and its label."""


@dataclass(frozen=True)
class UnitizingScore(Score):
    """Krippendorff's alpha_U. ``units`` counts the coded units (spans) of the label(s) over
    all coders; ``characters`` is the length of the continuum (all documents); ``observed``
    and ``expected`` are the disagreements D_o and D_e (summed over labels when pooled)."""

    characters: int = 0
    observed: float | None = None
    expected: float | None = None


def _merged(spans: Spans, stride: int) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """A coder's units of each label, with overlapping ones merged (alpha_U assumes a coder's
    units of one category do not overlap): (doc, start, end, label), sorted by label, then
    start. Positions are shifted by ``label * stride`` so that labels never meet."""
    shift = spans.label * stride
    start, end = spans.start + shift, spans.end + shift
    order = lexical_order([start, end])
    start, end = start[order], end[order]
    if not len(start):
        return spans.doc, start, end, spans.label
    reach = np.maximum.accumulate(end)
    new = np.ones(len(start), dtype=bool)
    new[1:] = start[1:] >= reach[:-1]
    heads = np.flatnonzero(new)
    return (
        spans.doc[order][heads],
        start[heads],
        np.maximum.reduceat(end, heads),
        spans.label[order][heads],
    )


def _count_by_label(
    counters: Sequence[Lengths], labels: IntArray, values: IntArray, sign: int = 1
) -> None:
    """Count each label's ``values`` (non-negative) in its counter, in one pass for all."""
    if not len(values):
        return
    radix = int(values.max()) + 1
    keys = labels * radix + values
    if radix * len(counters) <= 4 * len(keys) + (1 << 16):  # few values: counted in place
        tally = np.bincount(keys, minlength=radix * len(counters))
        found = np.flatnonzero(tally)
        counts = tally[found]
    else:
        found, counts = np.unique(keys, return_counts=True)
    label_of, value = np.divmod(found, radix)
    bounds = np.searchsorted(label_of, np.arange(len(counters) + 1)).tolist()
    signed = sign * counts.astype(np.int64)
    for code, (lo, hi) in enumerate(pairwise(bounds)):
        if hi > lo:
            counters[code].add(value[lo:hi], signed[lo:hi])


_EXACT_IN_FLOAT = 2**53


def _squares(values: IntArray, labels: IntArray, size: int) -> IntArray:
    """Sum of ``values`` squared per label code, in exact integers (summed as floats where
    no sum can pass 2^53, so every one is still exact)."""
    squares = values * values
    if not len(squares) or int(squares.max()) * len(squares) < _EXACT_IN_FLOAT:
        return np.bincount(labels, weights=squares, minlength=size).astype(np.int64)
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, labels, squares)
    return total


@dataclass
class _Components:
    """The parts of one label's D_o and D_e, summed over continua."""

    observed: int = 0  # sum over continua and unordered coder pairs of delta^2
    pair_positions: int = 0  # sum over continua of m_d (m_d - 1) L_d
    coder_positions: int = 0  # sum over continua of m_d L_d  (mL for one continuum)
    length: int = 0  # sum of L_d
    unit_lengths: Lengths = field(default_factory=Lengths)
    gap_lengths: Lengths = field(default_factory=Lengths)

    def __add__(self, other: _Components) -> _Components:
        """Both parts; a label's part may take gaps away (negative counts) from the base."""
        return _Components(
            self.observed + other.observed,
            self.pair_positions + other.pair_positions,
            self.coder_positions + other.coder_positions,
            self.length + other.length,
            self.unit_lengths + other.unit_lengths,
            self.gap_lengths + other.gap_lengths,
        )

    def disagreements(self) -> tuple[Fraction, Fraction] | None:
        """(D_o, D_e), or None when the label has no units or the continuum is empty."""
        n_units = self.unit_lengths.total()
        if n_units == 0 or self.pair_positions == 0 or self.length == 0:
            return None
        observed = Fraction(2 * self.observed, self.length * self.pair_positions)
        gaps = self.gap_lengths.items()
        lengths = [g for g, _ in gaps]
        # suffix sums over gaps g >= l: of their number and of their lengths
        count_from = list(accumulate((n for _, n in reversed(gaps)), initial=0))[::-1]
        sum_from = list(accumulate((g * n for g, n in reversed(gaps)), initial=0))[::-1]
        cubic = 0
        placements = 0
        for length, count in self.unit_lengths.items():
            cubic += count * (2 * length**3 - 3 * length**2 + length)
            # sum over gaps g >= l of (g - l + 1)
            first = bisect_left(lengths, length)
            fits = sum_from[first] - (length - 1) * count_from[first]
            placements += count * length * length * fits
        numerator = Fraction((n_units - 1) * cubic, 3) + placements
        squares = sum(count * length * (length - 1) for length, count in self.unit_lengths.items())
        m_l = self.coder_positions
        denominator = m_l * (m_l - 1) - squares
        if denominator <= 0:
            return None
        expected = Fraction(2, self.length) * numerator / denominator
        return observed, expected


@dataclass
class UnitizingTally:
    """alpha_U's parts over the documents done by two or more, batch by batch.

    Every label's continuum is every compared document, whether or not the label occurs in
    it: ``base`` holds what a document adds to any label (its length, and one gap as long
    as the document per coder), ``labels`` what each label's units change (their lengths,
    the squared differences, and the gaps they cut out of the coders' whole-document gaps).
    """

    base: _Components = field(default_factory=_Components)
    labels: dict[str, _Components] = field(default_factory=dict)
    characters: int = 0
    documents: int = 0
    left_out: int = 0

    def add(self, batch: Batch, sides: Sequence[Side]) -> None:
        self.add_continua(batch.starts, batch.labels.names, sides)

    def add_continua(self, starts: IntArray, names: Sequence[str], sides: Sequence[Side]) -> None:
        """Continuum d is [starts[d], starts[d + 1]); ``names`` the labels by code."""
        done = done_counts(sides)
        kept = done >= 2
        lengths = np.diff(starts)
        self.documents += int(np.count_nonzero(kept))
        self.left_out += int(np.count_nonzero(done == 1))
        m, length = done[kept], lengths[kept]
        self.characters += int(length.sum())
        self.base.length += int(length.sum())
        self.base.pair_positions += int((m * (m - 1) * length).sum())
        self.base.coder_positions += int((m * length).sum())
        for side in sides:
            self.base.gap_lengths.count(lengths[kept & side.done & (lengths > 0)])
        size = len(names)
        stride = int(starts[-1]) + 1
        merged = [_merged(side.spans.of_docs(kept), stride) for side in sides]
        parts = [_Components() for _ in range(size)]
        for doc, start, end, label in merged:
            _count_by_label([part.unit_lengths for part in parts], label, end - start)
            self._gaps(parts, doc, start, end, label, starts, stride)
        for (x, y), (dx, dy) in zip(
            combinations(merged, 2), combinations([s.done for s in sides], 2), strict=True
        ):
            both = dx & dy
            observed = _observed(_of_docs(x, both), _of_docs(y, both), size)
            for code in np.flatnonzero(observed).tolist():
                parts[code].observed += int(observed[code])
        for code, part in enumerate(parts):
            if part.unit_lengths or part.gap_lengths or part.observed:
                name = names[code]
                self.labels[name] = self.labels.get(name, _Components()) + part

    @staticmethod
    def _gaps(
        parts: list[_Components], doc: IntArray, start: IntArray, end: IntArray,
        label: IntArray, starts: IntArray, stride: int,
    ) -> None:  # fmt: skip
        """The gaps a coder's units cut out of that coder's whole-document gaps."""
        if not len(doc):
            return
        shift = label * stride
        lo, hi = starts[doc] + shift, starts[doc + 1] + shift
        same = np.zeros(len(doc), dtype=bool)
        same[1:] = (doc[1:] == doc[:-1]) & (label[1:] == label[:-1])
        before = np.where(same, np.concatenate([[0], end[:-1]]), lo)
        last = np.ones(len(doc), dtype=bool)
        last[:-1] = ~same[1:]
        gaps = np.concatenate([start - before, (hi - end)[last]])
        gap_labels = np.concatenate([label, label[last]])
        counters = [part.gap_lengths for part in parts]
        cut = gaps > 0
        _count_by_label(counters, gap_labels[cut], gaps[cut])
        _count_by_label(counters, label[~same], (hi - lo)[~same], sign=-1)

    def absorb(self, later: UnitizingTally) -> None:
        """Add the parts of documents after these (another process's part)."""
        self.base = self.base + later.base
        for name, part in later.labels.items():
            self.labels[name] = self.labels.get(name, _Components()) + part
        self.characters += later.characters
        self.documents += later.documents
        self.left_out += later.left_out

    def score(self, label: str | None) -> UnitizingScore:
        chosen = [self.labels[label]] if label is not None and label in self.labels else []
        if label is None:
            chosen = list(self.labels.values())
        observed = expected = Fraction(0)
        units = 0
        for part in chosen:
            whole = self.base + part
            units += whole.unit_lengths.total()
            d = whole.disagreements()
            if d is not None:
                observed += d[0]
                expected += d[1]
        if expected == 0:
            return UnitizingScore(None, units, self.documents, self.left_out, self.characters)
        value = float(1 - observed / expected)
        return UnitizingScore(
            value, units, self.documents, self.left_out, self.characters,
            float(observed), float(expected),
        )  # fmt: skip

    def by_label(self) -> dict[str, UnitizingScore]:
        return {label: self.score(label) for label in sorted(self.labels)}


def _of_docs(
    units: tuple[IntArray, IntArray, IntArray, IntArray], docs: BoolArray
) -> tuple[IntArray, IntArray, IntArray]:
    """(start, end, label) of the merged units of ``docs``."""
    keep = docs[units[0]]
    return units[1][keep], units[2][keep], units[3][keep]


def _observed(
    x: tuple[IntArray, IntArray, IntArray], y: tuple[IntArray, IntArray, IntArray], size: int
) -> IntArray:
    """Per label, the sum of delta^2 over the section pairs of two coders' merged units
    (each unordered pair once): two overlapping units add (b_x - b_y)^2 + (e_x - e_y)^2; a
    unit that overlaps none of the other coder's lies in a gap and adds its length squared."""
    (bx, ex, lx), (by, ey, ly) = x, y
    lo = np.searchsorted(ey, bx, side="right")
    hi = np.searchsorted(by, ex, side="left")
    counts = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(bx)), counts)
    j = np.repeat(lo, counts) + (np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts))
    total = _squares(bx[i] - by[j], lx[i], size) + _squares(ex[i] - ey[j], lx[i], size)
    hit_x = np.bincount(i, minlength=len(bx)) > 0
    hit_y = np.bincount(j, minlength=len(by)) > 0
    total += _squares((ex - bx)[~hit_x], lx[~hit_x], size)
    total += _squares((ey - by)[~hit_y], ly[~hit_y], size)
    return total


def unitizing_alpha(
    continuum_length: int,
    units_by_coder: Mapping[str, Sequence[Unit]],
    label: str | None = None,
) -> UnitizingScore:
    """Krippendorff's alpha_U of one continuum [0, continuum_length), as defined in
    Krippendorff (2004), *Content Analysis*, 2nd ed., section 12.4.

    Each coder's units of a label, with the gaps between them, partition the continuum into
    sections. The observed disagreement D_o sums, over every pair of coders, the squared
    lengths by which paired sections differ: (b_i - b_j)^2 + (e_i - e_j)^2 for overlapping
    units, l^2 for a unit inside the other coder's gap, divided by m(m-1)L^2; the expected
    disagreement D_e is that of all the ways the same units could lie in the continuum.
    ``label=None``: all labels together, alpha_U = 1 - sum_c D_o,c / sum_c D_e,c.
    """
    if len(units_by_coder) < 2:
        raise RedlineError(f"alpha_U needs at least two coders; got {len(units_by_coder)}")
    for coder, units in units_by_coder.items():
        for start, end, _ in units:
            if not 0 <= start < end <= continuum_length:
                raise RedlineError(
                    f"coder {coder}: unit [{start}, {end}) is not inside the continuum "
                    f"[0, {continuum_length})"
                )
    labels = Labels()
    sides = []
    for name in sorted(units_by_coder):
        units = units_by_coder[name]
        spans = Spans(
            np.zeros(len(units), dtype=np.int64),
            np.asarray([u[0] for u in units], dtype=np.int64),
            np.asarray([u[1] for u in units], dtype=np.int64),
            np.asarray([labels.code(u[2]) for u in units], dtype=np.int64),
            np.arange(len(units), dtype=np.int64),
        )
        no_relations = Relations(*(np.zeros(n, dtype=np.int64) for n in (0, (0, 6), 0)))
        sides.append(Side(np.zeros(1, dtype=np.int64), spans, no_relations))
    tally = UnitizingTally()
    tally.add_continua(np.asarray([0, continuum_length], dtype=np.int64), labels.names, sides)
    score = tally.score(label)
    return replace(score, documents=0)


def _tally(versions: Versions) -> UnitizingTally:
    require_two(versions)
    batch = batch_of(versions, sorted(versions))
    tally = UnitizingTally()
    tally.add(batch, list(batch.sides.values()))
    return tally


def document_unitizing_alpha(versions: Versions, label: str | None = None) -> UnitizingScore:
    """Krippendorff's alpha_U over the character continua of every document done by two or
    more annotators, pooled as one continuum of all documents laid end to end.

    The disagreements are summed across documents: D_o adds each document's squared
    differences (normalised by sum_d m_d (m_d - 1) L_d times the total length), D_e pools all
    units and all gaps (no unit may straddle two documents). With the same m coders on every
    document this is Krippendorff's formula for the concatenated continuum.
    ``label=None``: all labels, 1 - sum_c D_o,c / sum_c D_e,c.
    """
    return _tally(versions).score(label)


def document_unitizing_alpha_by_label(versions: Versions) -> dict[str, UnitizingScore]:
    """:func:`document_unitizing_alpha` for every label, computed in one pass."""
    return _tally(versions).by_label()
