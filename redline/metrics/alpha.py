"""Krippendorff's nominal alpha, over given values or over the tokens of records.

Alpha is the statistic that allows missing ratings: a document some annotator did not do
still counts, with that annotator missing for its tokens, where Fleiss' kappa must leave it
out. What is decided here is which units are pairable and when alpha is undefined (None).

The arithmetic is the ``krippendorff`` package's formula, 1 - sum(o d) / sum(e d) over the
coincidence matrix o, but the coincidences are counted here, in integers, batch by batch
(:class:`AlphaTally`): the package builds a units x values x values array (~700 MB for the
1.7 M tokens of 10,000 news articles) and cannot be given a dataset in parts. The integer
counts make the same matrix o as the package's (with up to three coders per unit its
divisions are exact in floating point), and the final formula is computed as the package
does, so the values are the package's to the last digit; ``tests/unit/test_alpha_against_
library.py`` holds them against it on random tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from redline.errors import RedlineError
from redline.metrics.batch_builder import batch_of
from redline.metrics.columns import Batch, IntArray, Side, Spans
from redline.metrics.compared import Score, Versions, done_counts, require_two
from redline.metrics.token_categories import Tokenizer, unit_codes
from redline.tokens import token_array

Coincidences = Counter[tuple[int, int, int]]
"""(coders of the unit, value, value) -> how many ordered pairs of different coders of
such units gave those two values."""


def alpha_of_coincidences(coincidences: Coincidences, values: int, units: int) -> Score:
    """Nominal alpha of pairable units, from their coincidence counts (``values``: how many
    value codes there are, 0 to values - 1)."""
    o = np.zeros((values, values), dtype=np.float64)
    for (coders, x, y), count in coincidences.items():
        o[x, y] += count / (coders - 1)
    n_v = o.sum(axis=0)
    if units == 0 or np.count_nonzero(n_v) < 2:
        return Score(None, units)
    e = (np.outer(n_v, n_v) - np.diagflat(n_v)) / (n_v.sum() - 1)
    d = (np.arange(values)[:, None] != np.arange(values)[None, :]).astype(np.float64)
    return Score(float(1 - (o * d).sum() / (e * d).sum()), units)


def add_coincidences(
    coincidences: Coincidences, codes: Sequence[IntArray], coders: IntArray, values: int
) -> None:
    """Count the ordered pairs of ``codes`` (one array per coder, -1 where missing) per
    number of ``coders`` of each unit."""
    for x, y in combinations(codes, 2):
        both = (x >= 0) & (y >= 0)
        cells = (coders[both] * values + x[both]) * values + y[both]
        found, counts = np.unique(cells, return_counts=True)
        for cell, count in zip(found.tolist(), counts.tolist(), strict=True):
            m, rest = divmod(cell, values * values)
            first, second = divmod(rest, values)
            coincidences[m, first, second] += count
            coincidences[m, second, first] += count


def nominal_alpha(data: Sequence[Sequence[str | None]]) -> Score:
    """Krippendorff's alpha, nominal, of coders x units data; None marks a missing value.

    Units with fewer than two values are not pairable and do not count (units: the
    pairable ones). None when no unit is pairable or only one value occurs.
    """
    if not data:
        return Score(None, 0)
    width = len(data[0])
    if any(len(row) != width for row in data):
        raise RedlineError("Krippendorff's alpha needs a value (or None) for every unit")
    codes: dict[str, int] = {}
    matrix = np.full((len(data), width), -1, dtype=np.int64)
    for i, row in enumerate(data):
        for u, category in enumerate(row):
            if category is not None:
                matrix[i, u] = codes.setdefault(category, len(codes))
    coders = (matrix >= 0).sum(axis=0)
    coincidences: Coincidences = Counter()
    add_coincidences(coincidences, list(matrix), coders, max(len(codes), 1))
    pairable = int(np.count_nonzero(coders >= 2))
    if len(codes) < 2:
        return Score(None, pairable)
    return alpha_of_coincidences(coincidences, len(codes), pairable)


@dataclass
class AlphaTally:
    """Nominal alpha over the tokens of the documents done by two or more, batch by batch.

    Value codes are given in the order the categories are first met (document, annotator,
    spans from last to first), the order the coincidence matrix of one pass over all
    records would have, so that the final sums are taken in the same order."""

    values: dict[str, int] = field(default_factory=dict)
    """Label -> value code; 0 is outside every span."""
    coincidences: Coincidences = field(default_factory=Counter)
    units: int = 0
    documents: int = 0
    left_out: int = 0

    def add(self, batch: Batch, sides: Sequence[Side], tokenizer: Tokenizer) -> None:
        done = done_counts(sides)
        kept = done >= 2
        self.documents += int(np.count_nonzero(kept))
        self.left_out += int(np.count_nonzero(done == 1))
        if sides:
            self._meet(batch, [side.spans.of_docs(kept) for side in sides])
        units, side_codes = unit_codes(batch, sides, kept, tokenizer)
        to_value = np.asarray(
            [0, *(self.values.get(name, 0) for name in batch.labels.names)], dtype=np.int64
        )
        unit_doc = units[0]
        codes = [
            np.where(side.done[unit_doc], to_value[side_codes[k]], -1)
            for k, side in enumerate(sides)
        ]
        self.units += len(unit_doc)
        add_coincidences(self.coincidences, codes, done[unit_doc], len(self.values) + 1)

    def _meet(self, batch: Batch, spans: Sequence[Spans]) -> None:
        """Give codes to the labels first met in this batch, in the order of one pass over
        the documents, the annotators (by name) and each record's spans from the last by
        priority (the first by start, then the longest, wins a token: it is met last)."""
        present = np.flatnonzero(
            np.bincount(np.concatenate([s.label for s in spans]), minlength=len(batch.labels.names))
        )
        if all(batch.labels.names[code] in self.values for code in present.tolist()):
            return  # no label is new: nothing to give a code to
        ranks = batch.labels.ranks()
        table = np.concatenate(
            [
                np.stack([s.doc, np.full(len(s), i), -s.start, s.end, -ranks[s.label], s.label])
                for i, s in enumerate(spans)
            ],
            axis=1,
        )
        labels = table[5][np.lexsort(table[4::-1])]
        _, first = np.unique(labels, return_index=True)
        for code in labels[np.sort(first)].tolist():
            name = batch.labels.names[code]
            if name not in self.values:
                self.values[name] = len(self.values) + 1

    def absorb(self, later: AlphaTally) -> None:
        """Add the counts of documents after these (another process's part): its values
        are recoded, those new here in the order it met them, as one pass would have."""
        recode = [0] * (len(later.values) + 1)
        for name, code in sorted(later.values.items(), key=lambda item: item[1]):
            recode[code] = self.values.setdefault(name, len(self.values) + 1)
        for (m, x, y), count in later.coincidences.items():
            self.coincidences[m, recode[x], recode[y]] += count
        self.units += later.units
        self.documents += later.documents
        self.left_out += later.left_out

    def score(self) -> Score:
        score = alpha_of_coincidences(self.coincidences, len(self.values) + 1, self.units)
        return Score(score.value, score.units, self.documents, self.left_out)


def krippendorff_nominal(versions: Versions, tokenizer: Tokenizer = token_array) -> Score:
    """Krippendorff's nominal alpha over the tokens of every document done by two or more.

    An annotator who did not do a document is missing for its tokens (not ``"O"``), which
    alpha allows; documents done by one annotator only are left out and counted.
    """
    require_two(versions)
    batch = batch_of(versions, sorted(versions))
    tally = AlphaTally()
    tally.add(batch, list(batch.sides.values()), tokenizer)
    return tally.score()
