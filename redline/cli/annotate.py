"""``redline annotate`` (the terminal UI) and ``redline serve`` (the same UI in a browser).

Textual and textual-serve are imported inside the commands: every other command starts
without them.
"""

from __future__ import annotations

import shlex
import sys
from typing import Annotated

import typer

from redline.cli.options import KeymapOption, RootOption, SchemaOption, notice, report_skipped
from redline.cli.suggest import ModelOption, choose_model
from redline.corpus import Corpus
from redline.errors import RedlineError
from redline.schema.labels import resolve_schema
from redline.store import DEFAULT_ROOT, check_name, open_dataset
from redline.suggest import Suggester


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
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Annotate a corpus in the terminal: correct the model's entities and relations."""
    from redline.tui.app import RedlineApp
    from redline.tui.bindings import load_keymap
    from redline.worklist import Worklist

    if source == "-":
        raise RedlineError("annotate reads your keys from the terminal: give SOURCE as a file")
    label_schema = resolve_schema(schema)
    keys = load_keymap(keymap)
    corpus = Corpus(source)
    store = open_dataset(dataset, root)
    suggester = None if no_suggestions else Suggester(label_schema, choose_model(store, model))
    worklist = Worklist(corpus, store, annotator, label_schema, suggester)
    position = worklist.position_of(start) if start is not None else None
    try:
        RedlineApp(worklist, start=position, keymap=keys).run()
    finally:
        # A big corpus is indexed while the first document is on screen, so its bad lines
        # are known only now; listed after the UI, where they stay readable.
        worklist.finish_index()
        report_skipped(corpus)


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
    if host not in LOCAL_HOSTS:
        notice(
            "warning",
            f"serving on {host}: anyone who can reach it can annotate as you; "
            "textual-serve has no authentication",
        )
    Server(shlex.join(command), host=host, port=port, title="redline").serve()
