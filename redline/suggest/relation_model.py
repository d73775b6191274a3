"""A trainable relation suggester: a logistic regression over entity pairs.

The schema's rules find a relation only when a trigger lemma lies on the dependency path, so
they miss most of what annotators mark (recall 0.13 on the seeds). This model learns from
gold records which paths, words and contexts make a relation, and is stored as plain JSON
(feature names, weights, intercepts, labels) so that loading it runs no code: prediction is
a dot product in numpy, deterministic, with no scikit-learn at suggestion time.

Candidates are the same as the rules': ordered pairs of entities in one sentence whose types
fit a relation of the schema (a symmetric relation only from the entity named first). Per
pair the model proposes at most one label, the most probable of those whose type constraint
fits, when its probability exceeds the stored threshold.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from redline.errors import RedlineError
from redline.schema.labels import LabelSchema
from redline.suggest.relations import dependency_path, sentence_pairs

NONE_LABEL = "none"
"""The class of a candidate pair that has no relation."""

MODEL_FILE = "relations.json"
FORMAT = 1

Features = dict[str, float | str]

FEATURE_GROUPS = (
    "path",
    "path_lemmas",
    "between",
    "labels",
    "distance",
    "links",
    "titles",
)
"""The feature groups a model is trained on by default; a model stores its own."""

OPTIONAL_GROUPS = ("vectors",)
"""Groups :func:`featurize` also knows but does not use by default: ``vectors`` is the
pipeline's tok2vec output mean-pooled over each entity (the pair representation of spaCy's
relation-extraction tutorial); measured in ``bench/relation_choice.py``."""

_TITLE_WINDOW = 3
_BETWEEN_LIMIT = 12


def _bucket(value: int) -> str:
    """Coarse distance buckets: exact counts would scatter a few examples over many values."""
    for limit in (0, 1, 2, 4, 8, 15):
        if value <= limit:
            return str(limit)
    return "16+"


def featurize(
    doc: Doc,
    entities: Sequence[SpacySpan],
    pair: tuple[int, int],
    groups: Sequence[str] = FEATURE_GROUPS,
) -> Features:
    """The features of one ordered pair (indices into ``entities``) of one sentence.

    String values become one-hot features (``name=value``), as scikit-learn's DictVectorizer
    reads them; bags of words are keys with the value 1.0. Entities are counted from the
    candidates, not ``doc.ents``: in training those are the gold's, in suggesting the model's.
    """
    head, child = entities[pair[0]], entities[pair[1]]
    features: Features = {"bias": 1.0}
    first, second = (head, child) if head.start <= child.start else (child, head)
    gap = range(first.end, second.start)
    inside = set(range(head.start, head.end)) | set(range(child.start, child.end))
    if "labels" in groups:
        features["labels"] = f"{head.label_}>{child.label_}"
        features["order"] = "head_first" if head is first else "child_first"
    if "distance" in groups:
        features["distance"] = _bucket(max(0, second.start - first.end))
        between_ents = sum(1 for e in entities if first.end <= e.start and e.end <= second.start)
        features["ents_between"] = _bucket(between_ents)
    path = dependency_path(head.root, child.root)
    if "path" in groups:
        features["path"] = str(path) if path is not None else "<none>"
        features["path_len"] = _bucket(len(path)) if path is not None else "none"
    if "path_lemmas" in groups and path is not None:
        for token in path.between:
            if token.i not in inside:
                features[f"path_lemma={token.lemma_.lower()}"] = 1.0
    if "between" in groups:
        if len(gap) <= _BETWEEN_LIMIT:
            for i in gap:
                features[f"between={doc[i].lemma_.lower()}"] = 1.0
        else:
            features["between_long"] = 1.0
    if "links" in groups:
        words = [doc[i].lower_ for i in gap]
        features["adjacent"] = 1.0 if not words else 0.0
        features["comma"] = 1.0 if "," in words else 0.0
        features["of"] = 1.0 if words == ["of"] or words[-1:] == ["of"] else 0.0
        features["possessive"] = 1.0 if words[:1] in (["'s"], ["’s"]) else 0.0
        features["paren"] = 1.0 if "(" in words else 0.0
        if path is not None and any(step.endswith("appos") for step in path.steps):
            features["appos"] = 1.0
    if "vectors" in groups and doc.tensor is not None and doc.tensor.size:
        for role, span in (("head", head), ("child", child)):
            for n, value in enumerate(doc.tensor[span.start : span.end].mean(axis=0)):
                features[f"{role}_vec{n}"] = float(value)
    if "titles" in groups:
        for role, span in (("head", head), ("child", child)):
            if span.label_ != "PERSON":
                continue
            for token in doc[max(span.sent.start, span.start - _TITLE_WINDOW) : span.start]:
                if token.is_alpha:
                    features[f"{role}_title={token.lemma_.lower()}"] = 1.0
    return features


def candidate_pairs(
    entities: Sequence[SpacySpan], schema: LabelSchema
) -> Iterator[tuple[int, int, list[str]]]:
    """(head index, child index, labels allowed) for every pair the schema permits.

    Shared by training and prediction so the model is judged on exactly the pairs it learnt.
    """
    for h, c in sentence_pairs(entities):
        head, child = entities[h], entities[c]
        allowed = [
            rule.label
            for rule in schema.relations
            if rule.fits(head.label_, child.label_)
            and not (rule.symmetric and child.start < head.start)
        ]
        if allowed:
            yield h, c, allowed


@dataclass
class RelationModel:
    """Weights of a multinomial (or binary) logistic regression over :func:`featurize`."""

    features: list[str]
    weights: list[list[float]]
    intercepts: list[float]
    classes: list[str]
    schema_hash: str
    threshold: float = 0.5
    groups: list[str] = field(default_factory=lambda: list(FEATURE_GROUPS))
    training_pairs: dict[str, int] = field(default_factory=dict)
    """Examples per class the model was fitted on ("none" included)."""
    min_pairs: int = 1
    """A label the model saw fewer examples of is left to the rules: a handful of examples
    make a classifier that mostly says "none", worse than a rule written for the case."""

    def __post_init__(self) -> None:
        self._index = {name: n for n, name in enumerate(self.features)}
        self._weights = np.asarray(self.weights, dtype=np.float64).reshape(-1, len(self.features))
        self._intercepts = np.asarray(self.intercepts, dtype=np.float64)

    @property
    def labels(self) -> set[str]:
        """The relation labels the model predicts: its classes but "none", each learnt from
        at least ``min_pairs`` examples."""
        return {
            c
            for c in self.classes
            if c != NONE_LABEL and self.training_pairs.get(c, self.min_pairs) >= self.min_pairs
        }

    def probabilities(self, features: Mapping[str, float | str]) -> dict[str, float]:
        """Each class's probability for one pair's features."""
        x = np.zeros(len(self.features), dtype=np.float64)
        for key, value in features.items():
            name, amount = (f"{key}={value}", 1.0) if isinstance(value, str) else (key, value)
            index = self._index.get(name)
            if index is not None:
                x[index] = float(amount)
        scores = self._weights @ x + self._intercepts
        if len(self.classes) == 2 and scores.shape[0] == 1:
            positive = float(1.0 / (1.0 + np.exp(-scores[0])))
            return {self.classes[0]: 1.0 - positive, self.classes[1]: positive}
        shifted = np.exp(scores - scores.max())
        shares = shifted / shifted.sum()
        return {label: float(p) for label, p in zip(self.classes, shares, strict=True)}

    def best_labels(
        self, doc: Doc, entities: Sequence[SpacySpan], schema: LabelSchema
    ) -> Iterator[tuple[int, int, str, float]]:
        """(head index, child index, label, probability) for every candidate pair with a
        label the model knows and the types fit: its most probable such label, whatever the
        probability (the uncertainty ranking reads the ones below the threshold too)."""
        if not doc.has_annotation("DEP"):
            return
        for h, c, allowed in candidate_pairs(entities, schema):
            known = [label for label in allowed if label in self.labels]
            if not known:
                continue
            probabilities = self.probabilities(featurize(doc, entities, (h, c), self.groups))
            best = max(known, key=lambda label: (probabilities[label], label))
            yield h, c, best, probabilities[best]

    def predict(
        self, doc: Doc, entities: Sequence[SpacySpan], schema: LabelSchema
    ) -> list[tuple[int, int, str, float]]:
        """The pairs of :meth:`best_labels` above the threshold: at most one per pair."""
        return [
            found for found in self.best_labels(doc, entities, schema) if found[3] > self.threshold
        ]

    def to_disk(self, folder: Path) -> None:
        """Write the model as one JSON file (no pickle: loading it runs no code)."""
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "features": self.features,
            "weights": self.weights,
            "intercepts": self.intercepts,
            "classes": self.classes,
            "schema_hash": self.schema_hash,
            "threshold": self.threshold,
            "groups": self.groups,
            "training_pairs": self.training_pairs,
            "min_pairs": self.min_pairs,
        }
        (folder / MODEL_FILE).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))

    @classmethod
    def from_disk(cls, folder: Path) -> RelationModel:
        path = folder / MODEL_FILE
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            raise RedlineError(f"{path}: no relation model there") from None
        except orjson.JSONDecodeError as error:
            raise RedlineError(f"{path}: not a relation model ({error})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RedlineError(f"{path}: not a relation model of format {FORMAT}")
        try:
            return cls(
                features=list(data["features"]),
                weights=[list(map(float, row)) for row in data["weights"]],
                intercepts=[float(v) for v in data["intercepts"]],
                classes=list(data["classes"]),
                schema_hash=str(data["schema_hash"]),
                threshold=float(data["threshold"]),
                groups=list(data["groups"]),
                training_pairs={str(k): int(v) for k, v in data["training_pairs"].items()},
                min_pairs=int(data.get("min_pairs", 1)),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise RedlineError(f"{path}: damaged relation model ({error})") from None
