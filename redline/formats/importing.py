"""Reading records made elsewhere: Prodigy tasks, brat folders, our own JSONL, plain text.

Nothing is dropped silently: a line or file that cannot be read, and a record that does not
fit the label schema (unknown label, a relation between the wrong types, overlapping spans) or
has a span that begins or ends with whitespace, is left out and reported as one problem naming
the file and line. A span that starts or ends inside a spaCy token ("Hun Sen" of "Sen.") is
kept with its offsets as they are: the formats that need tokens cut them at its edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from redline.errors import InputError, RedlineError, display_path
from redline.formats import reader_of
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation
from redline.store import DatasetStore, check_name
from redline.tokens import loose_edge


@dataclass
class ImportResult:
    records: list[Annotation] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    location: str | None = None
    """Where the records were saved; None while (or when) nothing was."""


def import_file(path: str | Path, fmt: str, annotator: str, schema: LabelSchema) -> ImportResult:
    """The records in ``path`` (a file, or a folder for brat and text), all by ``annotator``,
    and the problems met on the way."""
    if not annotator:
        raise ValueError("annotator must not be empty")
    reader = reader_of(fmt)
    path = Path(path)
    if reader.source != "file or folder" and not path.exists():
        raise RedlineError(f"{display_path(path)}: no such file or folder")
    if reader.source == "folder" and not path.is_dir():
        raise RedlineError(f"{display_path(path)}: {fmt} is read from a folder of .txt and .ann")
    if reader.source == "file" and path.is_dir():
        raise RedlineError(f"{display_path(path)}: {fmt} is read from one JSONL file")
    result = ImportResult()
    for record, location in reader.read(path, annotator, schema, result.problems):
        problems = record_problems(record, schema)
        if problems:
            result.problems.extend(InputError(location, f"{p}; skipped") for p in problems)
        else:
            result.records.append(record)
    return result


def import_into(
    dataset: DatasetStore,
    path: Path,
    fmt: str,
    annotator: str,
    schema: LabelSchema,
    *,
    skip_invalid: bool = False,
) -> ImportResult:
    """``redline import``: :func:`import_file`, then the records appended to the annotator's
    file (one sync) unless there were problems and ``skip_invalid`` is not set."""
    check_name("annotator", annotator)
    result = import_file(path, fmt, annotator, schema)
    if result.problems and not skip_invalid:
        return result
    with dataset.open(annotator, write=True) as log:
        log.append_many(result.records)
        result.location = log.location
    return result


def record_problems(record: Annotation, schema: LabelSchema) -> list[str]:
    """What keeps a record out: the schema's objections, spans with whitespace at an edge, and
    what a line of JSON cannot hold (found here, at its line, not when the save fails)."""
    problems = schema.record_problems(record)
    problems += [
        f"span {s.id} [{s.start}, {s.end}) {record.text[s.start : s.end]!r} begins or ends "
        "with whitespace"
        for s in (*record.spans, *record.rejected)
        if loose_edge(record.text, s.start, s.end)
    ]
    try:
        orjson.dumps(record.model_dump(mode="json"))
    except (ValueError, TypeError) as error:  # pydantic's depth limit; orjson.JSONEncodeError
        problems.append(f"cannot be saved as JSON ({error})")
    return problems
