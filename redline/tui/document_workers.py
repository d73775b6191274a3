"""The background work behind an open document, and what the screen says: indexing the rest
of a big corpus, computing suggestions ahead, keeping a claim on a document handed out on
demand; each worker runs off the UI thread and tells the screen by a message
(:mod:`redline.tui.messages`), which it handles on the UI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual import work
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from redline.editing import EditSession
from redline.errors import RedlineError
from redline.queue import DocumentQueue, Opened
from redline.tui.messages import (
    DocumentOpened,
    IndexFinished,
    SuggestionsFailed,
    SuggestionsReady,
)
from redline.tui.status_line import StatusLine, reports_errors, show_error

PREFETCH = 3
"""Documents after the open one whose suggestions are computed ahead."""

FIRST_FRAME_WAIT = 2.0
"""Seconds a document opened in the background waits at most for its text to be painted."""

HOLD_EVERY = 60.0
"""Seconds between two renewals of a claim while its document is edited."""


class DocumentWorkers(Screen[None]):
    """The part of a document screen that works in the background and reports."""

    worklist: DocumentQueue
    position: int
    opened: Opened | None
    _held_at: float
    request_repaint: Callable[[], None]
    """Paint again once the current key or message is handled (the screen paints)."""

    @property
    def session(self) -> EditSession:
        assert self.opened is not None
        return self.opened.session

    def say(self, message: str, kind: str = "info") -> None:
        for status in self.query(StatusLine):  # none while the screen is being removed
            status.say(message, kind)

    def refuse(self, message: str) -> None:
        self.say(f"refused: {message}", "error")
        self.app.bell()

    # -- background work -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="open")
    def open_in_background(self, position: int, painted: threading.Event) -> None:
        """Open the document off the UI thread once its text is ``painted``: making its
        tokens imports spaCy the first time, a second, which would otherwise slow the first
        frame down, sharing the interpreter. An error here ends the app, as it would opening
        the document on the UI thread."""
        painted.wait(FIRST_FRAME_WAIT)
        self.post_message(DocumentOpened(self.worklist.open(position)))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def finish_index(self) -> None:
        """Index the rest of a big corpus while the first document is already on screen."""
        self.worklist.finish_index()
        self.post_message(IndexFinished())

    @reports_errors
    def on_index_finished(self, message: IndexFinished) -> None:
        self.request_repaint()
        skipped = self.worklist.skipped_documents()
        if skipped:
            self.say(f"{skipped} document(s) of the corpus skipped (listed when you quit)")

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def prefetch(self, position: int) -> None:
        """Compute suggestions for this document and the next few, off the UI thread (and
        keep holding it, when it was handed out on demand)."""
        self.keep_held(position)
        for ahead in range(position, position + 1 + PREFETCH):
            if not self.worklist.has(ahead):
                break
            if self.worklist.is_saved(ahead) and ahead != position:
                continue
            try:
                record = self.worklist.suggest(ahead)
            except RedlineError as error:
                self.post_message(SuggestionsFailed(str(error)))
                return
            if ahead == position:
                self.post_message(SuggestionsReady(ahead, record))

    @reports_errors
    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        position, record = message.position, message.record
        if self.opened is None or position != self.position or self.opened.source != "empty":
            return
        if self.session.dirty or record is None:
            return
        self.opened = self.worklist.open(position, suggestions=record)
        self.request_repaint()
        self.say(f"{record.doc_id}: {len(record.spans)} suggestions to review")

    def on_suggestions_failed(self, message: SuggestionsFailed) -> None:
        self.say(message.message, "error")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker's unexpected exception: said, and the UI goes on."""
        if event.state == WorkerState.ERROR and isinstance(event.worker.error, Exception):
            show_error(self.app, event.worker.error)

    @work(thread=True, exclusive=True, group="hold", exit_on_error=False)
    def hold(self, position: int) -> None:
        self.keep_held(position)

    def keep_held(self, position: int) -> None:
        """Keep a document handed out on demand while it is worked on (in a worker: it asks
        the server); said when it could not be kept."""
        self._held_at = time.monotonic()
        try:
            lost = self.worklist.hold(position)
        except RedlineError as error:
            lost = str(error)
        if lost:
            self.post_message(SuggestionsFailed(lost))
