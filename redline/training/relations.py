"""Training the relation model from gold records.

Each record's text is parsed with the pipeline that will later suggest, so the dependency
paths the model learns are the ones it will see. Examples are the candidate pairs of
:func:`redline.suggest.relation_model.candidate_pairs` over the record's accepted spans: the
record's relation on the pair is the class, else "none". A relation the annotator rejected
is a suggestion someone judged wrong, so its pair counts again as "none" (weight 2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from redline.errors import RedlineError
from redline.schema.keys import SpanKey, keys_of
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Span
from redline.suggest.relation_model import (
    FEATURE_GROUPS,
    NONE_LABEL,
    Features,
    RelationModel,
    candidate_pairs,
    featurize,
)

REJECTED_WEIGHT = 2.0

MIN_TRAINING_PAIRS = 20
"""Examples of a label below which the rules keep suggesting it (see RelationModel.min_pairs)."""

DEFAULT_THRESHOLD = 0.3
"""A pair is suggested when its label's probability exceeds this. Measured given the gold
entities (``bench/relation_choice.py``): relation F1 0.462 on re3d and 0.185 on Re-DocRED at
0.3, against 0.378 and 0.131 at 0.5; 0.35 and 0.25 are each better on one corpus only."""


@dataclass
class PairExamples:
    """Features, classes and weights of the candidate pairs of some records."""

    features: list[Features] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)


def aligned_entities(doc: Doc, spans: Sequence[Span]) -> tuple[list[SpacySpan], list[Span]]:
    """The record's spans as spaCy spans (expanded to token boundaries), and the record
    spans they stand for; a span that covers no token is left out."""
    entities: list[SpacySpan] = []
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.label)):
        found = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        if found is not None and len(found):
            entities.append(found)
            kept.append(span)
    return entities, kept


def pair_examples(
    doc: Doc,
    record: Annotation,
    schema: LabelSchema,
    groups: Sequence[str] = FEATURE_GROUPS,
) -> PairExamples:
    """One example per candidate pair of the record's accepted spans."""
    entities, kept = aligned_entities(doc, record.spans)
    _, relation_keys = keys_of(record.spans, record.relations)
    gold: dict[tuple[SpanKey, SpanKey], str] = {}
    for key in relation_keys:
        gold[(key.head, key.child)] = key.label
        rule = schema.relation(key.label)
        if rule is not None and rule.symmetric:
            gold.setdefault((key.child, key.head), key.label)
    all_spans = {s.id: SpanKey.of(s) for s in [*record.spans, *record.rejected]}
    rejected = {(all_spans[r.head], all_spans[r.child]) for r in record.rejected_relations}
    examples = PairExamples()
    for h, c, allowed in candidate_pairs(entities, schema):
        pair = (SpanKey.of(kept[h]), SpanKey.of(kept[c]))
        label = gold.get(pair, NONE_LABEL)
        if label != NONE_LABEL and label not in allowed:
            label = NONE_LABEL
        examples.features.append(featurize(doc, entities, (h, c), groups))
        examples.labels.append(label)
        examples.weights.append(
            REJECTED_WEIGHT if label == NONE_LABEL and pair in rejected else 1.0
        )
    return examples


def examples_of(
    docs: Sequence[Doc],
    records: Sequence[Annotation],
    schema: LabelSchema,
    groups: Sequence[str] = FEATURE_GROUPS,
) -> PairExamples:
    examples = PairExamples()
    for doc, record in zip(docs, records, strict=True):
        more = pair_examples(doc, record, schema, groups)
        examples.features.extend(more.features)
        examples.labels.extend(more.labels)
        examples.weights.extend(more.weights)
    return examples


def fit_relation_model(
    examples: PairExamples,
    schema: LabelSchema,
    *,
    seed: int = 0,
    groups: Sequence[str] = FEATURE_GROUPS,
    balanced: bool = False,
    c: float = 1.0,
    threshold: float = DEFAULT_THRESHOLD,
    min_pairs: int = MIN_TRAINING_PAIRS,
) -> RelationModel:
    """Fit the logistic regression on examples already built (the benchmark reuses them)."""
    counts = Counter(examples.labels)
    if not any(label != NONE_LABEL for label in counts):
        raise RedlineError(
            "nothing to learn relations from: the records have no relation between two "
            "entities of one sentence whose types fit the schema"
        )
    if len(counts) < 2:
        raise RedlineError(
            f"nothing to learn relations from: every candidate pair is {next(iter(counts))!r} "
            "(a model needs pairs with and without a relation)"
        )
    if not any(n >= min_pairs for label, n in counts.items() if label != NONE_LABEL):
        seen = ", ".join(
            f"{label} {n}" for label, n in sorted(counts.items()) if label != NONE_LABEL
        )
        raise RedlineError(
            f"too few relations to learn from ({seen}; a label needs {min_pairs} examples)"
        )
    # Imported here: scikit-learn takes a second to import, and only training needs it.
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(examples.features)
    classifier = LogisticRegression(
        C=c,
        class_weight="balanced" if balanced else None,
        max_iter=2000,
        random_state=seed,
    )
    classifier.fit(matrix, examples.labels, sample_weight=examples.weights)
    return RelationModel(
        features=[str(name) for name in vectorizer.get_feature_names_out()],
        weights=[[float(w) for w in row] for row in classifier.coef_],
        intercepts=[float(b) for b in classifier.intercept_],
        classes=[str(label) for label in classifier.classes_],
        schema_hash=schema.hash,
        threshold=threshold,
        groups=list(groups),
        training_pairs=dict(sorted(counts.items())),
        min_pairs=min_pairs,
    )


def parse(nlp: Language, records: Sequence[Annotation]) -> list[Doc]:
    """The records' texts through the pipeline, which must have a parser (paths need it)."""
    # The gold's spans are the entities: the pipeline's own NER would only cost time.
    disabled = [name for name in ("ner", "entity_ruler") if name in nlp.pipe_names]
    docs = list(nlp.pipe((record.text for record in records), disable=disabled))
    if docs and not all(doc.has_annotation("DEP") for doc in docs):
        raise RedlineError(
            "the pipeline has no dependency parser: relation features need one "
            "(use a trained pipeline such as en_core_web_sm)"
        )
    return docs


def train_relation_model(
    nlp: Language,
    records: Sequence[Annotation],
    schema: LabelSchema,
    *,
    seed: int = 0,
    min_pairs: int = MIN_TRAINING_PAIRS,
) -> RelationModel:
    """A relation model learnt from the records' accepted spans and relations."""
    accepted = [r for r in records if r.answer == "accept"]
    if not any(r.relations for r in accepted):
        raise RedlineError(
            f"nothing to learn relations from: none of the {len(records)} record(s) has a relation"
        )
    docs = parse(nlp, accepted)
    examples = examples_of(docs, accepted, schema)
    return fit_relation_model(examples, schema, seed=seed, min_pairs=min_pairs)
