"""``redline review``: annotators' versions adjudicated into gold, in the UI or (``--auto``)
the unanimous documents only."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.options import (
    AnnotatorsOption,
    KeymapOption,
    RootOption,
    SchemaOption,
    StoreOption,
    warn,
)
from redline.cli.render import print_auto_review, print_merged_into_gold
from redline.store import DEFAULT_ROOT, open_store


def review(
    dataset: Annotated[str, typer.Option(help="Dataset whose annotators' versions to adjudicate.")],
    reviewer: Annotated[str, typer.Option(help="Your name (kept in each gold record's meta).")],
    annotators: AnnotatorsOption = None,
    auto: Annotated[
        bool, typer.Option("--auto", help="Merge the unanimous documents only, without the UI.")
    ] = False,
    schema: SchemaOption = None,
    keymap: KeymapOption = None,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Adjudicate annotators' disagreements into annotations/<dataset>/gold.jsonl."""
    store = open_store(dataset, root, store_url)
    if auto:
        from redline.review import auto_review
        from redline.schema.shipped import resolve_schema

        # The merge itself reads no label, but a --schema given is read (one error line
        # for a typo) rather than silently ignored.
        if schema is not None:
            resolve_schema(schema)

        result = auto_review(store, reviewer, annotators)
        # Lines of the annotators' files that cannot be read took no part in the merge.
        warn(result.problems)
        print_auto_review(result, dataset)
        return
    from redline.review import ReviewWorklist
    from redline.schema.shipped import resolve_schema
    from redline.tui.app import RedlineApp
    from redline.tui.bindings import load_keymap

    keys = load_keymap(keymap)
    worklist = ReviewWorklist.start(store, reviewer, resolve_schema(schema), annotators)
    warn(worklist.auto.problems)
    print_merged_into_gold(worklist.auto)
    RedlineApp(worklist, keymap=keys, text_first=True).run()
