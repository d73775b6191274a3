"""The edits only review makes: starting from what the annotators agreed on, and taking one side
of a conflict between them.

Both work on many spans and relations at once, which is why they are state transitions of
their own here rather than series of single edits (each of which would be an undo step, and
could be refused half-way for an overlap that the whole choice removes).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from redline.editing.states import DocumentState, RelationState, SpanState


def settled(
    state: DocumentState, span_ids: Collection[str], relation_ids: Collection[str]
) -> DocumentState:
    """``state`` with these spans and relations accepted."""
    return replace(
        state,
        spans=tuple(replace(s, status="accepted") if s.id in span_ids else s for s in state.spans),
        relations=tuple(
            replace(r, status="accepted") if r.id in relation_ids else r for r in state.relations
        ),
    )


def chosen(
    state: DocumentState,
    kept_ids: Collection[str],
    among_spans: Collection[str],
    keep_relations: Collection[str],
    among_relations: Collection[str],
) -> DocumentState:
    """``state`` with the spans ``kept_ids`` accepted (rejected ones brought back) and the rest
    of ``among_spans`` rejected; of ``among_relations``, those in ``keep_relations`` whose
    ends both stay accepted, the others rejected, as is any relation that lost an end."""
    spans: list[SpanState] = []
    for span in state.spans:
        if span.id in kept_ids:
            span = replace(span, status="accepted")
        elif span.id in among_spans and span.live:
            span = replace(span, status="rejected")
        spans.append(span)
    live_ids = {s.id for s in spans if s.live}
    relations: list[RelationState] = []
    for relation in state.relations:
        if relation.id in among_relations:
            wanted = relation.id in keep_relations and {relation.head, relation.child} <= live_ids
            relation = replace(relation, status="accepted" if wanted else "rejected")
        elif relation.live and not {relation.head, relation.child} <= live_ids:
            relation = replace(relation, status="rejected")
        relations.append(relation)
    return replace(state, spans=tuple(spans), relations=tuple(relations))
