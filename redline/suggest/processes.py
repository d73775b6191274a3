"""Suggesting in several processes. Each worker loads the pipeline once, cuts and analyses
whole documents, and sends back only what it found: spans and relations, a few hundred bytes a
document. spaCy's own ``nlp.pipe(n_process=…)`` sends every parsed Doc back to the parent,
which then did the rules and records alone; on two cores that gave x1.26.

Workers are spawned, not forked: the parent may hold threads (a progress bar's) and need not
load the model at all, since the workers cut the texts themselves.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, Protocol

from spacy.language import Language
from spacy.tokens import Doc

from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Document, Origin, Span
from redline.suggest.model_choice import ModelChoice
from redline.suggest.pieces import Found
from redline.suggest.relation_model import RelationModel

PieceFound = tuple[int, list[Span], list[tuple[int, int, str, Origin]]]
"""A piece's offset in its document, its spans (in the piece's offsets) and relations."""

DocumentFound = list[PieceFound] | Exception
"""Every piece of one document, in order, or why it could not be analysed."""

IN_FLIGHT_PER_PROCESS = 2
"""Batches handed to the pool ahead of the one being read back, per worker: enough that no
worker waits, few enough that a corpus is never held in memory."""


class Suggester(Protocol):
    """What the workers need of :class:`redline.suggest.Suggester` (named here by protocol:
    that module hands itself to this one)."""

    schema: LabelSchema
    model: ModelChoice
    given_relation_model: RelationModel | None

    @property
    def nlp(self) -> Language: ...

    def cut(self, doc_id: str, text: str) -> list[tuple[int, int]]: ...

    def found(self, doc: Doc) -> tuple[list[Span], list[tuple[int, int, str, Origin]]]: ...

    def annotation(self, found: Found) -> Annotation: ...


_worker: Suggester | None = None
"""The pipeline of this worker process, loaded once by :func:`_start`."""


def _start(
    kind: Any, schema: LabelSchema, model: str, relation_model: RelationModel | None
) -> None:
    """Build this worker's suggester (``kind`` is the parent's class, pickled by name)."""
    global _worker
    _worker = kind(schema, model, relation_model)
    _worker.nlp  # noqa: B018 -- load now, before the first batch arrives


def _portable(error: Exception) -> Exception:
    """The error itself when it can cross to the parent, else one that says the same."""
    try:
        pickle.dumps(error)
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _analyse(batch: list[tuple[str, str]]) -> list[DocumentFound]:
    """What the pipeline finds in each (doc_id, text), in one ``nlp.pipe`` stream; if the
    stream fails, each document alone, so only the one at fault is given up."""
    suggester = _worker
    assert suggester is not None, "the worker was not started"
    cuts: list[list[tuple[int, int]] | Exception] = []
    for doc_id, text in batch:
        try:
            cuts.append(suggester.cut(doc_id, text))
        except Exception as error:
            cuts.append(error)
    found: list[DocumentFound] = [c if isinstance(c, Exception) else [] for c in cuts]
    stream = [
        (batch[i][1][start:end], (i, start))
        for i, cut in enumerate(cuts)
        if not isinstance(cut, Exception)
        for start, end in cut
    ]
    try:
        for doc, (i, offset) in suggester.nlp.pipe(
            stream, as_tuples=True, batch_size=max(1, len(stream))
        ):
            pieces = found[i]
            assert isinstance(pieces, list)
            pieces.append((offset, *suggester.found(doc)))
    except Exception:
        found = [_alone(suggester, text, cut) for (_, text), cut in zip(batch, cuts, strict=True)]
    return [_portable(f) if isinstance(f, Exception) else f for f in found]


def _alone(
    suggester: Suggester, text: str, cut: list[tuple[int, int]] | Exception
) -> DocumentFound:
    if isinstance(cut, Exception):
        return cut
    try:
        return [(start, *suggester.found(suggester.nlp(text[start:end]))) for start, end in cut]
    except Exception as error:
        return error


def suggest_in_processes(
    suggester: Suggester,
    documents: Iterable[Document],
    *,
    batch_size: int,
    n_process: int,
    on_failure: Callable[[Document, Exception], None] | None,
) -> Iterator[Annotation]:
    """The records of ``documents``, in order, analysed by ``n_process`` workers.

    Without ``on_failure`` the first document that cannot be analysed stops the run with its
    error; with it, that document is handed over and left out, and the others go on."""
    pool = ProcessPoolExecutor(
        n_process,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(
            type(suggester),
            suggester.schema,
            suggester.model.requested,
            suggester.given_relation_model,
        ),
    )
    pending: deque[tuple[list[Document], Future[list[DocumentFound]]]] = deque()
    queue = iter(documents)
    try:
        while batch := list(islice(queue, batch_size)):
            work = [(document.doc_id, document.text) for document in batch]
            pending.append((batch, pool.submit(_analyse, work)))
            if len(pending) > IN_FLIGHT_PER_PROCESS * n_process:
                yield from _records(suggester, *pending.popleft(), on_failure)
        while pending:
            yield from _records(suggester, *pending.popleft(), on_failure)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _records(
    suggester: Suggester,
    batch: list[Document],
    future: Future[list[DocumentFound]],
    on_failure: Callable[[Document, Exception], None] | None,
) -> Iterator[Annotation]:
    for document, result in zip(batch, future.result(), strict=True):
        if isinstance(result, Exception):
            if on_failure is None:
                raise result
            on_failure(document, result)
            continue
        found = Found(document, len(result))
        for offset, spans, relations in result:
            found.add(offset, spans, relations)
        yield suggester.annotation(found)
