"""Our own records as a JSONL file, written so that a crash never leaves half a file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from redline.atomic import atomic_writer
from redline.corpus.reading import value_at
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
    path: Path,
    annotator: str,
    schema: LabelSchema,
    problems: list[InputError],
    *,
    id_key: str | None = None,
) -> Iterator[tuple[Annotation, Location]]:
    """Each line's record, now ``annotator``'s; with ``id_key`` (a dotted path such as
    ``meta.source``), its doc_id is the value there, so records can be keyed anew."""

    def parse(raw: bytes, location: Location) -> Annotation:
        if id_key is not None:
            raw = _keyed(raw, id_key, location)
        return Annotation.model_validate_json(raw).model_copy(update={"annotator": annotator})

    return json_lines(path, parse, problems)


def _keyed(raw: bytes, id_key: str, location: Location) -> bytes:
    """The line with its doc_id taken from ``id_key``, still as JSON: the record is read from
    JSON as every other line is (the same checks of what JSON can hold)."""
    data = orjson.loads(raw)
    if not isinstance(data, dict):
        raise InputError(location, f"expected a JSON object, got {type(data).__name__}")
    doc_id = value_at(data, id_key)
    if doc_id in (None, ""):
        raise InputError(location, f"no id at {id_key!r} (--id-key) in this line")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        raise InputError(location, f"id must be a string or an integer, not {doc_id!r}")
    return orjson.dumps({**data, "doc_id": str(doc_id)})
