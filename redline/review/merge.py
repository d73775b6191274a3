"""Merging several annotators' versions of a document into what they agree on and conflicts.

Two annotators rarely agree on everything, and a reviewer's time should go only to where
they differ. :func:`merge_versions` splits a document into what every accepting annotator
said identically (agreed) and what they did not (conflicts), comparing spans and relations
by :mod:`redline.schema.keys`, never by ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from redline.errors import RedlineError
from redline.schema.keys import (
    RelationKey,
    SpanKey,
    check_same_text,
    is_model,
    is_person,
    keys_of,
)
from redline.schema.records import Annotation, Answer, Document
from redline.store import AnnotatorLog, DatasetStore


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
    not_accepted: dict[str, Answer] = field(default_factory=dict)

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

    not_accepted: dict[str, Answer] = {
        a: r.answer for a, r in sorted(versions.items()) if r.answer != "accept"
    }
    accepting = tuple(a for a in sorted(versions) if a not in not_accepted)

    span_holders: dict[SpanKey, set[str]] = {}
    relation_holders: dict[RelationKey, set[str]] = {}
    for annotator in accepting:
        record = versions[annotator]
        spans, relations = keys_of(record.spans, record.relations)
        for key in spans.values():
            span_holders.setdefault(key, set()).add(annotator)
        for rkey in relations:
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
    """Merge every document that at least two of the annotators have saved, one at a time
    (:func:`merge_logs` over the annotators' logs, opened here and closed when done).

    The default annotators are the dataset's people, and its models with ``include_models``;
    never gold, which is the result of review, not an input to it.
    """
    if annotators is None:
        chosen = [
            a for a in dataset.annotators() if is_person(a) or (include_models and is_model(a))
        ]
    else:
        chosen = list(dict.fromkeys(annotators))
    logs: dict[str, AnnotatorLog] = {}
    try:
        for annotator in chosen:
            logs[annotator] = dataset.open(annotator)
        yield from merge_logs(logs)
    finally:
        for log in logs.values():
            log.close()


def merge_logs(logs: Mapping[str, AnnotatorLog]) -> Iterator[DocumentMerge]:
    """Merge every document that at least two of the logs hold, one at a time.

    Records are read on demand (only the logs' line indexes stay in memory), so a large
    dataset streams. Documents come in the order the first annotator saved them, then those
    only later annotators have.
    """
    seen: set[str] = set()
    for log in logs.values():
        for doc_id in log.doc_ids():
            if doc_id in seen:
                continue
            seen.add(doc_id)
            holders = [a for a, other in logs.items() if doc_id in other]
            if len(holders) >= 2:
                yield merge_versions({a: newest_of(logs[a], doc_id) for a in holders})


def newest_of(log: AnnotatorLog, doc_id: str) -> Annotation:
    """The newest record of a document the log is known to hold."""
    record = log.newest(doc_id)
    assert record is not None, "doc_ids() lists only documents with a record"
    return record
