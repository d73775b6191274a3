"""Do suggestions improve as a team annotates? A simulated annotator on the public corpora.

``python -m bench.learning_curve [--corpus redocred|re3d|both] [--every 50] [--upto 200]
[--max-steps 40]``: the last fifth of each corpus is held back; the rest is the pool. The
simulated annotator takes documents from the pool ``--every`` at a time, corrects the
current model's suggestions to the corpus's gold (the corrections are counted by
:func:`redline.metrics.corrections.corrections`: spans added, rejected, relabelled,
resized; relations added and rejected), and the model is retrained with ``redline train``'s
own code (:func:`redline.training.train_model`, from the base pipeline, on everything
annotated so far, no dev split). After each retrain the model's suggestions on the
held-back part are scored: entity and relation F1 (as ``redline evaluate`` scores them) and
the corrections per document they would need. Three runs: the base model never retrained,
retrained in corpus order, retrained in ``uncertain`` order (the unannotated pool ranked
by :func:`redline.suggest.uncertainty.uncertainties` before each block, as
``annotate --order uncertain`` ranks it). It ends with the issue's targets, met or not.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import Corpus, load_corpora, missing_reason
from redline.metrics.corrections import corrections_over
from redline.metrics.f1 import Counts, relation_f1, span_f1
from redline.schema.records import Annotation, Document
from redline.store import open_dataset
from redline.suggest import Suggester
from redline.suggest.uncertainty import uncertainties
from redline.training.entities import TrainOptions, train_model


@dataclass
class Point:
    annotated: int
    entities: Counts
    relations: Counts
    corrections_per_doc: float
    """On the held-back part, with this point's model."""
    made: int = 0
    """Corrections the simulated annotator made on the last block (with the previous model)."""
    retrain_seconds: float | None = None


def held_back(corpus: Corpus) -> tuple[list[int], list[int]]:
    """Pool and held-back positions: the last fifth is held back (fixed for every run)."""
    held = max(1, len(corpus.gold) // 5)
    positions = list(range(len(corpus.gold)))
    return positions[:-held], positions[-held:]


def documents(corpus: Corpus, positions: Sequence[int]) -> list[Document]:
    return [corpus.documents[p] for p in positions]


def evaluate(suggester: Suggester, corpus: Corpus, held: Sequence[int], annotated: int) -> Point:
    gold = [corpus.gold[p] for p in held]
    predicted = list(suggester.suggest(documents(corpus, held)))
    made, _ = corrections_over(predicted, gold)
    return Point(
        annotated,
        span_f1(gold, predicted).overall,
        relation_f1(gold, predicted).overall,
        made.total / len(held),
    )


def run(
    corpus: Corpus, strategy: str, every: int, upto: int, max_steps: int, work: Path
) -> list[Point]:
    pool, held = held_back(corpus)
    suggester = Suggester(corpus.schema)
    points = [evaluate(suggester, corpus, held, 0)]
    remaining = list(pool)
    annotated: list[Annotation] = []
    dataset = open_dataset(f"{corpus.name}-{strategy}", work)
    while len(annotated) < min(upto, len(pool)) and remaining:
        if strategy.startswith("uncertain"):
            scores = list(
                uncertainties(
                    suggester,
                    documents(corpus, remaining),
                    relations=strategy == "uncertain",
                )
            )
            ranked = sorted(zip(remaining, scores, strict=True), key=lambda x: (-x[1], x[0]))
            block = [p for p, _ in ranked[:every]]
        elif strategy == "random":
            block = random.Random(len(annotated)).sample(remaining, min(every, len(remaining)))
        else:
            block = remaining[:every]
        remaining = [p for p in remaining if p not in set(block)]
        gold = [corpus.gold[p] for p in block]
        if strategy == "base":
            made, _ = corrections_over(suggester.suggest(documents(corpus, block)), gold)
            annotated += gold
            point = Point(
                len(annotated),
                points[0].entities,
                points[0].relations,
                points[0].corrections_per_doc,
                made.total,
            )
            points.append(point)
            continue
        made, _ = corrections_over(suggester.suggest(documents(corpus, block)), gold)
        annotated += gold
        with dataset.open("gold", write=True) as log:
            log.append_many(gold)
        started = time.perf_counter()
        result = train_model(
            dataset,
            corpus.schema,
            TrainOptions(dev=0, max_steps=max_steps, out=work / f"{dataset.name}-{len(annotated)}"),
        )
        seconds = time.perf_counter() - started
        suggester = Suggester(corpus.schema, str(result.model_dir))
        point = evaluate(suggester, corpus, held, len(annotated))
        point.made, point.retrain_seconds = made.total, seconds
        points.append(point)
        print(
            f"    {strategy}: {len(annotated)} annotated, entity F1 {point.entities.f1:.3f}, "
            f"relation F1 {point.relations.f1:.3f}, retrain {seconds:.0f}s",
            flush=True,
        )
    return points


def _f(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def print_curve(name: str, strategy: str, points: list[Point]) -> None:
    print(f"\n{name} · {strategy}")
    print(
        f"{'docs':>5} {'ent P':>6} {'ent R':>6} {'ent F1':>6} {'rel F1':>6} "
        f"{'corr/doc':>8} {'made/doc':>8} {'retrain s':>9}"
    )
    previous = 0
    for p in points:
        block = p.annotated - previous
        made = f"{p.made / block:8.1f}" if block else "       -"
        retrain = "        -" if p.retrain_seconds is None else f"{p.retrain_seconds:9.1f}"
        print(
            f"{p.annotated:5d} {_f(p.entities.precision):>6} {_f(p.entities.recall):>6} "
            f"{_f(p.entities.f1):>6} {_f(p.relations.f1):>6} {p.corrections_per_doc:8.1f} "
            f"{made} {retrain}"
        )
        previous = p.annotated


def docs_to_reach(points: list[Point], f1: float) -> int | None:
    for p in points[1:]:  # documents annotated: the base model's own score is not a reach
        if (p.entities.f1 or 0.0) >= f1:
            return p.annotated
    return None


def print_targets(curves: dict[str, list[Point]]) -> None:
    base, corpus, uncertain = curves["base"][-1], curves["corpus"][-1], curves["uncertain"]
    gain = (corpus.entities.f1 or 0) - (base.entities.f1 or 0)
    ratio = corpus.corrections_per_doc / base.corrections_per_doc
    reach = docs_to_reach(uncertain, corpus.entities.f1 or 0)
    slowest = max(p.retrain_seconds or 0 for c in curves.values() for p in c)
    n = corpus.annotated
    print(f"\ntargets after {n} annotated documents:")
    print(
        f"  entity F1 gain over base     {gain:+.3f}  (target +0.150) "
        f"{'met' if gain >= 0.15 else 'NOT met'}"
    )
    print(
        f"  corrections/doc vs base      {ratio:.2f}x  (target <= 0.50x) "
        f"{'met' if ratio <= 0.5 else 'NOT met'}"
    )
    share = None if reach is None else reach / n
    print(
        f"  uncertain docs to reach corpus-order F1: {reach} "
        f"({'-' if share is None else f'{share:.2f}'}x, target <= 0.70x) "
        f"{'met' if share is not None and share <= 0.7 else 'NOT met'}"
    )
    rel = corpus.relations.f1 or 0
    print(
        f"  relation F1 (corpus order)   {rel:.3f}  (target >= 0.400) "
        f"{'met' if rel >= 0.4 else 'NOT met'}"
    )
    print(
        f"  slowest retrain              {slowest:.1f}s (target < 60s on "
        f"{n} docs) {'met' if slowest < 60 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["redocred", "re3d", "both"], default="both")
    parser.add_argument("--every", type=int, default=None, help="default: 50 (re3d: 9)")
    parser.add_argument("--upto", type=int, default=200)
    parser.add_argument("--max-steps", type=int, default=40)
    parser.add_argument(
        "--orders",
        default="base,corpus,uncertain",
        help="runs, of base, corpus, uncertain, uncertain-entities (entity doubt only), random",
    )
    args = parser.parse_args()
    reason = missing_reason()
    if reason:
        raise SystemExit(f"skipped: {reason}")
    warnings.filterwarnings("ignore")
    names = ["re3d", "redocred"] if args.corpus == "both" else [args.corpus]
    with tempfile.TemporaryDirectory(prefix="redline-curve-") as tmp:
        for name in names:
            corpus = load_corpora()[name]()
            every = args.every or (9 if name == "re3d" else 50)
            print(
                f"{name}: {len(corpus.gold)} documents, every {every}, up to {args.upto}, "
                f"{args.max_steps} steps per retrain",
                flush=True,
            )
            curves = {
                strategy: run(corpus, strategy, every, args.upto, args.max_steps, Path(tmp))
                for strategy in args.orders.split(",")
            }
            for strategy, points in curves.items():
                print_curve(name, strategy, points)
            if {"base", "corpus", "uncertain"} <= curves.keys():
                print_targets(curves)


if __name__ == "__main__":
    main()
