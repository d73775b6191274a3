"""The options ``annotate`` and ``serve`` share: the order documents come in, and
retraining in the background (kept apart from :mod:`.options`, which every command imports:
these need the corpus's orders)."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.options import one_of
from redline.corpus.order import ORDERS

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
