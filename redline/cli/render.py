"""What the commands print on stdout: summaries and rich tables, from the library's results.

The commands hand over a result object and never build a table themselves; the agreement
and evaluation tables, the biggest, are in :mod:`.render_metrics`.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from redline.cli.options import out
from redline.errors import display_path

if TYPE_CHECKING:
    from redline.formats.export import ExportResult
    from redline.metrics.stats import AnnotatorStats, LabelSummary
    from redline.review import AutoReviewResult
    from redline.schema.labels import LabelSchema
    from redline.suggest import Suggester, SuggestRun


def print_json(data: object) -> None:
    """``--json``: indented, as bytes (orjson), for machines."""
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    sys.stdout.write("\n")


def print_wrote(path: Path, console: Console = out) -> None:
    console.print(f"wrote {escape(display_path(path))}")


def print_suggestions(
    summary: LabelSummary, suggester: Suggester, run: SuggestRun, dataset: str
) -> None:
    """What ``suggest`` found: the run, then the entities and relations per label."""
    model = suggester.model
    out.print(
        f"[bold]{run.documents}[/] documents ({run.computed} analysed, {run.cached} from cache) · "
        f"model [bold]{escape(model.name)}[/] {model.version} · "
        f"schema [bold]{escape(suggester.schema.name)}[/] "
        f"({suggester.schema.hash}) · dataset [bold]{dataset}[/]"
    )
    table = Table(title="Entities suggested", title_justify="left")
    table.add_column("label", style="bold")
    table.add_column("spans", justify="right")
    table.add_column("by rule", justify="right")
    table.add_column("docs", justify="right")
    table.add_column("most frequent", overflow="fold")
    for entity in suggester.schema.entities:
        label = entity.label
        texts = summary.span_texts.get(label, Counter()).most_common(8)
        table.add_row(
            f"[{entity.color}]{label}[/]",
            str(summary.spans[label]),
            str(summary.by_rule[label]),
            str(summary.documents_with[label]),
            escape(", ".join(f"{text} ×{n}" for text, n in texts)),
        )
    out.print(table)
    if not suggester.schema.relations:
        return
    relations = Table(title="Relations suggested", title_justify="left")
    relations.add_column("label", style="bold")
    relations.add_column("count", justify="right")
    relations.add_column("examples", overflow="fold")
    for relation in suggester.schema.relations:
        examples = summary.relation_texts.get(relation.label, Counter()).most_common(4)
        relations.add_row(
            relation.label,
            str(summary.relations[relation.label]),
            escape("; ".join(f"{e} ×{n}" if n > 1 else e for e, n in examples)),
        )
    out.print(relations)


def print_auto_review(result: AutoReviewResult, dataset: str) -> None:
    """``review --auto``: what was merged, and what is left for the review UI."""
    out.print(
        f"merged {result.merged} unanimous document(s) into {dataset}/gold.jsonl "
        f"({result.skipped_existing} already there); {result.conflicts} remain in conflict"
    )


def print_merged_into_gold(result: AutoReviewResult) -> None:
    """Before the review UI opens (and hides it): what the automatic pass already did."""
    out.print(f"merged {result.merged} unanimous document(s) into gold")


def print_export(result: ExportResult, source: str, dataset: str, fmt: str) -> None:
    out.print(
        f"exported {result.documents} {source} document(s) of {dataset} as {fmt}: "
        + escape(", ".join(display_path(p) for p in result.paths))
    )


def print_imported(count: int, location: str) -> None:
    out.print(f"imported {count} record(s) into {escape(location)}")


def print_stats(rows: list[AnnotatorStats], dataset: str) -> None:
    """One row per annotator; a column per entity label, then (in italics) per relation."""
    labels = sorted({label for row in rows for label in row.spans})
    relation_labels = sorted({label for row in rows for label in row.relations})
    table = Table(title=f"dataset {dataset}", title_justify="left")
    for column in ("annotator", "done", "accept", "reject", "ignore", "flagged"):
        table.add_column(column, justify="left" if column == "annotator" else "right")
    for label in labels:
        table.add_column(escape(label), justify="right")
    for label in relation_labels:
        table.add_column(escape(label), justify="right", style="italic")
    table.add_column("bad lines", justify="right")
    for row in rows:
        bad = len(row.invalid_lines) + len(row.torn_lines)
        table.add_row(
            row.annotator,
            f"{row.documents}/{row.total}",
            str(row.answers["accept"]),
            str(row.answers["reject"]),
            str(row.answers["ignore"]),
            str(row.flagged),
            *(str(row.spans[label]) for label in labels),
            *(str(row.relations[label]) for label in relation_labels),
            f"[red]{bad}[/]" if bad else "0",
        )
    out.print(table)
    if relation_labels:
        out.print("[italic]italic columns are relations[/]")


def print_schema(schema: LabelSchema) -> None:
    """``schema check``: every label with its key, kind and (for relations) head → child."""
    title = f"schema {escape(schema.name)} ({schema.hash})"
    table = Table(title=title, title_justify="left")
    for column in ("label", "key", "kind", "constraint", "description"):
        table.add_column(column, overflow="fold")
    for entity in schema.entities:
        table.add_row(
            f"[{entity.color}]{entity.label}[/]",
            escape(entity.key),
            "entity",
            "",
            escape(entity.description),
        )
    for relation in schema.relations:
        constraint = f"{'|'.join(relation.head)} → {'|'.join(relation.child)}"
        table.add_row(
            relation.label,
            escape(relation.key),
            "relation",
            constraint,
            escape(relation.description),
        )
    out.print(table)
