"""Agreement over 3 annotators x N documents x ~50 spans: the full `redline agreement` report
vs just reading the annotators' files, in the same process (target: seconds, under 5x).

Generates the files (seed sentences as texts; the annotators agree on most spans and differ
on some boundaries, labels and misses), then times `load_versions` (reading and validating
every newest record) and `agreement_report` (reading plus every statistic).
Usage: python -m bench.agreement [--docs 10000] [--spans 50]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from redline.metrics.report import agreement_report, load_versions
from redline.schema import Annotation, Span, text_sha1
from redline.store import open_dataset
from redline.tokens import tokenize

REPO = Path(__file__).resolve().parent.parent

LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]
ANNOTATORS = ["ana", "ben", "cai"]


def texts(count: int, rng: random.Random) -> list[str]:
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt")))
    pool = words.split()
    return [" ".join(rng.choices(pool, k=rng.randint(120, 180))) for _ in range(count)]


def generate(root: Path, docs: int, spans: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    dataset = open_dataset("bench", root)
    logs = {name: dataset.open(name, write=True) for name in ANNOTATORS}
    batches: dict[str, list[Annotation]] = {name: [] for name in ANNOTATORS}
    for n, text in enumerate(texts(docs, rng)):
        tokens = tokenize(text)
        step = max(2, len(tokens) // spans)
        base = [
            (tokens[i][0], tokens[i + (rng.random() < 0.3)][1], rng.choice(LABELS))
            for i in range(0, len(tokens) - 2, step)
        ][:spans]
        for name in ANNOTATORS:
            mine = []
            for k, (start, end, label) in enumerate(base):
                roll = rng.random()
                if roll < 0.04:
                    continue  # missed
                if roll < 0.08:
                    label = rng.choice(LABELS)  # another label
                mine.append(Span(id=f"s{k}", start=start, end=end, label=label, origin="annotator",
                                 edit="added"))  # fmt: skip
            batches[name].append(
                Annotation(
                    doc_id=f"d{n:06d}",
                    text=text,
                    text_sha1=text_sha1(text),
                    spans=mine,
                    annotator=name,
                )
            )
            if len(batches[name]) >= 500:
                logs[name].append_many(batches[name])
                batches[name] = []
    for name in ANNOTATORS:
        logs[name].append_many(batches[name])
        logs[name].close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        generate(root, args.docs, args.spans)
        print(f"generated 3 annotators x {args.docs} docs x ~{args.spans} spans "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        dataset = open_dataset("bench", root)
        start = time.perf_counter()
        versions = load_versions(dataset, ANNOTATORS)
        reading = time.perf_counter() - start
        spans = sum(len(r.spans) for records in versions.values() for r in records)
        del versions
        start = time.perf_counter()
        report = agreement_report(dataset, ANNOTATORS)
        full = time.perf_counter() - start
        print(f"reading the files: {reading:.2f} s ({spans} spans)")
        print(f"full agreement report: {full:.2f} s (alpha {report.alpha.value:.3f}, "
              f"alpha_U {report.alpha_u.value:.3f})")  # fmt: skip
        print(f"ratio full/reading: {full / reading:.2f}  (target < 5)")


if __name__ == "__main__":
    main()
