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
from redline.cli.lazy import LazyTable, lazy_group
from redline.cli.options import err, notice, out
from redline.errors import RedlineError, display_path

COMMANDS: LazyTable = {
    "suggest": (
        "redline.cli.suggest:suggest",
        "Pre-annotate a corpus with the model and the schema's rules (cached per text).",
    ),
    "annotate": (
        "redline.cli.annotate:annotate",
        "Annotate a corpus in the terminal: correct the model's entities and relations.",
    ),
    "review": (
        "redline.cli.review:review",
        "Adjudicate annotators' disagreements into annotations/<dataset>/gold.jsonl.",
    ),
    "export": (
        "redline.cli.export:export",
        "Export a dataset's gold (or one annotator's) records for training or other tools.",
    ),
    "import": (
        "redline.cli.importing:import_records",
        "Import Prodigy, brat, our JSONL or plain text as records, validated against the schema.",
    ),
    "serve": (
        "redline.cli.serve:serve",
        "The annotate UI in a browser: one annotator's, or with --team each session signs in.",
    ),
    "stats": (
        "redline.cli.stats:stats",
        "Per annotator: documents done, answers, spans and relations per label, bad lines.",
    ),
    "route": (
        "redline.cli.route:route",
        "Route the corpus's documents to the annotators; `annotate` then shows each only theirs.",
    ),
    "agreement": (
        "redline.cli.metrics:agreement",
        "Inter-annotator agreement: span/relation F1, Cohen's and Fleiss' kappa, alpha, alpha_U.",
    ),
    "evaluate": (
        "redline.cli.metrics:evaluate",
        "Precision, recall and F1 of an annotator or the model against gold, and edit counts.",
    ),
    "train": (
        "redline.cli.train:train",
        "Train the model on a dataset's gold; it then suggests for that dataset by default.",
    ),
}
"""Every command, by the module it lives in and its one-line help (:mod:`.lazy`)."""

SCHEMA_COMMANDS: LazyTable = {
    "export": (
        "redline.cli.schema:export",
        "Write the JSON Schema of one JSONL record, generated from the pydantic models.",
    ),
    "check": (
        "redline.cli.schema:check",
        "Load a label schema and show its labels (errors name the file and field).",
    ),
    "from-brat": (
        "redline.cli.schema:from_brat",
        "Make a label schema from brat's annotation.conf (what it cannot hold is a warning).",
    ),
    "from-prodigy": (
        "redline.cli.schema:from_prodigy",
        "Make a label schema from the span and relation labels of Prodigy tasks.",
    ),
}
STORE_COMMANDS: LazyTable = {
    "migrate": (
        "redline.cli.store:migrate",
        "Create or upgrade redline's tables in a PostgreSQL database (safe to run again).",
    ),
    "copy": (
        "redline.cli.store:copy",
        "Copy every dataset of SRC into DST: records DST has are not copied again; then every "
        "record is looked for in DST.",
    ),
}
TEAM_COMMANDS: LazyTable = {
    "add": (
        "redline.cli.team:add",
        "Make NAME a new token (shown once; only its hash is kept) and print their link.",
    )
}

app = typer.Typer(
    name="redline",
    help="Turn raw news articles into gold NER and relation data, in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=lazy_group(COMMANDS),
)
for name, help_text, table in (
    ("schema", "Label schemas and the record format.", SCHEMA_COMMANDS),
    (
        "store",
        "Where the datasets are: a team's PostgreSQL server, a JSONL folder.",
        STORE_COMMANDS,
    ),
    ("team", "A team's sign-in tokens for `serve --team`.", TEAM_COMMANDS),
):
    app.add_typer(
        typer.Typer(), name=name, help=help_text, no_args_is_help=True, cls=lazy_group(table)
    )


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


__all__ = ["app", "main"]
