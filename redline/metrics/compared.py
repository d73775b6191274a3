"""Which documents a statistic compares, and the :class:`Score` that says how many.

A number about agreement means little without what it rests on, so every statistic reports
the units it was computed on, how many documents it used and how many it left out: a
document is compared only when the annotators being compared all did it (or, for the
statistics that allow missing ratings, two or more did). Choosing those documents is the
same job for every statistic, hence one place for it.

Inputs are each annotator's records (one :class:`~redline.schema.records.Annotation` per
document; if a list holds several records of one document, the last one counts). Records
are compared whatever their ``answer``: which answers a report compares is its answers
policy (:mod:`redline.metrics.answers`), applied to the records before they get here.

A value is ``None`` where the statistic is undefined (no units, or no variation at all:
kappa and alpha divide by the disagreement expected by chance, which is then zero).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from redline.errors import RedlineError
from redline.metrics.columns import BoolArray, IntArray, Side
from redline.schema.keys import check_same_text
from redline.schema.records import Annotation

Versions = Mapping[str, Sequence[Annotation]]
"""Each annotator's records, by annotator name."""

DocVersions = dict[str, Annotation]
"""One document's records, by annotator name."""


@dataclass(frozen=True)
class Score:
    """A statistic's value (None when undefined) and the number of units it was computed on.

    ``documents`` is how many documents contributed units, ``documents_left_out`` how many
    were done by too few of the annotators compared (0 for functions over plain lists), and
    ``documents_left_out_answers`` how many the answers policy left out (someone answered
    reject or ignore: :func:`redline.metrics.answers.accepted_only`; set by the report).
    """

    value: float | None
    units: int
    documents: int = 0
    documents_left_out: int = 0
    documents_left_out_answers: int = field(default=0, kw_only=True)
    """Keyword-only, so that the positional fields (and a subclass's) keep their places."""


def _by_doc(records: Iterable[Annotation]) -> dict[str, Annotation]:
    """One record per document: the last one in the list."""
    return {record.doc_id: record for record in records}


def pair_docs(
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
        pairs.append((first, second))
    return pairs, len(by_a.keys() ^ by_b.keys())


def require_two(versions: Mapping[str, object]) -> None:
    if len(versions) < 2:
        raise RedlineError(
            f"agreement needs at least two annotators; got {len(versions)}"
            + (f" ({', '.join(versions)})" if versions else "")
        )


def group_docs(versions: Versions) -> dict[str, DocVersions]:
    """doc_id -> annotator -> record, for every document anyone did (sorted by doc id)."""
    require_two(versions)
    docs: dict[str, DocVersions] = defaultdict(dict)
    for name in sorted(versions):
        for doc_id, record in _by_doc(versions[name]).items():
            docs[doc_id][name] = record
    for doc_id, records in docs.items():
        check_same_text(doc_id, records)
    return dict(sorted(docs.items()))


Done = TypeVar("Done", bound=Mapping[str, object])


def done_by_at_least(docs: Mapping[str, Done], needed: int) -> tuple[list[Done], int]:
    """The documents done by at least ``needed`` annotators, and how many were not."""
    kept = [records for records in docs.values() if len(records) >= needed]
    return kept, len(docs) - len(kept)


def pair_mask(a: Side, b: Side) -> tuple[BoolArray, int]:
    """The batch's documents both did, and how many only one of them did."""
    return a.done & b.done, int(np.count_nonzero(a.done ^ b.done))


def done_counts(sides: Iterable[Side]) -> IntArray:
    """Per document of a batch: how many of ``sides`` did it."""
    counts: IntArray = np.sum([side.done for side in sides], axis=0, dtype=np.int64)
    return counts
