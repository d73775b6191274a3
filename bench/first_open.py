"""The first open of a big annotator file that has no index cache yet (issue 15's target: at
least 3x faster than it was, every record checked line after line in one process, and a
progress bar while it runs).

It writes ``--records`` records of ~50 spans each (~7 KB, as `redline annotate` saves them)
with the store's own ``append_many``, deletes the ``.index`` file the store keeps beside it,
and times ``JsonlAnnotatorLog(path, annotator, write=False)`` against, in the same process:

- reading the file's lines and parsing each with orjson alone (what no validation costs);
- validating each line with ``Annotation.model_validate_json``, and nothing else;
- the same open read line after line in this process alone, as every first open went
  before the workers (the 3x target's reference).

``--parallel-from MB`` reads files from that size on in workers instead of the store's own
threshold (to choose it: below it, the workers' start-up costs more than they save).
Usage: python -m bench.first_open [--records 20000] [--repeat 5] [--parallel-from MB] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from redline.schema import Annotation, Span, text_sha1
from redline.store.jsonl import INDEX_SUFFIX, JsonlAnnotatorLog
from redline.store.jsonl_reading import worker_count

REPO = Path(__file__).resolve().parent.parent
LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]
SPANS = 50
ANNOTATOR = "ana"


def articles(rng: random.Random, count: int = 300) -> list[str]:
    """Distinct ~2.5 KB texts made of the seeds' sentences (as bench.scale makes them; not
    imported from there, since the workers of a first open import this module again and
    bench.scale brings spaCy and the terminal emulator)."""
    sentences = [
        s.strip() + "."
        for p in sorted((REPO / "seeds").glob("*.txt"))
        for s in p.read_text(encoding="utf-8").replace("\n", " ").split(". ")
        if len(s.split()) > 4
    ]
    return ["\n\n".join(" ".join(rng.sample(sentences, 3)) for _ in range(4)) for _ in range(count)]


def records(count: int, first: int = 0) -> list[Annotation]:
    """``count`` records of ~7 KB: a ~2.5 KB article and ~50 spans."""
    rng = random.Random(first)
    texts = articles(rng)
    out = []
    for n in range(first, first + count):
        text = texts[n % len(texts)]
        starts = sorted(rng.sample(range(len(text) - 20), SPANS))
        spans = [
            Span(id=f"s{k}", start=s, end=s + rng.randint(3, 15), label=rng.choice(LABELS),
                 origin="model", edit="accepted")
            for k, s in enumerate(starts)
        ]  # fmt: skip
        out.append(
            Annotation(
                doc_id=f"news-{n:06d}", text=text, text_sha1=text_sha1(text),
                annotator=ANNOTATOR, spans=spans, seconds=rng.uniform(20, 200),
                meta={"source": "bench", "n": n},
            )
        )  # fmt: skip
    return out


def generate(path: Path, count: int) -> None:
    log = JsonlAnnotatorLog(path, ANNOTATOR, write=True)
    try:
        batch = 2000
        for start in range(0, count, batch):
            log.append_many(records(min(batch, count - start), first=start))
    finally:
        log.close()


def orjson_only(path: Path) -> None:
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)


def pydantic_sequential(path: Path) -> None:
    with path.open("rb") as handle:
        for line in handle:
            Annotation.model_validate_json(line)


class ReadAlone(JsonlAnnotatorLog):
    parallel_from_bytes = 1 << 62


def first_open(path: Path, kind: type[JsonlAnnotatorLog] = JsonlAnnotatorLog) -> None:
    path.with_name(path.name + INDEX_SUFFIX).unlink(missing_ok=True)
    log = kind(path, ANNOTATOR, write=False)
    assert not log.problems, log.problems[:3]
    log.close()


def first_open_alone(path: Path) -> None:
    first_open(path, ReadAlone)


def timed(actions: list[Callable[[Path], None]], path: Path, repeat: int) -> list[float]:
    """The median seconds of each action, run in turn ``repeat`` times (so that they share the
    machine's ups and downs: another process on the cores changes every one alike)."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, runs in zip(actions, times, strict=True):
            started = time.perf_counter()
            action(path)
            runs.append(time.perf_counter() - started)
    return [statistics.median(runs) for runs in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--parallel-from", type=float, metavar="MB")
    args = parser.parse_args()
    if args.parallel_from is not None:
        JsonlAnnotatorLog.parallel_from_bytes = int(args.parallel_from * 1e6)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="redline-first-open-"))
    path = folder / f"{ANNOTATOR}.jsonl"
    try:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            generate(path, args.records)
        size_mb = path.stat().st_size / 1e6
        lines = sum(1 for _ in path.open("rb"))
        baseline, validating, alone, opened = timed(
            [orjson_only, pydantic_sequential, first_open_alone, first_open], path, args.repeat
        )
        processes = worker_count(1 << 20) + 1
        print(f"{lines} records, {size_mb:.0f} MB, {processes} processes; "
              f"median of {args.repeat}")  # fmt: skip
        for name, seconds in [
            ("orjson only (no validation)", baseline),
            ("pydantic only, line after line", validating),
            ("first open, in this process alone (before)", alone),
            ("first open (now)", opened),
        ]:
            print(f"{name:44s} {seconds:6.2f} s  ({seconds / baseline:.2f}x orjson)")
        load = os.getloadavg()[1]  # over the last 5 minutes
        print(f"load average over the last 5 minutes: {load:.2f} (this run's own is a little "
              "over 1: much more, and other programs took cores from the workers)")  # fmt: skip
        speedup = alone / opened
        print(f"first open x{speedup:.2f} faster: "
              f"{'met' if speedup >= 3 else 'MISSED'} (target >= 3x)")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
