"""What a session of one document shows, apart from the edits that change it.

Everything here only reads, and drawing asks it a lot (the spans at every character drawn):
spans are put in text order once per change, not once per question.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from redline.editing.history import History
from redline.editing.states import DocumentState, RelationState, SpansInOrder, SpanState
from redline.schema.records import Document

_Item = TypeVar("_Item", SpanState, RelationState)


class DocumentView:
    """A document's spans and relations as they stand now, whether they changed since they
    were saved, and whether there are steps to undo or redo; the edits are
    :class:`~redline.editing.session.EditSession`'s."""

    def __init__(self, document: Document, state: DocumentState) -> None:
        self.document = document
        self._history = History(state)
        self._in_order = SpansInOrder(state.spans)  # of self._in_order_of
        self._in_order_of = state
        self._seen: set[str] = set()
        """Pending suggestions the annotator has looked at (had in focus): saved as accepted,
        the others as kept. Looking is not an edit: no undo step, not unsaved work."""

    @property
    def _state(self) -> DocumentState:
        return self._history.current

    @property
    def version(self) -> int:
        """Goes up with every change, so views can skip redrawing what did not change."""
        return self._history.version

    @property
    def spans(self) -> list[SpanState]:
        """Every span (rejected ones too), in text order (sorted once per change)."""
        return list(self._ordered().spans)

    def _ordered(self) -> SpansInOrder:
        if self._in_order_of is not self._state:
            self._in_order, self._in_order_of = SpansInOrder(self._state.spans), self._state
        return self._in_order

    @property
    def live_spans(self) -> list[SpanState]:
        return [s for s in self.spans if s.live]

    @property
    def relations(self) -> list[RelationState]:
        return list(self._state.relations)

    @property
    def flagged(self) -> bool:
        return self._state.flagged

    @property
    def note(self) -> str:
        return self._state.note

    @property
    def dirty(self) -> bool:
        """Changed since opened or last saved."""
        return self._history.dirty

    @property
    def pending(self) -> int:
        return sum(1 for s in self._state.spans if s.status == "pending") + sum(
            1 for r in self._state.relations if r.status == "pending"
        )

    def spans_at(self, char: int) -> list[SpanState]:
        """Live spans covering a character, then rejected ones."""
        return sorted(self._ordered().at(char), key=lambda s: not s.live)

    def text_of(self, span: SpanState) -> str:
        return self.document.text[span.start : span.end]

    def relations_of(self, span_id: str) -> list[RelationState]:
        return [r for r in self._state.relations if span_id in (r.head, r.child)]

    def history_note(self) -> str:
        """What the last edit did, as its message says ("rejected DATE “same day”")."""
        return self._history.last_note

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    def mark_seen(self, item_id: str) -> None:
        """The span or relation ``item_id`` was in focus: the annotator has looked at it."""
        self._seen.add(item_id)

    def unreviewed(self) -> list[SpanState | RelationState]:
        """Pending suggestions nobody has looked at, spans and relations, in text order (a
        relation at its head)."""
        spans: list[SpanState | RelationState] = [
            s for s in self.spans if s.status == "pending" and s.id not in self._seen
        ]
        starts = {s.id: s.start for s in self.spans}
        relations = [r for r in self.relations if r.status == "pending" and r.id not in self._seen]
        items = spans + relations
        return sorted(
            items,
            key=lambda item: starts[item.head] if isinstance(item, RelationState) else item.start,
        )

    def unseen_count(self) -> int:
        """How many :meth:`unreviewed` there are, without sorting them: the header asks on
        every key press."""
        items: list[SpanState | RelationState] = [*self._state.spans, *self._state.relations]
        return sum(1 for item in items if item.status == "pending" and item.id not in self._seen)

    def _looked_at(self, item: _Item) -> _Item:
        if item.status == "pending" and item.id in self._seen:
            return replace(item, status="accepted")
        return item
