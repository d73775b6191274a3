"""``redline suggest``: the model and the schema's rules over a corpus, into the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from redline.cli.options import (
    ModelOption,
    RootOption,
    SchemaOption,
    StoreOption,
    choose_model,
    err,
    notice,
    progress_bar,
    report_skipped,
    warn,
)
from redline.cli.render import print_suggestions, print_wrote
from redline.corpus import Corpus
from redline.formats.jsonl import write_records
from redline.metrics.stats import summarize_labels
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, open_store
from redline.suggest import Suggester, cached_suggestions, suggest_documents


def suggest(
    source: Annotated[
        str,
        typer.Argument(help="A folder of .txt files, a .jsonl file, a .txt file, or - (stdin)."),
    ],
    schema: SchemaOption = None,
    dataset: Annotated[
        str | None,
        typer.Option(
            help="Dataset whose folder holds the suggestion cache. Default: SOURCE's name."
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", dir_okay=False, help="Also write the suggestions here, as JSONL records."
        ),
    ] = None,
    n_process: Annotated[
        int,
        typer.Option(
            min=1, help="Worker processes, each loading the model once (one per core pays)."
        ),
    ] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per spaCy batch.")] = 64,
    model: ModelOption = None,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Pre-annotate a corpus with the model and the schema's rules (cached per text)."""
    # A text longer than the model's limit is analysed in pieces; a document that cannot be
    # analysed is one problem line and exit code 1, and the others' suggestions are saved.
    label_schema = resolve_schema(schema)
    corpus = Corpus(source)
    store = open_store(dataset or corpus.name, root, store_url)
    suggester = Suggester(label_schema, choose_model(store, model))
    # Said before the run: a missing model (rules only) is worth knowing while it runs.
    warn([suggester.warning] if suggester.warning else [])
    with progress_bar() as progress:
        task = progress.add_task(
            f"suggesting with {escape(suggester.model.name)}", total=corpus.size_hint()
        )
        run = suggest_documents(
            lambda: corpus,
            store,
            suggester,
            batch_size=batch_size,
            n_process=n_process,
            on_progress=lambda n: progress.advance(task, n),
        )
    warn(warning for warning in run.warnings if warning != suggester.warning)
    for failure in run.failed:
        notice("problem", failure)
    report_skipped(corpus)
    records = cached_suggestions(corpus, store, suggester)
    if out_file is not None:
        records = write_records(out_file, records)
    print_suggestions(summarize_labels(records), suggester, run, store.name)
    if out_file is not None:
        print_wrote(out_file, err)
    if run.failed:  # the others are saved; the exit code still says the run was not whole
        notice(
            "error",
            f"{len(run.failed)} document(s) could not be analysed; the suggestions of the "
            f"other {run.documents - len(run.failed)} are saved",
            style="red",
        )
        raise typer.Exit(1)
