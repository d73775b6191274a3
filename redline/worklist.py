"""An annotator's way through a corpus: which document is k of N, where to resume, what the
model suggests for each, and saving each verified version.

The annotate UI (and any script) drives annotation through this one object, a
:class:`redline.queue.DocumentQueue`, so the same code decides resume points, loads
suggestions and writes records, whatever the front end.
"""

from __future__ import annotations

import threading

from redline.corpus import Corpus, CorpusIndex
from redline.editing import EditSession
from redline.errors import RedlineError
from redline.queue import Opened, QueueProgress
from redline.schema.keys import is_model
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Answer, Document
from redline.store import AnnotatorLog, DatasetStore, check_name
from redline.suggest.suggester import Suggester, SuggestionCache
from redline.tokens import tokenize


class Worklist(QueueProgress):
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
        if is_model(annotator):
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

    def finish_index(self) -> None:
        self.index.finish()

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
