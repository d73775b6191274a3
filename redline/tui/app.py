"""The Textual application: screens, the keymap, and a command palette with every action."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial, singledispatch
from typing import Any

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.screen import Screen

from redline.queue import DocumentQueue
from redline.review import ReviewWorklist
from redline.tui.annotate import AnnotateScreen, Retraining
from redline.tui.bindings import key_table
from redline.tui.document_screen import DocumentScreen
from redline.tui.messages import ReleaseKeys
from redline.tui.modals import ConfirmScreen
from redline.tui.review import ReviewScreen
from redline.tui.sign_in import SignIn, SignInScreen
from redline.tui.status_line import show_error
from redline.worklist import Worklist

ScreenFactory = Callable[[], DocumentScreen]
"""Makes the app's one screen (called once the app runs)."""


@singledispatch
def screen_for(queue: DocumentQueue, start: int | None, text_first: bool) -> DocumentScreen:
    """The screen that goes through ``queue``: the annotate screen, unless one is registered
    for the queue's type (the review screen for a reviewer's queue)."""
    return AnnotateScreen(queue, start, text_first=text_first)


@screen_for.register
def _annotate(queue: Worklist, start: int | None, text_first: bool) -> DocumentScreen:
    retraining = None if queue.retrainer is None else Retraining(queue.retrainer, queue)
    return AnnotateScreen(queue, start, retraining, text_first=text_first)


@screen_for.register
def _(queue: ReviewWorklist, start: int | None, text_first: bool) -> DocumentScreen:
    return ReviewScreen(queue, start, text_first=text_first)


class RedlineApp(App[None]):
    """``redline annotate``: one screen per task, keys remappable, every action in ctrl+p.

    ``RedlineApp(worklist, start=..., keymap=...)`` opens the screen for that queue at
    ``start`` (:func:`screen_for`); ``screen=`` makes it instead (and places it itself). The
    app closes the queue when it ends. An exception in an action is shown in the status
    line, not fatal (:meth:`run_action`).

    ``text_first=True`` (what ``redline annotate`` runs): the first document's text is
    painted before spaCy is imported, and every key typed until that document is open is
    held, then replayed in order (:meth:`on_release_keys`): none is lost, none runs
    against a document without tokens.
    """

    TITLE = "redline"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        worklist: DocumentQueue | None,
        *,
        start: int | None = None,
        keymap: dict[str, str] | None = None,
        screen: ScreenFactory | None = None,
        sign_in: SignIn | None = None,
        text_first: bool = False,
    ) -> None:
        """``worklist`` None and ``sign_in`` given: a team's served session, which asks for a
        token first and then opens that annotator's queue."""
        super().__init__()
        if worklist is None and sign_in is None:
            raise ValueError("a queue, or a way to sign in to one")
        self._queue = worklist
        self._sign_in = sign_in
        self.start = start
        self._make_screen = screen
        self.text_first = text_first
        self._held_keys: list[events.Key] | None = [] if text_first and sign_in is None else None
        if keymap:
            self.set_keymap(keymap)

    @property
    def worklist(self) -> DocumentQueue:
        if self._queue is None:
            raise RuntimeError("nobody has signed in yet")
        return self._queue

    _quitting = False

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self._quitting = True
        super().exit(*args, **kwargs)

    async def on_event(self, event: events.Event) -> None:
        """Keys typed ahead after the app began to end have no screen to go to (Textual would
        fail on its empty screen stack): they are dropped."""
        if self._quitting and isinstance(event, events.Key):
            return
        if self._held_keys is not None and isinstance(event, events.Key):
            self._held_keys.append(event)
            return
        await super().on_event(event)

    async def on_release_keys(self, message: ReleaseKeys) -> None:
        """The first document is open: the keys held since the start go to it now, in the
        order typed. Handled in the app's own queue, so a key typed before this message was
        posted is held too; one typed after waits behind these."""
        held, self._held_keys = self._held_keys, None
        for key in held or []:
            await self.on_event(key)

    def on_mount(self) -> None:
        if self._queue is None:
            assert self._sign_in is not None
            self.push_screen(SignInScreen(self._sign_in, self.TITLE), self._signed_in)
        else:
            self._open(self._queue)

    def _signed_in(self, queue: DocumentQueue | None) -> None:
        if queue is not None:
            self._queue = queue
            if self.text_first:
                self._held_keys = []
            self._open(queue)

    def _open(self, queue: DocumentQueue) -> None:
        make = self._make_screen or partial(screen_for, queue, self.start, self.text_first)
        self.push_screen(make())

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key, palette command and click action comes through here: an exception it
        raises is said in the status line (error: <type>: <message>), and the UI goes on."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:
            show_error(self, error)
            return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every binding of the current screen by its description, then Textual's own."""
        for action, keys, text in key_table(screen, self.get_key_display):
            yield SystemCommand(
                text, f"key: {keys}", partial(self._run_screen_action, screen, action)
            )
        if isinstance(screen, AnnotateScreen):
            for entity in screen.schema.entities:
                if not entity.key:  # more labels than keys: these are applied from here
                    action = f"label({entity.label!r})"
                    yield SystemCommand(
                        f"Label the selection or the span in focus {entity.label}",
                        "no key",
                        partial(self._run_screen_action, screen, action),
                    )
        yield from super().get_system_commands(screen)

    async def action_quit(self) -> None:
        """ctrl+q and the palette's quit: like q, they ask first when edits are unsaved."""
        self.request_quit()

    def action_help_quit(self) -> None:
        """ctrl+c quits as q does (asking first when edits are unsaved), not only says how."""
        self.request_quit()

    def request_quit(self) -> None:
        """Every way out: at once when nothing is unsaved, else once the annotator agrees."""
        if self._quitting or not self.screen_stack or isinstance(self.screen, ConfirmScreen):
            return  # already ending, or already asking
        screen = next(
            (s for s in reversed(self.screen_stack) if isinstance(s, DocumentScreen)), None
        )
        if screen is None:
            self.exit()
            return
        screen.leave_then(self.exit, quitting=True)

    async def _run_screen_action(self, screen: Screen, action: str) -> None:
        await screen.run_action(action)

    def on_unmount(self) -> None:
        if self._queue is not None:
            self._queue.close()
