"""``redline import``: records made elsewhere (a format of :data:`redline.formats.READERS`),
validated against the schema, into an annotator's file; all or nothing unless told. The rules
(records skipped whole, duplicates merged, unchanged records not appended) are those of
:mod:`redline.formats.importing`; here they are said: a line per warning and per problem, and
one summary counting records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.options import RootOption, SchemaOption, StoreOption, notice, one_of
from redline.cli.render import print_imported
from redline.errors import RedlineError, display_path
from redline.formats import READERS
from redline.store import DEFAULT_ROOT, open_store


def import_records(
    in_path: Annotated[
        Path, typer.Argument(metavar="IN", exists=True, help="File or folder to import.")
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", parser=one_of(READERS), help=f"One of: {', '.join(READERS)}."),
    ],
    dataset: Annotated[str, typer.Option(help="Dataset to import into.")],
    annotator: Annotated[str, typer.Option(help="Whose records they become.")],
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid records despite problems; a record with one is left out whole.",
        ),
    ] = False,
    id_key: Annotated[
        str | None,
        typer.Option(
            "--id-key",
            metavar="KEY",
            help=(
                "Where a document's id comes from in each task or line (dotted path, e.g. "
                "meta.id or _input_hash); default: the format's own rule"
            ),
        ),
    ] = None,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Import Prodigy, brat, our JSONL or plain text as records, validated against the schema."""
    from redline.formats.importing import import_into, import_schema

    store = open_store(dataset, root, store_url)
    labels, notes = import_schema(in_path, fmt, schema)
    for note in notes:
        notice("warning", note)
    result = import_into(
        store, in_path, fmt, annotator, labels, skip_invalid=skip_invalid, id_key=id_key
    )
    for warning in result.warnings:
        notice("warning", warning)
    for problem in result.problems:
        notice("problem", problem)
    if result.location is None:
        raise RedlineError(
            f"{len(result.problems)} problem(s) in {result.skipped} record(s) of "
            f"{display_path(in_path)}; nothing was written (fix them, or pass --skip-invalid "
            f"to import the other {len(result.records)} record(s) without them)"
        )
    print_imported(
        len(result.records), result.location, unchanged=result.unchanged, skipped=result.skipped
    )
