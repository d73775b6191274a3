"""Which annotators get which documents: the budget set-up agreement needs.

``redline route`` makes a plan once for a dataset: a fraction of the documents goes to every
annotator (the agreement sample), and each of the others to exactly ``per_doc`` of them, spread
evenly (no annotator has more than one document more than another of the split part). The
plan is deterministic (the same corpus, annotators and seed give the same plan on any machine)
and is kept in the dataset's store, where ``annotate`` finds it: an annotator then meets only
their own documents, in corpus order. On PostgreSQL the documents can instead be handed out
on demand (:mod:`redline.store.postgres_claims`): the same counts, but who does which is
decided as each annotator asks, so a fast annotator is never idle and a slow one holds
nothing back.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from redline.errors import RedlineError
from redline.schema.routes import RoutingPlan


def plan_routes(
    doc_ids: Sequence[str],
    annotators: Sequence[str],
    per_doc: int,
    everyone_fraction: float = 0.0,
    seed: int = 0,
    on_demand: bool = False,
    claim_minutes: float = 30.0,
) -> RoutingPlan:
    """The plan for ``doc_ids`` (corpus order): ``round(everyone_fraction * N)`` documents,
    drawn with ``seed``, to everyone; each other document to ``per_doc`` annotators, chosen in
    turn so that the split part is even (``on_demand``: chosen as they ask, by the store)."""
    people = list(dict.fromkeys(annotators))
    if not people:
        raise RedlineError("routing needs at least one annotator")
    if not 1 <= per_doc <= len(people):
        raise RedlineError(
            f"--per-doc {per_doc}: it must be between 1 and the {len(people)} annotator(s)"
        )
    if not 0 <= everyone_fraction <= 1:
        raise RedlineError(f"--all {everyone_fraction}: a fraction between 0 and 1")
    order = list(doc_ids)
    if len(set(order)) != len(order):
        raise RedlineError("the corpus has a doc_id twice: routing needs each once")
    drawn = list(order)
    random.Random(seed).shuffle(drawn)
    shared = set(drawn[: round(everyone_fraction * len(order))])
    assignments: dict[str, list[str]] = {}
    if not on_demand:  # decided now: each other document to per_doc annotators in turn
        rest = [doc_id for doc_id in drawn if doc_id not in shared]
        chosen: dict[str, set[str]] = {doc_id: set(people) for doc_id in shared}
        for n, doc_id in enumerate(rest):
            chosen[doc_id] = {people[(n * per_doc + k) % len(people)] for k in range(per_doc)}
        assignments = {a: [d for d in order if a in chosen[d]] for a in people}
    return RoutingPlan(
        per_doc=per_doc,
        everyone_fraction=everyone_fraction,
        seed=seed,
        annotators=people,
        everyone=[doc_id for doc_id in order if doc_id in shared],
        assignments=assignments,
        on_demand=on_demand,
        claim_minutes=claim_minutes,
        documents=order if on_demand else [],
    )
