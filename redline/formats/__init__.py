"""Moving records in and out of redline: our JSONL, Prodigy, spaCy DocBin, CoNLL and brat.

One registry of each: :data:`WRITERS` (what ``redline export`` writes) and :data:`READERS`
(what ``redline import`` reads), which the CLI takes its choices from. Every writer takes
``(records, out, schema)`` and returns the paths it wrote; every reader takes
``(path, annotator, schema, problems, *, id_key=None)`` and yields each record with its place,
adding what it cannot read (and :class:`~redline.errors.InputWarning`s) to ``problems``;
``id_key`` is where a document's id comes from in each task or line (a dotted path), None for
the format's own rule. :mod:`.export` and :mod:`.importing` drive them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

from redline.corpus.source import JSONL_SUFFIXES
from redline.errors import InputError, Location, RedlineError
from redline.formats.split import split_paths
from redline.lazy_import import imported
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation

WriteRecords = Callable[[Iterable[Annotation], Path, LabelSchema], list[Path]]
ReadRecords = Callable[
    [Path, str, LabelSchema, list[InputError]], Iterator[tuple[Annotation, Location]]
]
"""A reader; it also takes ``id_key`` by keyword, which is passed only when one is given (so
a reader of the format's own rule alone still fits)."""
RecordUnit = Literal["line", "file", "document"]


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
    function: str
    """The writer, as ``"module:function"``: imported when used (spaCy's DocBin, CoNLL's
    sentences and brat's token edges need spaCy; a JSONL export does not)."""
    training: bool
    """Training data: only accepted documents are exported."""
    folder: bool
    """``OUT`` is a folder (else a file)."""
    whole: Callable[[Path], Path] = _same
    """Where all the records go, without a split."""
    parts: Callable[[Path], tuple[Path, Path]] = split_paths
    """Where the train and the dev records go, with a split."""

    @property
    def write(self) -> WriteRecords:
        function: WriteRecords = imported(self.function)
        return function


@dataclass(frozen=True)
class Reader:
    """An import format: how it reads, from a file or a folder, and what one record is."""

    name: str
    function: str
    """The reader, as ``"module:function"``, imported when used."""
    source: Literal["file", "folder", "file or folder"]
    record: Literal["line", "file", "document", "line or file"]
    """What one record is, so that ``--skip-invalid`` leaves a record out whole and counts
    records, not problems: a line (JSONL, Prodigy), a file of the folder, a document (brat:
    its ``.txt`` and ``.ann``, whose problems name either), or for text a line of a JSONL
    corpus, else a file. A document's id comes from an id key only where a record is a line."""

    @property
    def read(self) -> ReadRecords:
        function: ReadRecords = imported(self.function)
        return function

    def record_unit(self, path: Path) -> RecordUnit:
        """What one record is when reading ``path``."""
        if self.record != "line or file":
            return self.record
        return "line" if path.suffix.lower() in JSONL_SUFFIXES and path.is_file() else "file"

    def record_of(self, unit: RecordUnit, location: Location) -> tuple[str, int | None]:
        """The record a problem (or a record) at ``location`` belongs to, as a key."""
        if unit == "line":
            return location.path, location.line
        if unit == "document":
            return str(PurePath(location.path).with_suffix("")), None
        return location.path, None


WRITERS: dict[str, Writer] = {
    writer.name: writer
    for writer in (
        Writer("jsonl", "redline.formats.jsonl:export_jsonl", training=False, folder=False),
        Writer("prodigy", "redline.formats.prodigy:export_prodigy", training=False, folder=False),
        Writer(
            "spacy",
            "redline.formats.spacy_docbin:export_docbin",
            training=True,
            folder=True,
            whole=lambda out: _docbins(out)[0],
            parts=_docbins,
        ),
        Writer("conll", "redline.formats.conll:export_conll_file", training=True, folder=False),
        Writer(
            "brat",
            "redline.formats.brat:export_brat_folder",
            training=True,
            folder=True,
            parts=_in_folder,
        ),
    )
}

READERS: dict[str, Reader] = {
    reader.name: reader
    for reader in (
        Reader("prodigy", "redline.formats.prodigy:import_prodigy", "file", record="line"),
        Reader("brat", "redline.formats.brat:read_brat", "folder", record="document"),
        Reader("jsonl", "redline.formats.jsonl:import_jsonl", "file", record="line"),
        Reader("text", "redline.formats.text:import_text", "file or folder", record="line or file"),
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


__all__ = ["READERS", "WRITERS", "Reader", "RecordUnit", "Writer", "reader_of", "writer_of"]
