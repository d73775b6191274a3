"""A mouse press on the article followed to its release: a click on one token, or a drag
across several that selects them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Drag:
    """Tokens under a left-button press while it is held (indexes into the article's tokens)."""

    pressed: int | None
    """The token pressed on, None over whitespace (then the release is not a click)."""
    anchor: int
    """The token the selection grows from."""
    current: int
    """The token under the mouse now."""

    def move_to(self, token: int) -> bool:
        """Follow the mouse onto ``token``; False when it is still on the same one."""
        if token == self.current:
            return False
        self.current = token
        return True

    @property
    def dragged(self) -> bool:
        """Whether the mouse left the token it was pressed on."""
        return self.current != self.anchor

    @property
    def tokens(self) -> tuple[int, int]:
        """Token range (end exclusive) between the anchor and the current token."""
        low, high = sorted((self.anchor, self.current))
        return low, high + 1
