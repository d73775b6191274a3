"""An annotator's way through a corpus: which document is k of N, where to resume, what the
model suggests for each, and saving each verified version.

The annotate UI (and any script) drives annotation through this one object, so the same code
decides resume points, loads suggestions and writes records, whatever the front end.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from redline.corpus import Corpus, CorpusIndex
from redline.editing import EditSession
from redline.errors import RedlineError
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Answer, Document
from redline.store import AnnotatorLog, DatasetStore, check_name
from redline.suggest.suggester import Suggester, SuggestionCache
from redline.tokens import tokenize


@dataclass(frozen=True)
class Opened:
    """A document ready to edit: its position, the session, and where its spans came from."""

    position: int
    session: EditSession
    source: str  # "saved", "suggested" or "empty"
    text_changed: bool = False


class DocumentIndex(Protocol):
    """The documents of a queue in order; it may still be growing (``complete`` False)."""

    doc_ids: list[str]
    complete: bool

    def __len__(self) -> int: ...

    def position(self, doc_id: str) -> int | None: ...

    def has(self, position: int) -> bool: ...

    def iter_ids(self) -> Iterator[str]: ...


class DocumentQueue:
    """Where one person stands in an ordered list of documents whose versions go to ``log``:
    what the annotate and review screens share."""

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
            done = sum(1 for doc_id in self.index.doc_ids if doc_id in self.log)
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
        return len(self) - 1 if doc_id is None else self.position_of(doc_id)

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

    def append(self, record: Annotation) -> None:
        """Save durably and keep the done count right."""
        new = record.doc_id not in self.log
        self.log.append(record)
        if new and self._done is not None and self.index.position(record.doc_id) is not None:
            self._done += 1


class Worklist(DocumentQueue):
    """Documents of a corpus for one annotator of one dataset (holds the annotator's lock)."""

    def __init__(
        self,
        corpus: Corpus,
        dataset: DatasetStore,
        annotator: str,
        schema: LabelSchema,
        suggester: Suggester | None = None,
    ) -> None:
        check_name("annotator", annotator)
        if annotator.startswith("model:"):
            raise RedlineError(f"{annotator!r} is the name of a model's suggestions, not a person")
        self.corpus = corpus
        self.dataset = dataset
        self.annotator = annotator
        self.schema = schema
        self.suggester = suggester
        self.index: CorpusIndex = corpus.index()
        if not self.index.has(0):
            raise RedlineError(f"{corpus.source}: no documents to annotate")
        self.log: AnnotatorLog = dataset.open(annotator, write=True)
        self._cache: SuggestionCache | None = None
        self._cache_lock = threading.Lock()
        self._suggested: dict[int, Annotation | None] = {}

    def not_here(self, doc_id: str) -> str:
        return f"no document {doc_id!r} in {self.corpus.source}"

    def skipped_documents(self) -> int:
        """Bad lines or files of the corpus met so far (all of them once indexed)."""
        return len(self.corpus.problems)

    def document(self, position: int) -> Document:
        return self.index.document(position)

    def cached_suggestions(self, position: int) -> Annotation | None:
        """Suggestions already at hand (memory or the on-disk cache); never runs the model."""
        if position in self._suggested:
            return self._suggested[position]
        if self.suggester is None:
            return None
        with self._cache_lock:
            found = self._suggestion_cache().lookup(self.document(position))
        if found is not None:
            self._suggested[position] = found[0]
            return found[0]
        return None

    def suggest(self, position: int) -> Annotation | None:
        """Suggestions for a document, running the model if they are not cached (slow the first
        time: call it from a worker thread)."""
        cached = self.cached_suggestions(position)
        if cached is not None or self.suggester is None:
            return cached
        document = self.document(position)
        (record,) = self.suggester.suggest([document])
        with self._cache_lock:
            self._suggestion_cache().store([record])
        self._suggested[position] = record
        return record

    def open(self, position: int, *, suggestions: Annotation | None = None) -> Opened:
        """The document as this annotator left it (saved version), else with its suggestions."""
        document = self.document(position)
        saved = self.log.newest(document.doc_id)
        if saved is not None and saved.text_sha1 != document.text_sha1:
            # The text changed since it was annotated: the old offsets are meaningless.
            session = EditSession(document, self.schema, self.annotator, suggestions=suggestions)
            return Opened(position, session, "suggested" if suggestions else "empty", True)
        tokens = tokenize(document.text)
        if saved is not None:
            session = EditSession(document, self.schema, self.annotator, saved=saved, tokens=tokens)
            return Opened(position, session, "saved")
        if suggestions is None:
            suggestions = self.cached_suggestions(position)
        session = EditSession(
            document, self.schema, self.annotator, suggestions=suggestions, tokens=tokens
        )
        return Opened(position, session, "suggested" if suggestions else "empty")

    def save(self, session: EditSession, answer: Answer, seconds: float) -> Annotation:
        """Append the annotator's version durably (fsync) and mark the session clean."""
        record = session.to_record(answer, seconds)
        self.append(record)
        session.mark_saved(record)
        return record

    def _suggestion_cache(self) -> SuggestionCache:
        assert self.suggester is not None
        if self._cache is None:
            self._cache = SuggestionCache(self.dataset, self.suggester)
        return self._cache

    def close(self) -> None:
        self.log.close()
        if self._cache is not None:
            self._cache.close()
