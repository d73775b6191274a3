"""``redline stats``: per annotator, what is done and the bad lines of their file."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group

from redline.cli.options import (
    SCHEMA_HELP,
    RootOption,
    StoreOption,
    notice,
    out,
    report_skipped,
    warn,
)
from redline.cli.render import print_stats, stats_tables
from redline.corpus import Corpus
from redline.errors import RedlineError
from redline.metrics.stats import dataset_stats, pool_progress, stats_labels
from redline.schema.labels import LabelSchema
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, DatasetStore, open_store
from redline.store.base import SaveWatcher


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
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Keep the table up to date: redrawn each time someone saves, until Ctrl+C.",
        ),
    ] = False,
) -> None:
    """Per annotator: documents done, answers, spans and relations per label, bad lines."""
    label_schema = None if schema is None else resolve_schema(schema)
    store = open_store(dataset, root, store_url)
    corpus = Corpus(source) if source else None
    doc_ids = [d.doc_id for d in corpus] if corpus else None
    # made before the first count, so that a save while it is counted is not missed
    watcher = store.watch() if live else None
    try:
        rows = dataset_stats(store, doc_ids)
        labels = stats_labels(rows, label_schema)
        pool = pool_progress(store)
        if watcher is None:
            print_stats(rows, dataset, labels, pool)
        if label_schema is not None and labels.unknown:
            notice(
                "warning",
                f"label(s) not in schema {label_schema.name}: {', '.join(labels.unknown)}",
            )
        for row in rows:
            warn([*row.invalid_lines, *row.torn_lines])
        if corpus is not None:
            report_skipped(corpus)
        if watcher is not None:
            first = Group(*stats_tables(rows, dataset, labels, pool))
            _follow(watcher, first, store, doc_ids, label_schema)
    finally:
        if watcher is not None:
            watcher.close()


def _follow(
    watcher: SaveWatcher,
    shown: Group,
    store: DatasetStore,
    doc_ids: Collection[str] | None,
    label_schema: LabelSchema | None,
) -> None:
    """Draw the table, then again after each save heard, until Ctrl+C (a way to stop, not an
    error: exit 0). A terminal shows one table redrawn in place; a pipe or a file gets each
    new table after the last, under a line saying who saved."""
    from rich.live import Live

    def tables() -> Group:
        rows = dataset_stats(store, doc_ids)
        labels = stats_labels(rows, label_schema)
        return Group(*stats_tables(rows, store.name, labels, pool_progress(store)))

    try:
        if out.is_terminal:
            with Live(shown, console=out, auto_refresh=False) as screen:
                while True:
                    saved = watcher.wait(5.0)
                    if saved:
                        shown = _recount(tables, shown, saved)
                        screen.update(shown, refresh=True)
        out.print(shown)
        while True:
            saved = watcher.wait(5.0)
            if saved:
                shown = _recount(tables, shown, saved)
                out.print(f"saved by {', '.join(sorted(saved))} at {time.strftime('%H:%M:%S')}")
                out.print(shown)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def _recount(tables: Callable[[], Group], shown: Group, saved: set[str]) -> Group:
    """The new counts; the last ones, said why, when they cannot be had (the database is
    down for a moment: the next save heard tries again)."""
    try:
        return tables()
    except RedlineError as error:
        notice("warning", f"counting after a save by {', '.join(sorted(saved))}: {error}")
        return shown
