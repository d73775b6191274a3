"""The tables of ``agreement`` and ``evaluate``: pairwise and overall agreement, the label
confusion heat-map, precision/recall/F1 per label and the edits made to the suggestions.

Apart from :mod:`.render` because these two reports are half of everything the CLI prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from redline.cli.options import out
from redline.metrics.answer_policy import LEFT_OUT_FOR_ANSWERS
from redline.metrics.edits import EDIT_KINDS

if TYPE_CHECKING:
    from redline.metrics.compared import Score
    from redline.metrics.f1 import Counts, PairF1
    from redline.metrics.report import AgreementReport, EvaluationReport


def number(value: float | None, digits: int = 3) -> str:
    """A score as shown: three decimals, or a dash where there was nothing to measure."""
    return "—" if value is None else f"{value:.{digits}f}"


def _table(title: str, columns: tuple[str, ...]) -> Table:
    """A table whose first column (the row's name) is left-aligned, the numbers right."""
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="right" if index else "left")
    return table


# -- agreement ----------------------------------------------------------------------------


def print_agreement(report: AgreementReport, dataset: str, *, per_doc: bool = False) -> None:
    """Who was compared on what, then one table per view of the agreement; ``per_doc`` adds
    the documents, lowest agreement first (where to look for guideline trouble)."""
    answered = (
        f", {report.left_out_answers} {LEFT_OUT_FOR_ANSWERS}: left out"
        if report.answers_policy == "accept"
        else ", rejected and ignored ones compared as they are"
    )
    out.print(
        f"dataset [bold]{escape(dataset)}[/] · annotators {escape(', '.join(report.annotators))}"
        f" · --answers {report.answers_policy} · {report.documents} documents compared "
        f"({report.left_out} done by one: left out{answered})"
    )
    out.print(_pairwise(report))
    out.print(_per_label(report))
    out.print(_over_all(report))
    out.print(_left_out(report))
    for pair, matrix in report.confusion.items():
        if matrix:
            out.print(_confusion(pair, matrix))
    if per_doc:
        out.print(_documents(report))


def _pairwise(report: AgreementReport) -> Table:
    table = _table(
        "Pairwise agreement",
        ("pair", "span F1 exact", "overlap", "unlabelled", "unl. overlap", "token κ",
         "relation F1", "spans"),
    )  # fmt: skip
    for pair, exact in report.exact.items():
        table.add_row(
            " × ".join(pair),
            number(exact.f1),
            number(report.overlap[pair].f1),
            number(report.unlabelled[pair].f1),
            number(report.unlabelled_overlap[pair].f1),
            number(report.token_kappa[pair].value),
            number(report.relations[pair].f1),
            str(exact.units),
        )
    return table


def _per_label(report: AgreementReport) -> Table:
    table = Table(title="Per label: exact span F1 per pair, alpha_U", title_justify="left")
    table.add_column("label")
    for pair in report.exact:
        table.add_column(" × ".join(pair), justify="right")
    table.add_column("α_U", justify="right")
    for label in report.labels:
        cells = []
        for result in report.exact.values():
            counts = result.per_label.get(label)
            cells.append("—" if counts is None else f"{number(counts.f1)} ({counts.units})")
        alpha_u = report.alpha_u_by_label.get(label)
        table.add_row(escape(label), *cells, number(alpha_u.value if alpha_u else None))
    return table


def _over_all(report: AgreementReport) -> Table:
    table = Table(title="Over all annotators", title_justify="left")
    table.add_column("statistic")
    table.add_column("value", justify="right")
    table.add_column("units", justify="right")
    answers = report.answers
    for name, score in (
        ("Fleiss' κ (tokens of documents all did)", report.fleiss),
        ("Krippendorff's α nominal (tokens, missing allowed)", report.alpha),
        ("Krippendorff's α_U (characters, all labels)", report.alpha_u),
        ("answer: pairwise % agreement", answers.percent if answers else None),
        ("answer: Krippendorff's α", answers.alpha if answers else None),
    ):
        table.add_row(
            name, number(score.value if score else None), str(score.units if score else 0)
        )
    return table


def left_out_reasons(score: Score | PairF1, too_few: str) -> str:
    """How many documents a statistic left out and why: "3 documents (answered reject or
    ignore by someone), 2 (done by one of the two only)"; "none" when it left out none."""
    parts = []
    if score.documents_left_out_answers:
        parts.append((score.documents_left_out_answers, LEFT_OUT_FOR_ANSWERS))
    if score.documents_left_out:
        parts.append((score.documents_left_out, too_few))
    if not parts:
        return "none"
    (n, why), *rest = parts
    first = f"{n} document{'' if n == 1 else 's'} ({why})"
    return ", ".join([first, *(f"{m} ({reason})" for m, reason in rest)])


def _left_out(report: AgreementReport) -> Table:
    """For each statistic, the documents it compared and the ones it left out, with why."""
    table = _table("Documents compared and left out", ("statistic", "documents", "left out"))
    rows: list[tuple[str, Score | PairF1 | None, str]] = [
        (
            f"{' × '.join(pair)}: span F1 (all, per label), token κ, relation F1, confusion",
            exact,
            "done by one of the two only",
        )
        for pair, exact in report.exact.items()
    ]
    answers = report.answers
    rows += [
        ("Fleiss' κ", report.fleiss, f"not done by all {len(report.annotators)}"),
        ("Krippendorff's α, α_U (per label), per document", report.alpha, "done by one only"),
        ("answer agreement (every answer)", answers.alpha if answers else None, "done by one only"),
    ]
    for name, score, too_few in rows:
        if score is not None:
            table.add_row(escape(name), str(score.documents), left_out_reasons(score, too_few))
    return table


def _confusion(pair: tuple[str, str], matrix: Mapping[tuple[str, str], int]) -> Table:
    """A heat-map: rows are the first annotator's labels, columns the second's; the darker
    the cell the more spans, the diagonal (agreement) in green."""
    rows = sorted({a for a, _ in matrix})
    columns = sorted({b for _, b in matrix})
    top = max(matrix.values())
    table = Table(
        title=f"Label confusion on overlapping spans: {pair[0]} (rows) × {pair[1]}",
        title_justify="left",
    )
    table.add_column("")
    for column in columns:
        table.add_column(escape(column), justify="right")
    for row in rows:
        cells = []
        for column in columns:
            count = matrix.get((row, column), 0)
            shade = int(40 + 180 * count / top) if count else 0
            style = f"on rgb({shade // 3},{shade // 2},{shade})" if count else "dim"
            if row == column and count:
                style = f"bold on rgb(0,{shade},{shade // 3})"
            cells.append(f"[{style}] {count} [/]")
        table.add_row(escape(row), *cells)
    return table


def _documents(report: AgreementReport) -> Table:
    table = Table(title="Documents, lowest agreement first", title_justify="left")
    table.add_column("doc_id")
    table.add_column("mean pairwise exact F1", justify="right")
    table.add_column("annotators", justify="right")
    for doc_id, f1, count in report.per_doc:
        table.add_row(escape(doc_id), number(f1), str(count))
    return table


# -- evaluation ---------------------------------------------------------------------------


def print_evaluation(report: EvaluationReport, dataset: str) -> None:
    """Entities (exact and overlapping matches), relations, and how the suggestions were
    edited, each per label and then for all labels."""
    out.print(f"[bold]{report.pred}[/] against [bold]{report.gold}[/] in {dataset}")
    out.print(_entities(report))
    out.print(_relations(report))
    out.print(_edits(report))


def _entities(report: EvaluationReport) -> Table:
    table = _table(
        "Entities",
        ("label", "P exact", "R exact", "F1 exact", "P overlap", "R overlap", "F1 overlap",
         "gold", "pred"),
    )  # fmt: skip
    exact, overlap = report.exact, report.overlap
    rows: list[tuple[str, Counts | None, Counts | None]] = [
        (label, exact.per_label.get(label), overlap.per_label.get(label))
        for label in sorted(set(exact.per_label) | set(overlap.per_label))
    ]
    rows.append(("all", exact.overall, overlap.overall))
    for label, by_exact, by_overlap in rows:
        if by_exact is None or by_overlap is None:
            continue
        table.add_row(
            escape(label), number(by_exact.precision), number(by_exact.recall),
            number(by_exact.f1), number(by_overlap.precision), number(by_overlap.recall),
            number(by_overlap.f1), str(by_exact.tp + by_exact.fn), str(by_exact.tp + by_exact.fp),
        )  # fmt: skip
    return table


def _relations(report: EvaluationReport) -> Table:
    table = _table("Relations", ("label", "P", "R", "F1", "gold", "pred"))
    rows: list[tuple[str, Counts]] = sorted(report.relations.per_label.items())
    rows.append(("all", report.relations.overall))
    for label, counts in rows:
        table.add_row(
            escape(label), number(counts.precision), number(counts.recall), number(counts.f1),
            str(counts.tp + counts.fn), str(counts.tp + counts.fp),
        )  # fmt: skip
    return table


def _edits(report: EvaluationReport) -> Table:
    edits = report.edits
    table = _table(
        f"How annotators changed the suggestions ({edits.documents} records)",
        ("label", *EDIT_KINDS),
    )
    rows: list[tuple[str, Counter[str]]] = sorted(edits.by_label.items())
    rows.append(("all", edits.overall))
    for label, kinds in rows:
        table.add_row(escape(label), *(str(kinds[kind]) for kind in EDIT_KINDS))
    return table
