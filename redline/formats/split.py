"""Train and dev sets for export, split by document.

Every record of a doc_id lands on the same side, from a shuffle seeded by ``seed``, so the
same records and seed always give the same split.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from redline.schema.records import Annotation


def split_by_document(
    records: Iterable[Annotation], dev_fraction: float, seed: int
) -> tuple[list[Annotation], list[Annotation]]:
    """(train, dev), each in the input order; about ``dev_fraction`` of the documents go to dev
    (at least one, and at least one stays in train, when there are two or more documents)."""
    if not 0 < dev_fraction < 1:
        raise ValueError(f"dev_fraction must be between 0 and 1 (exclusive), not {dev_fraction}")
    records = list(records)
    doc_ids = sorted({record.doc_id for record in records})
    random.Random(seed).shuffle(doc_ids)
    size = len(doc_ids)
    n_dev = min(max(1, round(size * dev_fraction)), size - 1) if size > 1 else 0
    dev_ids = set(doc_ids[:n_dev])
    train = [r for r in records if r.doc_id not in dev_ids]
    dev = [r for r in records if r.doc_id in dev_ids]
    return train, dev


def split_paths(out: Path) -> tuple[Path, Path]:
    """``corpus.jsonl`` -> ``corpus.train.jsonl``, ``corpus.dev.jsonl``."""
    return (
        out.with_name(f"{out.stem}.train{out.suffix}"),
        out.with_name(f"{out.stem}.dev{out.suffix}"),
    )
