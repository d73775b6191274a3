"""Turning spaCy's analysis into redline records.

The model is a pseudo-annotator (``model:<name>``): its suggestions are ordinary records in
the dataset folder, so agreement, evaluation and export read the model exactly as they read a
person. That file is also the suggestion cache (:mod:`redline.suggest.cache`): a second run
over the same texts never loads the model.

A :class:`Suggester` is made without importing spaCy (its model is named by
:mod:`redline.suggest.model_choice`): the pipeline and the relation model are imported and
loaded when it first analyses a text, so ``annotate`` shows a document before spaCy is in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from redline.schema.keys import model_annotator
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Document, Origin, Span, SuggestedBy
from redline.suggest.model_choice import resolve_model
from redline.suggest.pieces import Found, SourceError, TextTooLongError, cut_pieces

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

    from redline.suggest.relation_model import RelationModel
    from redline.suggest.relation_scores import PairScorer

RELATION_MODEL_DIR = "redline_relations"
"""The relation model's folder inside a trained pipeline's folder."""


def load_relation_model(model_dir: Path) -> RelationModel | None:
    """The relation model saved beside a trained pipeline, or None (a cold start: rules)."""
    folder = Path(model_dir) / RELATION_MODEL_DIR
    if not folder.is_dir():
        return None
    from redline.suggest.relation_model import RelationModel

    return RelationModel.from_disk(folder)


class Suggester:
    """Suggests entities and relations for documents with one schema's pipeline."""

    def __init__(
        self,
        schema: LabelSchema,
        model: str | None = None,
        relation_model: RelationModel | None = None,
    ) -> None:
        self.schema = schema
        self.model = resolve_model(model or schema.model.name)
        self.given_relation_model = relation_model

    @cached_property
    def relation_model(self) -> RelationModel | None:
        """The one given, else the one saved in the trained pipeline's folder, else None."""
        if self.given_relation_model is not None:
            return self.given_relation_model
        target = self.model.load_target
        return None if target is None else load_relation_model(Path(target))

    @cached_property
    def pair_scorer(self) -> PairScorer | None:
        """Scores a pair the annotator picked, when there is a relation model to do it."""
        model = self.relation_model
        if model is None:
            return None
        from redline.suggest.relation_scores import PairScorer

        return PairScorer(self.nlp, model)

    @property
    def warning(self) -> str | None:
        return self.model.warning

    @property
    def annotator(self) -> str:
        return model_annotator(self.model.name)

    @cached_property
    def suggested_by(self) -> SuggestedBy:
        return SuggestedBy(
            model=self.model.name,
            model_version=self.model.version,
            schema_name=self.schema.name,
            schema_hash=self.schema.hash,
        )

    @cached_property
    def nlp(self) -> Language:
        """The pipeline, loaded on first use (a cached run never pays for it)."""
        from redline.suggest.pipeline import build_pipeline

        return build_pipeline(self.schema, self.model)

    def record(self, document: Document, doc: Doc) -> Annotation:
        """The pseudo-annotator's record of one analysed document."""
        found = Found(document, 1)
        found.add(0, *self.found(doc))
        return self.annotation(found)

    def found(self, doc: Doc) -> tuple[list[Span], list[tuple[int, int, str, Origin]]]:
        """The schema's entities of an analysed text (or piece), with offsets in it, and its
        relations as (head, child) indices into them."""
        from redline.suggest.pipeline import RULE_ENTITIES_KEY

        rule_spans = {(s.start, s.end, s.label_) for s in doc.spans.get(RULE_ENTITIES_KEY, [])}
        entities = [e for e in doc.ents if e.label_ in self.schema.entity_labels]
        spans = [
            Span(
                id=f"s{n}",
                start=entity.start_char,
                end=entity.end_char,
                label=entity.label_,
                origin="rule"
                if (entity.start, entity.end, entity.label_) in rule_spans
                else "model",
            )
            for n, entity in enumerate(entities, start=1)
        ]
        return spans, self._relations(doc, entities)

    def annotation(self, found: Found) -> Annotation:
        return Annotation.of(
            found.document,
            spans=found.spans,
            relations=found.relations,
            answer="accept",
            annotator=self.annotator,
            suggested_by=self.suggested_by,
        )

    def _relations(self, doc: Doc, entities: list[SpacySpan]) -> list[tuple[int, int, str, Origin]]:
        """The relation model's proposals for the labels it learnt, the rules' for the rest
        (all of them on a cold start, with no relation model), one per pair."""
        found: list[tuple[int, int, str, Origin]] = []
        learnt: set[str] = set()
        if self.relation_model is not None:
            learnt = self.relation_model.labels
            predicted = self.relation_model.predict(doc, entities, self.schema)
            found.extend((h, c, label, "model") for h, c, label, _ in predicted)
        taken = {(h, c) for h, c, *_ in found}
        from redline.suggest.relations import suggest_relations

        for h, c, label in suggest_relations(doc, entities, self.schema):
            if label not in learnt and (h, c) not in taken:
                found.append((h, c, label, "rule"))
        return found

    def pieces(self, document: Document) -> list[tuple[int, int]]:
        """Where the document's text is cut to fit the pipeline's ``max_length`` (one piece
        when it fits; :mod:`redline.suggest.pieces`)."""
        return self.cut(document.doc_id, document.text)

    def cut(self, doc_id: str, text: str) -> list[tuple[int, int]]:
        limit = self.nlp.max_length
        if len(text) <= limit:
            return [(0, len(text))]
        try:
            return cut_pieces(text, limit)
        except TextTooLongError as error:
            raise TextTooLongError(f"document {doc_id!r}: {error}") from None

    def suggest(
        self,
        documents: Iterable[Document],
        *,
        batch_size: int = 64,
        n_process: int = 1,
        on_failure: Callable[[Document, Exception], None] | None = None,
    ) -> Iterator[Annotation]:
        """Analyse documents (no cache), in order, with one ``nlp.pipe`` stream; a text over
        the pipeline's ``max_length`` is analysed in pieces and joined again.

        Without ``on_failure`` the first error stops the run. With it, a document that
        cannot be analysed is handed to it with the error and left out, and the others are
        analysed all the same: the stream, which an exception ends, is restarted after
        analysing the documents it had in hand one at a time, to find the one that failed.
        With ``n_process`` over 1, worker processes analyse the documents
        (:mod:`redline.suggest.processes`) and this process never loads the model.
        """
        if n_process > 1:
            from redline.suggest.processes import suggest_in_processes

            yield from suggest_in_processes(
                self, documents, batch_size=batch_size, n_process=n_process, on_failure=on_failure
            )
            return
        queue = iter(documents)
        while True:
            open_: dict[int, Found] = {}
            stream = self._piece_stream(queue, open_, on_failure)
            try:
                for doc, (serial, offset) in self.nlp.pipe(
                    stream, as_tuples=True, batch_size=batch_size
                ):
                    found = open_[serial]
                    found.add(offset, *self.found(doc))
                    if found.complete:
                        del open_[serial]
                        yield self.annotation(found)
                return
            except SourceError as error:
                raise error.error from None  # reading the corpus failed: not one document
            except Exception:
                if on_failure is None or not open_:
                    raise
            for found in open_.values():
                try:
                    yield self._alone(found.document)
                except Exception as error:
                    on_failure(found.document, error)
            # ... and on with the documents the dead stream had not reached.

    def _piece_stream(
        self,
        documents: Iterator[Document],
        open_: dict[int, Found],
        on_failure: Callable[[Document, Exception], None] | None,
    ) -> Iterator[tuple[str, tuple[int, int]]]:
        """(piece text, (document serial, offset)) for ``nlp.pipe``; each document is in
        ``open_`` from its first piece until its record is made."""
        serial = 0
        while True:
            try:
                document = next(documents)
            except StopIteration:
                return
            except Exception as error:
                raise SourceError(error) from error
            serial += 1
            try:
                pieces = self.pieces(document)
            except TextTooLongError as error:
                if on_failure is None:
                    raise
                on_failure(document, error)
                continue
            open_[serial] = Found(document, len(pieces))
            for start, end in pieces:
                yield document.text[start:end], (serial, start)

    def _alone(self, document: Document) -> Annotation:
        """One document analysed on its own, piece by piece, in this process."""
        pieces = self.pieces(document)
        found = Found(document, len(pieces))
        for start, end in pieces:
            found.add(start, *self.found(self.nlp(document.text[start:end])))
        return self.annotation(found)
