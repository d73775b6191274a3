"""Writing records in the format training code reads: one entry point for every format.

Every file is written atomically (a temporary file beside it, fsynced, then renamed into
place), so a crash leaves the old file or the whole new one, never half of one. A split into
train and dev is made by document (every record of a doc_id lands on the same side) from a
shuffle seeded by ``seed``, so the same records and seed always give the same split.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import orjson

from redline.atomic import atomic_writer
from redline.formats.jsonl import write_records
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation

ExportFormat = Literal["jsonl", "prodigy", "spacy", "conll", "brat"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("jsonl", "prodigy", "spacy", "conll", "brat")


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


def export_records(
    records: Iterable[Annotation],
    fmt: ExportFormat,
    out: Path,
    schema: LabelSchema,
    dev_fraction: float | None = None,
    seed: int = 0,
) -> list[Path]:
    """Write ``records`` as ``fmt`` to ``out`` and return the paths written.

    ``out`` is a file for jsonl, prodigy and conll (with a split: ``<stem>.train<suffix>`` and
    ``<stem>.dev<suffix>`` beside it) and a folder for spacy (``train.spacy``, ``dev.spacy``)
    and brat (with a split: its ``train/`` and ``dev/`` sub-folders). Records are written as
    given: choosing which answers count as training data is the caller's business.
    """
    out = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    if fmt == "spacy":
        from redline.formats.spacy_docbin import export_spacy

        return export_spacy(records, out, dev_fraction, seed)
    if dev_fraction is None:
        return [_export_one(records, fmt, out, schema)]
    train, dev = split_by_document(records, dev_fraction, seed)
    targets = (out / "train", out / "dev") if fmt == "brat" else split_paths(out)
    return [
        _export_one(part, fmt, target, schema)
        for part, target in zip((train, dev), targets, strict=True)
    ]


def _export_one(
    records: Iterable[Annotation], fmt: ExportFormat, out: Path, schema: LabelSchema
) -> Path:
    if fmt == "jsonl":
        for _ in write_records(out, records):
            pass
        return out
    if fmt == "prodigy":
        from redline.formats.prodigy import to_prodigy

        with atomic_writer(out) as handle:
            for record in records:
                handle.write(orjson.dumps(to_prodigy(record)) + b"\n")
        return out
    if fmt == "conll":
        from redline.formats.conll import export_conll

        return export_conll(records, out)
    from redline.formats.brat import export_brat

    export_brat(records, out, schema)
    return out
