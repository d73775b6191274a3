"""The ``redline`` command: every sub-command is a thin shell over a library function."""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from redline import __version__
from redline.corpus import Corpus
from redline.errors import RedlineError, display_path
from redline.metrics.stats import dataset_stats
from redline.schema.labels import resolve_schema
from redline.schema.records import Annotation, annotation_json_schema
from redline.store import DEFAULT_ROOT, open_dataset
from redline.suggest.suggester import Suggester, cached_suggestions, suggest_documents

app = typer.Typer(
    name="redline",
    help="Turn raw news articles into gold NER and relation data, in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
schema_app = typer.Typer(help="Label schemas and the record format.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")

out = Console()
err = Console(stderr=True)

SchemaOption = Annotated[
    Path | None,
    typer.Option(
        "--schema",
        help="Label schema (TOML). Default: ./schema/news.toml, else the model's own labels.",
    ),
]
RootOption = Annotated[
    Path, typer.Option("--root", help="Folder that holds the datasets.", show_default=True)
]


def _version(value: bool) -> None:
    if value:
        out.print(f"redline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn raw news articles into gold NER and relation data, in the terminal."""


@app.command()
def suggest(
    source: Annotated[
        str,
        typer.Argument(help="A folder of .txt files, a .jsonl file, a .txt file, or - (stdin)."),
    ],
    schema: SchemaOption = None,
    dataset: Annotated[
        str | None,
        typer.Option(
            help="Dataset whose folder holds the suggestion cache. Default: SOURCE's name."
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the suggestions here, as JSONL records."),
    ] = None,
    n_process: Annotated[int, typer.Option(min=1, help="Processes for spaCy.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per spaCy batch.")] = 64,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Pre-annotate a corpus with the model and the schema's rules (cached per text)."""
    label_schema = resolve_schema(schema)
    corpus = Corpus(source)
    store = open_dataset(dataset or corpus.name, root)
    suggester = Suggester(label_schema)
    if suggester.warning:
        err.print(f"[yellow]warning:[/] {suggester.warning}")
    total = corpus.size_hint()
    with _progress() as progress:
        task = progress.add_task(f"suggesting with {suggester.model.name}", total=total)
        run = suggest_documents(
            lambda: corpus,
            store,
            suggester,
            batch_size=batch_size,
            n_process=n_process,
            on_progress=lambda n: progress.advance(task, n),
        )
    for warning in run.warnings:
        if warning != suggester.warning:
            err.print(f"[yellow]warning:[/] {warning}")
    _report_problems(corpus)
    records = cached_suggestions(corpus, store, suggester)
    if out_file is not None:
        records = _tee_jsonl(records, out_file)
    _print_suggestion_summary(records, suggester, run.documents, run.computed, run.cached, store)
    if out_file is not None:
        err.print(f"wrote {display_path(out_file)}")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def _report_problems(corpus: Corpus) -> None:
    for problem in corpus.problems:
        err.print(f"[yellow]skipped:[/] {problem}", markup=True, highlight=False)
    if corpus.skipped:
        err.print(f"[yellow]{corpus.skipped} document(s) skipped[/]")


class _JsonlWriter:
    """Writes to a temporary file renamed into place, so a crash never leaves half a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        self.temp = Path(name)
        self.handle = os.fdopen(fd, "wb")

    def write(self, record: Annotation) -> None:
        self.handle.write(orjson.dumps(record.model_dump(mode="json")) + b"\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.temp, self.path)

    def abort(self) -> None:
        self.handle.close()
        self.temp.unlink(missing_ok=True)


def _tee_jsonl(records, path: Path):  # type: ignore[no-untyped-def]
    writer = _JsonlWriter(path)
    try:
        for record in records:
            writer.write(record)
            yield record
    except BaseException:
        writer.abort()
        raise
    writer.commit()


def _print_suggestion_summary(
    records, suggester: Suggester, documents: int, computed: int, cached: int, store
) -> None:  # type: ignore[no-untyped-def]
    span_counts: Counter[str] = Counter()
    rule_counts: Counter[str] = Counter()
    doc_counts: Counter[str] = Counter()
    texts: dict[str, Counter[str]] = {}
    relation_counts: Counter[str] = Counter()
    relation_examples: dict[str, Counter[str]] = {}
    for record in records:
        by_id = {s.id: s for s in record.spans}
        for label in {s.label for s in record.spans}:
            doc_counts[label] += 1
        for span in record.spans:
            span_counts[span.label] += 1
            rule_counts[span.label] += span.origin == "rule"
            texts.setdefault(span.label, Counter())[record.span_text(span)] += 1
        for relation in record.relations:
            relation_counts[relation.label] += 1
            head, child = by_id[relation.head], by_id[relation.child]
            example = f"{record.span_text(head)} → {record.span_text(child)}"
            relation_examples.setdefault(relation.label, Counter())[example] += 1
    model = suggester.model
    out.print(
        f"[bold]{documents}[/] documents ({computed} analysed, {cached} from cache) · "
        f"model [bold]{model.name}[/] {model.version} · schema [bold]{suggester.schema.name}[/] "
        f"({suggester.schema.hash}) · dataset [bold]{store.name}[/]"
    )
    table = Table(title="Entities suggested", title_justify="left")
    table.add_column("label", style="bold")
    table.add_column("spans", justify="right")
    table.add_column("by rule", justify="right")
    table.add_column("docs", justify="right")
    table.add_column("most frequent", overflow="fold")
    for entity in suggester.schema.entities:
        label = entity.label
        common = ", ".join(f"{text} ×{n}" for text, n in texts.get(label, Counter()).most_common(8))
        table.add_row(
            f"[{entity.color}]{label}[/]",
            str(span_counts[label]),
            str(rule_counts[label]),
            str(doc_counts[label]),
            common,
        )
    out.print(table)
    if suggester.schema.relations:
        relations = Table(title="Relations suggested", title_justify="left")
        relations.add_column("label", style="bold")
        relations.add_column("count", justify="right")
        relations.add_column("examples", overflow="fold")
        for relation in suggester.schema.relations:
            examples = relation_examples.get(relation.label, Counter()).most_common(4)
            relations.add_row(
                relation.label,
                str(relation_counts[relation.label]),
                "; ".join(f"{e} ×{n}" if n > 1 else e for e, n in examples),
            )
        out.print(relations)


@app.command()
def stats(
    dataset: Annotated[str, typer.Option(help="Dataset name (a folder under --root).")],
    source: Annotated[
        str | None, typer.Option(help="The corpus, to count documents not yet annotated.")
    ] = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Per annotator: documents done, answers, spans and relations per label, bad lines."""
    store = open_dataset(dataset, root)
    doc_ids = [d.doc_id for d in Corpus(source)] if source else None
    rows = dataset_stats(store, doc_ids)
    labels = sorted({label for row in rows for label in row.spans})
    relation_labels = sorted({label for row in rows for label in row.relations})
    table = Table(title=f"dataset {dataset}", title_justify="left")
    for column in ("annotator", "done", "accept", "reject", "ignore", "flagged"):
        table.add_column(column, justify="left" if column == "annotator" else "right")
    for label in labels:
        table.add_column(label, justify="right")
    for label in relation_labels:
        table.add_column(label, justify="right", style="italic")
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
    for row in rows:
        for line in [*row.invalid_lines, *row.torn_lines]:
            err.print(f"[yellow]warning:[/] {line}", highlight=False)


@schema_app.command("export")
def schema_export(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the JSON Schema.")] = Path(
        "schema/annotation.schema.json"
    ),
) -> None:
    """Write the JSON Schema of one JSONL record, generated from the pydantic models."""
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(render_json_schema())
    out.print(f"wrote {display_path(out_file)}")


@schema_app.command("check")
def schema_check(schema: SchemaOption = None) -> None:
    """Load a label schema and show its labels (errors name the file and field)."""
    label_schema = resolve_schema(schema)
    table = Table(title=f"schema {label_schema.name} ({label_schema.hash})", title_justify="left")
    for column in ("label", "key", "kind", "constraint", "description"):
        table.add_column(column, overflow="fold")
    for entity in label_schema.entities:
        table.add_row(
            f"[{entity.color}]{entity.label}[/]", entity.key, "entity", "", entity.description
        )
    for relation in label_schema.relations:
        constraint = f"{'|'.join(relation.head)} → {'|'.join(relation.child)}"
        table.add_row(relation.label, relation.key, "relation", constraint, relation.description)
    out.print(table)


def render_json_schema() -> bytes:
    return (
        orjson.dumps(annotation_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        + b"\n"
    )


def main() -> None:
    """Entry point: user errors are one clear line on stderr, never a traceback."""
    try:
        app()
    except RedlineError as error:
        err.print(f"[red]error:[/] {error}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        sys.exit(130)
