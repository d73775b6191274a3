"""Writing records in the format training code reads: one entry point for every format.

Every file is written atomically (a temporary file beside it, fsynced, then renamed into
place), so a crash leaves the old file or the whole new one, never half of one. A split into
train and dev is made by document (:mod:`redline.formats.split`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from redline.errors import InputError, RedlineError
from redline.formats import writer_of
from redline.formats.split import split_by_document
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation
from redline.store import DatasetStore


def export_records(
    records: Iterable[Annotation],
    fmt: str,
    out: Path,
    schema: LabelSchema,
    dev_fraction: float | None = None,
    seed: int = 0,
) -> list[Path]:
    """Write ``records`` as ``fmt`` to ``out`` and return the paths written.

    ``out`` is a file for jsonl, prodigy and conll (with a split: ``<stem>.train<suffix>`` and
    ``<stem>.dev<suffix>`` beside it) and a folder for spacy (``train.spacy``, ``dev.spacy``)
    and brat (with a split: its ``train/`` and ``dev/`` sub-folders). Records are written as
    given: choosing which answers count as training data is :func:`export_dataset`'s business.
    """
    writer = writer_of(fmt)
    out = Path(out)
    if dev_fraction is None:
        return writer.write(records, writer.whole(out), schema)
    train, dev = split_by_document(records, dev_fraction, seed)
    train_out, dev_out = writer.parts(out)
    return [*writer.write(train, train_out, schema), *writer.write(dev, dev_out, schema)]


@dataclass
class ExportResult:
    documents: int
    paths: list[Path]
    problems: list[InputError] = field(default_factory=list)
    """Lines of the source's file that could not be read and were left out."""


def export_dataset(
    dataset: DatasetStore,
    source: str,
    fmt: str,
    out: Path,
    schema: LabelSchema,
    dev_fraction: float | None = None,
    seed: int = 0,
) -> ExportResult:
    """``redline export``: the newest version of each document of ``source`` (gold or an
    annotator), only the accepted ones for a training format, written by
    :func:`export_records`."""
    writer = writer_of(fmt)
    if dev_fraction is not None and not 0 < dev_fraction < 1:
        raise RedlineError(
            f"the dev fraction must be between 0 and 1 (exclusive), not {dev_fraction}"
        )
    dataset.require(source)
    with dataset.open(source) as log:
        problems = [*log.problems, *log.torn]
        records = list(log.iter_newest())
    if writer.training:
        records = [r for r in records if r.answer == "accept"]
    paths = export_records(records, fmt, out, schema, dev_fraction, seed)
    return ExportResult(len(records), paths, problems)
