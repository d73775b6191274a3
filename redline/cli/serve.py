"""``redline serve``: the annotate UI in a browser, through textual-serve.

Each browser tab gets its own ``redline annotate`` process, so the tab is the session: the
page asks before it is closed or left while that process runs (an unsaved document would be
lost with it). textual-serve is imported inside the command: every other command starts
without it.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.options import ModelOption, RootOption, SchemaOption, StoreOption, notice
from redline.cli.queue_options import OrderOption, RetrainOption, SeedOption
from redline.corpus import Corpus
from redline.errors import RedlineError
from redline.store import DEFAULT_ROOT, check_name

if TYPE_CHECKING:
    from textual_serve.server import Server

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

ASK_BEFORE_LEAVING = """<script>
  // redline: the tab is the annotate session; leaving it ends the session.
  window.addEventListener("beforeunload", (event) => {
    const page = document.body.classList;
    if (page.contains("-first-byte") && !page.contains("-closed")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
</script>
"""
"""Added to textual-serve's page: while the app is on screen (its first bytes arrived and
the socket is not closed) the browser asks "Leave site?". The page cannot see the app's
unsaved edits, so it asks whenever the session is open; once the app has quit, or the
session ended, the tab closes without a question."""


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
    annotator: Annotated[str | None, typer.Option(help="Your name (or --team).")] = None,
    team: Annotated[
        bool,
        typer.Option("--team", help="Each session asks for a member's token (`redline team add`)."),
    ] = False,
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
    store_url: StoreOption = None,
) -> None:
    """The annotate UI in a browser: one annotator's, or with --team each session signs in."""
    # textual-serve itself has no authentication: without --team, keep it on 127.0.0.1.
    check_serve_host(host, public)
    # Checked here, before the server starts: the app it runs for each browser would only
    # fail inside the page.
    check_name("dataset", dataset)
    if team == (annotator is not None):
        raise RedlineError("give --annotator NAME, or --team for a team's sign-in (not both)")
    Corpus(source)
    command = [sys.executable, "-m", "redline", "annotate", source, "--dataset", dataset]
    if annotator is not None:
        command += ["--annotator", check_name("annotator", annotator)]
    else:
        command += ["--team"]
    command += ["--root", str(root)]
    if schema is not None:
        command += ["--schema", str(schema)]
    if model is not None:
        command += ["--model", model]
    command += ["--order", order, "--seed", str(seed)]
    if retrain_every is not None:
        command += ["--retrain-every", str(retrain_every)]
    if store_url is not None:
        # to each session's process by its environment: a password on a command line is
        # there for anyone on the machine to read (ps)
        os.environ["REDLINE_STORE"] = store_url
    if host not in LOCAL_HOSTS:
        notice(
            "warning",
            f"serving on {host}: anyone who can reach it can annotate as you; "
            "textual-serve has no authentication"
            if annotator is not None
            else f"serving on {host}: put it behind TLS (a reverse proxy): tokens cross the "
            "network",
        )
    _server(shlex.join(command), host, port).serve()


def _server(command: str, host: str, port: int) -> Server:
    """textual-serve's server, its page with :data:`ASK_BEFORE_LEAVING` added.

    The page is textual-serve's own template, rendered by its own handler: the script goes in
    after rendering, so a new textual-serve brings its new page with it instead of an old copy
    of its template kept here.
    """
    from aiohttp import web
    from textual_serve.server import Server

    class AskingServer(Server):
        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            page = await super().handle_index(request)
            if isinstance(page, web.Response) and page.text is not None:
                page.text = page.text.replace("</head>", f"{ASK_BEFORE_LEAVING}</head>", 1)
            return page

    return AskingServer(command, host=host, port=port, title="redline")
