"""Reading a file of JSON lines into records, one problem per line that cannot be one.

A byte order mark at the start of the file is not part of the first line, and a record's
text never begins with one (see :mod:`redline.byte_order_mark`): a file saved by a Windows
editor imports as the same file without the mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
from pydantic import ValidationError

from redline.byte_order_mark import strip_bom, strip_bom_bytes
from redline.errors import InputError, Location, describe_validation_error, display_path
from redline.schema.records import Annotation, Span, text_sha1

LineParser = Callable[[bytes, Location], Annotation]
"""Turns one line into a record; raises what a bad line raises (JSON, pydantic, InputError)."""


def json_lines(
    path: Path, parse: LineParser, problems: list[InputError]
) -> Iterator[tuple[Annotation, Location]]:
    """Each good line's record with its place; each bad line becomes a problem, skipped."""
    shown = display_path(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = strip_bom_bytes(raw)
            if not raw.strip():
                continue
            location = Location(shown, number)
            try:
                record = without_bom(parse(raw, location), location)
            except orjson.JSONDecodeError as error:
                problems.append(InputError(location, f"invalid JSON ({error.msg}); skipped"))
            except ValidationError as error:
                problems.append(
                    InputError(location, f"{describe_validation_error(error)}; skipped")
                )
            except InputError as error:
                problems.append(InputError(error.location, f"{error.message}; skipped"))
            else:
                yield record, location


def without_bom(record: Annotation, location: Location) -> Annotation:
    """``record`` with a mark at the start of its text dropped and its offsets, which counted
    it, moved back by one; an InputError when a span covers nothing but the mark."""
    text, shift = strip_bom(record.text)
    if not shift:
        return record

    def moved(spans: list[Span]) -> list[Span]:
        kept: list[Span] = []
        for span in spans:
            start, end = max(0, span.start - shift), span.end - shift
            if end <= start:
                raise InputError(location, f"span {span.id} covers only the byte order mark")
            kept.append(span.model_copy(update={"start": start, "end": end}))
        return kept

    return record.model_copy(
        update={
            "text": text,
            "text_sha1": text_sha1(text),
            "spans": moved(record.spans),
            "rejected": moved(record.rejected),
        }
    )
