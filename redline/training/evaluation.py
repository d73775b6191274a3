"""Base model against trained model, scored as ``redline evaluate`` scores them.

Both run as the suggester runs them (:class:`redline.suggest.Suggester`: the model, the
schema's label map, entity rules and clean-up, relation suggestions), and their records are
compared with the dev gold by :func:`redline.metrics.f1.span_f1` (exact) and
:func:`redline.metrics.f1.relation_f1`. On texts the gold never saw, the base model's own
suggestions are the reference: how much of them the trained model still makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from redline.metrics.f1 import PairF1, relation_f1, span_f1
from redline.metrics.report import counts_json
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Document
from redline.suggest.suggester import Suggester
from redline.training.data import documents_of


@dataclass
class Comparison:
    """Scores of the base and the trained model on the same documents."""

    documents: int
    entities: dict[str, PairF1] = field(default_factory=dict)
    """``"base"`` and ``"trained"`` against the dev gold."""
    relations: dict[str, PairF1] = field(default_factory=dict)
    unseen_documents: int = 0
    unseen: PairF1 | None = None
    """Trained against the base's own suggestions on texts the gold never saw."""


def predict(schema: LabelSchema, model: str, documents: Sequence[Document]) -> list[Annotation]:
    if not documents:
        return []
    return list(Suggester(schema, model).suggest(documents))


def compare(
    schema: LabelSchema,
    base: str,
    trained: str,
    dev: Sequence[Annotation],
    unseen: Sequence[Document] = (),
) -> Comparison:
    """Both models on the dev gold's texts (and the unseen texts)."""
    texts = [*documents_of(dev), *unseen]
    comparison = Comparison(len(dev), unseen_documents=len(unseen))
    base_records = predict(schema, base, texts)
    trained_records = predict(schema, trained, texts)
    n = len(dev)
    for name, records in (("base", base_records), ("trained", trained_records)):
        if dev:
            comparison.entities[name] = span_f1(list(dev), records[:n])
            comparison.relations[name] = relation_f1(list(dev), records[:n])
    if unseen:
        comparison.unseen = span_f1(base_records[n:], trained_records[n:])
    return comparison


def f1_json(result: PairF1) -> dict[str, object]:
    return {
        "overall": counts_json(result.overall),
        "per_label": {label: counts_json(c) for label, c in sorted(result.per_label.items())},
        "documents": result.documents,
    }


def comparison_json(comparison: Comparison) -> dict[str, object]:
    """The scores as ``meta.json`` keeps them."""
    return {
        "documents": comparison.documents,
        "entities": {name: f1_json(r) for name, r in comparison.entities.items()},
        "relations": {name: f1_json(r) for name, r in comparison.relations.items()},
        "unseen": None
        if comparison.unseen is None
        else {"documents": comparison.unseen_documents, **f1_json(comparison.unseen)},
    }
