"""The model's suggestions as a cache: its pseudo-annotator log (``model:<name>``), keyed by
(text_sha1, model name, model version, schema hash), and filling it for a corpus.

Nothing here loads the model or imports spaCy: a run over texts already cached, and the
annotate screen looking up a document's suggestions, never pay for it (:class:`Suggester`
loads the pipeline when it first analyses a text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from redline.errors import StoreLockedError
from redline.schema.records import Annotation, Document
from redline.store import AnnotatorLog, DatasetStore
from redline.suggest.pieces import failure_line
from redline.suggest.suggester import Suggester


@dataclass
class SuggestRun:
    """What a ``suggest`` run did, for the summary the CLI prints."""

    documents: int = 0
    computed: int = 0
    cached: int = 0
    warnings: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """One line per document that could not be analysed (left out; the others are kept)."""


class SuggestionCache:
    """The model's pseudo-annotator log, read as a cache keyed by text and pipeline."""

    def __init__(self, dataset: DatasetStore, suggester: Suggester) -> None:
        self.suggester = suggester
        self.read_only = False
        try:
            self.log: AnnotatorLog = dataset.open(suggester.annotator, write=True)
        except StoreLockedError:
            # Another process (a `suggest` run, another annotator's UI) is filling it: read it
            # and compute what is missing without saving it.
            self.log = dataset.open(suggester.annotator, write=False)
            self.read_only = True

    def lookup(self, document: Document) -> tuple[Annotation, bool] | None:
        """The cached suggestions for this document's text, as a record for this doc_id, and
        whether that record is already the doc_id's newest line (else it should be saved)."""
        wanted = self.suggester.suggested_by
        newest = self.log.newest(document.doc_id)
        if (
            newest is not None
            and newest.text_sha1 == document.text_sha1
            and newest.suggested_by == wanted
        ):
            return newest, True
        for record in self.log.with_text(document.text_sha1):
            if record.suggested_by == wanted:
                update = {"doc_id": document.doc_id, "meta": document.meta}
                return record.model_copy(update=update), False
        return None

    def store(self, records: list[Annotation]) -> None:
        if not self.read_only:
            self.log.append_many(records)

    def close(self) -> None:
        self.log.close()


def suggest_documents(
    documents: Callable[[], Iterable[Document]],
    dataset: DatasetStore,
    suggester: Suggester,
    *,
    batch_size: int = 64,
    n_process: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> SuggestRun:
    """Fill the cache for every document: cached ones are reused, the rest analysed in one
    ``nlp.pipe`` stream and saved a batch at a time. ``documents`` is called once per pass,
    so a corpus is streamed, never held in memory. A document that cannot be analysed is
    one line of ``run.failed``; the others are analysed and saved all the same."""
    run = SuggestRun()
    if suggester.warning:
        run.warnings.append(suggester.warning)
    cache = SuggestionCache(dataset, suggester)
    if cache.read_only:
        run.warnings.append(
            f"{dataset.name}/{suggester.annotator} is being written by another process: "
            "suggestions are computed but not cached"
        )
    try:
        missing: list[str] = []
        for document in documents():
            run.documents += 1
            found = cache.lookup(document)
            if found is None:
                missing.append(document.doc_id)
                continue
            run.cached += 1
            record, current = found
            if not current:
                cache.store([record])
            if on_progress:
                on_progress(1)
        if missing:
            wanted = set(missing)
            to_compute = (d for d in documents() if d.doc_id in wanted)
            records = suggester.suggest(
                to_compute,
                batch_size=batch_size,
                n_process=n_process,
                on_failure=lambda document, error: run.failed.append(failure_line(document, error)),
            )
            while batch := list(islice(records, batch_size)):
                cache.store(batch)
                run.computed += len(batch)
                if on_progress:
                    on_progress(len(batch))
    finally:
        cache.close()
    return run


def cached_suggestions(
    documents: Iterable[Document], dataset: DatasetStore, suggester: Suggester
) -> Iterator[Annotation]:
    """The cached suggestions of each document, in the documents' order (after a run)."""
    with dataset.open(suggester.annotator) as log:
        for document in documents:
            record = log.newest(document.doc_id)
            if record is not None and record.text_sha1 == document.text_sha1:
                yield record
