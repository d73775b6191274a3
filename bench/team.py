"""A team on the PostgreSQL store vs the JSONL folder, in the same run: concurrent saves,
and opening and resuming a 100,000-record log.

1. N annotators at once (separate processes, one log each, opened with write=True) each save
   --saves records one at a time, as the UI does: a seed text with ~50 spans. Saves per second
   overall (all saves over the time from the first save's start to the last one's end) and
   the p95 latency of one save, per backend, and the ratio PostgreSQL/JSONL.
2. One annotator's log of --records records (bulk-loaded with append_many, 1,000 a batch;
   timed, but not the target): `open_store(...).open(annotator)` + `resume_point` over every
   doc id plus one unsaved (target under 2 s on PostgreSQL), against JSONL (whose index cache
   beside the file is there, as after any writer closed it).

The PostgreSQL side runs in a throwaway database created on the server of --url (default
REDLINE_BENCH_POSTGRES, else postgresql://root@127.0.0.1:5432/postgres), migrated with
`redline.store.migrations.migrate`, and dropped at the end; the JSONL side in a temporary
folder. --profile runs cProfile over one more PostgreSQL open + resume and prints its top 25.
Usage: python -m bench.team [--url postgresql://...] [--annotators 8] [--saves 200]
       [--records 100000] [--repeats 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from redline.schema import Annotation, Span, text_sha1
from redline.store import open_store
from redline.store.migrations import migrate

REPO = Path(__file__).resolve().parent.parent

DATASET = "team"
LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]
SPANS = 50
BATCH = 1000
DEFAULT_URL = "postgresql://root@127.0.0.1:5432/postgres"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Seed:
    text: str
    sha1: str
    spans: list[Span]


def seeds() -> list[Seed]:
    """The seed articles, each with ~50 spans over words spread through it."""
    out: list[Seed] = []
    for n, path in enumerate(sorted((REPO / "seeds").glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        words = [m.span() for m in _WORD.finditer(text)]
        step = max(1, len(words) // SPANS)
        spans = [
            Span(id=f"s{k}", start=start, end=end, label=LABELS[(n + k) % len(LABELS)],
                 origin="model" if k % 3 else "annotator", edit="accepted" if k % 3 else "added")
            for k, (start, end) in enumerate(words[::step][:SPANS])
        ]  # fmt: skip
        out.append(Seed(text, text_sha1(text), spans))
    return out


def record(seed: Seed, doc_id: str, annotator: str) -> Annotation:
    """What the UI saves for a document: validated like any new record."""
    return Annotation(
        doc_id=doc_id,
        text=seed.text,
        text_sha1=seed.sha1,
        spans=seed.spans,
        annotator=annotator,
        seconds=42.0,
    )


# -- databases ---------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    """``url`` pointing at the database ``name`` instead (query string kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def create_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = with_database(url, name)
    with psycopg.connect(database_url) as connection:
        migrate(connection)
    return database_url


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- 1. concurrent saves -----------------------------------------------------------------


def annotator_worker(
    store: str, annotator: str, saves: int, all_seeds: list[Seed], start: Any, results: Any
) -> None:
    """One annotator's session: open the log for writing, then save one record at a time.
    Reports (latencies, first start, last end) in seconds, on the system's monotonic clock."""
    latencies: list[float] = []
    with open_store(DATASET, store=store).open(annotator, write=True) as log:
        records = [
            record(all_seeds[n % len(all_seeds)], f"d{n:06d}", annotator) for n in range(saves)
        ]
        start.wait()
        first = time.perf_counter()
        for item in records:
            began = time.perf_counter()
            log.append(item)
            latencies.append(time.perf_counter() - began)
        last = time.perf_counter()
    results.put((annotator, latencies, first, last))


@dataclass(frozen=True)
class Saves:
    count: int
    per_second: float
    p95_ms: float
    median_ms: float
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.per_second:7.1f} saves/s, p95 {self.p95_ms:6.2f} ms (median "
            f"{self.median_ms:.2f} ms, {self.count} saves in {self.seconds:.2f} s)"
        )


def concurrent_saves(store: str, annotators: int, saves: int, all_seeds: list[Seed]) -> Saves:
    context = multiprocessing.get_context("spawn")  # no connection or lock crosses a fork
    start = context.Barrier(annotators)
    results = context.Queue()
    workers = [
        context.Process(
            target=annotator_worker,
            args=(store, f"annotator{n}", saves, all_seeds, start, results),
        )
        for n in range(annotators)
    ]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"an annotator process failed (exit code {worker.exitcode})")
    latencies = [seconds for _, samples, _, _ in reports for seconds in samples]
    elapsed = max(r[3] for r in reports) - min(r[2] for r in reports)
    return Saves(
        count=len(latencies),
        per_second=len(latencies) / elapsed,
        p95_ms=statistics.quantiles(latencies, n=20)[-1] * 1000,
        median_ms=statistics.median(latencies) * 1000,
        seconds=elapsed,
    )


# -- 2. open and resume ------------------------------------------------------------------


def bulk_load(store: str, annotator: str, count: int, all_seeds: list[Seed]) -> float:
    """``count`` records for one annotator, 1,000 per append_many; the seconds it took."""
    templates = [record(seed, "template", annotator) for seed in all_seeds]
    began = time.perf_counter()
    with open_store(DATASET, store=store).open(annotator, write=True) as log:
        for batch_start in range(0, count, BATCH):
            batch = [
                templates[n % len(templates)].model_copy(update={"doc_id": f"d{n:06d}"})
                for n in range(batch_start, min(count, batch_start + BATCH))
            ]
            log.append_many(batch)
    return time.perf_counter() - began


def open_and_resume(store: str, annotator: str, doc_ids: list[str]) -> tuple[float, str | None]:
    began = time.perf_counter()
    log = open_store(DATASET, store=store).open(annotator)
    try:
        point = log.resume_point(doc_ids)
    finally:
        log.close()
    return time.perf_counter() - began, point


def profiled(call: Callable[[], object]) -> str:
    profile = cProfile.Profile()
    profile.enable()
    call()
    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats("cumulative").print_stats(25)
    return text.getvalue()


# -- main --------------------------------------------------------------------------------


def table(rows: list[tuple[str, str, str, str]]) -> str:
    header = ("figure", "PostgreSQL", "JSONL", "PostgreSQL/JSONL")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                  enumerate(zip(row, widths, strict=True)))
        for row in [header, *rows]
    ]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("REDLINE_BENCH_POSTGRES") or DEFAULT_URL,
        help="a server to create the throwaway database on (its database is left alone)",
    )
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--saves", type=int, default=200, help="per annotator")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="open + resume runs (median)")
    parser.add_argument("--profile", action="store_true", help="cProfile PostgreSQL's resume")
    args = parser.parse_args()
    all_seeds = seeds()
    name = f"bench_team_{os.getpid()}"
    database = create_database(args.url, name)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = str(Path(tmp) / "annotations")
            run(args, all_seeds, database, folder)
    finally:
        drop_database(args.url, name)


def run(args: argparse.Namespace, all_seeds: list[Seed], database: str, folder: str) -> None:
    n, saves = args.annotators, args.saves
    print(f"1. {n} annotators at once, {saves} saves each (seed texts, {SPANS} spans), "
          f"one process each")  # fmt: skip
    jsonl = concurrent_saves(folder, n, saves, all_seeds)
    print(f"   JSONL:      {jsonl}")
    pg = concurrent_saves(database, n, saves, all_seeds)
    print(f"   PostgreSQL: {pg}")

    count = args.records
    print(f"2. one annotator's {count:,} records: open + resume_point over {count + 1:,} ids")
    doc_ids = [f"d{k:06d}" for k in range(count)] + ["unsaved"]
    load_jsonl = bulk_load(folder, "bulk", count, all_seeds)
    size = (Path(folder) / DATASET / "bulk.jsonl").stat().st_size
    print(f"   bulk load, JSONL: {load_jsonl:.1f} s ({size / 1e6:.0f} MB)")
    load_pg = bulk_load(database, "bulk", count, all_seeds)
    print(f"   bulk load, PostgreSQL: {load_pg:.1f} s")
    times: dict[str, list[float]] = {"jsonl": [], "pg": []}
    for _ in range(args.repeats):  # alternate, so both see the same machine
        for key, store in (("jsonl", folder), ("pg", database)):
            seconds, point = open_and_resume(store, "bulk", doc_ids)
            assert point == "unsaved", point
            times[key].append(seconds)
    for key, label in (("jsonl", "JSONL"), ("pg", "PostgreSQL")):
        runs = ", ".join(f"{t:.3f}" for t in times[key])
        print(f"   open + resume, {label}: {runs} s")
    resume_jsonl = statistics.median(times["jsonl"])
    resume_pg = statistics.median(times["pg"])

    print()
    print(table([
        ("saves/s overall", f"{pg.per_second:.1f}", f"{jsonl.per_second:.1f}",
         f"{pg.per_second / jsonl.per_second:.2f}"),
        ("p95 save latency (ms)", f"{pg.p95_ms:.2f}", f"{jsonl.p95_ms:.2f}",
         f"{pg.p95_ms / jsonl.p95_ms:.2f}"),
        ("median save latency (ms)", f"{pg.median_ms:.2f}", f"{jsonl.median_ms:.2f}",
         f"{pg.median_ms / jsonl.median_ms:.2f}"),
        (f"bulk load {count:,} (s)", f"{load_pg:.1f}", f"{load_jsonl:.1f}",
         f"{load_pg / load_jsonl:.2f}"),
        (f"open + resume {count:,} (s, median)", f"{resume_pg:.3f}", f"{resume_jsonl:.3f}",
         f"{resume_pg / resume_jsonl:.2f}"),
    ]))  # fmt: skip
    verdict = "met" if resume_pg < 2 else "MISSED"
    print(f"\nPostgreSQL open + resume {resume_pg:.2f} s: target < 2 s {verdict}")

    if args.profile:
        print("\ncProfile of PostgreSQL open + resume (cumulative):")
        print(profiled(lambda: open_and_resume(database, "bulk", doc_ids)))


if __name__ == "__main__":
    main()
