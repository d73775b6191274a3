"""Unlimited undo and redo over immutable values: each change keeps the previous value whole.

The values are immutable, so a step back is the previous value itself (no inverse edits to
get wrong), and "unsaved changes" is a comparison with the value that was last saved.
"""

from __future__ import annotations

from typing import Generic, TypeVar

Value = TypeVar("Value")


class History(Generic[Value]):
    """The current value, the values before and after it, and the one last saved."""

    def __init__(self, current: Value) -> None:
        self.current = current
        self.version = 0
        """Goes up with every change, so views can skip redrawing what did not change."""
        self._undo: list[tuple[Value, str]] = []
        self._redo: list[tuple[Value, str]] = []
        """Each with the note of the change between it and the value after it."""
        self._clean = current

    @property
    def dirty(self) -> bool:
        """Changed since opened or last saved."""
        return self.current != self._clean

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def push(self, value: Value, note: str = "") -> None:
        """Make ``value`` current as one undo step, ``note`` saying what changed (undo and
        redo give it back); a value equal to the current one is no step at all (an edit that
        changed nothing must not need undoing)."""
        if value == self.current:
            return
        self._undo.append((self.current, note))
        self._redo.clear()
        self.current = value
        self.version += 1

    @property
    def last_note(self) -> str:
        """The note of the change that made the current value ("" at the start)."""
        return self._undo[-1][1] if self._undo else ""

    def undo(self) -> str | None:
        """Step back; the note of the change undone, or None when there was none to undo."""
        if not self._undo:
            return None
        value, note = self._undo.pop()
        self._redo.append((self.current, note))
        self.current = value
        self.version += 1
        return note

    def redo(self) -> str | None:
        """Step forward again; the note of the change redone, or None."""
        if not self._redo:
            return None
        value, note = self._redo.pop()
        self._undo.append((self.current, note))
        self.current = value
        self.version += 1
        return note

    def mark_saved(self) -> None:
        self._clean = self.current

    def rebase(self, value: Value) -> None:
        """Make ``value`` current as the starting point: no undo step, and not dirty."""
        self.current = value
        self._clean = value
        self.version += 1
