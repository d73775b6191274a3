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
    from redline.metrics.stats import AnnotatorStats, LabelSummary, StatsLabels
    from redline.review import AutoReviewResult
    from redline.schema.labels import LabelSchema
    from redline.schema.routes import PoolProgress
    from redline.suggest import Suggester, SuggestRun


def print_json(data: object) -> None:
    """``--json``: indented, as bytes (orjson), for machines."""
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    sys.stdout.write("\n")


def coloured(label: str, color: str) -> str:
    """A label as markup in its colour: escaped, as a label may be any name without a space
    (``[x]`` is one), and plain where the schema gives no colour (``[]`` is no markup)."""
    return f"[{color}]{escape(label)}[/]" if color else escape(label)


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
            coloured(label, entity.color),
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
            escape(relation.label),
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


def print_imported(count: int, location: str, *, unchanged: int = 0, skipped: int = 0) -> None:
    """``imported N record(s) into F``, then what was not appended and why: records equal to
    the stored version, records left out for the problems printed above."""
    parts = [f"imported {count} record(s) into {escape(location)}"]
    if unchanged:
        parts.append(f"{unchanged} unchanged (already stored)")
    if skipped:
        parts.append(f"{skipped} skipped (problems above)")
    out.print("; ".join(parts), soft_wrap=True)  # one line, however long the path


def print_stats(
    rows: list[AnnotatorStats], dataset: str, labels: StatsLabels, pool: PoolProgress | None
) -> None:
    """:func:`stats_tables`, printed."""
    for part in stats_tables(rows, dataset, labels, pool):
        out.print(part, soft_wrap=isinstance(part, str))  # a sentence stays one line in a pipe


def pool_line(pool: PoolProgress) -> str:
    """Where documents handed out on demand stand, under the table (``done`` is then each
    annotator's documents so far: saved, and held)."""
    return (
        f"handed out on demand: {pool.saved} of {pool.needed} versions saved "
        f"({pool.documents} documents), {pool.held} held unsaved, "
        f"{pool.to_hand_out} still to hand out"
    )


def stats_tables(
    rows: list[AnnotatorStats],
    dataset: str,
    labels: StatsLabels,
    pool: PoolProgress | None = None,
) -> list[Table | str]:
    parts = _stats_tables(rows, dataset, labels)
    return parts if pool is None else [*parts, pool_line(pool)]


def _stats_tables(
    rows: list[AnnotatorStats], dataset: str, labels: StatsLabels
) -> list[Table | str]:
    """One row per annotator with a column per entity label, then (in italics) per relation,
    where that fits the width. With many labels it would not (20 labels at 80 columns were
    cut to one digit each): then one table per annotator of their progress, and one of the
    counts with a row per label and a column per annotator (or, with too many annotators for
    that, a row per label and annotator). A list, so ``stats --live`` can redraw it whole."""
    wide = _stats_wide(rows, dataset, labels)
    if out.fits(wide):
        if labels.relations:
            return [wide, "[italic]italic columns are relations[/]"]
        return [wide]
    by_label = _stats_by_label(rows, labels)
    if not out.fits(by_label):
        # Too many annotators for a column each; a label too long for any layout stays here.
        long = _stats_by_label_and_annotator(rows, labels)
        by_label = long if out.fits(long) else by_label
    return [_stats_progress(rows, dataset), by_label]


_PROGRESS_COLUMNS = ("annotator", "done", "accept", "reject", "ignore", "flagged")


def _progress_cells(row: AnnotatorStats) -> list[str]:
    return [
        escape(row.annotator),
        f"{row.documents}/{row.total}",
        str(row.answers["accept"]),
        str(row.answers["reject"]),
        str(row.answers["ignore"]),
        str(row.flagged),
    ]


def _bad_lines(row: AnnotatorStats) -> str:
    bad = len(row.invalid_lines) + len(row.torn_lines)
    return f"[red]{bad}[/]" if bad else "0"


def _stats_wide(rows: list[AnnotatorStats], dataset: str, labels: StatsLabels) -> Table:
    table = Table(title=f"dataset {escape(dataset)}", title_justify="left")
    for column in _PROGRESS_COLUMNS:
        table.add_column(column, justify="left" if column == "annotator" else "right")
    for label in labels.entities:
        table.add_column(escape(label), justify="right")
    for label in labels.relations:
        table.add_column(escape(label), justify="right", style="italic")
    table.add_column("bad lines", justify="right")
    for row in rows:
        table.add_row(
            *_progress_cells(row),
            *(str(row.spans[label]) for label in labels.entities),
            *(str(row.relations[label]) for label in labels.relations),
            _bad_lines(row),
        )
    return table


def _stats_progress(rows: list[AnnotatorStats], dataset: str) -> Table:
    table = Table(title=f"dataset {escape(dataset)}", title_justify="left")
    for column in (*_PROGRESS_COLUMNS, "bad lines"):
        table.add_column(column, justify="left" if column == "annotator" else "right")
    for row in rows:
        table.add_row(*_progress_cells(row), _bad_lines(row))
    return table


def _label_rows(labels: StatsLabels) -> list[tuple[str, str]]:
    """(label, kind) in the table's order: a relation may share an entity's name."""
    return [(label, "entity") for label in labels.entities] + [
        (label, "relation") for label in labels.relations
    ]


def _count(row: AnnotatorStats, label: str, kind: str) -> str:
    return str((row.spans if kind == "entity" else row.relations)[label])


def _stats_by_label(rows: list[AnnotatorStats], labels: StatsLabels) -> Table:
    table = Table(title="spans and relations per label", title_justify="left")
    table.add_column("label", style="bold")
    table.add_column("kind")
    for row in rows:
        table.add_column(escape(row.annotator), justify="right")
    for label, kind in _label_rows(labels):
        table.add_row(escape(label), kind, *(_count(row, label, kind) for row in rows))
    return table


def _stats_by_label_and_annotator(rows: list[AnnotatorStats], labels: StatsLabels) -> Table:
    table = Table(title="spans and relations per label", title_justify="left")
    for column in ("label", "kind", "annotator", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for label, kind in _label_rows(labels):
        for row in rows:
            table.add_row(escape(label), kind, escape(row.annotator), _count(row, label, kind))
        table.add_section()
    return table


def print_schema(schema: LabelSchema) -> None:
    """``schema check``: every label with its key, kind and (for relations) head → child."""
    title = f"schema {escape(schema.name)} ({schema.hash})"
    table = Table(title=title, title_justify="left")
    for column in ("label", "key", "kind", "constraint", "description"):
        table.add_column(column, overflow="fold")
    for entity in schema.entities:
        table.add_row(
            coloured(entity.label, entity.color),
            escape(entity.key),
            "entity",
            "",
            escape(entity.description),
        )
    for relation in schema.relations:
        constraint = f"{'|'.join(relation.head)} → {'|'.join(relation.child)}"
        table.add_row(
            escape(relation.label),
            escape(relation.key),
            "relation",
            escape(constraint),
            escape(relation.description),
        )
    out.print(table)
