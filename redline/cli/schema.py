"""``redline schema check`` and ``redline schema export``: the label schema as the tools
will read it, and the JSON Schema of a record for other programs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from redline.cli.options import SchemaOption
from redline.cli.render import print_schema, print_wrote
from redline.schema.records import annotation_json_schema
from redline.schema.shipped import resolve_schema


def check(schema: SchemaOption = None) -> None:
    """Load a label schema and show its labels (errors name the file and field)."""
    print_schema(resolve_schema(schema))


def export(
    out_file: Annotated[
        Path,
        typer.Option(
            "--out", dir_okay=False, writable=True, help="Where to write the JSON Schema."
        ),
    ] = Path("schema/annotation.schema.json"),
) -> None:
    """Write the JSON Schema of one JSONL record, generated from the pydantic models."""
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(render_json_schema())
    print_wrote(out_file)


def render_json_schema() -> bytes:
    """The committed schema/annotation.schema.json, byte for byte (keys sorted, so that a
    change to the models shows as a small diff)."""
    return (
        orjson.dumps(annotation_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        + b"\n"
    )
