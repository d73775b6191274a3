"""Per-annotator counts for a dataset: how far each annotator is and what they produced."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from redline.errors import RedlineError
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation
from redline.schema.routes import PoolProgress, RoutingPlan
from redline.store import DatasetStore


@dataclass
class AnnotatorStats:
    annotator: str
    documents: int = 0
    total: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    flagged: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    seconds: float = 0.0
    invalid_lines: list[str] = field(default_factory=list)
    torn_lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StatsLabels:
    """The labels a stats table shows, in its order, and those no schema knows."""

    entities: list[str]
    relations: list[str]
    unknown: list[str]
    """Labels of the records that the schema does not have (shown after the schema's)."""


def stats_labels(rows: Iterable[AnnotatorStats], schema: LabelSchema | None) -> StatsLabels:
    """Without a schema, the labels the records hold, sorted. With one, every label of the
    schema in its order (a label nobody used yet shows 0: what is left to do), then the
    records' labels it does not have, sorted, so that a typo or an old label is seen."""
    rows = list(rows)
    used_entities = {label for row in rows for label in row.spans}
    used_relations = {label for row in rows for label in row.relations}
    if schema is None:
        return StatsLabels(sorted(used_entities), sorted(used_relations), [])
    entities = [e.label for e in schema.entities]
    relations = [r.label for r in schema.relations]
    extra_entities = sorted(used_entities - set(entities))
    extra_relations = sorted(used_relations - set(relations))
    return StatsLabels(
        [*entities, *extra_entities],
        [*relations, *extra_relations],
        [*extra_entities, *extra_relations],
    )


def dataset_stats(
    dataset: DatasetStore, doc_ids: Collection[str] | None = None
) -> list[AnnotatorStats]:
    """Counts over each annotator's newest records. ``doc_ids`` (a corpus) sets the total and
    limits the counts to it; without it the total is every document anyone has saved. An
    annotator the dataset's routing plan names counts over their own documents only."""
    annotators = dataset.annotators()
    if not annotators:
        raise RedlineError(f"dataset {dataset.name!r} has no annotations yet")
    logs = [dataset.open(name) for name in annotators]
    try:
        plan = dataset.routes()
        corpus_given = doc_ids is not None
        if doc_ids is None:
            everything: set[str] = set()
            for log in logs:
                everything.update(log.doc_ids())
            doc_ids = everything
        everyone = set(doc_ids)
        result = []
        for log in logs:
            # a routed annotator's total is their queue (`redline route`), not the corpus
            queue = None if plan is None else _queue(dataset, plan, log.annotator)
            if queue is None:
                wanted = everyone
            else:
                wanted = set(queue) & everyone if corpus_given else set(queue)
            stats = AnnotatorStats(annotator=log.annotator, total=len(wanted))
            stats.invalid_lines = [str(p) for p in log.problems]
            stats.torn_lines = [str(p) for p in log.torn]
            for record in log.iter_newest():
                if record.doc_id not in wanted:
                    continue
                stats.documents += 1
                stats.answers[record.answer] += 1
                stats.flagged += record.flagged
                stats.spans.update(s.label for s in record.spans)
                stats.relations.update(r.label for r in record.relations)
                stats.rejected += len(record.rejected)
                stats.seconds += record.seconds
            result.append(stats)
        return result
    finally:
        for log in logs:
            log.close()


def _queue(dataset: DatasetStore, plan: RoutingPlan, annotator: str) -> list[str] | None:
    """The documents routed to ``annotator``: decided in advance, or handed out so far."""
    if not plan.on_demand:
        return plan.assignments.get(annotator)
    if annotator not in plan.annotators:
        return None
    handout = dataset.handout(annotator)
    if handout is None:
        return None
    try:
        return handout.mine()
    finally:
        handout.close()


def pool_progress(dataset: DatasetStore) -> PoolProgress | None:
    """Where the documents handed out on demand stand; None when none are."""
    plan = dataset.routes()
    if plan is None or not plan.on_demand:
        return None
    handout = dataset.handout(plan.annotators[0])
    if handout is None:
        return None
    try:
        return handout.pool()
    finally:
        handout.close()


@dataclass
class LabelSummary:
    """What a set of records holds per label: counts and the most frequent texts."""

    documents: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    documents_with: Counter[str] = field(default_factory=Counter)
    span_texts: dict[str, Counter[str]] = field(default_factory=dict)
    relations: Counter[str] = field(default_factory=Counter)
    relation_texts: dict[str, Counter[str]] = field(default_factory=dict)


def summarize_labels(records: Iterable[Annotation]) -> LabelSummary:
    """Counts per label over records, streamed (memory grows with distinct texts only)."""
    summary = LabelSummary()
    for record in records:
        summary.documents += 1
        by_id = {s.id: s for s in record.spans}
        summary.documents_with.update({s.label for s in record.spans})
        for span in record.spans:
            summary.spans[span.label] += 1
            summary.by_rule[span.label] += span.origin == "rule"
            summary.span_texts.setdefault(span.label, Counter())[record.span_text(span)] += 1
        for relation in record.relations:
            summary.relations[relation.label] += 1
            head, child = by_id[relation.head], by_id[relation.child]
            example = f"{record.span_text(head)} → {record.span_text(child)}"
            summary.relation_texts.setdefault(relation.label, Counter())[example] += 1
    return summary
