"""Span and relation F1 between two annotators, and where their labels part.

F1 needs no units fixed in advance: it counts the spans (or relations) the two annotators
share and the ones only one of them has, which is what gold annotation is judged by. Spans
match exactly (same extent and label, :class:`~redline.schema.keys.SpanKey`) or by overlap;
relations match when both ends match exactly as spans and the labels agree
(:class:`~redline.schema.keys.RelationKey`). Ids are never compared: each annotator numbers
spans their own way. Only documents both annotators did count.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from redline.errors import RedlineError
from redline.metrics.compared import pair_docs
from redline.schema.keys import RelationKey, SpanKey, keys_of
from redline.schema.records import Annotation, Span

_Key = TypeVar("_Key", SpanKey, RelationKey)

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


@dataclass(frozen=True)
class _Pairing:
    """Two versions' spans of one document paired by overlap, and the ones left unpaired."""

    matched: list[tuple[Span, Span]]
    only_a: list[Span]
    only_b: list[Span]


def _pair_spans(a: Sequence[Span], b: Sequence[Span], same_label: bool) -> _Pairing:
    matches = _greedy_overlap(a, b, same_label)
    hit_a = {i for i, _ in matches}
    hit_b = {j for _, j in matches}
    return _Pairing(
        [(a[i], b[j]) for i, j in matches],
        [s for i, s in enumerate(a) if i not in hit_a],
        [s for j, s in enumerate(b) if j not in hit_b],
    )


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


def _extents(record: Annotation) -> Counter[tuple[int, int]]:
    """The record's spans by extent alone, for matching that ignores labels."""
    return Counter((s.start, s.end) for s in record.spans)


def _span_keys(record: Annotation) -> Counter[SpanKey]:
    return Counter(SpanKey.of(s) for s in record.spans)


def _per_label(tp: Counter[str], fp: Counter[str], fn: Counter[str]) -> dict[str, Counts]:
    return {label: Counts(tp[label], fp[label], fn[label]) for label in sorted(tp | fp | fn)}


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
    pairs, left_out = pair_docs(a, b)
    total = Counts()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for ra, rb in pairs:
        if match == "exact" and labelled:
            matched = _tally_labels(_span_keys(ra), _span_keys(rb), tp, fp, fn)
        elif match == "exact":
            matched = (_extents(ra) & _extents(rb)).total()
        else:
            paired = _pair_spans(ra.spans, rb.spans, same_label=labelled)
            matched = len(paired.matched)
            if labelled:
                tp.update(x.label for x, _ in paired.matched)
                fp.update(s.label for s in paired.only_b)
                fn.update(s.label for s in paired.only_a)
        total += Counts(matched, len(rb.spans) - matched, len(ra.spans) - matched)
    return PairF1(total, _per_label(tp, fp, fn), len(pairs), left_out)


def _relation_keys(record: Annotation) -> Counter[RelationKey]:
    return Counter(keys_of(record.spans, record.relations)[1])


def relation_f1(a: Sequence[Annotation], b: Sequence[Annotation]) -> PairF1:
    """Relation precision, recall and F1 of ``b`` against ``a``, overall and per label.

    A relation matches when its head and its child match exactly as spans (start, end,
    label) and its label matches: span ids are never compared.
    """
    pairs, left_out = pair_docs(a, b)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for ra, rb in pairs:
        _tally_labels(_relation_keys(ra), _relation_keys(rb), tp, fp, fn)
    overall = Counts(tp.total(), fp.total(), fn.total())
    return PairF1(overall, _per_label(tp, fp, fn), len(pairs), left_out)


def label_confusion(a: Sequence[Annotation], b: Sequence[Annotation]) -> dict[tuple[str, str], int]:
    """How ``a``'s labels meet ``b``'s on overlapping spans: ``(label_a, label_b) -> count``.

    Spans are paired one-to-one by largest overlap whatever their labels; a span the other
    annotator has nothing paired with counts as ``(label, "∅")`` or ``("∅", label)``. Only
    documents both did count.
    """
    pairs, _ = pair_docs(a, b)
    confusion: Counter[tuple[str, str]] = Counter()
    for ra, rb in pairs:
        paired = _pair_spans(ra.spans, rb.spans, same_label=False)
        confusion.update((x.label, y.label) for x, y in paired.matched)
        confusion.update((s.label, MISSING) for s in paired.only_a)
        confusion.update((MISSING, s.label) for s in paired.only_b)
    return dict(sorted(confusion.items()))
