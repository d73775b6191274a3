"""Cohen's and Fleiss' kappa, over given categories or over the tokens of records.

The formulas are our own rather than scikit-learn's or statsmodels': those are development
dependencies only, and counting in integers keeps every sum exact up to the last division
(over records, the tokens are counted as numpy arrays of category codes, see
:mod:`redline.metrics.token_categories`). ``tests/unit/test_kappa_against_libraries.py``
checks both against the libraries on random tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

import numpy as np

from redline.errors import RedlineError
from redline.metrics.compared import Score, Versions, done_by_at_least, group_docs, pair_docs
from redline.metrics.token_categories import TokenCoder, Tokenizer
from redline.schema.records import Annotation
from redline.tokens import tokenize


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


def token_cohen_kappa(
    a: Sequence[Annotation], b: Sequence[Annotation], tokenizer: Tokenizer = tokenize
) -> Score:
    """Cohen's kappa over the tokens of every document both did (units: tokens)."""
    pairs, left_out = pair_docs(a, b)
    coder = TokenCoder(tokenizer, [r for pair in pairs for r in pair])
    codes_a = [coder(ra) for ra, _ in pairs]
    codes_b = [coder(rb) for _, rb in pairs]
    x = np.concatenate(codes_a) if codes_a else np.zeros(0, dtype=np.int64)
    y = np.concatenate(codes_b) if codes_b else np.zeros(0, dtype=np.int64)
    size = len(coder.codes)
    chance = int(np.bincount(x, minlength=size) @ np.bincount(y, minlength=size))
    value = _kappa(int(np.count_nonzero(x == y)), len(x), chance)
    return Score(value, len(x), len(pairs), left_out)


def _fleiss_value(subjects: int, raters: int, squares: int, chance: int) -> float | None:
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
    return _fleiss_value(subjects, raters or 0, squares, chance), subjects


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


def token_fleiss_kappa(versions: Versions, tokenizer: Tokenizer = tokenize) -> Score:
    """Fleiss' kappa over the tokens of the documents that ALL the given annotators did.

    Fleiss' kappa needs the same number of raters for every unit, so a document some
    annotator did not do is left out (and counted in ``documents_left_out``); use
    :func:`redline.metrics.alpha.krippendorff_nominal` to keep them, with missing ratings.
    """
    docs = group_docs(versions)
    kept, left_out = done_by_at_least(docs, len(versions))
    coder = TokenCoder(tokenizer, [r for records in kept for r in records.values()])
    blocks = [np.stack([coder(r) for r in records.values()]) for records in kept]
    m = len(versions)
    codes = np.concatenate(blocks, axis=1) if blocks else np.zeros((m, 0), dtype=np.int64)
    subjects = codes.shape[1]
    # sum_ij n_ij^2 = sum over tokens of the ordered rater pairs that agree, selves included.
    agreeing = sum(
        int(np.count_nonzero(codes[r] == codes[s])) for r, s in combinations(range(m), 2)
    )
    squares = subjects * m + 2 * agreeing
    columns = np.bincount(codes.ravel(), minlength=len(coder.codes))
    value = _fleiss_value(subjects, m, squares, int(columns @ columns))
    return Score(value, subjects, len(kept), left_out)
