"""Documents handed out on demand (PostgreSQL): what one claim costs as the pool fills, and
eight annotators claiming and saving at once against the same eight saving a fixed plan.

1. For pools of --pools documents (per_doc 2, eight annotators): the first 90 % of the pool
   already has its two versions (bulk-loaded, not timed, before `route`, whose time is
   printed: it marks those documents full); then one more annotator claims
   --claims documents one at a time: the median and p95 latency of ``claim_next`` (the
   claim looks past the full documents in corpus order, so its cost grows with the part of
   the pool already done).
2. Eight annotator processes over --documents documents, per_doc 2, each claiming the next
   document, saving it (a seed text, ~50 spans) and going on until none is left; against the
   same eight saving a fixed plan (`route --fixed`: no claim, documents decided in advance).
   Saves per second overall and the ratio on demand / fixed.

Runs in throwaway databases on the server of --url (default REDLINE_BENCH_POSTGRES, else
postgresql://root@127.0.0.1:5432/postgres), dropped at the end.
Usage: python -m bench.handout [--url URL] [--pools 1000,10000,50000] [--claims 50]
       [--documents 1000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from typing import Any

from bench.team import DATASET, Seed, create_database, drop_database, record, seeds
from redline.routing import plan_routes
from redline.store import open_store
from redline.store.postgres_claims import PostgresHandout

PEOPLE = [f"annotator{n}" for n in range(8)]


def _handout(store: str, annotator: str) -> PostgresHandout:
    handout = open_store(DATASET, store=store).handout(annotator)
    assert isinstance(handout, PostgresHandout)
    return handout


def claim_latency(store: str, documents: int, claims: int, all_seeds: list[Seed]) -> list[float]:
    doc_ids = [f"d{n:06d}" for n in range(documents)]
    dataset = open_store(DATASET, store=store)
    full = doc_ids[: documents * 9 // 10]
    for annotator in PEOPLE[:2]:
        template = record(all_seeds[0], "template", annotator)
        with dataset.open(annotator, write=True) as log:
            for start in range(0, len(full), 1000):
                log.append_many(
                    [template.model_copy(update={"doc_id": d}) for d in full[start : start + 1000]]
                )
    began = time.perf_counter()
    dataset.save_routes(plan_routes(doc_ids, PEOPLE, 2, on_demand=True))
    print(f"   (route over {documents:,}, 90 % done: {time.perf_counter() - began:.2f} s)")
    handout = _handout(store, PEOPLE[2])
    latencies = []
    try:
        for _ in range(claims):
            began = time.perf_counter()
            assert handout.claim_next() is not None
            latencies.append(time.perf_counter() - began)
    finally:
        handout.close()
    return latencies


def annotator(store: str, name: str, on_demand: bool, seed: Seed, start: Any, out: Any) -> None:
    dataset = open_store(DATASET, store=store)
    handout = _handout(store, name) if on_demand else None
    plan = dataset.routes()
    assert plan is not None
    fixed = [] if on_demand else list(plan.assignments[name])
    saves = 0
    with dataset.open(name, write=True) as log:
        start.wait()
        began = time.perf_counter()
        while True:
            doc_id = (
                handout.claim_next() if handout is not None else (fixed.pop(0) if fixed else None)
            )
            if doc_id is None:
                break
            log.append(record(seed, doc_id, name))
            saves += 1
        ended = time.perf_counter()
    if handout is not None:
        handout.close()
    out.put((saves, began, ended))


def team_run(store: str, documents: int, on_demand: bool, seed: Seed) -> tuple[int, float]:
    doc_ids = [f"d{n:06d}" for n in range(documents)]
    open_store(DATASET, store=store).save_routes(
        plan_routes(doc_ids, PEOPLE, 2, on_demand=on_demand)
    )
    context = multiprocessing.get_context("spawn")
    start, out = context.Barrier(len(PEOPLE)), context.Queue()
    workers = [
        context.Process(target=annotator, args=(store, name, on_demand, seed, start, out))
        for name in PEOPLE
    ]
    for worker in workers:
        worker.start()
    reports = [out.get(timeout=900) for _ in workers]
    for worker in workers:
        worker.join()
    saves = sum(r[0] for r in reports)
    return saves, max(r[2] for r in reports) - min(r[1] for r in reports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("REDLINE_BENCH_POSTGRES", "postgresql://root@127.0.0.1:5432/postgres")
    parser.add_argument("--url", default=default)
    parser.add_argument("--pools", default="1000,10000,50000")
    parser.add_argument("--claims", type=int, default=50)
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    all_seeds = seeds()
    print("1. one claim, the first 90 % of the pool already done (median / p95):")
    for size in (int(n) for n in args.pools.split(",")):
        name = f"redline_bench_claims_{os.getpid()}_{size}"
        store = create_database(args.url, name)
        try:
            samples = claim_latency(store, size, args.claims, all_seeds)
        finally:
            drop_database(args.url, name)
        p95 = statistics.quantiles(samples, n=20)[-1] * 1000
        print(f"   pool of {size:>7,}: {statistics.median(samples) * 1000:7.2f} ms / {p95:7.2f} ms")
    print(f"2. eight annotators, {args.documents:,} documents, per_doc 2, claim + save each:")
    rates = {}
    for on_demand in (False, True):
        name = f"redline_bench_team_{os.getpid()}_{int(on_demand)}"
        store = create_database(args.url, name)
        try:
            saves, seconds = team_run(store, args.documents, on_demand, all_seeds[0])
        finally:
            drop_database(args.url, name)
        label = "on demand" if on_demand else "fixed plan"
        rates[on_demand] = saves / seconds
        print(f"   {label:10}: {saves:,} saves in {seconds:.2f} s = {saves / seconds:7.1f} saves/s")
    print(f"   on demand / fixed: x{rates[True] / rates[False]:.2f}")


if __name__ == "__main__":
    main()
