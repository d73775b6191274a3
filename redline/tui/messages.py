"""What the background workers tell the screen that started them, as messages: posting one is
safe from a worker thread, and the screen handles it on the UI thread (``on_<name>``).

A worker's unexpected exception is not among them: Textual reports it itself, as a
``Worker.StateChanged`` to ``WorkerState.ERROR`` (the workers run with ``exit_on_error=False``).
"""

from __future__ import annotations

from textual.message import Message

from redline.schema.records import Annotation
from redline.training.background import RetrainOutcome


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
