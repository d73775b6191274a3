"""Suggest throughput: redline's whole `suggest` path vs bare `nlp.pipe`, same model and texts.

Builds a corpus of N documents (default 2,000) from the seed articles' sentences, then times,
in this one process and alternating to share the machine's noise:

- baseline: ``spacy.load("en_core_web_sm")`` and ``nlp.pipe(texts)``, nothing else;
- redline: ``suggest_documents`` over the corpus as a JSONL file into an empty dataset
  (reading, the schema's ruler and clean-up, relation rules, records, the fsynced cache).

Prints the throughput ratio redline / baseline (target >= 0.9), and the time of a second,
fully cached run. Usage: python -m bench.suggest [--docs 2000] [--repeat 2] [--n-process 1]
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

import orjson
import spacy

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.suggest import Suggester, suggest_documents

REPO = Path(__file__).resolve().parent.parent


def seed_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", paragraph.strip()) if s)
    return sentences


def build_corpus(folder: Path, count: int, seed: int = 13) -> tuple[Path, list[str]]:
    rng = random.Random(seed)
    sentences = seed_sentences()
    texts = [" ".join(rng.choices(sentences, k=rng.randint(3, 8))) for _ in range(count)]
    path = folder / "corpus.jsonl"
    with path.open("wb") as handle:
        for n, text in enumerate(texts):
            handle.write(orjson.dumps({"id": f"doc{n:06d}", "text": text}) + b"\n")
    return path, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    schema = load_schema(REPO / "schema" / "news.toml")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus_path, texts = build_corpus(folder, args.docs)
        words = sum(len(t.split()) for t in texts)
        print(
            f"corpus: {len(texts)} documents, {words} words, "
            f"from {len(seed_sentences())} seed sentences"
        )

        suggester = Suggester(schema)
        bare = spacy.load(suggester.model.load_target)
        suggester.nlp  # load both pipelines before timing  # noqa: B018

        baseline_times: list[float] = []
        redline_times: list[float] = []
        cached_times: list[float] = []
        for attempt in range(args.repeat):
            start = time.perf_counter()
            for _ in bare.pipe(texts, batch_size=args.batch_size, n_process=args.n_process):
                pass
            baseline_times.append(time.perf_counter() - start)

            dataset = open_dataset(f"bench{attempt}", folder / "annotations")
            corpus = Corpus(corpus_path)
            start = time.perf_counter()
            run = suggest_documents(
                lambda corpus=corpus: corpus,
                dataset,
                suggester,
                batch_size=args.batch_size,
                n_process=args.n_process,
            )
            redline_times.append(time.perf_counter() - start)
            assert run.computed == len(texts), run

            start = time.perf_counter()
            rerun = suggest_documents(lambda corpus=corpus: corpus, dataset, Suggester(schema))
            cached_times.append(time.perf_counter() - start)
            assert rerun.cached == len(texts), rerun

        baseline, ours, cached = min(baseline_times), min(redline_times), min(cached_times)
        print(f"bare nlp.pipe:       {baseline:7.2f} s  ({len(texts) / baseline:7.1f} docs/s)")
        print(f"redline suggest:     {ours:7.2f} s  ({len(texts) / ours:7.1f} docs/s)")
        print(f"redline cached rerun:{cached:7.2f} s  ({len(texts) / cached:7.1f} docs/s)")
        print(f"throughput ratio redline/bare: {baseline / ours:.3f}  (target >= 0.9)")
        print(f"cached rerun speed-up vs first run: {ours / cached:.1f}x")


if __name__ == "__main__":
    main()
