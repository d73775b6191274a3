"""`redline suggest --n-process 2` vs `--n-process 1`: the speed-up of worker processes on the
whole suggest path (reading, model, rules, records, the fsynced cache). The one process's model
is loaded before the clock starts; the workers load theirs inside it, as a user waits for them.

Same corpus as bench/suggest.py (documents made of the seed articles' sentences); each run
suggests into an empty dataset, so nothing comes from the cache. Runs alternate in this one
process to share the machine's noise; the best of ``--repeat`` is kept for each.
Usage: python -m bench.suggest_processes [--docs 2000] [--repeat 2] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.suggest import build_corpus
from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.suggest import Suggester, suggest_documents

REPO = Path(__file__).resolve().parent.parent


def timed_run(corpus: Path, root: Path, name: str, n_process: int) -> float:
    suggester = Suggester(load_schema(REPO / "schema" / "news.toml"))
    suggester.nlp  # noqa: B018 -- the one process's model, loaded before the clock starts
    started = time.perf_counter()
    run = suggest_documents(
        lambda: Corpus(corpus), open_dataset(name, root), suggester, n_process=n_process
    )
    elapsed = time.perf_counter() - started
    assert run.computed == run.documents, "every document must be analysed, none cached"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.docs} documents")
    with tempfile.TemporaryDirectory(prefix="redline-bench-") as folder:
        corpus, texts = build_corpus(Path(folder), args.docs)
        words = sum(len(t.split()) for t in texts)
        root = Path(folder) / "annotations"
        times: dict[int, list[float]] = {1: [], args.processes: []}
        for attempt in range(args.repeat):
            for n_process in (1, args.processes):
                seconds = timed_run(corpus, root, f"run{attempt}-{n_process}", n_process)
                times[n_process].append(seconds)
                print(
                    f"  --n-process {n_process}: {seconds:.1f} s ({words / seconds:,.0f} words/s)"
                )
    one, many = min(times[1]), min(times[args.processes])
    print(f"speed-up of --n-process {args.processes} over 1: x{one / many:.2f} "
          f"({one:.1f} s -> {many:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
