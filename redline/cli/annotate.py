"""``redline annotate``: the terminal UI (``redline serve``, the same UI in a browser, is
:mod:`.serve`).

Textual is imported with this module, which only ``annotate`` and ``review`` import: every
other command starts without it (:mod:`redline.cli.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from redline.cli.options import (
    KeymapOption,
    ModelOption,
    RootOption,
    SchemaOption,
    StoreOption,
    choose_model,
    notice,
    progress_bar,
    report_skipped,
)
from redline.cli.queue_options import OrderOption, RetrainOption, SeedOption
from redline.corpus import Corpus
from redline.corpus.order import DocumentOrder
from redline.errors import RedlineError
from redline.schema.labels import LabelSchema
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, DatasetStore, open_store
from redline.suggest import Suggester
from redline.training.background import Retrainer
from redline.tui.app import RedlineApp
from redline.tui.bindings import load_keymap
from redline.worklist import Worklist

if TYPE_CHECKING:
    from rich.progress import TaskID
    from textual.app import App


def annotate(
    source: Annotated[
        str, typer.Argument(help="A folder of .txt files, a .jsonl file, a .txt file.")
    ],
    dataset: Annotated[str, typer.Option(help="Dataset to save into (a folder under --root).")],
    annotator: Annotated[
        str | None,
        typer.Option(help="Your name: your versions go to <annotator>.jsonl (or use --team)."),
    ] = None,
    team: Annotated[
        bool,
        typer.Option(
            "--team",
            help="Ask for a team member's token (`redline team add`) and open their own queue: "
            "what each session of `serve --team` runs.",
        ),
    ] = False,
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
    store_url: StoreOption = None,
) -> None:
    """Annotate a corpus in the terminal: correct the model's entities and relations."""
    if source == "-":
        raise RedlineError("annotate reads your keys from the terminal: give SOURCE as a file")
    label_schema = resolve_schema(schema)
    keys = load_keymap(keymap)
    corpus = Corpus(source)
    if team == (annotator is not None):
        raise RedlineError("give --annotator NAME, or --team to sign in with a token (not both)")
    store = open_store(dataset, root, store_url)
    suggester = None if no_suggestions else Suggester(label_schema, choose_model(store, model))
    if team:
        if retrain_every is not None:
            raise RedlineError("--retrain-every is for one annotator's session, not --team")
        _team_session(corpus, store, label_schema, suggester, order, seed, keys)
        return
    assert annotator is not None
    if retrain_every is not None and suggester is None:
        raise RedlineError("--retrain-every needs the model: drop --no-suggestions")
    if retrain_every is not None and store_url is not None:
        raise RedlineError("--retrain-every keeps its models beside a JSONL dataset: drop --store")
    worklist = _worklist(corpus, store, annotator, label_schema, suggester, order, seed)
    if retrain_every is not None:
        worklist.retrainer = Retrainer(
            dataset, root, annotator, retrain_every, None if schema is None else str(schema)
        )
    position = worklist.position_of(start) if start is not None else None
    lost = (
        "the open document's edits that were not saved are lost (a document is written only "
        f"when you save it); every version you saved is in {worklist.log.location}"
    )
    try:
        run_app(RedlineApp(worklist, start=position, keymap=keys, text_first=True), lost)
    finally:
        # A big corpus is indexed while the first document is on screen, so its bad lines
        # are known only now; listed after the UI, where they stay readable.
        worklist.finish_index()
        report_skipped(corpus)


def _team_session(
    corpus: Corpus,
    store: DatasetStore,
    schema: LabelSchema,
    suggester: Suggester | None,
    order: str,
    seed: int,
    keys: dict[str, str],
) -> None:
    """A served session of a team: nothing opens before a member's token is given."""
    from redline.team import member_of

    def sign_in(token: str) -> Worklist | None:
        name = member_of(store, token)
        if name is None:
            return None
        return _worklist(corpus, store, name, schema, suggester, order, seed)

    lost = "the open document's edits that were not saved are lost; every saved version is kept"
    run_app(RedlineApp(None, keymap=keys, sign_in=sign_in, text_first=True), lost)


def run_app(app: App[Any], lost: str) -> None:
    """Run a Textual app to its end; exit non-zero if an unhandled exception ended it.

    Textual catches such an exception itself: it prints the traceback, sets the app's
    ``return_code`` to 1 and ``run()`` returns as after a normal quit. Here that return code
    becomes the exit status, and stderr says so with ``lost``: what the crash lost, and where
    the work that was saved is."""
    app.run()
    if app.return_code:
        notice("error", f"the UI stopped on an unexpected error (traceback above): {lost}", "red")
        raise typer.Exit(app.return_code)


def _worklist(
    corpus: Corpus,
    store: DatasetStore,
    annotator: str,
    schema: LabelSchema,
    suggester: Suggester | None,
    order: str,
    seed: int,
) -> Worklist:
    """The worklist in the order asked for, under a progress bar for what takes seconds: the
    first open of a big annotator file (every record checked) and, for ``uncertain``,
    scoring every unsaved document."""
    progress = progress_bar()
    reading = progress.add_task(
        f"checking {annotator}'s saved records, MB (first open: indexed for the next)",
        start=False,
        visible=False,
    )
    ranking = progress.add_task(
        "ranking documents by the model's uncertainty", start=False, visible=False
    )
    started: set[TaskID] = set()

    def show(which: TaskID, done: int, total: int) -> None:
        if not progress.live.is_started:
            progress.start()
        if which not in started:
            started.add(which)
            progress.start_task(which)
        progress.update(which, completed=done, total=total, visible=True)

    def on_reading(done: int, total: int) -> None:
        show(reading, round(done / 1e6), max(1, round(total / 1e6)))

    def on_progress(done: int, total: int) -> None:
        show(ranking, done, total)

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
            on_reading=on_reading,
        )
    finally:
        if progress.live.is_started:
            progress.stop()
