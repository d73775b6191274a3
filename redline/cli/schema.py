"""``redline schema check`` and ``redline schema export``: the label schema as the tools
will read it, and the JSON Schema of a record for other programs; ``schema from-brat`` and
``schema from-prodigy``: a schema made from another tool's data, to start a team off."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from redline.atomic import write_atomic
from redline.cli.options import SchemaOption, notice
from redline.cli.render import print_schema, print_wrote
from redline.errors import RedlineError, display_path
from redline.schema.derive import schema_from_prodigy, schema_toml
from redline.schema.labels import LabelSchema
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


OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", dir_okay=False, help="Write the schema (TOML) here instead of on stdout."
    ),
]


def from_brat(
    conf: Annotated[
        Path, typer.Argument(metavar="CONF", help="brat annotation.conf, or a brat folder.")
    ],
    out_file: OutOption = None,
) -> None:
    """Make a label schema from brat's annotation.conf (what it cannot hold is a warning)."""
    from redline.formats.brat_conf import CONF_NAME, schema_beside, schema_from_brat_conf

    if conf.is_dir():
        found = schema_beside(conf)
        if found is None:
            raise RedlineError(f"{display_path(conf)}: no {CONF_NAME} here or in the folder above")
        schema, notes = found
    else:
        schema, notes = schema_from_brat_conf(conf)
    _emit(schema, notes, display_path(conf), "from-brat", out_file)


def from_prodigy(
    tasks: Annotated[Path, typer.Argument(metavar="FILE", help="Prodigy tasks (JSONL).")],
    out_file: OutOption = None,
) -> None:
    """Make a label schema from the span and relation labels of Prodigy tasks."""
    schema, notes = schema_from_prodigy(tasks)
    _emit(schema, notes, display_path(tasks), "from-prodigy", out_file)


def _emit(
    schema: LabelSchema, notes: list[str], source: str, command: str, out_file: Path | None
) -> None:
    """The TOML on stdout (plain text: rich would read ``[model]`` as markup) or in
    ``out_file``, written whole or not at all; then each note as a warning on stderr."""
    text = schema_toml(schema, source, command)
    if out_file is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        print_wrote(write_atomic(out_file, text.encode("utf-8")))
    for note in notes:
        notice("warning", note)
