"""How unsure the model is about a document: the signal of ``annotate --order uncertain``.

An annotator's time is best spent where the model would be wrong most. The signal is the
expected number of wrong decisions in a document: for each entity the NER's beam search
considers (spaCy's ``beam_parse``: each parse's probability, summed per span), the chance
the greedy answer is wrong about it, ``min(p, 1 - p)``; plus the same for each candidate
pair the relation model scores. Summed, not averaged: a long document with many doubtful
entities teaches more than a short one with one. Everything here is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from redline.schema.records import Document
from redline.suggest.pipeline import entity_label_map
from redline.suggest.suggester import Suggester

BEAM_WIDTH = 8
"""Parses kept per document: 8 gives the same ranking as 16 on the seeds at half the time."""


EntityKey = tuple[int, int, str]
"""An entity as the beam proposes it: start token, end token, label."""


def entity_probabilities(
    beam_parses: Iterable[tuple[float, Iterable[EntityKey]]],
) -> dict[EntityKey, float]:
    """Each (start, end, label) any parse of the beam proposes, with its probability."""
    found: dict[EntityKey, float] = defaultdict(float)
    for probability, entities in beam_parses:
        for start, end, label in entities:
            found[(start, end, label)] += probability
    return found


def _doubt(probability: float) -> float:
    return min(probability, 1.0 - probability)


def uncertainties(
    suggester: Suggester,
    documents: Sequence[Document],
    *,
    batch_size: int = 32,
    relations: bool = True,
) -> Iterator[float]:
    """The expected number of wrong decisions in each document, in order; 0.0 for every
    document when the pipeline has no statistical NER (nothing is uncertain about rules).
    ``relations=False`` counts the entities' doubt only (the benchmark compares both)."""
    nlp = suggester.nlp
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    if not isinstance(ner, EntityRecognizer):
        yield from (0.0 for _ in documents)
        return
    for start in range(0, len(documents), batch_size):
        batch = documents[start : start + batch_size]
        # A text over the pipeline's max_length is measured piece by piece (the doubt is a
        # sum, so the pieces' doubts add up to the document's).
        owners: list[int] = []
        texts: list[str] = []
        for n, document in enumerate(batch):
            for begin, end in suggester.pieces(document):
                owners.append(n)
                texts.append(document.text[begin:end])
        docs = list(nlp.pipe(texts, disable=["ner"]))
        beams = ner.beam_parse(docs, beam_width=BEAM_WIDTH)
        totals = [0.0] * len(batch)
        for owner, doc, beam in zip(owners, docs, beams, strict=True):
            spans = _schema_spans(suggester, entity_probabilities(ner.moves.get_beam_parses(beam)))
            entity_doubt = sum(_doubt(p) for p in spans.values())
            relation_doubt = _relation_doubt(suggester, doc, spans) if relations else 0.0
            totals[owner] += entity_doubt + relation_doubt
        yield from totals


def _schema_spans(suggester: Suggester, spans: dict[EntityKey, float]) -> dict[EntityKey, float]:
    """The beam's entities under the schema's labels, renamed as the pipeline renames them;
    labels the schema does not map are not the team's."""
    label_map = entity_label_map(suggester.schema, suggester.model)
    wanted = suggester.schema.entity_labels
    mapped: dict[EntityKey, float] = defaultdict(float)
    for (start, end, label), p in spans.items():
        label = label_map.get(label, "")
        if label in wanted:
            mapped[(start, end, label)] += p
    return mapped


def _relation_doubt(suggester: Suggester, doc: Doc, spans: dict[EntityKey, float]) -> float:
    """Doubt of the relation model over pairs of the entities the beam favours (p > 0.5)."""
    model = suggester.relation_model
    if model is None or not doc.has_annotation("DEP"):
        return 0.0
    entities: list[SpacySpan] = []
    taken: set[int] = set()
    for (start, end, label), p in sorted(spans.items()):
        if p > 0.5 and not taken & set(range(start, end)):
            entities.append(SpacySpan(doc, start, end, label=label))
            taken |= set(range(start, end))
    return sum(_doubt(p) for *_, p in model.best_labels(doc, entities, suggester.schema))
