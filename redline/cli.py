"""The ``redline`` command: every sub-command is a thin shell over a library function."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
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
from redline.formats import READERS, WRITERS
from redline.formats.jsonl import write_records
from redline.metrics.stats import LabelSummary, dataset_stats, summarize_labels
from redline.schema.labels import resolve_schema
from redline.schema.records import annotation_json_schema
from redline.store import DEFAULT_ROOT, check_name, open_dataset
from redline.suggest.suggester import (
    Suggester,
    SuggestRun,
    cached_suggestions,
    suggest_documents,
)

app = typer.Typer(
    name="redline",
    help="Turn raw news articles into gold NER and relation data, in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
schema_app = typer.Typer(help="Label schemas and the record format.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")

# No emoji codes: a message "file.toml:100: ..." must not print as "file.toml💯 ...".
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)

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
        err.print(f"[yellow]warning:[/] {escape(suggester.warning)}")
    total = corpus.size_hint()
    with _progress() as progress:
        task = progress.add_task(f"suggesting with {escape(suggester.model.name)}", total=total)
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
            err.print(f"[yellow]warning:[/] {escape(warning)}")
    _report_problems(corpus)
    records = cached_suggestions(corpus, store, suggester)
    if out_file is not None:
        records = write_records(out_file, records)
    _print_suggestion_summary(summarize_labels(records), suggester, run, store.name)
    if out_file is not None:
        err.print(f"wrote {escape(display_path(out_file))}")


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


def _one_line(message: object) -> str:
    """A message as printed: user text in it (an id, a label) may hold a line break or a
    control character, shown escaped so that each message stays one ``path:line: ...`` line,
    and brackets, which are not rich markup."""
    text = str(message)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return escape(text)


def _warn(problems: Iterable[object]) -> None:
    """Lines that were skipped, each naming file and line, on stderr (one line each, however
    narrow the terminal: editors and grep read ``path:line: message``)."""
    for problem in problems:
        err.print(f"[yellow]warning:[/] {_one_line(problem)}", highlight=False, soft_wrap=True)


def _report_problems(corpus: Corpus) -> None:
    for problem in corpus.problems:
        err.print(f"[yellow]skipped:[/] {_one_line(problem)}", highlight=False, soft_wrap=True)
    if corpus.skipped:
        err.print(f"[yellow]{corpus.skipped} document(s) skipped[/]")


def _print_suggestion_summary(
    summary: LabelSummary, suggester: Suggester, run: SuggestRun, dataset: str
) -> None:
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


@app.command()
def annotate(
    source: Annotated[
        str, typer.Argument(help="A folder of .txt files, a .jsonl file, a .txt file.")
    ],
    dataset: Annotated[str, typer.Option(help="Dataset to save into (a folder under --root).")],
    annotator: Annotated[
        str, typer.Option(help="Your name: your versions go to <annotator>.jsonl.")
    ],
    schema: SchemaOption = None,
    start: Annotated[
        str | None, typer.Option(help="Open this doc id first (default: the first not yet saved).")
    ] = None,
    keymap: Annotated[
        Path | None,
        typer.Option(
            help="TOML file remapping keys by id (default ~/.config/redline/keymap.toml)."
        ),
    ] = None,
    no_suggestions: Annotated[
        bool, typer.Option("--no-suggestions", help="Start from an empty page, without the model.")
    ] = False,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Annotate a corpus in the terminal: correct the model's entities and relations."""
    from redline.tui.app import RedlineApp
    from redline.tui.bindings import load_keymap
    from redline.worklist import Worklist

    if source == "-":
        raise RedlineError("annotate reads your keys from the terminal: give SOURCE as a file")
    label_schema = resolve_schema(schema)
    keys = load_keymap(keymap)
    corpus = Corpus(source)
    suggester = None if no_suggestions else Suggester(label_schema)
    worklist = Worklist(corpus, open_dataset(dataset, root), annotator, label_schema, suggester)
    position = worklist.position_of(start) if start is not None else None
    try:
        RedlineApp(worklist, start=position, keymap=keys).run()
    finally:
        # A big corpus is indexed while the first document is on screen, so its bad lines
        # are known only now; listed after the UI, where they stay readable.
        worklist.finish_index()
        _report_problems(corpus)


@app.command()
def review(
    dataset: Annotated[str, typer.Option(help="Dataset whose annotators' versions to adjudicate.")],
    reviewer: Annotated[str, typer.Option(help="Your name (kept in each gold record's meta).")],
    annotators: Annotated[
        str | None,
        typer.Option(help="Comma-separated annotators to compare (default: all people)."),
    ] = None,
    auto: Annotated[
        bool, typer.Option("--auto", help="Merge the unanimous documents only, without the UI.")
    ] = False,
    schema: SchemaOption = None,
    keymap: Annotated[Path | None, typer.Option(help="TOML file remapping keys by id.")] = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Adjudicate annotators' disagreements into annotations/<dataset>/gold.jsonl."""
    from redline.review import auto_review

    store = open_dataset(dataset, root)
    chosen = _names(annotators)
    if auto:
        result = auto_review(store, reviewer, chosen)
        # Lines of the annotators' files that cannot be read took no part in the merge.
        _warn(result.problems)
        out.print(
            f"merged {result.merged} unanimous document(s) into {dataset}/gold.jsonl "
            f"({result.skipped_existing} already there); {result.conflicts} remain in conflict"
        )
        return
    from redline.review import ReviewWorklist
    from redline.tui.app import RedlineApp
    from redline.tui.bindings import load_keymap

    keys = load_keymap(keymap)
    worklist = ReviewWorklist.start(store, reviewer, resolve_schema(schema), chosen)
    _warn(worklist.auto.problems)
    out.print(f"merged {worklist.auto.merged} unanimous document(s) into gold")
    RedlineApp(worklist, keymap=keys).run()


def _names(listed: str | None) -> list[str] | None:
    """A comma-separated option as names, empty ones dropped; None when not given."""
    names = [name.strip() for name in listed.split(",") if name.strip()] if listed else []
    return names or None


def _choice(known: Iterable[str]) -> Callable[[str], str]:
    """A converter that takes one of ``known`` (a format registry's names)."""
    names = list(known)

    def parse(value: str) -> str:
        if value not in names:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(names)}")
        return value

    return parse


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a number") from None
    if not 0 < number < 1:
        raise typer.BadParameter(f"{value} is not between 0 and 1 (exclusive)")
    return number


@app.command("export")
def export_command(
    out_path: Annotated[
        Path, typer.Argument(metavar="OUT", help="File (or folder for spacy/brat).")
    ],
    dataset: Annotated[str, typer.Option(help="Dataset to export from.")],
    fmt: Annotated[
        str,
        typer.Option("--format", parser=_choice(WRITERS), help=f"One of: {', '.join(WRITERS)}."),
    ],
    source: Annotated[
        str, typer.Option(help="'gold' (the reviewed set) or an annotator's name.")
    ] = "gold",
    split: Annotated[
        float | None,
        typer.Option(parser=_fraction, help="Fraction of documents for a dev set (e.g. 0.2)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev shuffle.")] = 0,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Export a dataset's gold (or one annotator's) records for training or other tools."""
    from redline.formats.export import export_dataset

    store = open_dataset(dataset, root)
    result = export_dataset(store, source, fmt, out_path, resolve_schema(schema), split, seed)
    _warn(result.problems)
    out.print(
        f"exported {result.documents} {source} document(s) of {dataset} as {fmt}: "
        + escape(", ".join(display_path(p) for p in result.paths))
    )


@app.command("import")
def import_command(
    in_path: Annotated[Path, typer.Argument(metavar="IN", help="File or folder to import.")],
    fmt: Annotated[
        str,
        typer.Option("--format", parser=_choice(READERS), help=f"One of: {', '.join(READERS)}."),
    ],
    dataset: Annotated[str, typer.Option(help="Dataset to import into.")],
    annotator: Annotated[str, typer.Option(help="Whose records they become.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid records despite problems.")
    ] = False,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Import Prodigy, brat, our JSONL or plain text as records, validated against the schema."""
    from redline.formats.importing import import_into

    store = open_dataset(dataset, root)
    result = import_into(
        store, in_path, fmt, annotator, resolve_schema(schema), skip_invalid=skip_invalid
    )
    for problem in result.problems:
        err.print(f"[yellow]problem:[/] {_one_line(problem)}", highlight=False, soft_wrap=True)
    if result.location is None:
        raise RedlineError(
            f"{len(result.problems)} problem(s) in {display_path(in_path)}; nothing was written "
            "(fix them, or pass --skip-invalid to import the other records)"
        )
    out.print(f"imported {len(result.records)} record(s) into {escape(result.location)}")


@app.command()
def serve(
    source: Annotated[str, typer.Argument(help="As for `redline annotate`.")],
    dataset: Annotated[str, typer.Option(help="Dataset to save into.")],
    annotator: Annotated[str, typer.Option(help="Your name.")],
    schema: SchemaOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="Allow an address other than 127.0.0.1 (no authentication!)."
        ),
    ] = False,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """The annotate UI in a browser (textual-serve). It has NO authentication: keep it local."""
    import shlex

    from textual_serve.server import Server

    check_serve_host(host, public)
    # Checked here, before the server starts: the app it runs for each browser would only
    # fail inside the page.
    check_name("dataset", dataset)
    check_name("annotator", annotator)
    Corpus(source)
    command = [sys.executable, "-m", "redline", "annotate", source, "--dataset", dataset]
    command += ["--annotator", annotator, "--root", str(root)]
    if schema is not None:
        command += ["--schema", str(schema)]
    if host not in LOCAL_HOSTS:
        err.print(
            f"[yellow]warning:[/] serving on {host}: anyone who can reach it can annotate "
            "as you; textual-serve has no authentication"
        )
    Server(shlex.join(command), host=host, port=port, title="redline").serve()


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_serve_host(host: str, public: bool) -> None:
    if host not in LOCAL_HOSTS and not public:
        raise RedlineError(
            f"refusing to serve on {host}: textual-serve has no authentication; "
            "pass --public if you really mean it"
        )


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
    corpus = Corpus(source) if source else None
    doc_ids = [d.doc_id for d in corpus] if corpus else None
    rows = dataset_stats(store, doc_ids)
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
    for row in rows:
        _warn([*row.invalid_lines, *row.torn_lines])
    if corpus is not None:
        _report_problems(corpus)


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@app.command()
def agreement(
    dataset: Annotated[str, typer.Option(help="Dataset to measure.")],
    annotators: Annotated[
        str | None, typer.Option(help="Comma-separated annotators (default: every person).")
    ] = None,
    labels: Annotated[
        str | None, typer.Option(help="Comma-separated entity labels to restrict to.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    per_doc: Annotated[
        bool, typer.Option("--per-doc", help="List documents, lowest agreement first.")
    ] = False,
    schema: SchemaOption = None,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Inter-annotator agreement: span/relation F1, Cohen's and Fleiss' kappa, alpha, alpha_U."""
    from redline.metrics.report import agreement_json, agreement_report

    store = open_dataset(dataset, root)
    chosen = _names(annotators)
    wanted = _names(labels)
    if wanted:
        known = resolve_schema(schema).entity_labels
        unknown = [label for label in wanted if label not in known]
        if unknown:
            have = ", ".join(sorted(known))
            raise RedlineError(f"label(s) {', '.join(unknown)} not in the schema (it has: {have})")
    report = agreement_report(store, chosen, wanted)
    _warn(report.problems)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(agreement_json(report), option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
        return
    out.print(
        f"dataset [bold]{dataset}[/] · annotators {', '.join(report.annotators)} · "
        f"{report.documents} documents done by 2+ ({report.left_out} done by one: left out)"
    )
    pairs = Table(title="Pairwise agreement", title_justify="left")
    for column in (
        "pair",
        "span F1 exact",
        "overlap",
        "unlabelled",
        "unl. overlap",
        "token κ",
        "relation F1",
        "spans",
    ):
        pairs.add_column(column, justify="left" if column == "pair" else "right")
    for pair, exact in report.exact.items():
        pairs.add_row(
            " × ".join(pair),
            _num(exact.f1),
            _num(report.overlap[pair].f1),
            _num(report.unlabelled[pair].f1),
            _num(report.unlabelled_overlap[pair].f1),
            _num(report.token_kappa[pair].value),
            _num(report.relations[pair].f1),
            str(exact.units),
        )
    out.print(pairs)
    per_label = Table(title="Per label: exact span F1 per pair, alpha_U", title_justify="left")
    per_label.add_column("label")
    for pair in report.exact:
        per_label.add_column(" × ".join(pair), justify="right")
    per_label.add_column("α_U", justify="right")
    for label in report.labels:
        cells = []
        for result in report.exact.values():
            counts = result.per_label.get(label)
            cells.append("—" if counts is None else f"{_num(counts.f1)} ({counts.units})")
        alpha_u = report.alpha_u_by_label.get(label)
        per_label.add_row(escape(label), *cells, _num(alpha_u.value if alpha_u else None))
    out.print(per_label)
    overall = Table(title="Over all annotators", title_justify="left")
    overall.add_column("statistic")
    overall.add_column("value", justify="right")
    overall.add_column("units", justify="right")
    answers = report.answers
    for name, score in (
        ("Fleiss' κ (tokens of documents all did)", report.fleiss),
        ("Krippendorff's α nominal (tokens, missing allowed)", report.alpha),
        ("Krippendorff's α_U (characters, all labels)", report.alpha_u),
        ("answer: pairwise % agreement", answers.percent if answers else None),
        ("answer: Krippendorff's α", answers.alpha if answers else None),
    ):
        overall.add_row(
            name, _num(score.value if score else None), str(score.units if score else 0)
        )
    out.print(overall)
    for pair, matrix in report.confusion.items():
        _print_confusion(pair, matrix)
    if per_doc:
        docs = Table(title="Documents, lowest agreement first", title_justify="left")
        docs.add_column("doc_id")
        docs.add_column("mean pairwise exact F1", justify="right")
        docs.add_column("annotators", justify="right")
        for doc_id, f1, count in report.per_doc:
            docs.add_row(escape(doc_id), _num(f1), str(count))
        out.print(docs)


def _print_confusion(pair: tuple[str, str], matrix: dict[tuple[str, str], int]) -> None:
    """A heat-map: rows are the first annotator's labels, columns the second's."""
    if not matrix:
        return
    rows = sorted({a for a, _ in matrix})
    columns = sorted({b for _, b in matrix})
    top = max(matrix.values())
    table = Table(title=f"Label confusion on overlapping spans: {pair[0]} (rows) × {pair[1]}",
                  title_justify="left")  # fmt: skip
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
    out.print(table)


@app.command()
def evaluate(
    dataset: Annotated[str, typer.Option(help="Dataset to evaluate in.")],
    gold: Annotated[str, typer.Option(help="The reference: 'gold' or an annotator.")] = "gold",
    pred: Annotated[
        str | None,
        typer.Option(help="An annotator or model:NAME (default: the dataset's model)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    root: RootOption = DEFAULT_ROOT,
) -> None:
    """Precision, recall and F1 of an annotator or the model against gold, and edit counts."""
    from redline.metrics.edits import EDIT_KINDS
    from redline.metrics.report import evaluation_json, evaluation_report

    report = evaluation_report(open_dataset(dataset, root), gold, pred)
    _warn(report.problems)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(evaluation_json(report), option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
        return
    out.print(f"[bold]{report.pred}[/] against [bold]{report.gold}[/] in {dataset}")
    table = Table(title="Entities", title_justify="left")
    for column in (
        "label",
        "P exact",
        "R exact",
        "F1 exact",
        "P overlap",
        "R overlap",
        "F1 overlap",
        "gold",
        "pred",
    ):
        table.add_column(column, justify="left" if column == "label" else "right")
    labels = sorted(set(report.exact.per_label) | set(report.overlap.per_label))
    for label, exact, overlap in [
        *((x, report.exact.per_label.get(x), report.overlap.per_label.get(x)) for x in labels),
        ("all", report.exact.overall, report.overlap.overall),
    ]:
        if exact is None or overlap is None:
            continue
        table.add_row(
            escape(label), _num(exact.precision), _num(exact.recall), _num(exact.f1),
            _num(overlap.precision), _num(overlap.recall), _num(overlap.f1),
            str(exact.tp + exact.fn), str(exact.tp + exact.fp),
        )  # fmt: skip
    out.print(table)
    relations = Table(title="Relations", title_justify="left")
    for column in ("label", "P", "R", "F1", "gold", "pred"):
        relations.add_column(column, justify="left" if column == "label" else "right")
    rows = [*sorted(report.relations.per_label.items()), ("all", report.relations.overall)]
    for label, counts in rows:
        relations.add_row(
            escape(label), _num(counts.precision), _num(counts.recall), _num(counts.f1),
            str(counts.tp + counts.fn), str(counts.tp + counts.fp),
        )  # fmt: skip
    out.print(relations)
    edits = Table(
        title=f"How annotators changed the suggestions ({report.edits.documents} records)",
        title_justify="left",
    )
    edits.add_column("label")
    for kind in EDIT_KINDS:
        edits.add_column(kind, justify="right")
    for label, counts in [*sorted(report.edits.by_label.items()), ("all", report.edits.overall)]:
        edits.add_row(escape(label), *(str(counts[kind]) for kind in EDIT_KINDS))
    out.print(edits)


@schema_app.command("export")
def schema_export(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the JSON Schema.")] = Path(
        "schema/annotation.schema.json"
    ),
) -> None:
    """Write the JSON Schema of one JSONL record, generated from the pydantic models."""
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(render_json_schema())
    out.print(f"wrote {escape(display_path(out_file))}")


@schema_app.command("check")
def schema_check(schema: SchemaOption = None) -> None:
    """Load a label schema and show its labels (errors name the file and field)."""
    label_schema = resolve_schema(schema)
    title = f"schema {escape(label_schema.name)} ({label_schema.hash})"
    table = Table(title=title, title_justify="left")
    for column in ("label", "key", "kind", "constraint", "description"):
        table.add_column(column, overflow="fold")
    for entity in label_schema.entities:
        table.add_row(
            f"[{entity.color}]{entity.label}[/]",
            escape(entity.key),
            "entity",
            "",
            escape(entity.description),
        )
    for relation in label_schema.relations:
        constraint = f"{'|'.join(relation.head)} → {'|'.join(relation.child)}"
        table.add_row(
            relation.label,
            escape(relation.key),
            "relation",
            constraint,
            escape(relation.description),
        )
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
        err.print(f"[red]error:[/] {_one_line(error)}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        sys.exit(130)
    except OSError as error:
        # Whatever the library did not word itself (a full disk, a folder without write
        # permission): still one line naming the file, not a traceback.
        where = f"{display_path(Path(error.filename))}: " if error.filename else ""
        message = escape(f"{where}{error.strerror or error}")
        err.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
        sys.exit(1)
