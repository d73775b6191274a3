"""Our own records as a JSONL file, written so that a crash never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from redline.schema.records import Annotation


def write_records(path: Path, records: Iterable[Annotation]) -> Iterator[Annotation]:
    """Write records to ``path`` as they stream past, passing each one on.

    The lines go to a temporary file beside ``path`` that is fsynced and renamed into place
    only once every record is written: readers see the old file or the whole new one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for record in records:
                handle.write(orjson.dumps(record.model_dump(mode="json")) + b"\n")
                yield record
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
