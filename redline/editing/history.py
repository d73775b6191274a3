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
        self._undo: list[Value] = []
        self._redo: list[Value] = []
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

    def push(self, value: Value) -> None:
        """Make ``value`` current as one undo step; a value equal to the current one is no
        step at all (an edit that changed nothing must not need undoing)."""
        if value == self.current:
            return
        self._undo.append(self.current)
        self._redo.clear()
        self.current = value
        self.version += 1

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self.current)
        self.current = self._undo.pop()
        self.version += 1
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self.current)
        self.current = self._redo.pop()
        self.version += 1
        return True

    def mark_saved(self) -> None:
        self._clean = self.current

    def rebase(self, value: Value) -> None:
        """Make ``value`` current as the starting point: no undo step, and not dirty."""
        self.current = value
        self._clean = value
        self.version += 1
