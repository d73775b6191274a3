"""Gold records: a reviewer's choices over a merge, and the unanimous documents merged alone.

Each gold span and relation lists the annotators whose versions had it, so provenance (and
agreement with gold) survives adjudication. Gold is stored under the pseudo-annotator
:data:`~redline.schema.keys.GOLD_ANNOTATOR`; the reviewer's name goes in ``meta["reviewer"]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from redline.errors import InputError, RedlineError
from redline.review.merge import DocumentMerge, merge_logs
from redline.schema.keys import GOLD_ANNOTATOR, RelationKey, SpanKey
from redline.schema.records import Annotation, Relation, Span
from redline.store import AnnotatorLog, DatasetStore, check_name

_WRITE_BATCH = 256
"""Gold records written per sync by :func:`write_unanimous`: one fsync per record is slow."""


@dataclass
class AutoReviewResult:
    """What the automatic pass did, for the CLI and the review screen to report."""

    merged: int
    """Unanimous documents written to gold."""
    conflicts: int
    """Documents still needing a reviewer (spans, relations or the answer disputed)."""
    skipped_existing: int
    """Documents gold already had; never overwritten by an automatic pass."""
    disputed: list[str] = field(default_factory=list, compare=False)
    """Every document that is not unanimous, reviewed or not, in merge order: what the
    review screen goes through."""
    problems: list[InputError] = field(default_factory=list, compare=False)
    """Lines of the annotators' files that could not be read: they took no part."""


def gold_record(
    merge: DocumentMerge,
    reviewer: str,
    spans: list[SpanKey],
    relations: list[RelationKey],
    *,
    note: str = "",
    seconds: float = 0.0,
) -> Annotation:
    """The gold record for the reviewer's chosen spans and relations.

    Ids are renumbered in text order (``g1``..., ``gr1``...) so gold is stable whichever
    annotator a span came from. Each span and relation lists the accepting annotators whose
    versions had it exactly; one no annotator had is the reviewer's own (``edit`` "added",
    no annotators). The reviewer is recorded in ``meta["reviewer"]``.
    """
    document = merge.document
    size = len(document.text)
    span_holders = merge.span_holders()
    relation_holders = merge.relation_holders()

    chosen = sorted(set(spans))
    for key in chosen:
        if not 0 <= key.start < key.end <= size:
            raise RedlineError(
                f"document {merge.doc_id!r}: span [{key.start}, {key.end}) {key.label} is not "
                f"a non-empty range of the text ({size} characters)"
            )
    ids = {key: f"g{number}" for number, key in enumerate(chosen, 1)}
    gold_spans = [
        Span(
            id=ids[key],
            start=key.start,
            end=key.end,
            label=key.label,
            origin="annotator",
            edit="accepted" if key in span_holders else "added",
            annotators=sorted(span_holders.get(key, ())),
        )
        for key in chosen
    ]

    for rkey in relations:
        if rkey.head not in ids or rkey.child not in ids:
            missing = rkey.head if rkey.head not in ids else rkey.child
            raise RedlineError(
                f"document {merge.doc_id!r}: relation {rkey.label} needs span "
                f"[{missing.start}, {missing.end}) {missing.label}, which is not in the gold spans"
            )
    position = {key: index for index, key in enumerate(chosen)}
    ordered = sorted(set(relations), key=lambda r: (position[r.head], position[r.child], r.label))
    gold_relations = [
        Relation(
            id=f"gr{number}",
            head=ids[rkey.head],
            child=ids[rkey.child],
            label=rkey.label,
            origin="annotator",
            edit="accepted" if rkey in relation_holders else "added",
            annotators=sorted(relation_holders.get(rkey, ())),
        )
        for number, rkey in enumerate(ordered, 1)
    ]

    return Annotation.of(
        document,
        meta={**document.meta, "reviewer": reviewer},
        spans=gold_spans,
        relations=gold_relations,
        answer="accept",
        note=note,
        annotator=GOLD_ANNOTATOR,
        seconds=seconds,
        suggested_by=None,
    )


def unanimous_gold(merge: DocumentMerge, reviewer: str) -> Annotation:
    """Gold for a document everyone accepted and agreed on: exactly the agreed parts."""
    if not merge.unanimous:
        raise RedlineError(f"document {merge.doc_id!r} is not unanimous; a reviewer must settle it")
    return gold_record(
        merge,
        reviewer,
        [key for key, _ in merge.agreed_spans],
        [key for key, _ in merge.agreed_relations],
    )


def open_versions(
    dataset: DatasetStore, annotators: Iterable[str] | None = None
) -> dict[str, AnnotatorLog]:
    """The logs whose versions a review compares, each opened once for reading: the people
    named (refused unless the dataset has them), else all its people."""
    names = dataset.require(*annotators, people_only=True) if annotators else dataset.people()
    logs: dict[str, AnnotatorLog] = {}
    try:
        for name in names:
            logs[name] = dataset.open(name)
    except BaseException:
        for log in logs.values():
            log.close()
        raise
    return logs


def unreadable_lines(logs: Iterable[AnnotatorLog]) -> list[InputError]:
    """The lines of the logs that could not be read (invalid, or torn by a crash)."""
    return [problem for log in logs for problem in (*log.problems, *log.torn)]


def write_unanimous(
    versions: dict[str, AnnotatorLog], gold: AnnotatorLog, reviewer: str
) -> AutoReviewResult:
    """Write gold for every unanimous document that gold does not have yet.

    Existing gold is never overwritten (a reviewer may have changed it), which also makes a
    second run a no-op. Records are written in batches, each durable before the next.
    """
    check_name("reviewer", reviewer)
    merged = conflicts = skipped = 0
    pending: list[Annotation] = []
    disputed: list[str] = []
    try:
        for merge in merge_logs(versions):
            if not merge.unanimous:
                disputed.append(merge.doc_id)
            if merge.doc_id in gold:
                skipped += 1
            elif merge.unanimous:
                pending.append(unanimous_gold(merge, reviewer))
                merged += 1
                if len(pending) >= _WRITE_BATCH:
                    batch, pending = pending, []
                    gold.append_many(batch)
            else:
                conflicts += 1
    finally:
        # Gold already built is kept even if a later document fails to merge.
        gold.append_many(pending)
    problems = unreadable_lines(versions.values())
    return AutoReviewResult(merged, conflicts, skipped, disputed, problems)


def auto_review(
    dataset: DatasetStore, reviewer: str, annotators: Iterable[str] | None = None
) -> AutoReviewResult:
    """``redline review --auto``: :func:`write_unanimous` over the people's logs (or the
    ``annotators`` named), each opened once."""
    check_name("reviewer", reviewer)
    versions = open_versions(dataset, annotators)
    try:
        with dataset.open(GOLD_ANNOTATOR, write=True) as gold:
            return write_unanimous(versions, gold, reviewer)
    finally:
        for log in versions.values():
            log.close()
