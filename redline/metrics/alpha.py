"""Krippendorff's nominal alpha, over given values or over the tokens of records.

Alpha is the statistic that allows missing ratings: a document some annotator did not do
still counts, with that annotator missing for its tokens, where Fleiss' kappa must leave it
out. The arithmetic is the ``krippendorff`` package's; what is decided here is which units
are pairable and when alpha is undefined (None).
"""

from __future__ import annotations

from collections.abc import Sequence

import krippendorff
import numpy as np
import numpy.typing as npt

from redline.errors import RedlineError
from redline.metrics.compared import Score, Versions, done_by_at_least, group_docs
from redline.metrics.token_categories import TokenCoder, Tokenizer
from redline.tokens import tokenize


def _alpha_of_counts(counts: npt.NDArray[np.int64]) -> Score:
    """Nominal alpha of a units x values table of counts (how many coders gave each value)."""
    pairable = counts.sum(axis=1) >= 2
    counts = counts[pairable]
    units = len(counts)
    if units == 0 or np.count_nonzero(counts.sum(axis=0)) < 2:
        return Score(None, units)
    value = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    return Score(float(value), units)


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
    matrix = np.full((len(data), width), np.nan)
    for i, row in enumerate(data):
        for u, category in enumerate(row):
            if category is not None:
                matrix[i, u] = codes.setdefault(category, len(codes))
    pairable = int(np.count_nonzero((~np.isnan(matrix)).sum(axis=0) >= 2))
    if pairable == 0 or len(codes) < 2:
        return Score(None, pairable)
    value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    return Score(float(value), pairable)


def krippendorff_nominal(versions: Versions, tokenizer: Tokenizer = tokenize) -> Score:
    """Krippendorff's nominal alpha over the tokens of every document done by two or more.

    An annotator who did not do a document is missing for its tokens (not ``"O"``), which
    alpha allows; documents done by one annotator only are left out and counted.
    """
    docs = group_docs(versions)
    kept, left_out = done_by_at_least(docs, 2)
    coder = TokenCoder(tokenizer, [r for records in kept for r in records.values()])
    # Units x coders codes of each document: -1 where the coder did not do it.
    names = sorted(versions)
    blocks = []
    for records in kept:
        block = np.full((coder.size(next(iter(records.values()))), len(names)), -1, np.int64)
        for i, name in enumerate(names):
            if name in records:
                block[:, i] = coder(records[name])
        blocks.append(block)
    codes = np.concatenate(blocks) if blocks else np.zeros((0, len(names)), dtype=np.int64)
    counts = np.zeros((len(codes), len(coder.codes)), dtype=np.int64)
    units = np.arange(len(codes))
    for column in codes.T:  # one value per coder and unit: no repeated index per column
        done = column >= 0
        counts[units[done], column[done]] += 1
    score = _alpha_of_counts(counts)
    return Score(score.value, score.units, len(kept), left_out)
