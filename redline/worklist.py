"""An annotator's way through a corpus: which document is k of N, where to resume, what the
model suggests for each, and saving each verified version.

The annotate UI (and any script) drives annotation through this one object, a
:class:`redline.queue.DocumentQueue`, so the same code decides resume points, loads
suggestions and writes records, whatever the front end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from redline.corpus import Corpus, CorpusIndex
from redline.corpus.handed_out import HandedOutIndex
from redline.corpus.order import DocumentOrder, OrderedIndex, random_order, uncertain_order
from redline.editing import EditSession
from redline.errors import RedlineError
from redline.queue import Opened, QueueProgress
from redline.schema.keys import is_model
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Document
from redline.store import AnnotatorLog, DatasetStore, check_name
from redline.suggest.cache import SuggestionCache
from redline.suggest.suggester import Suggester
from redline.token_cache import remembered_tokens
from redline.training.background import Retrainer


class Worklist(QueueProgress):
    """Documents of a corpus for one annotator of one dataset (holds the annotator's lock)."""

    def __init__(
        self,
        corpus: Corpus,
        dataset: DatasetStore,
        annotator: str,
        schema: LabelSchema,
        suggester: Suggester | None = None,
        *,
        order: DocumentOrder = "corpus",
        seed: int = 0,
        on_progress: Callable[[int, int], None] | None = None,
        on_reading: Callable[[int, int], None] | None = None,
    ) -> None:
        """``order`` other than corpus indexes the whole corpus first (and ``uncertain``
        runs the model's beam over every unsaved document, reporting (done, total) to
        ``on_progress``). ``on_reading``: (bytes, total) while the annotator's file is read
        through, when it is big and has no index yet (the first open: seconds)."""
        check_name("annotator", annotator)
        if is_model(annotator):
            raise RedlineError(f"{annotator!r} is the name of a model's suggestions, not a person")
        self.corpus = corpus
        self.dataset = dataset
        self.annotator = annotator
        self.schema = schema
        self.suggester = suggester
        self.index: CorpusIndex | OrderedIndex | HandedOutIndex = corpus.index()
        if not self.index.has(0):
            raise RedlineError(f"{corpus.source}: no documents to annotate")
        if order == "uncertain" and suggester is None:
            raise RedlineError("--order uncertain needs the model: drop --no-suggestions")
        self.handout = dataset.handout(annotator)
        plan = None if self.handout is not None else dataset.routes()
        routed = None if plan is None else set(plan.documents_of(annotator))
        try:
            self.log: AnnotatorLog = dataset.open(annotator, write=True, progress=on_reading)
        except BaseException:
            self._close_handout()
            raise
        try:
            self.index = self._index(self.index, order, seed, on_progress, routed)
        except BaseException:
            self.log.close()  # the lock, for whoever opens the log next
            self._close_handout()
            raise
        self._cache: SuggestionCache | None = None
        self._cache_lock = threading.Lock()
        self._suggested: dict[int, Annotation | None] = {}
        self.retrainer: Retrainer | None = None
        """Set by ``annotate --retrain-every``: trains a new model every N saves."""

    def _index(
        self,
        index: CorpusIndex,
        order: DocumentOrder,
        seed: int,
        on_progress: Callable[[int, int], None] | None,
        routed: set[str] | None,
    ) -> CorpusIndex | OrderedIndex | HandedOutIndex:
        """The documents this annotator goes through: handed out on demand, or the corpus in
        ``order``, or the part of it routed to them."""
        if self.handout is not None:  # on demand: the documents come as they are asked for
            if order != "corpus":
                raise RedlineError(
                    f"--order {order}: documents are handed out on demand in corpus order "
                    "(the dataset's routing plan); drop --order"
                )
            handed = HandedOutIndex(index, self.handout, self.log.__contains__)
            if not handed.has(0):
                raise RedlineError(
                    f"no documents left for {self.annotator!r}: each has all the annotators "
                    "the routing plan asks for"
                )
            return handed
        chosen: CorpusIndex | OrderedIndex = index
        if order != "corpus":
            chosen = self._ordered(index.finish(), order, seed, on_progress)
        if routed is None:
            return chosen
        # `redline route` with a fixed plan: only this annotator's documents
        base = chosen.finish()
        whole = base if isinstance(base, OrderedIndex) else OrderedIndex(base, range(len(base)))
        part = whole.only(routed)
        if not part.has(0):
            raise RedlineError(
                f"none of the documents routed to {self.annotator!r} are in {self.corpus.source}"
            )
        return part

    def _ordered(
        self,
        index: CorpusIndex,
        order: DocumentOrder,
        seed: int,
        on_progress: Callable[[int, int], None] | None,
    ) -> OrderedIndex:
        if order == "random":
            return OrderedIndex(index, random_order(len(index), seed))
        assert self.suggester is not None
        suggester = self.suggester

        def score(positions: list[int]) -> Sequence[float]:
            from redline.suggest.uncertainty import uncertainties  # runs the model: spaCy

            scores: list[float] = []
            documents = [index.document(p) for p in positions]
            for value in uncertainties(suggester, documents):
                scores.append(value)
                if on_progress is not None:
                    on_progress(len(scores), len(positions))
            return scores

        saved = [doc_id in self.log for doc_id in index.doc_ids]
        return OrderedIndex(index, uncertain_order(saved, score))

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
        tokens = remembered_tokens(document.text, self.schema.lang)
        if saved is not None:
            session = EditSession(document, self.schema, self.annotator, saved=saved, tokens=tokens)
            return Opened(position, session, "saved")
        if suggestions is None:
            suggestions = self.cached_suggestions(position)
        session = EditSession(
            document, self.schema, self.annotator, suggestions=suggestions, tokens=tokens
        )
        return Opened(position, session, "suggested" if suggestions else "empty")

    def use_model(self, model: str) -> None:
        """Suggest with another model from now on (a retrained one): suggestions not yet
        shown are dropped, so unsaved documents get the new model's; the open document
        keeps what is on screen."""
        suggester = Suggester(self.schema, model)
        with self._cache_lock:
            self.suggester = suggester
            self._suggested = {}
            if self._cache is not None:
                self._cache.close()
                self._cache = None

    def _suggestion_cache(self) -> SuggestionCache:
        assert self.suggester is not None
        if self._cache is None:
            self._cache = SuggestionCache(self.dataset, self.suggester)
        return self._cache

    def known_length(self) -> tuple[int, bool]:
        """Handed out on demand: this annotator's documents and those still open to them."""
        if isinstance(self.index, HandedOutIndex):
            return len(self.index.doc_ids) + self.index.left, True
        return super().known_length()

    def hold(self, position: int) -> str | None:
        """Keep holding a document handed out on demand while it is worked on (its claim
        would expire otherwise); a sentence for the annotator when it can no longer be
        held. Talks to the server: call it off the UI thread."""
        if self.handout is None or not self.index.has(position):
            return None
        doc_id = self.index.doc_ids[position]
        kept = doc_id in self.log or self.handout.renew(doc_id)
        if isinstance(self.index, HandedOutIndex):
            self.index.left = self.handout.left()
        if kept:
            return None
        return (
            f"{doc_id} was handed to others while it lay here unsaved (its claim expired): "
            "saving it gives it one version more than the plan asks for"
        )

    def _close_handout(self) -> None:
        if self.handout is not None:
            self.handout.close()

    def close(self) -> None:
        self.log.close()
        self._close_handout()
        if self._cache is not None:
            self._cache.close()
