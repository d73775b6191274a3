"""``redline export``: a dataset's gold (or one annotator's) records in a format of
:data:`redline.formats.WRITERS`, optionally split into train and dev."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.options import RootOption, SchemaOption, StoreOption, fraction, one_of, warn
from redline.cli.render import print_export
from redline.formats import WRITERS
from redline.schema.keys import GOLD_ANNOTATOR
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, open_store


def export(
    # No path check: OUT is a file or a folder depending on --format, and where it cannot be
    # written the export's own message says so and that the previous file is intact.
    out_path: Annotated[
        Path, typer.Argument(metavar="OUT", help="File (or folder for spacy/brat).")
    ],
    dataset: Annotated[str, typer.Option(help="Dataset to export from.")],
    fmt: Annotated[
        str,
        typer.Option("--format", parser=one_of(WRITERS), help=f"One of: {', '.join(WRITERS)}."),
    ],
    source: Annotated[
        str, typer.Option(help=f"'{GOLD_ANNOTATOR}' (the reviewed set) or an annotator's name.")
    ] = GOLD_ANNOTATOR,
    split: Annotated[
        float | None,
        typer.Option(parser=fraction, help="Fraction of documents for a dev set (e.g. 0.2)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev shuffle.")] = 0,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Export a dataset's gold (or one annotator's) records for training or other tools."""
    from redline.formats.export import export_dataset

    store = open_store(dataset, root, store_url)
    result = export_dataset(store, source, fmt, out_path, resolve_schema(schema), split, seed)
    warn(result.problems)
    print_export(result, source, dataset, fmt)
