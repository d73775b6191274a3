"""What the background workers tell the screen that started them, as messages: posting one is
safe from a worker thread, and the screen handles it on the UI thread (``on_<name>``).

A worker's unexpected exception is not among them: Textual reports it itself, as a
``Worker.StateChanged`` to ``WorkerState.ERROR`` (the workers run with ``exit_on_error=False``).
"""

from __future__ import annotations

from textual.message import Message

from redline.queue import Opened
from redline.schema.records import Annotation
from redline.training.background import RetrainOutcome


class DocumentOpened(Message, bubble=False):
    """A document opened off the UI thread (its tokens made, which first imports spaCy)."""

    def __init__(self, opened: Opened) -> None:
        super().__init__()
        self.opened = opened


class ReleaseKeys(Message, bubble=False):
    """To the app: the document is open, so the keys held meanwhile go to it, in order."""


class SuggestionsReady(Message, bubble=False):
    """The model's suggestions for the document at ``position`` (None: it suggests nothing)."""

    def __init__(self, position: int, record: Annotation | None) -> None:
        super().__init__()
        self.position = position
        self.record = record


class SuggestionsFailed(Message, bubble=False):
    """The suggestions could not be computed (a :class:`redline.errors.RedlineError`)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class IndexFinished(Message, bubble=False):
    """The whole corpus is indexed: the header's total is known, and the skipped lines."""


class RetrainFinished(Message, bubble=False):
    """A background retrain ended: kept (``outcome.model_dir``) or not, or failed."""

    def __init__(self, outcome: RetrainOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class SaveRetrying(Message, bubble=False):
    """The store's server cannot be reached: the save is tried again in ``delay`` seconds."""

    def __init__(self, reason: str, delay: float) -> None:
        super().__init__()
        self.reason = reason
        self.delay = delay


class SaveLanded(Message, bubble=False):
    """The record is in the store (its COMMIT returned)."""

    def __init__(self, record: Annotation) -> None:
        super().__init__()
        self.record = record


class SaveFailed(Message, bubble=False):
    """The store refused the record for good (not a connection that may come back)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class TeamSaved(Message, bubble=False):
    """Other people saved (``names``; empty for the first count, made when the screen
    opened): ``others`` people besides the screen's own have ``saved`` documents between them
    with a saved version."""

    def __init__(self, names: set[str], others: int, saved: int) -> None:
        super().__init__()
        self.names = names
        self.others = others
        self.saved = saved
