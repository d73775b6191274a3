"""A person's way through an ordered list of documents, as the annotate and review screens
see it: which document is k of N, where to resume, opening one to edit and saving it.

The screens are written against the :class:`DocumentQueue` protocol only, so the
annotator's :class:`redline.worklist.Worklist` and the reviewer's
:class:`redline.review.ReviewWorklist` drive the same screen code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

from redline.editing import EditSession
from redline.errors import RedlineError
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Answer, Document
from redline.store import AnnotatorLog, DatasetStore
from redline.suggest.suggester import Suggester

OpenedSource = Literal["saved", "suggested", "empty"]
"""Where an opened document's spans came from: a saved version, suggestions, or nothing."""


@dataclass(frozen=True)
class Opened:
    """A document ready to edit: its position, the session, and where its spans came from."""

    position: int
    session: EditSession
    source: OpenedSource
    text_changed: bool = False


class DocumentIndex(Protocol):
    """The documents of a queue in order; it may still be growing (``complete`` False)."""

    doc_ids: list[str]
    complete: bool

    def __len__(self) -> int: ...

    def position(self, doc_id: str) -> int | None: ...

    def has(self, position: int) -> bool: ...

    def iter_ids(self) -> Iterator[str]: ...


class QueueProgress:
    """Where one person stands in an ordered list of documents whose versions go to ``log``:
    the part of a :class:`DocumentQueue` the annotator's and the reviewer's share."""

    index: DocumentIndex
    log: AnnotatorLog
    _done: int | None = None

    def __len__(self) -> int:
        """All the documents (waits for the index to be complete)."""
        return len(self.index)

    def known_length(self) -> tuple[int, bool]:
        """The documents indexed so far, and whether that is all of them (for a header that
        must not wait)."""
        return len(self.index.doc_ids), self.index.complete

    def has(self, position: int) -> bool:
        return self.index.has(position)

    @property
    def done(self) -> int:
        """Documents with a saved version (counted once the index is complete, then kept up
        to date by saves: the header reads it on every key press)."""
        if self._done is None:
            done = sum(map(self.log.__contains__, self.index.doc_ids))
            if not self.index.complete:
                return done
            self._done = done
        return self._done

    def is_saved(self, position: int) -> bool:
        return self.index.doc_ids[position] in self.log

    def resume_position(self) -> int:
        """The first document without a saved record; the last one when all are done. Only
        the part of the corpus before it is indexed first."""
        doc_id = self.log.resume_point(self.index.iter_ids())
        if doc_id is not None:
            return self.position_of(doc_id)
        end = len(self)  # all saved: a queue handed out on demand may have one more to give
        return end if self.has(end) else end - 1

    def position_of(self, doc_id: str) -> int:
        position = self.index.position(doc_id)
        if position is None:
            raise RedlineError(self.not_here(doc_id))
        return position

    def not_here(self, doc_id: str) -> str:
        return f"no document {doc_id!r} here"

    def skipped_documents(self) -> int:
        """Documents that could not be read (a bad corpus line or file)."""
        return 0

    def finish_index(self) -> None:
        """Index every document; a queue known in full from the start has nothing to do."""

    def append(self, record: Annotation) -> None:
        """Save durably and keep the done count right."""
        new = record.doc_id not in self.log
        self.log.append(record)
        if new and self._done is not None and self.index.position(record.doc_id) is not None:
            self._done += 1

    def record_to_save(self, session: EditSession, answer: Answer, seconds: float) -> Annotation:
        """The version :meth:`save` appends (refused with a reason when it cannot be saved)."""
        return session.to_record(answer, seconds)

    def save(self, session: EditSession, answer: Answer, seconds: float) -> Annotation:
        """Append the version on screen durably, then mark the session clean."""
        record = self.record_to_save(session, answer, seconds)
        self.append(record)
        session.mark_saved(record)
        return record

    def hold(self, position: int) -> str | None:
        """Keep a document handed out on demand while it is worked on (see the annotator's
        worklist); a sentence for the person when it can no longer be kept."""
        return None


class DocumentQueue(Protocol):
    """What a screen needs of the documents it goes through."""

    dataset: DatasetStore
    annotator: str
    schema: LabelSchema
    log: AnnotatorLog

    @property
    def suggester(self) -> Suggester | None: ...

    @property
    def index(self) -> DocumentIndex: ...

    @property
    def done(self) -> int: ...

    def __len__(self) -> int: ...

    def known_length(self) -> tuple[int, bool]: ...

    def has(self, position: int) -> bool: ...

    def is_saved(self, position: int) -> bool: ...

    def resume_position(self) -> int: ...

    def position_of(self, doc_id: str) -> int: ...

    def skipped_documents(self) -> int: ...

    def document(self, position: int) -> Document:
        """The document's text and id, read without opening it (no tokens made)."""

    def finish_index(self) -> None:
        """Index every document (from a worker thread, while the first one is on screen)."""

    def open(self, position: int, *, suggestions: Annotation | None = None) -> Opened: ...

    def suggest(self, position: int) -> Annotation | None: ...

    def append(self, record: Annotation) -> None: ...

    def record_to_save(
        self, session: EditSession, answer: Answer, seconds: float
    ) -> Annotation: ...

    def save(self, session: EditSession, answer: Answer, seconds: float) -> Annotation: ...

    def hold(self, position: int) -> str | None: ...

    def close(self) -> None: ...
