"""The two public corpora (re3d, Re-DocRED) as redline records, for benchmarks and tests.

They live in ``../shared/corpora`` beside the checkout (:data:`CORPORA`) and are read there,
never copied into the repository; :func:`missing_reason` says why they cannot be read, for a
skip. The loaders (:func:`load_re3d`, :func:`load_redocred`) give a :class:`Corpus`: a label
schema for en_core_web_sm in the corpus's labels, the documents, and one valid gold record
per document. Their choices are in :mod:`bench.corpora_re3d` and :mod:`bench.corpora_redocred`.

``python -m bench.corpora [--docs 50]`` prints each corpus's statistics and the base
suggester's entity precision, recall and F1 against the gold on its first documents, scored
by :func:`redline.metrics.f1.span_f1` as ``redline evaluate`` scores them.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections import Counter
from collections.abc import Callable

from bench.corpora_common import CORPORA, Corpus, missing_reason
from bench.corpora_re3d import load_re3d
from bench.corpora_redocred import load_redocred
from redline.metrics.corrections import CORRECTION_KINDS, CorrectionCounts, corrections_over
from redline.metrics.f1 import Counts, PairF1, span_f1

__all__ = ["CORPORA", "Corpus", "load_corpora", "load_re3d", "load_redocred", "missing_reason"]


def load_corpora() -> dict[str, Callable[[], Corpus]]:
    """Each corpus's loader on its usual file, by name (called lazily: each takes a while)."""
    return {
        "re3d": lambda: load_re3d(CORPORA / "re3d"),
        "redocred": lambda: load_redocred(CORPORA / "redocred" / "dev_revised.json"),
    }


def _percent(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _row(name: str, counts: Counts) -> str:
    return (
        f"    {name:<18} P {_percent(counts.precision)}  R {_percent(counts.recall)}  "
        f"F1 {_percent(counts.f1)}  (tp {counts.tp}, fp {counts.fp}, fn {counts.fn})"
    )


def describe(corpus: Corpus) -> list[str]:
    """The corpus's statistics, as lines."""
    spans = Counter(s.label for r in corpus.gold for s in r.spans)
    relations = Counter(x.label for r in corpus.gold for x in r.relations)
    lines = [
        f"  documents: {len(corpus.documents)}, characters: "
        f"{sum(len(d.text) for d in corpus.documents):,}",
        f"  spans: {spans.total()}",
        *(f"    {label:<28} {n:6d}" for label, n in spans.most_common()),
        f"  relations: {relations.total()}",
        *(f"    {label:<28} {n:6d}" for label, n in relations.most_common()),
        "  notes (what the loader dropped or changed):",
        *(f"    {key:<28} {n:6d}" for key, n in corpus.notes.items()),
    ]
    problems = sum(len(corpus.schema.record_problems(r)) for r in corpus.gold)
    lines.append(f"  schema problems in the gold: {problems}")
    return lines


def base_scores(corpus: Corpus, docs: int) -> tuple[PairF1, PairF1, CorrectionCounts, float]:
    """The base suggester's exact and overlap entity scores on the first ``docs`` documents,
    the corrections that turn its suggestions into the gold, and the seconds the suggester
    took (model loading included)."""
    from redline.suggest import Suggester

    # The schemas have no entity patterns: spaCy's span ruler says so once per document.
    warnings.filterwarnings("ignore", message=r"\[W036\]")
    started = time.perf_counter()
    suggester = Suggester(corpus.schema)
    predicted = list(suggester.suggest(corpus.documents[:docs]))
    seconds = time.perf_counter() - started
    gold = corpus.gold[:docs]
    fixes, _ = corrections_over(predicted, gold)
    return span_f1(gold, predicted), span_f1(gold, predicted, match="overlap"), fixes, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50, help="documents the base model scores")
    args = parser.parse_args()
    reason = missing_reason()
    if reason:
        raise SystemExit(f"skipped: {reason}")
    for name, load in load_corpora().items():
        started = time.perf_counter()
        corpus = load()
        loaded = time.perf_counter() - started
        print(f"{name} (loaded in {loaded:.2f} s)")
        for line in describe(corpus):
            print(line)
        exact, overlap, fixes, seconds = base_scores(corpus, args.docs)
        print(
            f"  base suggester ({corpus.schema.model.name}) on the first {exact.documents} "
            f"documents ({seconds:.1f} s):"
        )
        print(_row("exact", exact.overall))
        print(_row("overlap", overlap.overall))
        for label, counts in exact.per_label.items():
            print(_row(f"exact {label}", counts))
        kinds = ", ".join(f"{kind} {getattr(fixes, kind)}" for kind in CORRECTION_KINDS)
        print(f"  corrections to reach the gold: {fixes.total} ({kinds})")
        print()


if __name__ == "__main__":
    main()
