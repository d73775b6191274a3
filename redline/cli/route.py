"""``redline route``: each document to exactly k annotators, a fraction to everyone, the rest
split evenly (decided now), or handed out as annotators ask (PostgreSQL); kept in the
dataset's store, where ``annotate`` finds it."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.options import AnnotatorsOption, RootOption, StoreOption, fraction, out
from redline.corpus import Corpus
from redline.errors import RedlineError
from redline.routing import plan_routes
from redline.store import DEFAULT_ROOT, is_postgres_url, open_store


def route(
    source: Annotated[str, typer.Argument(help="The corpus, as for `redline annotate`.")],
    dataset: Annotated[str, typer.Option(help="Dataset the plan is for.")],
    per_doc: Annotated[int, typer.Option("--per-doc", min=1, help="Annotators per document.")],
    annotators: AnnotatorsOption = None,
    everyone: Annotated[
        float | None,
        typer.Option(
            "--all", parser=fraction, help="Fraction of documents every annotator gets (e.g. 0.1)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the draw of the shared documents.")] = 0,
    on_demand: Annotated[
        bool | None,
        typer.Option(
            "--on-demand/--fixed",
            help="Hand documents out as annotators ask (PostgreSQL only; the default there), "
            "or decide who gets what now (the default with a folder).",
            show_default=False,
        ),
    ] = None,
    claim_minutes: Annotated[
        float,
        typer.Option(
            "--claim-minutes",
            min=0.01,
            help="On demand: minutes a document handed out stays the annotator's unsaved.",
        ),
    ] = 30.0,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Route the corpus's documents to the annotators; `annotate` then shows each only theirs."""
    store = open_store(dataset, root, store_url)
    people = list(annotators) if annotators else store.people()
    if not people:
        raise RedlineError(
            f"dataset {dataset!r} has no annotators yet: name them with --annotators a,b,c"
        )
    index = Corpus(source).index().finish()
    if on_demand is None:
        on_demand = is_postgres_url(store_url)
    plan = plan_routes(
        index.doc_ids, people, per_doc, everyone or 0.0, seed, on_demand, claim_minutes
    )
    store.save_routes(plan)
    documents = len(index.doc_ids)
    how = "handed out on demand" if on_demand else "routed"
    out.print(
        f"{how}: {documents} document(s) of {source} to {len(people)} annotator(s): "
        f"{len(plan.everyone)} to everyone, each other to {per_doc}",
        markup=False,
        soft_wrap=True,
    )
    if on_demand:
        out.print(
            f"  each annotator is given the next document that needs one when they ask; "
            f"a document not saved within {claim_minutes:g} minute(s) goes back",
            markup=False,
            soft_wrap=True,
        )
        return
    for name in people:
        out.print(f"  {name}: {len(plan.assignments[name])} document(s)", markup=False)
