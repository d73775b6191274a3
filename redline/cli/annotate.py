"""``redline annotate`` (the terminal UI) and ``redline serve`` (the same UI in a browser).

Textual and textual-serve are imported inside the commands: every other command starts
without them.
"""

from __future__ import annotations

import shlex
import sys
from typing import Annotated, cast

import typer

from redline.cli.options import (
    KeymapOption,
    RootOption,
    SchemaOption,
    notice,
    one_of,
    progress_bar,
    report_skipped,
)
from redline.cli.suggest import ModelOption, choose_model
from redline.corpus import Corpus
from redline.corpus.order import ORDERS, DocumentOrder
from redline.errors import RedlineError
from redline.schema.labels import LabelSchema, resolve_schema
from redline.store import DEFAULT_ROOT, DatasetStore, check_name, open_dataset
from redline.suggest import Suggester
from redline.worklist import Worklist

OrderOption = Annotated[
    str,
    typer.Option(
        parser=one_of(ORDERS),
        help="corpus: as the corpus lists them; uncertain: unsaved documents the model is "
        "least sure of first; random: shuffled with --seed.",
    ),
]
SeedOption = Annotated[int, typer.Option(help="Seed of --order random.")]
RetrainOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Train a new model on your saved documents every N saves, in the background; "
        "it replaces the model in use only if it is not worse on dev.",
    ),
]


def annotate(
    source: Annotated[
        str, typer.Argument(help="A folder of .txt files, a .jsonl file, a .txt file.")
    ],
    dataset: Annotated[str, typer.Option(help="Dataset to save into (a folder under --root).")],
    annotator: Annotated[
        str, typer.Option(help="Your name: your versions go to <annotator>.jsonl.")
    ],
    schema: SchemaOption = None,
    start: Annotated[
        str | None, typer.Option(help="Open this doc id first (default: the first not yet saved).")
    ] = None,
    keymap: KeymapOption = None,
    no_suggestions: Annotated[
        bool, typer.Option("--no-suggestions", help="Start from an empty page, without the model.")
    ] = False,
    model: ModelOption = None,
    order: OrderOption = "corpus",
    seed: SeedOption = 0,
    retrain_every: RetrainOption = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Annotate a corpus in the terminal: correct the model's entities and relations."""
    from redline.training.background import Retrainer
    from redline.tui.app import RedlineApp
    from redline.tui.bindings import load_keymap

    if source == "-":
        raise RedlineError("annotate reads your keys from the terminal: give SOURCE as a file")
    label_schema = resolve_schema(schema)
    keys = load_keymap(keymap)
    corpus = Corpus(source)
    store = open_dataset(dataset, root)
    suggester = None if no_suggestions else Suggester(label_schema, choose_model(store, model))
    if retrain_every is not None and suggester is None:
        raise RedlineError("--retrain-every needs the model: drop --no-suggestions")
    worklist = _worklist(corpus, store, annotator, label_schema, suggester, order, seed)
    if retrain_every is not None:
        worklist.retrainer = Retrainer(
            dataset, root, annotator, retrain_every, None if schema is None else str(schema)
        )
    position = worklist.position_of(start) if start is not None else None
    try:
        RedlineApp(worklist, start=position, keymap=keys).run()
    finally:
        # A big corpus is indexed while the first document is on screen, so its bad lines
        # are known only now; listed after the UI, where they stay readable.
        worklist.finish_index()
        report_skipped(corpus)


def _worklist(
    corpus: Corpus,
    store: DatasetStore,
    annotator: str,
    schema: LabelSchema,
    suggester: Suggester | None,
    order: str,
    seed: int,
) -> Worklist:
    """The worklist in the order asked for; ``uncertain`` scores every unsaved document
    first, under a progress bar."""
    progress = progress_bar()
    task = progress.add_task("ranking documents by the model's uncertainty", start=False)

    def on_progress(done: int, total: int) -> None:
        if not progress.live.is_started:
            progress.start()
            progress.start_task(task)
        progress.update(task, completed=done, total=total)

    try:
        return Worklist(
            corpus,
            store,
            annotator,
            schema,
            suggester,
            order=cast(DocumentOrder, order),
            seed=seed,
            on_progress=on_progress,
        )
    finally:
        if progress.live.is_started:
            progress.stop()


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_serve_host(host: str, public: bool) -> None:
    """textual-serve has no authentication: another address only when asked for."""
    if host not in LOCAL_HOSTS and not public:
        raise RedlineError(
            f"refusing to serve on {host}: textual-serve has no authentication; "
            "pass --public if you really mean it"
        )


def serve(
    source: Annotated[str, typer.Argument(help="As for `redline annotate`.")],
    dataset: Annotated[str, typer.Option(help="Dataset to save into.")],
    annotator: Annotated[str, typer.Option(help="Your name.")],
    schema: SchemaOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="Allow an address other than 127.0.0.1 (no authentication!)."
        ),
    ] = False,
    model: ModelOption = None,
    order: OrderOption = "corpus",
    seed: SeedOption = 0,
    retrain_every: RetrainOption = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """The annotate UI in a browser (textual-serve). It has NO authentication: keep it local."""
    from textual_serve.server import Server

    check_serve_host(host, public)
    # Checked here, before the server starts: the app it runs for each browser would only
    # fail inside the page.
    check_name("dataset", dataset)
    check_name("annotator", annotator)
    Corpus(source)
    command = [sys.executable, "-m", "redline", "annotate", source, "--dataset", dataset]
    command += ["--annotator", annotator, "--root", str(root)]
    if schema is not None:
        command += ["--schema", str(schema)]
    if model is not None:
        command += ["--model", model]
    command += ["--order", order, "--seed", str(seed)]
    if retrain_every is not None:
        command += ["--retrain-every", str(retrain_every)]
    if host not in LOCAL_HOSTS:
        notice(
            "warning",
            f"serving on {host}: anyone who can reach it can annotate as you; "
            "textual-serve has no authentication",
        )
    Server(shlex.join(command), host=host, port=port, title="redline").serve()
