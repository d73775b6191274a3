"""``redline store migrate`` and ``redline store copy``: a team's PostgreSQL store made ready,
and datasets moved between stores (JSONL folder <-> PostgreSQL) without losing a record."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.options import notice, out, progress_bar
from redline.errors import RedlineError
from redline.store import is_postgres_url, open_store, shown_store, shown_url


def migrate(
    store_url: Annotated[
        str,
        typer.Option(
            "--store", envvar="REDLINE_STORE", metavar="URL", help="The postgresql:// URL."
        ),
    ],
) -> None:
    """Create or upgrade redline's tables in a PostgreSQL database (safe to run again)."""
    from redline.store.migrations import LATEST
    from redline.store.migrations import migrate as apply
    from redline.store.postgres_connection import connect

    if not is_postgres_url(store_url):
        raise RedlineError("store migrate is for a postgresql:// store (a folder needs none)")
    with connect(store_url) as connection:
        applied = apply(connection)
    done = f"applied migration(s) {', '.join(map(str, applied))}" if applied else "up to date"
    out.print(f"{shown_url(store_url)}: {done} (version {LATEST})", markup=False, soft_wrap=True)


def copy(
    source: Annotated[str, typer.Argument(metavar="SRC", help="A folder or a postgresql:// URL.")],
    target: Annotated[str, typer.Argument(metavar="DST", help="A folder or a postgresql:// URL.")],
) -> None:
    """Copy every dataset of SRC into DST: records DST has are not copied again; then every
    record is looked for in DST."""
    from redline.store.copying import copy_store

    with progress_bar(terminal_only=True) as bar:
        task = bar.add_task("copying records", total=None)
        result = copy_store(
            source,
            target,
            lambda name, where: open_store(name, store=where),
            lambda done, total: bar.update(task, completed=done, total=total),
        )
    if not result.datasets:
        notice("warning", f"{shown_store(source)}: no dataset to copy")
    out.print(
        f"copied {result.copied} record(s) of {len(result.datasets)} dataset(s) into "
        f"{shown_store(target)}; "
        f"{result.already} already there; {result.verified} verified",
        markup=False,
        soft_wrap=True,
    )
