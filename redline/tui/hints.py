"""Hint mode: every visible target (span, token, a relation's other end) gets a one- or
two-letter hint, and typing it picks that target, so any span on screen is at most three keys
away (the hint key and two letters) instead of a tab per span.

The targets nearest the cursor get the one-letter hints: the span an annotator wants next is
usually close to the one they are on. A key that is no hint letter leaves hint mode and does
what it always does (an arrow moves, a digit labels), so hint mode never traps a key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from redline.tui.status_line import errors_shown

HINT_LETTERS = "asdfghjklqwertyuiopzxcvbnm"
"""Home row first: the one-letter hints are the easiest keys to reach."""


def hint_labels(count: int, letters: str = HINT_LETTERS) -> list[str]:
    """``count`` hints, shortest first, none a prefix of another: as many one-letter hints as
    leave enough two-letter ones (each letter not used alone starts ``len(letters)`` hints).
    Beyond ``len(letters) ** 2`` targets the rest get none (no screen shows that many)."""
    size = len(letters)
    if count <= size:
        return list(letters[:count])
    singles = max(0, (size * size - count) // (size - 1))
    prefixes = letters[singles:]
    doubles = [first + second for first in prefixes for second in letters]
    return [*letters[:singles], *doubles][:count]


def assign_hints(positions: Sequence[int], cursor: int) -> list[str]:
    """A hint per target (by index), the shortest to the targets nearest ``cursor``."""
    order = sorted(range(len(positions)), key=lambda i: (abs(positions[i] - cursor), i))
    labels = hint_labels(len(positions))
    hints = [""] * len(positions)
    for rank, index in enumerate(order[: len(labels)]):
        hints[index] = labels[rank]
    return hints


class HintScreen(ModalScreen[int | str | None]):
    """Waits for a hint to be typed; dismisses with the index of its target, None on escape,
    or a key that is no hint (for the screen below to handle as usual, once this is gone).

    ``show`` paints the hints still possible after what was typed (all of them at first),
    or none (None) once hint mode ends.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="hint.cancel"),
        Binding("backspace", "back", "Back", id="hint.back"),
    ]
    DEFAULT_CSS = """
    HintScreen { background: 0%; }
    """

    def __init__(self, hints: Sequence[str], show: Callable[[str | None], None]) -> None:
        super().__init__()
        self.hints = list(hints)
        self.typed = ""
        self._show = show
        self._left = False

    def on_mount(self) -> None:
        self._show("")

    def on_key(self, event: events.Key) -> None:
        if event.key in ("escape", "backspace"):
            return  # the bindings
        event.stop()
        event.prevent_default()
        if self._left:  # a key that arrives while this screen is being removed
            return
        with errors_shown(self.app):
            char = event.character or ""
            if len(char) != 1 or char not in HINT_LETTERS:
                self._leave(event.key)
                return
            typed = self.typed + char
            if typed in self.hints:
                self._leave(self.hints.index(typed))
            elif any(hint.startswith(typed) for hint in self.hints):
                self.typed = typed
                self._show(typed)
            else:
                self.app.bell()

    def action_back(self) -> None:
        if self._left:
            return
        self.typed = self.typed[:-1]
        self._show(self.typed)

    def action_cancel(self) -> None:
        if not self._left:
            self._leave(None)

    def _leave(self, result: int | str | None) -> None:
        self._left = True
        self._show(None)
        self.dismiss(result)
