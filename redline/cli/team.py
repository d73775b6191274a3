"""``redline team add``: a team member's personal sign-in token for ``serve --team``."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.options import RootOption, StoreOption, out
from redline.store import DEFAULT_ROOT, open_store


def add(
    name: Annotated[str, typer.Argument(help="The annotator's name (their versions' name).")],
    dataset: Annotated[str, typer.Option(help="The dataset they annotate.")],
    url: Annotated[
        str, typer.Option(help="Where `redline serve --team` is reached (behind TLS).")
    ] = "http://127.0.0.1:8000/",
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Make NAME a new token (shown once; only its hash is kept) and print their link."""
    from redline.team import add_member

    token = add_member(open_store(dataset, root, store_url), name)
    out.print(f"{name}: {url}", markup=False, soft_wrap=True)
    out.print(f"token (give it to {name} only; it is shown once): {token}", markup=False,
              soft_wrap=True)  # fmt: skip
