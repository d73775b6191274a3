"""Adjudication: merging several annotators' versions of a document, and building gold.

Two annotators rarely agree on everything, and a reviewer's time should go only to where
they differ. :func:`merge_versions` splits a document into what every accepting annotator
said identically (agreed) and what they did not (conflicts); :func:`gold_record` turns a
reviewer's choices into the gold record, keeping for each span and relation which
annotators had it, so that provenance (and agreement with gold) survives adjudication.

Spans are compared by exact ``(start, end, label)``; relations by the keys of their two
ends plus their label, never by span ids (each annotator numbers spans differently).
Gold records are stored under the pseudo-annotator :data:`GOLD_ANNOTATOR`; the reviewer's
name goes in ``meta["reviewer"]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from redline.errors import RedlineError
from redline.schema.records import Annotation, Document, Relation, Span
from redline.store import AnnotatorLog, DatasetStore, check_name

GOLD_ANNOTATOR = "gold"
"""The annotator name of gold records: the store checks that a file holds one annotator."""

_WRITE_BATCH = 256
"""Gold records written per sync by :func:`auto_review`: one fsync per record is slow."""


@dataclass(frozen=True, order=True)
class SpanKey:
    """What makes two annotators' spans the same span: extent and label, not the id."""

    start: int
    end: int
    label: str

    @classmethod
    def of(cls, span: Span) -> SpanKey:
        return cls(span.start, span.end, span.label)


@dataclass(frozen=True)
class Vote:
    """Which annotators said the same thing inside a conflict.

    ``span`` is None for the annotators that have no span anywhere in the conflict's extent:
    "nothing here" is an answer a reviewer must be able to pick too.
    """

    annotators: tuple[str, ...]
    span: SpanKey | None


@dataclass
class SpanConflict:
    """Spans the annotators disagree on that overlap each other, transitively.

    Grouping by overlap (not by single span) shows a reviewer every competing reading of a
    stretch of text at once: a boundary dispute, a label dispute and a missing span often
    come together.
    """

    start: int
    end: int
    votes: list[Vote]


@dataclass(frozen=True, order=True)
class RelationKey:
    """A relation compared across annotators: its ends by :class:`SpanKey`, plus its label."""

    head: SpanKey
    child: SpanKey
    label: str


@dataclass
class RelationConflict:
    """A relation some accepting annotators have and the others (``missing``) do not."""

    key: RelationKey
    annotators: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass
class DocumentMerge:
    """Every annotator's newest version of one document, split into agreed parts and conflicts.

    Only annotators who accepted the document contribute spans and relations; those who
    rejected or ignored it are listed in ``not_accepted`` so the reviewer sees that the
    document itself is disputed.
    """

    doc_id: str
    document: Document
    versions: dict[str, Annotation]
    agreed_spans: list[tuple[SpanKey, tuple[str, ...]]] = field(default_factory=list)
    agreed_relations: list[tuple[RelationKey, tuple[str, ...]]] = field(default_factory=list)
    span_conflicts: list[SpanConflict] = field(default_factory=list)
    relation_conflicts: list[RelationConflict] = field(default_factory=list)
    not_accepted: dict[str, str] = field(default_factory=dict)

    @property
    def annotators(self) -> tuple[str, ...]:
        """Every annotator with a version, accepting or not, sorted."""
        return tuple(sorted(self.versions))

    @property
    def accepting(self) -> tuple[str, ...]:
        """The annotators whose spans and relations count."""
        return tuple(a for a in self.annotators if a not in self.not_accepted)

    @property
    def has_conflicts(self) -> bool:
        return bool(self.span_conflicts or self.relation_conflicts)

    @property
    def unanimous(self) -> bool:
        """Safe to turn into gold without a reviewer: everyone accepted and agreed."""
        return bool(self.versions) and not self.not_accepted and not self.has_conflicts

    def span_holders(self) -> dict[SpanKey, tuple[str, ...]]:
        """Each span any accepting annotator had, with the annotators who had it."""
        holders = dict(self.agreed_spans)
        for conflict in self.span_conflicts:
            for vote in conflict.votes:
                if vote.span is not None:
                    holders[vote.span] = vote.annotators
        return holders

    def relation_holders(self) -> dict[RelationKey, tuple[str, ...]]:
        """Each relation any accepting annotator had, with the annotators who had it."""
        holders = dict(self.agreed_relations)
        for conflict in self.relation_conflicts:
            holders[conflict.key] = conflict.annotators
        return holders


@dataclass
class AutoReviewResult:
    """What :func:`auto_review` did, for the CLI to report."""

    merged: int
    """Unanimous documents written to gold."""
    conflicts: int
    """Documents still needing a reviewer (spans, relations or the answer disputed)."""
    skipped_existing: int
    """Documents gold already had; never overwritten by an automatic pass."""
    disputed: list[str] = field(default_factory=list, compare=False)
    """Every document that is not unanimous, reviewed or not, in merge order: what the
    review screen goes through."""


def merge_versions(versions: dict[str, Annotation]) -> DocumentMerge:
    """Split the annotators' versions of one document into agreed spans/relations and conflicts.

    A span or relation is agreed when every accepting annotator has it exactly; anything
    else is a conflict. Versions made on different texts cannot be compared (their offsets
    mean different things), so that raises instead of producing a misleading merge.
    """
    if not versions:
        raise RedlineError("no versions to merge")
    first = next(iter(versions.values()))
    doc_ids = {record.doc_id for record in versions.values()}
    if len(doc_ids) > 1:
        raise RedlineError(
            f"cannot merge versions of different documents: {', '.join(sorted(doc_ids))}"
        )
    check_same_text(first.doc_id, versions)

    not_accepted = {a: r.answer for a, r in sorted(versions.items()) if r.answer != "accept"}
    accepting = tuple(a for a in sorted(versions) if a not in not_accepted)

    span_holders: dict[SpanKey, set[str]] = {}
    relation_holders: dict[RelationKey, set[str]] = {}
    for annotator in accepting:
        record = versions[annotator]
        keys = {s.id: SpanKey.of(s) for s in record.spans}
        for key in keys.values():
            span_holders.setdefault(key, set()).add(annotator)
        for relation in record.relations:
            rkey = RelationKey(keys[relation.head], keys[relation.child], relation.label)
            relation_holders.setdefault(rkey, set()).add(annotator)

    everyone = set(accepting)
    agreed_spans = [(k, accepting) for k in sorted(span_holders) if span_holders[k] == everyone]
    differing = sorted(k for k in span_holders if span_holders[k] != everyone)
    span_conflicts = [
        _conflict(group, span_holders, accepting) for group in _overlap_groups(differing)
    ]

    agreed_relations: list[tuple[RelationKey, tuple[str, ...]]] = []
    relation_conflicts: list[RelationConflict] = []
    for rkey in sorted(relation_holders):
        holders = relation_holders[rkey]
        if holders == everyone:
            agreed_relations.append((rkey, accepting))
        else:
            relation_conflicts.append(
                RelationConflict(
                    rkey,
                    tuple(sorted(holders)),
                    tuple(a for a in accepting if a not in holders),
                )
            )

    return DocumentMerge(
        doc_id=first.doc_id,
        document=first.to_document(),
        versions=dict(versions),
        agreed_spans=agreed_spans,
        agreed_relations=agreed_relations,
        span_conflicts=span_conflicts,
        relation_conflicts=relation_conflicts,
        not_accepted=not_accepted,
    )


def check_same_text(doc_id: str, versions: Mapping[str, Annotation]) -> None:
    """Versions made on different texts cannot be compared: their offsets mean other things."""
    by_text: dict[str, list[str]] = {}
    for annotator, record in sorted(versions.items()):
        by_text.setdefault(record.text_sha1, []).append(annotator)
    if len(by_text) > 1:
        readings = "; ".join(
            f"{', '.join(names)} on text {sha1[:10]}" for sha1, names in by_text.items()
        )
        raise RedlineError(
            f"document {doc_id!r}: the annotators worked on different texts ({readings}); "
            "offsets cannot be compared, re-annotate the stale versions"
        )


def _overlap_groups(keys: list[SpanKey]) -> Iterator[list[SpanKey]]:
    """Connected components by character overlap of spans sorted by start (a sweep)."""
    group: list[SpanKey] = []
    reach = 0
    for key in keys:
        if group and key.start >= reach:
            yield group
            group = []
        reach = max(reach, key.end) if group else key.end
        group.append(key)
    if group:
        yield group


def _vote_order(vote: Vote) -> tuple[int, bool, SpanKey]:
    """Most supported first; among equals in text order, "no span" last."""
    return (-len(vote.annotators), vote.span is None, vote.span or SpanKey(0, 0, ""))


def _conflict(
    group: list[SpanKey], holders: dict[SpanKey, set[str]], accepting: tuple[str, ...]
) -> SpanConflict:
    votes = [Vote(tuple(sorted(holders[key])), key) for key in group]
    present = set().union(*(holders[key] for key in group))
    absent = tuple(a for a in accepting if a not in present)
    if absent:
        votes.append(Vote(absent, None))
    votes.sort(key=_vote_order)
    return SpanConflict(
        start=min(k.start for k in group), end=max(k.end for k in group), votes=votes
    )


def merge_dataset(
    dataset: DatasetStore, annotators: list[str] | None = None, include_models: bool = False
) -> Iterator[DocumentMerge]:
    """Merge every document that at least two of the annotators have saved, one at a time.

    Records are read on demand (only the logs' line indexes stay in memory), so a large
    dataset streams. Documents come in the order the first annotator saved them, then those
    only later annotators have. ``gold`` is left out of the default annotators: it is the
    result of review, not an input to it.
    """
    if annotators is None:
        chosen = [
            a for a in dataset.annotators(include_models=include_models) if a != GOLD_ANNOTATOR
        ]
    else:
        chosen = list(dict.fromkeys(annotators))
    logs: dict[str, AnnotatorLog] = {}
    try:
        for annotator in chosen:
            logs[annotator] = dataset.open(annotator)
        seen: set[str] = set()
        for log in logs.values():
            for doc_id in log.doc_ids():
                if doc_id in seen:
                    continue
                seen.add(doc_id)
                holders = [a for a, other in logs.items() if doc_id in other]
                if len(holders) < 2:
                    continue
                versions = {a: _newest(logs[a], doc_id) for a in holders}
                yield merge_versions(versions)
    finally:
        for log in logs.values():
            log.close()


def _newest(log: AnnotatorLog, doc_id: str) -> Annotation:
    record = log.newest(doc_id)
    assert record is not None, "doc_ids() lists only documents with a record"
    return record


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


def auto_review(
    dataset: DatasetStore, reviewer: str, annotators: list[str] | None = None
) -> AutoReviewResult:
    """Write gold for every unanimous document that gold does not have yet.

    Existing gold is never overwritten (a reviewer may have changed it), which also makes a
    second run a no-op. Records are written in batches, each durable before the next.
    """
    check_name("reviewer", reviewer)
    merged = conflicts = skipped = 0
    pending: list[Annotation] = []
    disputed: list[str] = []
    with dataset.open(GOLD_ANNOTATOR, write=True) as gold:
        try:
            for merge in merge_dataset(dataset, annotators):
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
    return AutoReviewResult(merged, conflicts, skipped, disputed)
