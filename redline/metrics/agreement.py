"""Inter-annotator agreement over annotation records: pure functions, no I/O.

Every statistic comes with the number of units it was computed on, and the functions over
several annotators' records report how many documents they used and how many they left out
(a document is compared only when the annotators being compared all did it).

Inputs are each annotator's records (one :class:`~redline.schema.records.Annotation` per
document; if a list holds several records of one document, the last one counts). Records
are compared whatever their ``answer``: the document answer is measured on its own by
:func:`answer_agreement`.

Units and categories:

- span F1 and relation F1: spans and relations, matched exactly (or by overlap, for spans);
- Cohen's kappa, Fleiss' kappa, Krippendorff's nominal alpha over tokens: each token
  (:func:`redline.tokens.tokenize`) of each compared document is a unit; its category is
  the label of the span covering it (the first by start, then the longest) or ``"O"``;
- Krippendorff's unitizing alpha: the character continuum of each document.

A value is ``None`` where the statistic is undefined (no units, or no variation at all:
kappa and alpha divide by the disagreement expected by chance, which is then zero).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Literal, TypeVar

import krippendorff
import numpy as np

from redline.errors import RedlineError
from redline.schema.keys import RelationKey, SpanKey, check_same_text
from redline.schema.records import Annotation, Span
from redline.tokens import tokenize

_Key = TypeVar("_Key", SpanKey, RelationKey)

OUTSIDE = "O"
"""The category of a token no span covers."""

MISSING = "∅"
"""In :func:`label_confusion`: the side of a span the other annotator does not have."""

Tokenizer = Callable[[str], Sequence[tuple[int, int]]]
Versions = Mapping[str, Sequence[Annotation]]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Score:
    """A statistic's value (None when undefined) and the number of units it was computed on.

    ``documents`` is how many documents contributed units, ``documents_left_out`` how many
    were done by too few of the annotators compared (0 for functions over plain lists).
    """

    value: float | None
    units: int
    documents: int = 0
    documents_left_out: int = 0


@dataclass(frozen=True)
class UnitizingScore(Score):
    """Krippendorff's alpha_U. ``units`` counts the coded units (spans) of the label(s) over
    all coders; ``characters`` is the length of the continuum (all documents); ``observed``
    and ``expected`` are the disagreements D_o and D_e (summed over labels when pooled)."""

    characters: int = 0
    observed: float | None = None
    expected: float | None = None


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
    the number only one of them did.
    """

    overall: Counts
    per_label: Mapping[str, Counts] = field(default_factory=dict)
    documents: int = 0
    documents_left_out: int = 0

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


@dataclass(frozen=True)
class AnswerAgreement:
    """Agreement on the document answer (accept / reject / ignore).

    ``percent``: the share of agreeing annotator pairs over every pair of annotators of every
    document done by two or more (units: documents); ``cohen``: Cohen's kappa per annotator
    pair over the documents both did; ``fleiss``: Fleiss' kappa over the documents all did;
    ``alpha``: Krippendorff's nominal alpha over the documents done by two or more (an
    annotator who did not do a document is missing).
    """

    percent: Score
    cohen: Mapping[tuple[str, str], Score]
    fleiss: Score
    alpha: Score


# --------------------------------------------------------------------------- grouping


def _by_doc(records: Iterable[Annotation]) -> dict[str, Annotation]:
    """One record per document: the last one in the list."""
    return {record.doc_id: record for record in records}


def _pair_docs(
    a: Iterable[Annotation], b: Iterable[Annotation]
) -> tuple[list[tuple[Annotation, Annotation]], int]:
    """Records of the documents both did (sorted by doc id) and how many only one did."""
    by_a, by_b = _by_doc(a), _by_doc(b)
    shared = sorted(by_a.keys() & by_b.keys())
    pairs = []
    for doc_id in shared:
        first, second = by_a[doc_id], by_b[doc_id]
        names = (first.annotator, second.annotator)
        if names[0] == names[1]:
            names = (f"{names[0]} (1)", f"{names[1]} (2)")
        check_same_text(doc_id, dict(zip(names, (first, second), strict=True)))
        pairs.append((by_a[doc_id], by_b[doc_id]))
    return pairs, len(by_a.keys() ^ by_b.keys())


def _group(versions: Versions) -> dict[str, dict[str, Annotation]]:
    """doc_id -> annotator -> record, for every document anyone did (sorted by doc id)."""
    if len(versions) < 2:
        raise RedlineError(
            f"agreement needs at least two annotators; got {len(versions)}"
            + (f" ({', '.join(versions)})" if versions else "")
        )
    docs: dict[str, dict[str, Annotation]] = defaultdict(dict)
    for name in sorted(versions):
        for doc_id, record in _by_doc(versions[name]).items():
            docs[doc_id][name] = record
    for doc_id, records in docs.items():
        check_same_text(doc_id, records)
    return dict(sorted(docs.items()))


def _split(
    docs: Mapping[str, dict[str, Annotation]], needed: int
) -> tuple[list[dict[str, Annotation]], int]:
    """The documents done by at least ``needed`` annotators, and how many were not."""
    kept = [records for records in docs.values() if len(records) >= needed]
    return kept, len(docs) - len(kept)


# --------------------------------------------------------------------------- span F1


def _overlap(a: Span, b: Span) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _greedy_overlap(
    a: Sequence[Span], b: Sequence[Span], same_label: bool
) -> list[tuple[int, int]]:
    """One-to-one matching of overlapping spans, largest overlap first (ties by position).

    Greedy, not a maximum matching: a pair with the largest shared extent is taken first,
    which is what a reader comparing the two versions would pair.
    """
    if not a or not b:
        return []
    order = sorted(range(len(b)), key=lambda j: (b[j].start, b[j].end))
    starts = [b[j].start for j in order]
    longest = max(s.end - s.start for s in b)
    candidates = []
    for i, span in enumerate(a):
        lo = bisect_right(starts, span.start - longest)
        hi = bisect_left(starts, span.end)
        for k in range(lo, hi):
            j = order[k]
            other = b[j]
            if other.end <= span.start or (same_label and other.label != span.label):
                continue
            candidates.append(
                (-_overlap(span, other), span.start, span.end, other.start, other.end, i, j)
            )
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches = []
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matches.append((i, j))
    return matches


def span_f1(
    a: Sequence[Annotation],
    b: Sequence[Annotation],
    match: Literal["exact", "overlap"] = "exact",
    labelled: bool = True,
) -> PairF1:
    """Span precision, recall and F1 of annotator ``b`` against annotator ``a``.

    ``exact``: same start, end (and label); ``overlap``: at least one shared character (and
    the same label), spans paired one-to-one by largest overlap. Unlabelled variants ignore
    the label (and give no per-label rows). Only documents both did count.
    """
    if match not in ("exact", "overlap"):
        raise RedlineError(f"span matching must be 'exact' or 'overlap', not {match!r}")
    pairs, left_out = _pair_docs(a, b)
    total = Counts()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for ra, rb in pairs:
        if match == "exact":
            if labelled:
                keys_a = Counter(SpanKey.of(s) for s in ra.spans)
                keys_b = Counter(SpanKey.of(s) for s in rb.spans)
            else:
                keys_a = Counter((s.start, s.end) for s in ra.spans)
                keys_b = Counter((s.start, s.end) for s in rb.spans)
            if labelled:
                matched = _tally_labels(keys_a, keys_b, tp, fp, fn)
            else:
                matched = (keys_a & keys_b).total()
            total += Counts(matched, keys_b.total() - matched, keys_a.total() - matched)
        else:
            pairs_ab = _greedy_overlap(ra.spans, rb.spans, same_label=labelled)
            matched = len(pairs_ab)
            total += Counts(matched, len(rb.spans) - matched, len(ra.spans) - matched)
            if labelled:
                hit_a = {i for i, _ in pairs_ab}
                hit_b = {j for _, j in pairs_ab}
                for i, _ in pairs_ab:
                    tp[ra.spans[i].label] += 1
                for j, s in enumerate(rb.spans):
                    if j not in hit_b:
                        fp[s.label] += 1
                for i, s in enumerate(ra.spans):
                    if i not in hit_a:
                        fn[s.label] += 1
    per_label = {label: Counts(tp[label], fp[label], fn[label]) for label in sorted(tp | fp | fn)}
    return PairF1(total, per_label, len(pairs), left_out)


def _tally_labels(
    keys_a: Counter[_Key],
    keys_b: Counter[_Key],
    tp: Counter[str],
    fp: Counter[str],
    fn: Counter[str],
) -> int:
    """Count, per label, the keys both have (tp), only ``b`` has (fp) and only ``a`` has (fn);
    the number both have."""
    common = keys_a & keys_b
    for key, n in common.items():
        tp[key.label] += n
    for key, n in (keys_b - common).items():
        fp[key.label] += n
    for key, n in (keys_a - common).items():
        fn[key.label] += n
    return common.total()


# --------------------------------------------------------------------------- relations


def _relation_keys(record: Annotation) -> Counter[RelationKey]:
    spans = {s.id: SpanKey.of(s) for s in record.spans}
    return Counter(RelationKey(spans[r.head], spans[r.child], r.label) for r in record.relations)


def relation_f1(a: Sequence[Annotation], b: Sequence[Annotation]) -> PairF1:
    """Relation precision, recall and F1 of ``b`` against ``a``, overall and per label.

    A relation matches when its head and its child match exactly as spans (start, end,
    label) and its label matches: span ids are never compared.
    """
    pairs, left_out = _pair_docs(a, b)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for ra, rb in pairs:
        _tally_labels(_relation_keys(ra), _relation_keys(rb), tp, fp, fn)
    per_label = {label: Counts(tp[label], fp[label], fn[label]) for label in sorted(tp | fp | fn)}
    overall = Counts(tp.total(), fp.total(), fn.total())
    return PairF1(overall, per_label, len(pairs), left_out)


# --------------------------------------------------------------------------- confusion


def label_confusion(a: Sequence[Annotation], b: Sequence[Annotation]) -> dict[tuple[str, str], int]:
    """How ``a``'s labels meet ``b``'s on overlapping spans: ``(label_a, label_b) -> count``.

    Spans are paired one-to-one by largest overlap whatever their labels; a span the other
    annotator has nothing paired with counts as ``(label, "∅")`` or ``("∅", label)``. Only
    documents both did count.
    """
    pairs, _ = _pair_docs(a, b)
    confusion: Counter[tuple[str, str]] = Counter()
    for ra, rb in pairs:
        matches = _greedy_overlap(ra.spans, rb.spans, same_label=False)
        hit_a = {i for i, _ in matches}
        hit_b = {j for _, j in matches}
        for i, j in matches:
            confusion[ra.spans[i].label, rb.spans[j].label] += 1
        for i, s in enumerate(ra.spans):
            if i not in hit_a:
                confusion[s.label, MISSING] += 1
        for j, s in enumerate(rb.spans):
            if j not in hit_b:
                confusion[MISSING, s.label] += 1
    return dict(sorted(confusion.items()))


# --------------------------------------------------------------------------- tokens


def _span_order(record: Annotation) -> list[Span]:
    """Spans in reverse priority: written in this order, the first span by (start, longest)
    is written last and wins each token it shares."""
    return sorted(record.spans, key=lambda s: (s.start, -s.end, s.label), reverse=True)


def token_labels(record: Annotation, tokens: Sequence[tuple[int, int]]) -> list[str]:
    """The category of each token: the label of the first span (by start, then the longest)
    that shares a character with it, or ``"O"``."""
    labels = [OUTSIDE] * len(tokens)
    starts = [s for s, _ in tokens]
    ends = [e for _, e in tokens]
    for span in _span_order(record):
        first = bisect_right(ends, span.start)
        stop = bisect_left(starts, span.end)
        labels[first:stop] = [span.label] * (stop - first)
    return labels


class _TokenCoder:
    """Token categories as integer codes (0 is "O"), tokenizing each text once."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.tokens: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.codes: dict[str, int] = {OUTSIDE: 0}

    def size(self, record: Annotation) -> int:
        return len(self._tokens(record)[0])

    def _tokens(self, record: Annotation) -> tuple[np.ndarray, np.ndarray]:
        found = self.tokens.get(record.text_sha1)
        if found is None:
            pairs = np.asarray(self.tokenizer(record.text), dtype=np.int64).reshape(-1, 2)
            found = self.tokens[record.text_sha1] = (pairs[:, 0].copy(), pairs[:, 1].copy())
        return found

    def __call__(self, record: Annotation) -> np.ndarray:
        starts, ends = self._tokens(record)
        codes = np.zeros(len(starts), dtype=np.int64)
        spans = _span_order(record)
        if spans:
            firsts = np.searchsorted(ends, [s.start for s in spans], side="right")
            stops = np.searchsorted(starts, [s.end for s in spans], side="left")
            for span, first, stop in zip(spans, firsts, stops, strict=True):
                codes[first:stop] = self.codes.setdefault(span.label, len(self.codes))
        return codes


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
    pairs, left_out = _pair_docs(a, b)
    coder = _TokenCoder(tokenizer)
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
    :func:`krippendorff_nominal` to keep them, with missing ratings.
    """
    docs = _group(versions)
    kept, left_out = _split(docs, len(versions))
    coder = _TokenCoder(tokenizer)
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


# --------------------------------------------------------------------------- alpha


def _alpha_of_counts(counts: np.ndarray) -> Score:
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
        for u, value in enumerate(row):
            if value is not None:
                matrix[i, u] = codes.setdefault(value, len(codes))
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
    docs = _group(versions)
    kept, left_out = _split(docs, 2)
    coder = _TokenCoder(tokenizer)
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


# --------------------------------------------------------------------------- answers


def answer_agreement(versions: Versions) -> AnswerAgreement:
    """Agreement on the document answer over the documents done by two or more annotators."""
    docs = _group(versions)
    kept, left_out = _split(docs, 2)
    names = sorted(versions)
    agreeing = pairs = 0
    for records in kept:
        answers = [r.answer for r in records.values()]
        for x, y in combinations(answers, 2):
            pairs += 1
            agreeing += x == y
    percent = Score(agreeing / pairs if pairs else None, len(kept), len(kept), left_out)

    cohen = {}
    for x, y in combinations(names, 2):
        both = [r for r in docs.values() if x in r and y in r]
        one = sum((x in r) != (y in r) for r in docs.values())
        confusion = Counter((r[x].answer, r[y].answer) for r in both)
        cohen[x, y] = Score(_kappa_from_confusion(confusion), len(both), len(both), one)

    everyone, not_all = _split(docs, len(names))
    value, units = _fleiss(Counter(r.answer for r in records.values()) for records in everyone)
    fleiss = Score(value, units, len(everyone), not_all)

    alpha = nominal_alpha(
        [[records[n].answer if n in records else None for records in kept] for n in names]
    )
    return AnswerAgreement(
        percent, cohen, fleiss, Score(alpha.value, alpha.units, len(kept), left_out)
    )


# --------------------------------------------------------------------------- unitizing


def _merged(units: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """A coder's units of one label, sorted, with overlapping ones merged: alpha_U assumes a
    coder's units of one category do not overlap."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(units):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _gaps(units: Sequence[tuple[int, int]], length: int) -> list[int]:
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


def _observed_pair(x: Sequence[tuple[int, int]], y: Sequence[tuple[int, int]]) -> int:
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

    def add(self, length: int, coders: Sequence[Sequence[tuple[int, int]]]) -> None:
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
    continua: Iterable[tuple[int, Sequence[Sequence[tuple[int, int, str]]]]],
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
    units_by_coder: Mapping[str, Sequence[tuple[int, int, str]]],
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
    docs = _group(versions)
    kept, left_out = _split(docs, 2)
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
