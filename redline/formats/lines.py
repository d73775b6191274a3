"""Reading a file of JSON lines into records, one problem per line that cannot be one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
from pydantic import ValidationError

from redline.errors import InputError, Location, describe_validation_error, display_path
from redline.schema.records import Annotation

LineParser = Callable[[bytes, Location], Annotation]
"""Turns one line into a record; raises what a bad line raises (JSON, pydantic, InputError)."""


def json_lines(
    path: Path, parse: LineParser, problems: list[InputError]
) -> Iterator[tuple[Annotation, Location]]:
    """Each good line's record with its place; each bad line becomes a problem, skipped."""
    shown = display_path(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            location = Location(shown, number)
            try:
                record = parse(raw, location)
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
