"""The first screen of a team's served session: the annotator's token, then their own queue.

Nothing of the dataset is shown before a token is accepted; a wrong one is refused without
saying whether any name exists.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label

from redline.errors import RedlineError
from redline.queue import DocumentQueue

SignIn = Callable[[str], DocumentQueue | None]
"""A token -> the annotator's queue, or None for a token that is not one of the team's."""


class SignInScreen(Screen[DocumentQueue]):
    """Asks for the token; dismissed with the signed-in annotator's queue."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen > Vertical { width: 60; height: auto; border: round $primary; padding: 1 2; }
    SignInScreen #refused { color: $error; height: auto; }
    """

    def __init__(self, sign_in: SignIn, title: str) -> None:
        super().__init__()
        self._sign_in = sign_in
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self._title}: sign in with the token from your link")
            yield Input(placeholder="token", password=True, id="token")
            yield Label("", id="refused")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        refused = self.query_one("#refused", Label)
        try:
            queue = self._sign_in(event.value)
        except RedlineError as error:  # e.g. the annotator is already signed in elsewhere
            refused.update(str(error))
            return
        if queue is None:
            event.input.value = ""
            refused.update("that token does not sign anyone in")
            return
        self.dismiss(queue)
