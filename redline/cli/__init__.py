"""The ``redline`` command: every sub-command is a thin shell over a library function.

Here are the typer app, the map of its commands (one module each, or one per group:
:mod:`.suggest`, :mod:`.annotate`, :mod:`.serve`, :mod:`.review`, :mod:`.export`,
:mod:`.importing`, :mod:`.stats`, :mod:`.metrics`, :mod:`.schema`, :mod:`.train`) and
:func:`main`, the entry point, which turns a user's error into one line instead of a
traceback. What they print is in :mod:`.render` and :mod:`.render_metrics`; what they share
in :mod:`.options`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from redline import __version__
from redline.cli import (
    annotate,
    export,
    importing,
    metrics,
    review,
    route,
    schema,
    serve,
    stats,
    store,
    suggest,
    team,
    train,
)
from redline.cli.options import err, notice, out
from redline.cli.schema import render_json_schema
from redline.errors import RedlineError, display_path

app = typer.Typer(
    name="redline",
    help="Turn raw news articles into gold NER and relation data, in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
schema_app = typer.Typer(help="Label schemas and the record format.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")
store_app = typer.Typer(
    help="Where the datasets are: a team's PostgreSQL server, a JSONL folder.",
    no_args_is_help=True,
)
app.add_typer(store_app, name="store")
team_app = typer.Typer(help="A team's sign-in tokens for `serve --team`.", no_args_is_help=True)
app.add_typer(team_app, name="team")
team_app.command("add")(team.add)

app.command()(suggest.suggest)
app.command()(annotate.annotate)
app.command()(review.review)
app.command("export")(export.export)
app.command("import")(importing.import_records)
app.command()(serve.serve)
app.command()(stats.stats)
app.command()(route.route)
app.command()(metrics.agreement)
app.command()(metrics.evaluate)
app.command()(train.train)
store_app.command("migrate")(store.migrate)
store_app.command("copy")(store.copy)
schema_app.command("export")(schema.export)
schema_app.command("check")(schema.check)
schema_app.command("from-brat")(schema.from_brat)
schema_app.command("from-prodigy")(schema.from_prodigy)


def _version(value: bool) -> None:
    if value:
        out.print(f"redline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn raw news articles into gold NER and relation data, in the terminal."""


def main() -> None:
    """Entry point: user errors are one clear line on stderr, never a traceback."""
    try:
        app()
    except RedlineError as error:
        notice("error", error, style="red")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        sys.exit(130)
    except OSError as error:
        # Whatever the library did not word itself (a full disk, a folder without write
        # permission): still one line naming the file, not a traceback.
        where = f"{display_path(Path(error.filename))}: " if error.filename else ""
        message = escape(f"{where}{error.strerror or error}")
        err.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
        sys.exit(1)


__all__ = ["app", "main", "render_json_schema"]
