"""How many corrections turn a suggestion into the gold: the work a simulated annotator does.

Edit statistics (:mod:`redline.metrics.edits`) read what a person did from the records'
``edit`` fields; this module instead *computes* what someone would have to do, from a
suggestion and the gold alone, so a benchmark can price a model in keystrokes' worth of
corrections without anyone annotating.

Spans are aligned one-to-one:

1. a suggested span with an exact gold twin (start, end, label) is accepted: no correction;
2. the remaining spans are paired by overlap, greedily and deterministically: a pair with
   the same extent first (only its label differs), then the largest shared extent, then the
   same label, ties by position. A pair with the same extent and another label is
   *relabelled*; one with the same label and other offsets is *resized*; one with other
   offsets and another label is both, one correction of each kind (the annotator drags the
   edges and picks the label: two actions);
3. a suggested span paired with nothing is *rejected*; a gold span nothing turned into is
   *added*.

Relations are compared after that alignment: each end of a suggested relation stands for
the gold span it became. One with a gold twin (same ends, same label) is kept; any other is
*rejected*, except one whose end was rejected, which goes with that span as it does in the
editor (counted in ``relations_dropped_with_span``, not a correction of its own). A gold
relation no suggested relation became is *added*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from redline.metrics.compared import pair_docs
from redline.schema.keys import RelationKey, SpanKey, check_same_text
from redline.schema.records import Annotation, Span

CORRECTION_KINDS = (
    "spans_added",
    "spans_rejected",
    "spans_relabelled",
    "spans_resized",
    "relations_added",
    "relations_rejected",
)
"""The fields of :class:`CorrectionCounts` that are corrections (and add up to ``total``)."""


@dataclass(frozen=True)
class CorrectionCounts:
    """Corrections of each kind; ``+`` and :func:`sum` add them up over documents."""

    spans_added: int = 0
    spans_rejected: int = 0
    spans_relabelled: int = 0
    spans_resized: int = 0
    relations_added: int = 0
    relations_rejected: int = 0
    relations_dropped_with_span: int = 0
    """Suggested relations that disappear when one of their ends is rejected: no extra work."""

    @property
    def total(self) -> int:
        """Every correction, a resized-and-relabelled span counting twice."""
        return sum(getattr(self, kind) for kind in CORRECTION_KINDS)

    def __add__(self, other: CorrectionCounts) -> CorrectionCounts:
        if not isinstance(other, CorrectionCounts):
            return NotImplemented
        return CorrectionCounts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def __radd__(self, other: object) -> CorrectionCounts:
        """So that the built-in ``sum(counts)`` (which starts from 0) works."""
        if other == 0:
            return self
        return NotImplemented


def sum_corrections(counts: Iterable[CorrectionCounts]) -> CorrectionCounts:
    """The totals over documents (an empty iterable gives all zeros)."""
    total = CorrectionCounts()
    for count in counts:
        total += count
    return total


def _overlap(a: Span, b: Span) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _exact_twins(suggested: Sequence[Span], gold: Sequence[Span]) -> list[tuple[int, int]]:
    """Pairs (suggested index, gold index) of identical spans, one-to-one, in text order."""
    free: dict[SpanKey, list[int]] = {}
    for j in sorted(range(len(gold)), key=lambda j: SpanKey.of(gold[j])):
        free.setdefault(SpanKey.of(gold[j]), []).append(j)
    pairs = []
    for i in sorted(range(len(suggested)), key=lambda i: (SpanKey.of(suggested[i]), i)):
        waiting = free.get(SpanKey.of(suggested[i]))
        if waiting:
            pairs.append((i, waiting.pop(0)))
    return pairs


def _overlap_pairs(
    suggested: Sequence[Span], gold: Sequence[Span], skip_s: set[int], skip_g: set[int]
) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing of the spans left: same extent first, then largest overlap,
    then same label, then position (so the result never depends on list order)."""
    candidates = []
    for i, s in enumerate(suggested):
        if i in skip_s:
            continue
        for j, g in enumerate(gold):
            if j in skip_g or _overlap(s, g) <= 0:
                continue
            same_extent = (s.start, s.end) == (g.start, g.end)
            candidates.append(
                (
                    not same_extent,
                    -_overlap(s, g),
                    s.label != g.label,
                    (s.start, s.end, s.label),
                    (g.start, g.end, g.label),
                    i,
                    j,
                )
            )
    candidates.sort()
    used_s: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for *_, i, j in candidates:
        if i not in used_s and j not in used_g:
            used_s.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def align_spans(suggested: Sequence[Span], gold: Sequence[Span]) -> list[tuple[int, int]]:
    """Each suggested span's gold counterpart, as (suggested index, gold index) pairs: exact
    twins first, then overlapping spans (see the module's docstring)."""
    exact = _exact_twins(suggested, gold)
    taken_s = {i for i, _ in exact}
    taken_g = {j for _, j in exact}
    return exact + _overlap_pairs(suggested, gold, taken_s, taken_g)


def corrections(suggested: Annotation, gold: Annotation) -> CorrectionCounts:
    """The corrections an annotator makes to turn ``suggested`` into ``gold`` (one document).

    Both must be versions of the same text; only their ``spans`` and ``relations`` count
    (``rejected`` spans are negative evidence, not part of either version).
    """
    check_same_text(suggested.doc_id, {"suggested": suggested, "gold": gold})
    pairs = align_spans(suggested.spans, gold.spans)
    relabelled = resized = 0
    became: dict[str, SpanKey] = {}
    for i, j in pairs:
        s, g = suggested.spans[i], gold.spans[j]
        became[s.id] = SpanKey.of(g)
        relabelled += s.label != g.label
        resized += (s.start, s.end) != (g.start, g.end)
    gold_keys = {span.id: SpanKey.of(span) for span in gold.spans}
    wanted = Counter(
        RelationKey(gold_keys[r.head], gold_keys[r.child], r.label) for r in gold.relations
    )
    kept = rejected = dropped = 0
    for relation in suggested.relations:
        head, child = became.get(relation.head), became.get(relation.child)
        if head is None or child is None:
            dropped += 1
            continue
        key = RelationKey(head, child, relation.label)
        if wanted[key] > 0:
            wanted[key] -= 1
            kept += 1
        else:
            rejected += 1
    return CorrectionCounts(
        spans_added=len(gold.spans) - len(pairs),
        spans_rejected=len(suggested.spans) - len(pairs),
        spans_relabelled=relabelled,
        spans_resized=resized,
        relations_added=len(gold.relations) - kept,
        relations_rejected=rejected,
        relations_dropped_with_span=dropped,
    )


def corrections_over(
    suggested: Iterable[Annotation], gold: Iterable[Annotation]
) -> tuple[CorrectionCounts, int]:
    """The totals over the documents both have (paired by doc id), and how many documents
    only one of them has (left out, as the F1 measures leave them out)."""
    pairs, left_out = pair_docs(gold, suggested)
    return sum_corrections(corrections(s, g) for g, s in pairs), left_out
