"""``redline import``: records made elsewhere (a format of :data:`redline.formats.READERS`),
validated against the schema, into an annotator's file; all or nothing unless told."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.options import RootOption, SchemaOption, notice, one_of
from redline.cli.render import print_imported
from redline.errors import RedlineError, display_path
from redline.formats import READERS
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, open_dataset


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
        bool, typer.Option("--skip-invalid", help="Import the valid records despite problems.")
    ] = False,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Import Prodigy, brat, our JSONL or plain text as records, validated against the schema."""
    from redline.formats.importing import import_into

    store = open_dataset(dataset, root)
    result = import_into(
        store, in_path, fmt, annotator, resolve_schema(schema), skip_invalid=skip_invalid
    )
    for problem in result.problems:
        notice("problem", problem)
    if result.location is None:
        raise RedlineError(
            f"{len(result.problems)} problem(s) in {display_path(in_path)}; nothing was written "
            "(fix them, or pass --skip-invalid to import the other records)"
        )
    print_imported(len(result.records), result.location)
