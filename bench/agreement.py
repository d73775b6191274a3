"""Agreement over 3 annotators x N documents x ~50 spans: the full `redline agreement` report
vs reading the same files with orjson alone, in the same process (target: under 5 s in all,
at most 1.5x the orjson reading; memory that does not grow with the documents).

Generates the files (seed sentences as texts; the annotators agree on most spans and differ
on some boundaries, labels and misses), then, in a fresh process per measure, times reading
every line of the three files with orjson (the baseline), reading and validating every
newest record with pydantic (what the report did before it read plain JSON), and
`agreement_report` (reading plus every statistic): the first one, with nothing cached, then
with each text's tokens and each annotator's columns in the cache folder (what a report
after an earlier one, or after annotating on the machine, finds). It prints each process's
peak RSS; the smaller size (--small) shows whether memory grows with the documents.
Usage: python -m bench.agreement [--docs 10000] [--small 1000] [--spans 50] [--repeat 3]
       python -m bench.agreement --store postgresql://root@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from bench import user_env
from bench.team import create_database, drop_database
from redline.metrics.report import agreement_report, load_versions
from redline.schema import Annotation, Span, text_sha1
from redline.store import open_store
from redline.tokens import tokenize

REPO = Path(__file__).resolve().parent.parent

LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]
ANNOTATORS = ["ana", "ben", "cai"]


def texts(count: int, rng: random.Random) -> list[str]:
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt")))
    pool = words.split()
    return [" ".join(rng.choices(pool, k=rng.randint(120, 180))) for _ in range(count)]


def generate(
    root: Path, docs: int, spans: int, store_url: str | None = None, seed: int = 5
) -> None:
    rng = random.Random(seed)
    dataset = open_store("bench", root, store_url)
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


MEASURES = ("orjson", "report-cold", "report-1", "report", "pydantic")
"""What a fresh process times: reading every line with orjson (the baseline); the report as
`redline agreement` runs it (a second process sharing the batches of a big dataset) the
first time, nothing in the cache folder yet (no text's tokens, no annotator's columns); the
report in one process and as `redline agreement` runs it, with both cached; and reading and
validating every record with pydantic."""

ROUNDS = ("orjson", "report-1", "report")
"""Measured in turn, round after round (so that the machine's ups and downs fall on all
three alike): the median of each, and of each round's ratios to the orjson reading."""


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def measure(root: Path, store_url: str | None, what: str) -> dict[str, float]:
    """One of :data:`MEASURES`, in this fresh process: seconds, and the peak resident memory
    (MiB) of this process and of its children (the second counting process), from VmHWM in
    /proc: ``ru_maxrss`` would count the memory of the bench process that started this one,
    which Linux carries over fork and exec."""
    dataset = open_store("bench", root, store_url)
    found: dict[str, float] = {}
    stop = threading.Event()
    children = [0.0]
    watcher = threading.Thread(target=_watch_children, args=(stop, children), daemon=True)
    watcher.start()
    start = time.perf_counter()
    if what == "orjson":
        found["spans"] = float(sum(len(r["spans"]) for r in orjson_records(root, store_url)))
    elif what.startswith("report"):
        processes = 1 if what == "report-1" else None
        report = agreement_report(dataset, ANNOTATORS, processes=processes)
        assert report.alpha is not None
        assert report.alpha_u is not None
        found["alpha"] = report.alpha.value or 0.0
        found["alpha_u"] = report.alpha_u.value or 0.0
    else:
        found["records"] = float(sum(len(r) for r in load_versions(dataset, ANNOTATORS).values()))
    found["seconds"] = time.perf_counter() - start
    stop.set()
    watcher.join()
    found["rss"] = _peak_mib("self")
    found["rss_children"] = children[0]
    return found


def _peak_mib(pid: str) -> float:
    """The process's resident memory high-water mark (VmHWM), MiB; 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


def _watch_children(stop: threading.Event, peak: list[float]) -> None:
    """Keep the highest VmHWM of this process's children until ``stop``."""
    while not stop.is_set():
        for listing in Path("/proc/self/task").glob("*/children"):
            with contextlib.suppress(OSError):
                for pid in listing.read_text(encoding="ascii").split():
                    peak[0] = max(peak[0], _peak_mib(pid))
        stop.wait(0.05)


def orjson_records(root: Path, store_url: str | None) -> Iterator[dict[str, Any]]:
    """Every record of the three annotators, each line (or row) parsed by orjson alone."""
    if store_url is None:
        for name in ANNOTATORS:
            with (root / "bench" / f"{name}.jsonl").open("rb") as lines:
                for line in lines:
                    yield orjson.loads(line)
        return
    import psycopg

    with psycopg.connect(store_url) as connection, connection.cursor(name="records") as rows:
        rows.execute("SELECT record::text FROM redline_records")  # streamed from the server
        for (text,) in rows:
            yield orjson.loads(text)


def run(docs: int, spans: int, server: str | None, repeat: int) -> dict[str, dict[str, float]]:
    """Generate, then measure each in a fresh process (on a database of its own on
    ``server``)."""
    name = f"redline_bench_agreement_{docs}"
    store_url = None if server is None else create_database(server, name)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            start = time.perf_counter()
            generate(root, docs, spans, store_url)
            print(f"generated 3 annotators x {docs} docs x ~{spans} spans "
                  f"in {time.perf_counter() - start:.1f} s", flush=True)  # fmt: skip
            found = {"report-cold": measured(root, store_url, "report-cold")}
            rounds = [
                {what: measured(root, store_url, what) for what in ROUNDS} for _ in range(repeat)
            ]
            for what in ROUNDS:
                found[what] = _median([r[what] for r in rounds])
            found["rounds"] = {
                f"{what} {k}": r[what]["seconds"] for k, r in enumerate(rounds) for what in ROUNDS
            }
            found["ratio"] = {
                what: statistics.median(r[what]["seconds"] / r["orjson"]["seconds"] for r in rounds)
                for what in ("report-1", "report")
            }
            found["pydantic"] = measured(root, store_url, "pydantic")
            return found
    finally:
        if server is not None:
            drop_database(server, name)


def measured(root: Path, store_url: str | None, what: str) -> dict[str, float]:
    code = (
        "import sys, orjson; from pathlib import Path; from bench.agreement import measure\n"
        "if __name__ == '__main__':\n"
        "    print(orjson.dumps(measure(Path(sys.argv[1]), sys.argv[2] or None, sys.argv[3]))"
        ".decode())"
    )
    env = {**user_env(), "REDLINE_CACHE_DIR": str(root / "cache")}
    out = subprocess.run(
        [sys.executable, "-c", code, str(root), store_url or "", what],
        check=True, capture_output=True, text=True, cwd=REPO, env=env,
    ).stdout  # fmt: skip
    return dict(orjson.loads(out.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--spans", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the cached measures")
    parser.add_argument(
        "--store", default=None, help="a PostgreSQL server's URL (default: JSONL files)"
    )
    args = parser.parse_args()
    for docs in (args.small, args.docs):
        m = run(docs, args.spans, args.store, args.repeat)
        base, cold, one, full = m["orjson"], m["report-cold"], m["report-1"], m["report"]
        print(f"{docs} docs ({m['pydantic']['records']:.0f} records, {base['spans']:.0f} spans):")
        print(
            f"  reading with orjson alone: {base['seconds']:.2f} s, peak RSS {base['rss']:.0f} MiB"
        )
        print(f"  reading and validating with pydantic: {m['pydantic']['seconds']:.2f} s, "
              f"peak RSS {m['pydantic']['rss']:.0f} MiB")  # fmt: skip
        print(f"  report the first time (no tokens, no columns cached): {cold['seconds']:.2f} s "
              f"(x{cold['seconds'] / base['seconds']:.2f} the orjson reading)")  # fmt: skip
        ratios = m["ratio"]
        print(f"  (median of {args.repeat} rounds of orjson, one process, as redline runs it; "
              f"each ratio the median of the rounds' own)")  # fmt: skip
        each = m["rounds"]
        print("  rounds (orjson / one process / as redline runs it): " + ", ".join(
            " / ".join(f"{each[f'{what} {k}']:.2f}" for what in ROUNDS) for k in range(args.repeat)
        ))  # fmt: skip
        print(
            f"  report, one process: {one['seconds']:.2f} s "
            f"(x{ratios['report-1']:.2f} the orjson reading), peak RSS {one['rss']:.0f} MiB"
        )
        print(f"  report as redline agreement runs it: {full['seconds']:.2f} s "
              f"(x{ratios['report']:.2f}), peak RSS {full['rss']:.0f} MiB "
              f"+ {full['rss_children']:.0f} MiB for the second process; "
              f"alpha {full['alpha']:.3f}, alpha_U {full['alpha_u']:.3f}")  # fmt: skip
        print("  targets: under 5 s in all, at most x1.5 the orjson reading, flat memory")


if __name__ == "__main__":
    main()
