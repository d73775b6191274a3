"""What every edit of a session needs: finding the span or relation it names, a fresh id,
describing a span in a message, and one undo step per edit."""

from __future__ import annotations

from dataclasses import replace

from redline.editing.states import DocumentState, EditRefused, RelationState, SpanState
from redline.editing.view import DocumentView
from redline.schema.labels import LabelSchema
from redline.tokens import TokenIndex


class EditBase(DocumentView):
    """The lookups and helpers of :class:`redline.editing.EditSession`'s edits."""

    schema: LabelSchema
    _next_id: int
    tokens: TokenIndex

    # -- looking up what an edit names -----------------------------------------------------

    def span(self, span_id: str) -> SpanState:
        for span in self._state.spans:
            if span.id == span_id:
                return span
        raise EditRefused(f"no span {span_id!r}")

    def relation(self, relation_id: str) -> RelationState:
        for relation in self._state.relations:
            if relation.id == relation_id:
                return relation
        raise EditRefused(f"no relation {relation_id!r}")

    # -- helpers ---------------------------------------------------------------------------

    def _apply(self, state: DocumentState, note: str) -> None:
        self._history.push(state, note)

    def _replace_span(self, updated: SpanState, note: str) -> None:
        spans = tuple(updated if s.id == updated.id else s for s in self._state.spans)
        self._apply(replace(self._state, spans=spans), note)

    def _replace_relation(self, updated: RelationState, note: str) -> None:
        relations = tuple(updated if r.id == updated.id else r for r in self._state.relations)
        self._apply(replace(self._state, relations=relations), note)

    def _check_label(self, label: str) -> None:
        if label not in self.schema.entity_labels:
            raise EditRefused(f"schema {self.schema.name!r} has no entity label {label!r}")

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        if not 0 <= start < end <= len(self.document.text):
            raise EditRefused("select at least one token of the text")
        return self.tokens.chars(*self.tokens.span_tokens(start, end))

    def _new_id(self, prefix: str, taken: set[str]) -> str:
        while f"{prefix}{self._next_id}" in taken:
            self._next_id += 1
        new = f"{prefix}{self._next_id}"
        self._next_id += 1
        return new

    def _describe(self, span: SpanState) -> str:
        return f"{span.label} “{self.text_of(span)}”"

    def _describe_relation(self, relation: RelationState) -> str:
        head, child = self.span(relation.head), self.span(relation.child)
        return f"{self.text_of(head)} -{relation.label}-> {self.text_of(child)}"
