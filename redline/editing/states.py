"""Spans and relations as an editing session holds them, and the records they come from and go to.

A record says only what was decided (spans, relations, the rejected suggestions); while the
document is open each span and relation also carries its review status and what it was
when opened, which is what tells an accepted suggestion from a resized or relabeled one.
The states are immutable, so that an undo step is just the previous :class:`DocumentState`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from redline.errors import RedlineError
from redline.schema.records import (
    Annotation,
    Answer,
    Document,
    Edit,
    Origin,
    Relation,
    Span,
    SuggestedBy,
)

Status = Literal["pending", "accepted", "rejected"]
Side = Literal["start", "end"]


class EditRefused(RedlineError):
    """An edit that would break the schema or the document; the message says why."""


@dataclass(frozen=True, slots=True)
class SpanState:
    """A span as the annotator sees it now, and what it was when the document was opened."""

    id: str
    start: int
    end: int
    label: str
    origin: Origin
    status: Status
    original: tuple[int, int, str]
    base_edit: Edit | None = None

    @property
    def live(self) -> bool:
        return self.status != "rejected"

    @property
    def edit(self) -> Edit:
        if self.origin == "annotator":
            return "added"
        start, end, label = self.original
        if (self.start, self.end) != (start, end) or self.base_edit == "resized":
            return "resized"
        if self.label != label or self.base_edit == "relabeled":
            return "relabeled"
        return "kept" if self.status == "pending" else "accepted"

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class RelationState:
    id: str
    head: str
    child: str
    label: str
    origin: Origin
    status: Status
    original_label: str
    base_edit: Edit | None = None

    @property
    def live(self) -> bool:
        return self.status != "rejected"

    @property
    def edit(self) -> Edit:
        if self.origin == "annotator":
            return "added"
        if self.label != self.original_label or self.base_edit == "relabeled":
            return "relabeled"
        return "kept" if self.status == "pending" else "accepted"


@dataclass(frozen=True, slots=True)
class DocumentState:
    """Everything one undo step brings back."""

    spans: tuple[SpanState, ...]
    relations: tuple[RelationState, ...]
    flagged: bool
    note: str


def text_order(span: SpanState) -> tuple[int, int, str]:
    """Spans sorted by this read as the text does; the id makes the order total."""
    return span.start, span.end, span.id


class SpansInOrder:
    """Spans in text order, for finding those at a character by bisection: the UI asks for
    every character it draws, and a long document has thousands of spans."""

    def __init__(self, spans: Iterable[SpanState]) -> None:
        self.spans = sorted(spans, key=text_order)
        self._starts = [s.start for s in self.spans]
        self._longest = max((s.end - s.start for s in self.spans), default=0)

    def at(self, char: int) -> list[SpanState]:
        """The spans covering ``char``, in text order."""
        found = []
        index = bisect_right(self._starts, char) - 1
        while index >= 0 and self.spans[index].start > char - self._longest:
            if char < self.spans[index].end:
                found.append(self.spans[index])
            index -= 1
        found.reverse()
        return found


def cascade(span_ids: set[str], relations: Iterable[RelationState]) -> tuple[RelationState, ...]:
    """Relations touching removed spans: suggestions are rejected, added ones deleted."""
    kept: list[RelationState] = []
    for relation in relations:
        if relation.live and ({relation.head, relation.child} & span_ids):
            if relation.origin == "annotator":
                continue
            relation = replace(relation, status="rejected")
        kept.append(relation)
    return tuple(kept)


def state_from_suggestions(record: Annotation) -> DocumentState:
    spans = tuple(_span_state(s, "pending", None) for s in record.spans)
    relations = tuple(_relation_state(r, "pending", None) for r in record.relations)
    return DocumentState(spans, relations, False, "")


def state_from_saved(record: Annotation) -> DocumentState:
    """A saved version reopened: its edits stay what they were (base_edit), so that saving it
    again unchanged does not turn a resized suggestion into an accepted one, and what was
    kept without being looked at is still to review."""
    spans = (
        *(_span_state(s, _reopened(s.edit), s.edit) for s in record.spans),
        *(_span_state(s, "rejected", s.edit) for s in record.rejected),
    )
    relations = (
        *(_relation_state(r, _reopened(r.edit), r.edit) for r in record.relations),
        *(_relation_state(r, "rejected", r.edit) for r in record.rejected_relations),
    )
    return DocumentState(spans, relations, record.flagged, record.note)


def record_of(
    document: Document,
    state: DocumentState,
    *,
    answer: Answer,
    annotator: str,
    seconds: float,
    suggested_by: SuggestedBy | None,
) -> Annotation:
    """What is on screen is what is saved: pending suggestions are kept unchanged (edit
    ``kept``). Rejected suggestions are kept (negative evidence for training); a relation
    goes only where both its ends do."""
    ordered = sorted(state.spans, key=text_order)
    live = [s for s in ordered if s.live]
    live_ids = {s.id for s in live}
    rejected = [s for s in ordered if not s.live and s.origin != "annotator"]
    known = live_ids | {s.id for s in rejected}
    return Annotation.of(
        document,
        spans=[_span(s) for s in live],
        relations=[
            _relation(r)
            for r in state.relations
            if r.live and r.head in live_ids and r.child in live_ids
        ],
        rejected=[_span(s) for s in rejected],
        rejected_relations=[
            _relation(r)
            for r in state.relations
            if not r.live and r.origin != "annotator" and {r.head, r.child} <= known
        ],
        answer=answer,
        flagged=state.flagged,
        note=state.note,
        annotator=annotator,
        seconds=seconds,
        suggested_by=suggested_by,
    )


def _reopened(edit: Edit | None) -> Status:
    return "pending" if edit == "kept" else "accepted"


def _span_state(span: Span, status: Status, base_edit: Edit | None) -> SpanState:
    original = (span.start, span.end, span.label)
    return SpanState(
        span.id, span.start, span.end, span.label, span.origin, status, original, base_edit
    )


def _relation_state(relation: Relation, status: Status, base_edit: Edit | None) -> RelationState:
    return RelationState(
        relation.id,
        relation.head,
        relation.child,
        relation.label,
        relation.origin,
        status,
        relation.label,
        base_edit,
    )


def _span(state: SpanState) -> Span:
    return Span(
        id=state.id,
        start=state.start,
        end=state.end,
        label=state.label,
        origin=state.origin,
        edit=state.edit,
    )


def _relation(state: RelationState) -> Relation:
    return Relation(
        id=state.id,
        head=state.head,
        child=state.child,
        label=state.label,
        origin=state.origin,
        edit=state.edit,
    )
