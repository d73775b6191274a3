"""Krippendorff's unitizing alpha (alpha_U): agreement on where units are, not only on labels.

Token kappa and alpha see boundaries only through the tokens a span covers; exact F1 counts
a boundary one character off as a miss, overlap F1 not at all. alpha_U measures the squared
distance between the annotators' boundaries over the character continuum of each document,
against the distance expected by chance (Krippendorff 2004, *Content Analysis*, 2nd ed.,
section 12.4). The sums are kept as exact fractions until the value is reported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

import numpy as np

from redline.errors import RedlineError
from redline.metrics.compared import Score, Versions, done_by_at_least, group_docs

Unit = tuple[int, int, str]
"""A coder's unit of a continuum: [start, end) and its label."""

Extent = tuple[int, int]
"""[start, end) of a unit, once its label is chosen."""


@dataclass(frozen=True)
class UnitizingScore(Score):
    """Krippendorff's alpha_U. ``units`` counts the coded units (spans) of the label(s) over
    all coders; ``characters`` is the length of the continuum (all documents); ``observed``
    and ``expected`` are the disagreements D_o and D_e (summed over labels when pooled)."""

    characters: int = 0
    observed: float | None = None
    expected: float | None = None


def _merged(units: Iterable[Extent]) -> list[Extent]:
    """A coder's units of one label, sorted, with overlapping ones merged: alpha_U assumes a
    coder's units of one category do not overlap."""
    merged: list[Extent] = []
    for start, end in sorted(units):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _gaps(units: Sequence[Extent], length: int) -> list[int]:
    """Lengths of the stretches of [0, length) that no unit covers."""
    gaps = []
    position = 0
    for start, end in units:
        if start > position:
            gaps.append(start - position)
        position = max(position, end)
    if length > position:
        gaps.append(length - position)
    return gaps


def _observed_pair(x: Sequence[Extent], y: Sequence[Extent]) -> int:
    """Sum of delta^2 over the section pairs of two coders (each unordered pair once).

    Two overlapping units: (b_x - b_y)^2 + (e_x - e_y)^2; a unit lying inside a gap of the
    other coder (no unit of the other overlaps it): its length squared; anything else: 0.
    """
    total = 0
    hit_x = [False] * len(x)
    hit_y = [False] * len(y)
    j0 = 0
    for i, (bx, ex) in enumerate(x):
        while j0 < len(y) and y[j0][1] <= bx:
            j0 += 1
        j = j0
        while j < len(y) and y[j][0] < ex:
            by, ey = y[j]
            if ey > bx:
                total += (bx - by) ** 2 + (ex - ey) ** 2
                hit_x[i] = hit_y[j] = True
            j += 1
    total += sum((e - b) ** 2 for (b, e), hit in zip(x, hit_x, strict=True) if not hit)
    total += sum((e - b) ** 2 for (b, e), hit in zip(y, hit_y, strict=True) if not hit)
    return total


@dataclass
class _Components:
    """The parts of one label's D_o and D_e, summed over continua."""

    observed: int = 0  # sum over continua and unordered coder pairs of delta^2
    pair_positions: int = 0  # sum over continua of m_d (m_d - 1) L_d
    coder_positions: int = 0  # sum over continua of m_d L_d  (mL for one continuum)
    length: int = 0  # sum of L_d
    unit_lengths: Counter[int] = field(default_factory=Counter)
    gap_lengths: list[int] = field(default_factory=list)

    def disagreements(self) -> tuple[Fraction, Fraction] | None:
        """(D_o, D_e), or None when the label has no units or the continuum is empty."""
        n_units = self.unit_lengths.total()
        if n_units == 0 or self.pair_positions == 0 or self.length == 0:
            return None
        observed = Fraction(2 * self.observed, self.length * self.pair_positions)
        gaps = np.sort(np.asarray(self.gap_lengths, dtype=np.int64))
        suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0]])
        cubic = 0
        placements = 0
        for length, count in self.unit_lengths.items():
            cubic += count * (2 * length**3 - 3 * length**2 + length)
            # sum over gaps g >= l of (g - l + 1)
            first = int(np.searchsorted(gaps, length, side="left"))
            fits = int(suffix[first]) - (length - 1) * (len(gaps) - first)
            placements += count * length * length * fits
        numerator = Fraction((n_units - 1) * cubic, 3) + placements
        squares = sum(count * length * (length - 1) for length, count in self.unit_lengths.items())
        m_l = self.coder_positions
        denominator = m_l * (m_l - 1) - squares
        if denominator <= 0:
            return None
        expected = Fraction(2, self.length) * numerator / denominator
        return observed, expected

    def add(self, length: int, coders: Sequence[Sequence[Extent]]) -> None:
        m = len(coders)
        self.length += length
        self.pair_positions += m * (m - 1) * length
        self.coder_positions += m * length
        for units in coders:
            self.unit_lengths.update(e - b for b, e in units)
            self.gap_lengths.extend(_gaps(units, length))
        for x, y in combinations(coders, 2):
            self.observed += _observed_pair(x, y)


def _unitizing_components(
    continua: Iterable[tuple[int, Sequence[Sequence[Unit]]]],
) -> dict[str, _Components]:
    """Per label, the disagreement parts over continua given as (length, units per coder)."""
    per_label: dict[str, _Components] = defaultdict(_Components)
    continua = list(continua)
    labels = sorted({u[2] for _, coders in continua for units in coders for u in units})
    for label in labels:
        parts = per_label[label]
        for length, coders in continua:
            parts.add(
                length, [_merged((b, e) for b, e, lab in units if lab == label) for units in coders]
            )
    return dict(per_label)


def _unitizing_score(
    parts: Mapping[str, _Components],
    label: str | None,
    characters: int,
    documents: int = 0,
    left_out: int = 0,
) -> UnitizingScore:
    chosen = [parts[label]] if label is not None and label in parts else []
    if label is None:
        chosen = list(parts.values())
    observed = expected = Fraction(0)
    units = 0
    for p in chosen:
        units += p.unit_lengths.total()
        d = p.disagreements()
        if d is not None:
            observed += d[0]
            expected += d[1]
    if expected == 0:
        return UnitizingScore(None, units, documents, left_out, characters)
    value = float(1 - observed / expected)
    return UnitizingScore(
        value, units, documents, left_out, characters, float(observed), float(expected)
    )


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
    coders = [units_by_coder[name] for name in sorted(units_by_coder)]
    parts = _unitizing_components([(continuum_length, coders)])
    return _unitizing_score(parts, label, continuum_length)


def _document_components(versions: Versions) -> tuple[dict[str, _Components], int, int, int]:
    docs = group_docs(versions)
    kept, left_out = done_by_at_least(docs, 2)
    continua = []
    characters = 0
    for records in kept:
        length = len(next(iter(records.values())).text)
        characters += length
        continua.append(
            (length, [[(s.start, s.end, s.label) for s in r.spans] for r in records.values()])
        )
    return _unitizing_components(continua), characters, len(kept), left_out


def document_unitizing_alpha(versions: Versions, label: str | None = None) -> UnitizingScore:
    """Krippendorff's alpha_U over the character continua of every document done by two or
    more annotators, pooled as one continuum of all documents laid end to end.

    The disagreements are summed across documents: D_o adds each document's squared
    differences (normalised by sum_d m_d (m_d - 1) L_d times the total length), D_e pools all
    units and all gaps (no unit may straddle two documents). With the same m coders on every
    document this is Krippendorff's formula for the concatenated continuum.
    ``label=None``: all labels, 1 - sum_c D_o,c / sum_c D_e,c.
    """
    parts, characters, documents, left_out = _document_components(versions)
    return _unitizing_score(parts, label, characters, documents, left_out)


def document_unitizing_alpha_by_label(versions: Versions) -> dict[str, UnitizingScore]:
    """:func:`document_unitizing_alpha` for every label, computed in one pass."""
    parts, characters, documents, left_out = _document_components(versions)
    return {
        label: _unitizing_score(parts, label, characters, documents, left_out)
        for label in sorted(parts)
    }
