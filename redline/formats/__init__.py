"""Moving records in and out of redline: our JSONL, Prodigy, spaCy DocBin, CoNLL and brat.

One registry of each: :data:`WRITERS` (what ``redline export`` writes) and :data:`READERS`
(what ``redline import`` reads), which the CLI takes its choices from. Every writer takes
``(records, out, schema)`` and returns the paths it wrote; every reader takes
``(path, annotator, schema, problems)`` and yields each record with its place, adding what it
cannot read to ``problems``. :mod:`.export` and :mod:`.importing` drive them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from redline.errors import InputError, Location, RedlineError
from redline.formats.brat import export_brat_folder, read_brat
from redline.formats.conll import export_conll_file
from redline.formats.jsonl import export_jsonl, import_jsonl
from redline.formats.prodigy import export_prodigy, import_prodigy
from redline.formats.spacy_docbin import export_docbin
from redline.formats.split import split_paths
from redline.formats.text import import_text
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation

WriteRecords = Callable[[Iterable[Annotation], Path, LabelSchema], list[Path]]
ReadRecords = Callable[
    [Path, str, LabelSchema, list[InputError]], Iterator[tuple[Annotation, Location]]
]


def _same(out: Path) -> Path:
    return out


def _in_folder(out: Path) -> tuple[Path, Path]:
    return out / "train", out / "dev"


def _docbins(out: Path) -> tuple[Path, Path]:
    return out / "train.spacy", out / "dev.spacy"


def _one_docbin(out: Path) -> Path:
    return _docbins(out)[0]


@dataclass(frozen=True)
class Writer:
    """An export format: how it writes records, and where ``OUT`` puts them."""

    name: str
    write: WriteRecords
    training: bool
    """Training data: only accepted documents are exported."""
    folder: bool
    """``OUT`` is a folder (else a file)."""
    whole: Callable[[Path], Path] = _same
    """Where all the records go, without a split."""
    parts: Callable[[Path], tuple[Path, Path]] = split_paths
    """Where the train and the dev records go, with a split."""


@dataclass(frozen=True)
class Reader:
    """An import format: how it reads, and from a file or a folder."""

    name: str
    read: ReadRecords
    source: Literal["file", "folder", "file or folder"]


WRITERS: dict[str, Writer] = {
    writer.name: writer
    for writer in (
        Writer("jsonl", export_jsonl, training=False, folder=False),
        Writer("prodigy", export_prodigy, training=False, folder=False),
        Writer(
            "spacy",
            export_docbin,
            training=True,
            folder=True,
            whole=lambda out: _docbins(out)[0],
            parts=_docbins,
        ),
        Writer("conll", export_conll_file, training=True, folder=False),
        Writer("brat", export_brat_folder, training=True, folder=True, parts=_in_folder),
    )
}

READERS: dict[str, Reader] = {
    reader.name: reader
    for reader in (
        Reader("prodigy", import_prodigy, "file"),
        Reader("brat", read_brat, "folder"),
        Reader("jsonl", import_jsonl, "file"),
        Reader("text", import_text, "file or folder"),
    )
}


def writer_of(name: str) -> Writer:
    if name not in WRITERS:
        raise RedlineError(f"unknown export format {name!r}; use one of {', '.join(WRITERS)}")
    return WRITERS[name]


def reader_of(name: str) -> Reader:
    if name not in READERS:
        raise RedlineError(f"unknown import format {name!r}; use one of {', '.join(READERS)}")
    return READERS[name]


__all__ = ["READERS", "WRITERS", "Reader", "Writer", "reader_of", "writer_of"]
