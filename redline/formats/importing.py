"""Reading records made elsewhere: Prodigy tasks, brat folders, our own JSONL, plain text.

Nothing is dropped silently: a line or file that cannot be read, and a record that does not
fit the label schema (unknown label, a relation between the wrong types, overlapping spans) or
whose spans are off spaCy's token boundaries, is left out and reported as one problem naming
the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from redline.corpus import Corpus
from redline.errors import (
    InputError,
    Location,
    RedlineError,
    describe_validation_error,
    display_path,
)
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation
from redline.tokens import TokenIndex, tokenize

ImportFormat = Literal["prodigy", "brat", "jsonl", "text"]
IMPORT_FORMATS: tuple[ImportFormat, ...] = ("prodigy", "brat", "jsonl", "text")


@dataclass
class ImportResult:
    records: list[Annotation] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)


def import_file(
    path: str | Path, fmt: ImportFormat, annotator: str, schema: LabelSchema
) -> ImportResult:
    """The records in ``path`` (a file, or a folder for brat and text), all by ``annotator``,
    and the problems met on the way."""
    if not annotator:
        raise ValueError("annotator must not be empty")
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format {fmt!r} (known: {', '.join(IMPORT_FORMATS)})")
    path = Path(path)
    if fmt != "text" and not path.exists():
        raise RedlineError(f"{display_path(path)}: no such file or folder")
    if fmt == "brat" and not path.is_dir():
        raise RedlineError(f"{display_path(path)}: brat is read from a folder of .txt and .ann")
    if fmt in ("prodigy", "jsonl") and path.is_dir():
        raise RedlineError(f"{display_path(path)}: {fmt} is read from one JSONL file")
    result = ImportResult()
    if fmt == "brat":
        from redline.formats.brat import import_brat

        records, problems = import_brat(path, annotator, schema)
        result.problems.extend(problems)
        found = ((r, Location(display_path(path / f"{r.doc_id}.ann"))) for r in records)
    elif fmt == "text":
        corpus = Corpus(path)
        found = (
            (
                Annotation(**document.model_dump(), annotator=annotator),
                Location(document.meta.get("source", display_path(path))),
            )
            for document in corpus
        )
    else:
        found = _jsonl_records(path, fmt, annotator, result.problems)
    for record, location in found:
        problems = record_problems(record, schema)
        if problems:
            result.problems.extend(InputError(location, f"{p}; skipped") for p in problems)
        else:
            result.records.append(record)
    if fmt == "text":
        result.problems.extend(corpus.problems)
    return result


def record_problems(record: Annotation, schema: LabelSchema) -> list[str]:
    """What keeps a record out: the schema's objections, spans off token boundaries, and
    what a line of JSON cannot hold (found here, at its line, not when the save fails)."""
    problems = schema.record_problems(record)
    spans = [*record.spans, *record.rejected]
    if spans:
        index = TokenIndex(tokenize(record.text))
        problems += [
            f"span {s.id} [{s.start}, {s.end}) {record.text[s.start : s.end]!r} does not start "
            "and end on token boundaries"
            for s in spans
            if not index.is_aligned(s.start, s.end)
        ]
    try:
        orjson.dumps(record.model_dump(mode="json"))
    except (ValueError, TypeError) as error:  # pydantic's depth limit; orjson.JSONEncodeError
        problems.append(f"cannot be saved as JSON ({error})")
    return problems


def _jsonl_records(
    path: Path, fmt: ImportFormat, annotator: str, problems: list[InputError]
) -> Iterator[tuple[Annotation, Location]]:
    from redline.formats.prodigy import from_prodigy

    shown = display_path(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            location = Location(shown, number)
            try:
                if fmt == "jsonl":
                    record = Annotation.model_validate_json(raw)
                    yield record.model_copy(update={"annotator": annotator}), location
                    continue
                data: Any = orjson.loads(raw)
                if not isinstance(data, dict):
                    raise InputError(location, f"expected a JSON object, got {type(data).__name__}")
                yield from_prodigy(data, annotator, location), location
            except orjson.JSONDecodeError as error:
                problems.append(InputError(location, f"invalid JSON ({error.msg}); skipped"))
            except ValidationError as error:
                problems.append(
                    InputError(location, f"{describe_validation_error(error)}; skipped")
                )
            except InputError as error:
                problems.append(InputError(error.location, f"{error.message}; skipped"))
