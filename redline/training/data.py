"""What a training run learns from: the gold records, their split, and the rehearsal texts.

The gold (or one annotator's) accepted records are checked against the schema and split by
document (:func:`redline.formats.split.split_by_document`). Texts of the dataset that the gold
never saw (documents only an annotator or the model's cache has) guard against forgetting:
part of them is annotated by the base model (its entities mapped to the schema's labels) and
added to the training data ("rehearsal"); the rest measures how far the trained model moved
away from the base on text it was not trained on.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from redline.errors import RedlineError
from redline.formats.spacy_docbin import to_docbin
from redline.formats.split import split_by_document
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Document, Span
from redline.store import JsonlDataset


@dataclass
class TrainingData:
    train: list[Annotation]
    dev: list[Annotation]
    rehearsal: list[Document] = field(default_factory=list)
    unseen: list[Document] = field(default_factory=list)
    """Texts the gold never saw, kept out of training: the base model's answers on them are
    the reference for how much the trained model forgot."""


def load_gold(dataset: JsonlDataset, source: str, schema: LabelSchema) -> list[Annotation]:
    """The newest accepted version of each document of ``source``, checked against ``schema``."""
    known = dataset.annotators()
    if source not in known:
        raise RedlineError(
            f"dataset {dataset.name!r} has no {source!r} records to train on "
            f"(it has: {', '.join(known) or 'none'}); make gold with `redline review` "
            "or pass --source ANNOTATOR"
        )
    with dataset.open(source) as log:
        records = [r for r in log.iter_newest() if r.answer == "accept"]
    if not records:
        raise RedlineError(f"{dataset.name}/{source}: no accepted document to train on")
    for record in records:
        for span in (*record.spans, *record.rejected):
            if span.label not in schema.entity_labels:
                raise RedlineError(
                    f"{dataset.name}/{source}: document {record.doc_id}: span {span.id} has "
                    f"label {span.label!r}, which schema {schema.name!r} does not have "
                    f"(it has: {', '.join(sorted(schema.entity_labels))})"
                )
        for relation in record.relations:
            if relation.label not in schema.relation_labels:
                raise RedlineError(
                    f"{dataset.name}/{source}: document {record.doc_id}: relation "
                    f"{relation.id} has label {relation.label!r}, which schema "
                    f"{schema.name!r} does not have"
                )
    return records


def unseen_documents(dataset: JsonlDataset, gold: Sequence[Annotation]) -> list[Document]:
    """Texts of the dataset's other logs (people and model caches) that no gold record has,
    once each, sorted by doc_id."""
    seen = {record.text_sha1 for record in gold}
    found: dict[str, Document] = {}
    for annotator in dataset.annotators():
        with dataset.open(annotator) as log:
            for record in log.iter_newest():
                if record.text_sha1 not in seen and record.text_sha1 not in found:
                    found[record.text_sha1] = Document(
                        doc_id=record.doc_id,
                        text=record.text,
                        text_sha1=record.text_sha1,
                        meta=record.meta,
                    )
    return sorted(found.values(), key=lambda d: d.doc_id)


def split_data(
    gold: list[Annotation], unseen: list[Document], dev_fraction: float, seed: int
) -> TrainingData:
    """Train and dev by document; the unseen texts shared between rehearsal and measurement
    (one in three measured, at least one; rehearsal at most twice the training documents)."""
    if dev_fraction < 0 or dev_fraction >= 1:
        raise RedlineError(f"--dev must be at least 0 and below 1, not {dev_fraction}")
    documents = len({record.doc_id for record in gold})
    dev: list[Annotation] = []
    if dev_fraction == 0:
        train = list(gold)
    elif documents < 2:
        raise RedlineError(
            f"the gold has {documents} document only: it cannot be split into train and dev; "
            "annotate another document, or pass --dev 0 to train without a dev score"
        )
    else:
        train, dev = split_by_document(gold, dev_fraction, seed)
    shuffled = list(unseen)
    random.Random(seed).shuffle(shuffled)
    n_unseen = max(1, len(shuffled) // 3) if shuffled else 0
    measured = shuffled[:n_unseen]
    rehearsal = shuffled[n_unseen : n_unseen + 2 * len({r.doc_id for r in train})]
    return TrainingData(train, dev, rehearsal, measured)


def rehearsal_docs(base: Language, documents: Iterable[Document], schema: LabelSchema) -> list[Doc]:
    """The base model's entities on texts without gold, as training docs, under the labels
    the gold is trained under (:func:`base_label_space`: LOC becomes GPE where the schema
    maps both to GPE), the ones the schema does not use (CARDINAL, MONEY...) kept, so the
    model keeps them."""
    space = base_label_space(schema)
    rename = {b: space[label] for b, label in schema.model.label_map.items()}
    docs = []
    texts = [document.text for document in documents]
    with base.select_pipes(enable=["ner"] if "ner" in base.pipe_names else []):
        for predicted in base.pipe(texts):
            doc = base.make_doc(predicted.text)
            spans = [
                doc.char_span(e.start_char, e.end_char, rename.get(e.label_, e.label_))
                for e in predicted.ents
            ]
            doc.ents = filter_spans([s for s in spans if s is not None])
            docs.append(doc)
    return docs


def base_label_space(schema: LabelSchema) -> dict[str, str]:
    """For each schema label the base model has a label for, the one it is trained under.

    Training the base's own label ("ORG") on gold that says ORGANISATION keeps what the base
    knows about organisations; training a new label ORGANISATION would start from nothing.
    Where several base labels map to one schema label (GPE, LOC, FAC -> LOCATION), the first
    in the schema's ``label_map`` is the one. Schema labels with no base label are trained
    under their own name."""
    space: dict[str, str] = {}
    for base_label, label in schema.model.label_map.items():
        space.setdefault(label, base_label)
    return space


def in_label_space(records: Iterable[Annotation], space: dict[str, str]) -> list[Annotation]:
    """The records with each span (accepted or rejected) under its training label."""

    def relabel(spans: Sequence[Span]) -> list[Span]:
        return [s.model_copy(update={"label": space.get(s.label, s.label)}) for s in spans]

    return [
        r.model_copy(update={"spans": relabel(r.spans), "rejected": relabel(r.rejected)})
        for r in records
    ]


def docbin_of(records: Iterable[Annotation], nlp: Language, extra: Iterable[Doc] = ()) -> DocBin:
    """A DocBin of the records (as :func:`redline.formats.spacy_docbin.to_docbin` makes them:
    accepted spans as entities, rejected ones as ``incorrect_spans``) and extra docs.

    A span inside a token ("Hun Sen" of "Sen.") keeps its edge: the reference doc's token is
    cut there. spaCy then leaves the pipeline's uncut token out of the loss (it cannot align
    it), where growing the span to "Hun Sen." would teach the very boundary the annotator
    corrected; spaCy's dev score likewise holds the model to the annotator's span."""
    docbin = to_docbin(records, nlp)
    for doc in extra:
        docbin.add(doc)
    return docbin


def documents_of(records: Iterable[Annotation]) -> list[Document]:
    return [
        Document(doc_id=r.doc_id, text=r.text, text_sha1=r.text_sha1, meta=r.meta) for r in records
    ]
