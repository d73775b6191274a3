"""``redline store copy``: every dataset of one store into another, JSONL or PostgreSQL.

A copy is idempotent: a record already in the target (the same record, by the hash of its
canonical JSON) is not appended again, so a copy cut off halfway is finished by running it
again. Each document's versions keep their order, so its newest version stays the newest.
After copying, every source record's hash is looked for in the target and the counts are
compared: a copy that did not land whole is an error, never a silent success.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from redline.errors import RedlineError
from redline.schema.records import Annotation
from redline.store.base import AnnotatorLog, DatasetStore
from redline.store.postgres_connection import connect, is_postgres_url, shown_store

Progress = Callable[[int, int], None]
"""Called with (records done, records in all) as the copy goes."""


def record_hash(record: Annotation) -> str:
    """The same for the same record in any store (JSONB reorders keys; this does not care)."""
    canonical = orjson.dumps(record.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha1(canonical).hexdigest()


def datasets_in(store: str) -> list[str]:
    """The datasets a store holds: the folders with annotator files, or the table's."""
    if is_postgres_url(store):
        with connect(store) as connection:
            rows = connection.execute("SELECT DISTINCT dataset FROM redline_records").fetchall()
        return sorted(row[0] for row in rows)
    root = Path(store)
    if not root.is_dir():
        raise RedlineError(f"{store}: no such store folder")
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.jsonl")))


@dataclass
class CopyResult:
    copied: int = 0
    already: int = 0
    """Records the target had (from an earlier copy)."""
    verified: int = 0
    datasets: list[str] = field(default_factory=list)


def _versions(log: AnnotatorLog) -> list[Annotation]:
    return [record for doc_id in log.doc_ids() for record in log.history(doc_id)]


def copy_store(
    source: str,
    target: str,
    open_dataset: Callable[[str, str], DatasetStore],
    progress: Progress | None = None,
) -> CopyResult:
    """Copy every record of every dataset of ``source`` that ``target`` lacks, then verify.
    ``open_dataset(name, store)`` opens a dataset of either store."""
    if source == target:
        raise RedlineError("the source and the target are the same store")
    result = CopyResult(datasets=datasets_in(source))
    plan: list[tuple[str, str, list[Annotation]]] = []
    for name in result.datasets:
        dataset = open_dataset(name, source)
        for annotator in dataset.annotators():
            with dataset.open(annotator) as log:
                plan.append((name, annotator, _versions(log)))
    total = sum(len(records) for _, _, records in plan)
    done = 0
    for name, annotator, records in plan:
        with open_dataset(name, target).open(annotator, write=True) as log:
            there = {record_hash(r) for r in _versions(log)}
            missing = [r for r in records if record_hash(r) not in there]
            result.already += len(records) - len(missing)
            for start in range(0, len(missing), 500):
                log.append_many(missing[start : start + 500])
                done += len(missing[start : start + 500])
                if progress:
                    progress(done + result.already, total)
            result.copied += len(missing)
            if progress:
                progress(done + result.already, total)
    for name, annotator, records in plan:
        with open_dataset(name, target).open(annotator) as log:
            there = {record_hash(r) for r in _versions(log)}
        lost = [r.doc_id for r in records if record_hash(r) not in there]
        if lost:
            raise RedlineError(
                f"copy to {shown_store(target)}: {len(lost)} record(s) of {name}/{annotator} "
                f"are not in the target after copying (first: {lost[0]!r})"
            )
        result.verified += len(records)
    return result
