"""Editing one document: :class:`EditSession` holds the edits of a UI session and their undo
history, :mod:`redline.editing.states` what it edits and the records it makes."""

from redline.editing.session import EditSession
from redline.editing.states import EditRefused, RelationState, Side, SpanState, Status

__all__ = ["EditRefused", "EditSession", "RelationState", "Side", "SpanState", "Status"]
