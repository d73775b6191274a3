"""What ``redline train`` prints: the run, then base against trained on the dev split."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from redline.cli.options import out
from redline.cli.render_metrics import number
from redline.errors import display_path

if TYPE_CHECKING:
    from redline.metrics.f1 import PairF1
    from redline.training.entities import TrainResult


def print_training(result: TrainResult) -> None:
    """The model written, the documents it learnt from, the score tables and notes."""
    data = result.data
    documents = result.meta.get("redline", {}).get("documents", {})
    if not result.kept:
        out.print(
            f"[bold]not kept[/]: {escape(result.name)} is worse than {escape(result.base)} on "
            "dev (--only-if-better); nothing written"
        )
    out.print(
        f"trained [bold]{escape(result.name)}[/] {escape(result.version)} from "
        f"[bold]{escape(result.base)}[/] in {result.seconds:.1f}s · "
        f"{documents.get('train', 0)} train / {documents.get('dev', 0)} dev documents · "
        f"{len(data.rehearsal)} rehearsal text(s)"
        + (f" · wrote {escape(display_path(result.model_dir))}" if result.kept else "")
    )
    comparison = result.comparison
    if not comparison.entities:
        out.print("no dev split (--dev 0): no dev scores")
    else:
        out.print(_table("Entities on dev (exact spans)", comparison.entities))
        if any(r.units for r in comparison.relations.values()):
            out.print(
                _table(
                    "Relations on dev (base: the schema's rules; trained: the relation "
                    "model, rules for labels it did not learn; each over its own entities)",
                    comparison.relations,
                )
            )
    if result.relation_note:
        out.print(f"no relation model: {escape(result.relation_note)}")
    if comparison.unseen is not None:
        out.print(
            f"on {comparison.unseen_documents} text(s) the gold never saw, the trained model "
            f"keeps entity F1 {number(comparison.unseen.f1)} against the base's own suggestions"
        )


def _table(title: str, results: dict[str, PairF1]) -> Table:
    base, trained = results.get("base"), results.get("trained")
    table = Table(title=title, title_justify="left")
    table.add_column("label", style="bold")
    for who in ("base", "trained"):
        for column in ("P", "R", "F1"):
            table.add_column(f"{who} {column}", justify="right")
    table.add_column("gold", justify="right")
    labels = sorted({*(base.per_label if base else {}), *(trained.per_label if trained else {})})
    for label in [*labels, "overall"]:
        row = [escape(label)]
        gold = 0
        for result in (base, trained):
            counts = None
            if result is not None:
                counts = result.overall if label == "overall" else result.per_label.get(label)
            if counts is None:
                row += ["-", "-", "-"]
                continue
            row += [number(counts.precision), number(counts.recall), number(counts.f1)]
            gold = counts.tp + counts.fn
        row.append(str(gold))
        table.add_row(*row)
    return table
