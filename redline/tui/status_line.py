"""One line that reports each save and each refused action."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; padding: 0 1; background: $boost; }
    StatusLine.-error { color: $error; text-style: bold; }
    StatusLine.-ok { color: $success; }
    """

    message = ""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.history: deque[str] = deque(maxlen=100)
        """The latest messages, oldest first (what the annotator has been told)."""

    def say(self, message: str, kind: str = "info") -> None:
        """Show a message literally (never as markup): it may quote article text."""
        self.message = message
        self.history.append(message)
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "ok", "-ok")
        self.update(Text(message), layout=False)  # one fixed line: no relayout per key
