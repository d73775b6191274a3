"""Cohen's and Fleiss' kappa, over given categories or over the tokens of records.

The formulas are our own rather than scikit-learn's or statsmodels': those are development
dependencies only, and counting in integers keeps every sum exact up to the last division
(over records, the tokens are counted as numpy arrays of category codes, see
:mod:`redline.metrics.token_categories`). Over a dataset the counts are integer sums that
add up batch by batch (:class:`CohenTally`, :class:`FleissTally`), so a report's memory does
not grow with its documents. ``tests/unit/test_kappa_against_libraries.py``
checks both against the libraries on random tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from redline.errors import RedlineError
from redline.metrics.batch_builder import batch_of, pair_batch
from redline.metrics.columns import Batch, IntArray, Side
from redline.metrics.compared import Score, Versions, done_counts, pair_mask, require_two
from redline.metrics.token_categories import Tokenizer, unit_codes
from redline.schema.records import Annotation
from redline.tokens import token_array


def _kappa(agree: int, n: int, chance: int) -> float | None:
    """Cohen's kappa from n units, the agreeing ones and n^2 p_e, exact up to the division."""
    if n == 0 or chance == n * n:
        return None
    return (n * agree - chance) / (n * n - chance)


def _kappa_from_confusion(confusion: Mapping[tuple[str, str], int]) -> float | None:
    n = sum(confusion.values())
    agree = sum(count for (x, y), count in confusion.items() if x == y)
    row: Counter[str] = Counter()
    col: Counter[str] = Counter()
    for (x, y), count in confusion.items():
        row[x] += count
        col[y] += count
    return _kappa(agree, n, sum(row[c] * col[c] for c in row))


def cohen_kappa(labels_a: Sequence[str], labels_b: Sequence[str]) -> Score:
    """Cohen's (1960) kappa of two annotators' categories for the same units, in order.

    kappa = (p_o - p_e) / (1 - p_e), p_e from each annotator's own category frequencies;
    None when there are no units or p_e = 1 (both used one and the same category only).
    """
    if len(labels_a) != len(labels_b):
        raise RedlineError(
            f"Cohen's kappa needs the same units from both: {len(labels_a)} and "
            f"{len(labels_b)} categories"
        )
    confusion = Counter(zip(labels_a, labels_b, strict=True))
    return Score(_kappa_from_confusion(confusion), len(labels_a))


def _counted(codes: IntArray, labels: Sequence[str]) -> Counter[str | None]:
    """How many units of each category (None: outside every span): by name, so that the
    counts of batches (and of processes) with codes of their own add up."""
    return Counter(
        {None if c == 0 else labels[c - 1]: int(n) for c, n in enumerate(np.bincount(codes)) if n}
    )


@dataclass
class CohenTally:
    """Cohen's kappa over the tokens of the documents two annotators both did, batch by
    batch: the integer sums the value is computed from at the end."""

    units: int = 0
    agreeing: int = 0
    documents: int = 0
    left_out: int = 0
    first: Counter[str | None] = field(default_factory=Counter)
    second: Counter[str | None] = field(default_factory=Counter)

    def add(self, batch: Batch, a: Side, b: Side, tokenizer: Tokenizer) -> None:
        both, left_out = pair_mask(a, b)
        _, (x, y) = unit_codes(batch, [a, b], both, tokenizer)
        self.units += len(x)
        self.agreeing += int(np.count_nonzero(x == y))
        self.documents += int(np.count_nonzero(both))
        self.left_out += left_out
        self.first.update(_counted(x, batch.labels.names))
        self.second.update(_counted(y, batch.labels.names))

    def absorb(self, later: CohenTally) -> None:
        """Add the counts of documents after these (another process's part)."""
        self.units += later.units
        self.agreeing += later.agreeing
        self.documents += later.documents
        self.left_out += later.left_out
        self.first.update(later.first)
        self.second.update(later.second)

    def score(self) -> Score:
        chance = sum(n * self.second[c] for c, n in self.first.items())
        value = _kappa(self.agreeing, self.units, chance)
        return Score(value, self.units, self.documents, self.left_out)


def token_cohen_kappa(
    a: Sequence[Annotation], b: Sequence[Annotation], tokenizer: Tokenizer = token_array
) -> Score:
    """Cohen's kappa over the tokens of every document both did (units: tokens)."""
    batch, x, y = pair_batch(a, b)
    tally = CohenTally()
    tally.add(batch, x, y, tokenizer)
    return tally.score()


def fleiss_value(subjects: int, raters: int, squares: int, chance: int) -> float | None:
    """Fleiss' kappa from N subjects of n raters, sum_ij n_ij^2 and sum_j (column total)^2,
    in exact integer arithmetic up to the last division:
    P-bar = (squares - N n) / (N n (n - 1)), P-bar_e = chance / (N n)^2."""
    if subjects == 0:
        return None
    if raters < 2:
        raise RedlineError(f"Fleiss' kappa needs at least two raters per subject, not {raters}")
    observed_num = squares - subjects * raters
    observed_den = subjects * raters * (raters - 1)
    chance_den = (subjects * raters) ** 2
    if chance == chance_den:
        return None
    return (observed_num * chance_den - chance * observed_den) / (
        observed_den * (chance_den - chance)
    )


def _fleiss(rows: Iterable[Mapping[str, int]]) -> tuple[float | None, int]:
    """Fleiss' kappa from each subject's category counts; (value, subjects)."""
    subjects = 0
    raters: int | None = None
    squares = 0
    columns: Counter[str] = Counter()
    for row in rows:
        n = sum(row.values())
        if raters is None:
            raters = n
        elif n != raters:
            raise RedlineError(
                f"Fleiss' kappa needs the same number of raters per subject: subject "
                f"{subjects + 1} has {n}, the first had {raters}"
            )
        subjects += 1
        squares += sum(c * c for c in row.values())
        columns.update(row)
    chance = sum(c * c for c in columns.values())
    return fleiss_value(subjects, raters or 0, squares, chance), subjects


def fleiss_kappa(table: Sequence[Sequence[int]]) -> Score:
    """Fleiss' (1971) kappa from a subjects x categories table of counts.

    Every subject must be rated by the same number of raters (each row sums to the same
    n >= 2); None when there are no subjects or every rating is one category.
    """
    if any(c < 0 for row in table for c in row):
        raise RedlineError("Fleiss' kappa needs counts of raters, which cannot be negative")
    rows = [{str(j): int(c) for j, c in enumerate(row) if c} for row in table]
    value, subjects = _fleiss(rows)
    return Score(value, subjects)


@dataclass
class FleissTally:
    """Fleiss' kappa over the tokens of the documents that all the annotators did, batch by
    batch (``raters``: how many annotators)."""

    raters: int
    subjects: int = 0
    agreeing: int = 0
    documents: int = 0
    left_out: int = 0
    columns: Counter[str | None] = field(default_factory=Counter)

    def add(self, batch: Batch, sides: Sequence[Side], tokenizer: Tokenizer) -> None:
        done = done_counts(sides)
        everyone = done == len(sides)
        units, codes = unit_codes(batch, sides, everyone, tokenizer)
        # sum_ij n_ij^2 = sum over tokens of the ordered rater pairs that agree, selves included.
        self.agreeing += sum(
            int(np.count_nonzero(codes[r] == codes[s]))
            for r, s in combinations(range(len(sides)), 2)
        )
        self.subjects += len(units[0])
        self.documents += int(np.count_nonzero(everyone))
        self.left_out += int(np.count_nonzero((done > 0) & ~everyone))
        for column in codes:
            self.columns.update(_counted(column, batch.labels.names))

    def absorb(self, later: FleissTally) -> None:
        """Add the counts of documents after these (another process's part)."""
        self.subjects += later.subjects
        self.agreeing += later.agreeing
        self.documents += later.documents
        self.left_out += later.left_out
        self.columns.update(later.columns)

    def score(self) -> Score:
        squares = self.subjects * self.raters + 2 * self.agreeing
        chance = sum(n * n for n in self.columns.values())
        value = fleiss_value(self.subjects, self.raters, squares, chance)
        return Score(value, self.subjects, self.documents, self.left_out)


def token_fleiss_kappa(versions: Versions, tokenizer: Tokenizer = token_array) -> Score:
    """Fleiss' kappa over the tokens of the documents that ALL the given annotators did.

    Fleiss' kappa needs the same number of raters for every unit, so a document some
    annotator did not do is left out (and counted in ``documents_left_out``); use
    :func:`redline.metrics.alpha.krippendorff_nominal` to keep them, with missing ratings.
    """
    require_two(versions)
    batch = batch_of(versions, sorted(versions))
    tally = FleissTally(len(versions))
    tally.add(batch, list(batch.sides.values()), tokenizer)
    return tally.score()
