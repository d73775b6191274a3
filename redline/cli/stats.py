"""``redline stats``: per annotator, what is done and the bad lines of their file."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.options import RootOption, report_skipped, warn
from redline.cli.render import print_stats
from redline.corpus import Corpus
from redline.metrics.stats import dataset_stats
from redline.store import DEFAULT_ROOT, open_dataset


def stats(
    dataset: Annotated[str, typer.Option(help="Dataset name (a folder under --root).")],
    source: Annotated[
        str | None, typer.Option(help="The corpus, to count documents not yet annotated.")
    ] = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Per annotator: documents done, answers, spans and relations per label, bad lines."""
    store = open_dataset(dataset, root)
    corpus = Corpus(source) if source else None
    rows = dataset_stats(store, [d.doc_id for d in corpus] if corpus else None)
    print_stats(rows, dataset)
    for row in rows:
        warn([*row.invalid_lines, *row.torn_lines])
    if corpus is not None:
        report_skipped(corpus)
