"""Our own records as a JSONL file, written so that a crash never leaves half a file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from redline.atomic import atomic_writer
from redline.errors import InputError, Location
from redline.formats.lines import json_lines
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation


def write_records(path: Path, records: Iterable[Annotation]) -> Iterator[Annotation]:
    """Write records to ``path`` as they stream past, passing each one on.

    The lines go to a temporary file beside ``path`` that is fsynced and renamed into place
    only once every record is written: readers see the old file or the whole new one.
    """
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(orjson.dumps(record.model_dump(mode="json")) + b"\n")
            yield record


def export_jsonl(records: Iterable[Annotation], out: Path, schema: LabelSchema) -> list[Path]:
    """The records as they are stored (the schema plays no part)."""
    for _ in write_records(out, records):
        pass
    return [out]


def import_jsonl(
    path: Path, annotator: str, schema: LabelSchema, problems: list[InputError]
) -> Iterator[tuple[Annotation, Location]]:
    """Each line's record, now ``annotator``'s."""

    def parse(raw: bytes, location: Location) -> Annotation:
        return Annotation.model_validate_json(raw).model_copy(update={"annotator": annotator})

    return json_lines(path, parse, problems)
