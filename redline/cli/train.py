"""``redline train``: the dataset's gold into a spaCy pipeline (its NER and a relation
model), with a progress bar and base-against-trained scores."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.options import RootOption, SchemaOption, progress_bar
from redline.cli.render_train import print_training
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, open_dataset

if TYPE_CHECKING:
    from redline.training.spacy_loop import TrainProgress


def train(
    dataset: Annotated[str, typer.Option(help="Dataset whose gold to train on.")],
    source: Annotated[
        str, typer.Option(help="Records to learn from: gold, or an annotator's name.")
    ] = "gold",
    schema: SchemaOption = None,
    base: Annotated[
        str | None,
        typer.Option(help="spaCy pipeline (name or path) to start from. Default: the schema's."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            file_okay=False,
            help="Folder for the pipeline. Default: <root>/<dataset>/models/<dataset>-v<N>.",
        ),
    ] = None,
    dev: Annotated[
        float,
        typer.Option(help="Share of the documents held out for dev (0: none, no dev scores)."),
    ] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the split and of training.")] = 0,
    max_steps: Annotated[int, typer.Option(min=1, help="Training steps.")] = 50,
    relations: Annotated[
        bool,
        typer.Option(
            "--relations/--no-relations",
            help="Also train the relation model (else the schema's rules keep suggesting).",
        ),
    ] = True,
    only_if_better: Annotated[
        bool,
        typer.Option(
            "--only-if-better",
            help="Keep the model only if it is not worse than the base on dev.",
        ),
    ] = False,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Train the model on a dataset's gold; it then suggests for that dataset by default."""
    # imported here, not for `train --help`: training imports spaCy (~0.4 s)
    from redline.training.entities import TrainOptions, train_model

    label_schema = resolve_schema(schema)
    store = open_dataset(dataset, root)
    options = TrainOptions(
        source=source,
        base=base,
        out=out_dir,
        dev=dev,
        seed=seed,
        max_steps=max_steps,
        relations=relations,
        only_if_better=only_if_better,
    )
    # Started on the first step: bad input is reported before any bar is drawn.
    progress = progress_bar()
    task = progress.add_task("training ner", total=max_steps, start=False)

    def on_progress(step: TrainProgress) -> None:
        if not progress.live.is_started:
            progress.start()
            progress.start_task(task)
        loss = "—" if step.loss is None else f"{step.loss:.1f}"
        score = "—" if step.score is None else f"{step.score:.3f}"
        progress.update(
            task,
            completed=step.step,
            description=f"training ner · loss {loss} · dev ents_f (raw ner labels) {score}",
        )

    try:
        result = train_model(store, label_schema, options, on_progress)
    finally:
        if progress.live.is_started:
            progress.stop()
    print_training(result)
