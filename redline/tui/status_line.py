"""One line that reports each save and each refused action, and any error that would otherwise
end the UI (:func:`show_error`)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from rich.text import Text
from textual.app import App
from textual.dom import DOMNode
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; padding: 0 1; background: $boost; }
    StatusLine.-error { color: $error; text-style: bold; }
    StatusLine.-ok { color: $success; }
    """

    message = ""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.history: deque[str] = deque(maxlen=100)
        """The latest messages, oldest first (what the annotator has been told)."""

    def say(self, message: str, kind: str = "info") -> None:
        """Show a message literally (never as markup): it may quote article text."""
        self.message = message
        self.history.append(message)
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "ok", "-ok")
        self.update(Text(message), layout=False)  # one fixed line: no relayout per key


def describe_error(error: BaseException) -> str:
    """How an unexpected error reads in the status line: ``error: <type>: <message>``."""
    return f"error: {type(error).__name__}: {error}"


def show_error(app: App[Any], error: Exception) -> None:
    """Report an error nothing else handled in the status line of the topmost screen that has
    one (a modal has none: the one beneath it), and ring the bell; the UI goes on. Without a
    status line (the app is starting or closing) the error is raised again."""
    for screen in reversed(app.screen_stack):
        for status in screen.query(StatusLine):
            app.log.error(describe_error(error))
            status.say(describe_error(error), "error")
            app.bell()
            return
    raise error


@contextmanager
def errors_shown(app: App[Any]) -> Iterator[None]:
    """Run a block whose unexpected exception is shown (:func:`show_error`), not raised: for
    handlers Textual would end the app on (messages, callbacks)."""
    try:
        yield
    except Exception as error:
        show_error(app, error)


_Node = TypeVar("_Node", bound=DOMNode)
_Params = ParamSpec("_Params")


def reports_errors(
    handler: Callable[Concatenate[_Node, _Params], None],
) -> Callable[Concatenate[_Node, _Params], None]:
    """A message handler whose unexpected exception is shown (:func:`show_error`), not raised."""

    @wraps(handler)
    def guarded(node: _Node, /, *args: _Params.args, **kwargs: _Params.kwargs) -> None:
        with errors_shown(node.app):
            handler(node, *args, **kwargs)

    return guarded
