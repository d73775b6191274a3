"""``redline agreement`` and ``redline evaluate``: the two measures of a dataset, as tables
or (``--json``) as data."""

from __future__ import annotations

from typing import Annotated, cast

import typer

from redline.cli.options import (
    AnnotatorsOption,
    JsonOption,
    Names,
    RootOption,
    SchemaOption,
    StoreOption,
    comma_names,
    one_of,
    progress_bar,
    warn,
)
from redline.cli.render import print_json
from redline.cli.render_metrics import print_agreement, print_evaluation
from redline.metrics.answer_policy import ANSWER_POLICIES, DEFAULT_ANSWERS, AnswerPolicy
from redline.schema.keys import GOLD_ANNOTATOR
from redline.schema.shipped import resolve_schema
from redline.store import DEFAULT_ROOT, open_store


def agreement(
    dataset: Annotated[str, typer.Option(help="Dataset to measure.")],
    annotators: AnnotatorsOption = None,
    labels: Annotated[
        Names | None,
        typer.Option(
            parser=comma_names,
            metavar="<labels>",
            help="Comma-separated entity labels to restrict to.",
        ),
    ] = None,
    as_json: JsonOption = False,
    per_doc: Annotated[
        bool, typer.Option("--per-doc", help="List documents, lowest agreement first.")
    ] = False,
    answers: Annotated[
        str,
        typer.Option(
            "--answers",
            parser=one_of(ANSWER_POLICIES),
            metavar="accept|all",
            help="Documents the span, token and relation statistics compare: 'accept', "
            "only those every compared annotator accepted; 'all', every one (a rejected or "
            "ignored document as its record, usually empty). Answer agreement is always "
            "over every document.",
        ),
    ] = DEFAULT_ANSWERS,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Inter-annotator agreement: span/relation F1, Cohen's and Fleiss' kappa, alpha, alpha_U."""
    from redline.metrics.report import agreement_json, agreement_report

    store = open_store(dataset, root, store_url)
    label_schema = resolve_schema(schema)  # its language cuts the tokens of kappa and alpha
    if labels:
        label_schema.require_entity_labels(labels)
    with progress_bar(terminal_only=True) as bar:
        task = bar.add_task(f"measuring {dataset}", total=None)
        report = agreement_report(
            store,
            annotators,
            labels,
            lang=label_schema.lang,
            answers=cast(AnswerPolicy, answers),
            on_progress=lambda done, total: bar.update(
                task, description=f"measuring {dataset}", completed=done, total=total
            ),
            on_layout=lambda name, done, total: bar.update(
                task, description=f"laying out {name}'s records", completed=done, total=total
            ),
        )
    warn(report.problems)
    if as_json:
        print_json(agreement_json(report))
    else:
        print_agreement(report, dataset, per_doc=per_doc)


def evaluate(
    dataset: Annotated[str, typer.Option(help="Dataset to evaluate in.")],
    gold: Annotated[
        str, typer.Option(help=f"The reference: '{GOLD_ANNOTATOR}' or an annotator.")
    ] = GOLD_ANNOTATOR,
    pred: Annotated[
        str | None,
        typer.Option(help="An annotator or model:NAME (default: the dataset's model)."),
    ] = None,
    as_json: JsonOption = False,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
    store_url: StoreOption = None,
) -> None:
    """Precision, recall and F1 of an annotator or the model against gold, and edit counts."""
    from redline.metrics.report import evaluation_json, evaluation_report

    store = open_store(dataset, root, store_url)
    lang = resolve_schema(schema).lang
    report = evaluation_report(store, gold, pred, lang=lang)
    warn(report.problems)
    if as_json:
        print_json(evaluation_json(report))
    else:
        print_evaluation(report, dataset)
