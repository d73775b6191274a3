"""The first open of a big annotator file that has no index cache yet (issue 15's target: at
least 3x faster than it was, when every record was checked with the models line after line
in one process; and a progress bar while it runs).

It writes ``--records`` records of ~50 spans each (~7.6 KB, as `redline annotate` saves them;
the default 90,000 make the issue's 690 MB) with the store's own ``append_many``, deletes the
``.index`` file the store keeps beside it, and times ``JsonlAnnotatorLog(path, annotator,
write=False)`` against, in the same process:

- reading the file's lines and parsing each with orjson alone (what no validation costs);
- reading them and validating each with ``Annotation.model_validate_json``, and nothing else:
  what the first open did when the issue was filed, less its index (the 3x target's
  reference, so the ratio printed is if anything too low);
- the open in this process alone, with no worker (what the quick check gives by itself).

``--parallel-from MB`` reads files from that size on in workers instead of the store's own
threshold (to choose it: below it, the workers' start-up costs more than they save).
Usage: python -m bench.first_open [--records 90000] [--repeat 3] [--parallel-from MB] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
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


ACTIONS: dict[str, Callable[[Path], None]] = {
    "orjson": orjson_only,
    "pydantic": pydantic_sequential,
    "alone": first_open_alone,
    "open": first_open,
}


def measure(what: str, path: Path) -> float:
    """Seconds of one of :data:`ACTIONS`, in this fresh process (as a first open is: a
    command starting, with nothing read before it)."""
    started = time.perf_counter()
    ACTIONS[what](path)
    return time.perf_counter() - started


def measured(what: str, path: Path, parallel_from: float | None) -> float:
    code = (
        "import sys; from pathlib import Path; from bench import first_open as b\n"
        "if __name__ == '__main__':\n"
        "    if sys.argv[3]: b.JsonlAnnotatorLog.parallel_from_bytes = int(float(sys.argv[3]))\n"
        "    print(b.measure(sys.argv[1], Path(sys.argv[2])))"
    )
    limit = "" if parallel_from is None else str(parallel_from * 1e6)
    out = subprocess.run(
        [sys.executable, "-c", code, what, str(path), limit],
        check=True, capture_output=True, text=True, cwd=REPO,
    ).stdout  # fmt: skip
    return float(out.split()[-1])


def rounds(path: Path, repeat: int, parallel_from: float | None) -> list[dict[str, float]]:
    """Each action in a fresh process, in turn, ``repeat`` times (so that they share the
    machine's ups and downs: another process on the cores changes every one alike)."""
    return [{what: measured(what, path, parallel_from) for what in ACTIONS} for _ in range(repeat)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=90000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--parallel-from", type=float, metavar="MB")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="redline-first-open-"))
    path = folder / f"{ANNOTATOR}.jsonl"
    try:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            generate(path, args.records)
        size_mb = path.stat().st_size / 1e6
        lines = sum(1 for _ in path.open("rb"))
        found = rounds(path, args.repeat, args.parallel_from)
        median = {what: statistics.median(r[what] for r in found) for what in ACTIONS}
        processes = worker_count(1 << 20) + 1
        print(f"{lines} records, {size_mb:.0f} MB, {processes} processes; each in a fresh "
              f"process, median of {args.repeat} rounds")  # fmt: skip
        for name, what in [
            ("orjson only (no validation)", "orjson"),
            ("pydantic, line after line (before)", "pydantic"),
            ("first open, in this process alone", "alone"),
            ("first open (now)", "open"),
        ]:
            seconds = median[what]
            print(f"{name:44s} {seconds:6.2f} s  ({seconds / median['orjson']:.2f}x orjson)")
        load = os.getloadavg()[1]  # over the last 5 minutes
        print(f"load average over the last 5 minutes: {load:.2f} (this run's own is a little "
              "over 1: much more, and other programs took cores from the workers)")  # fmt: skip
        each = [r["pydantic"] / r["open"] for r in found]
        print("each round, before / now: " + ", ".join(f"x{ratio:.2f}" for ratio in each))
        print(f"the quick check x{median['pydantic'] / median['alone']:.2f}, "
              f"the worker x{median['alone'] / median['open']:.2f}")  # fmt: skip
        speedup = statistics.median(each)
        print(f"first open x{speedup:.2f} faster (median of the rounds' own): "
              f"{'met' if speedup >= 3 else 'MISSED'} (target >= 3x)")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
