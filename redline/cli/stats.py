"""``redline stats``: per annotator, what is done and the bad lines of their file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.options import SCHEMA_HELP, RootOption, StoreOption, notice, report_skipped, warn
from redline.cli.render import print_stats
from redline.corpus import Corpus
from redline.metrics.stats import dataset_stats, stats_labels
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, open_store


def stats(
    dataset: Annotated[str, typer.Option(help="Dataset name (a folder under --root).")],
    source: Annotated[
        str | None, typer.Option(help="The corpus, to count documents not yet annotated.")
    ] = None,
    # Unlike the other commands, no schema by default: stats counts what the files hold,
    # whatever schema they were made with.
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema",
            help=f"{SCHEMA_HELP} Lists its labels in its order (0 for those not used yet) "
            "and names the records' labels it lacks. Default: the labels the records hold.",
        ),
    ] = None,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Per annotator: documents done, answers, spans and relations per label, bad lines."""
    label_schema = None if schema is None else resolve_schema(schema)
    store = open_store(dataset, root, store_url)
    corpus = Corpus(source) if source else None
    rows = dataset_stats(store, [d.doc_id for d in corpus] if corpus else None)
    labels = stats_labels(rows, label_schema)
    print_stats(rows, dataset, labels)
    if label_schema is not None and labels.unknown:
        notice(
            "warning",
            f"label(s) not in schema {label_schema.name}: {', '.join(labels.unknown)}",
        )
    for row in rows:
        warn([*row.invalid_lines, *row.torn_lines])
    if corpus is not None:
        report_skipped(corpus)
