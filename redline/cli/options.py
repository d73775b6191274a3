"""What every command shares: its option types, the typer converters, the two consoles and
the one-line notices on stderr.

Kept apart from the commands so that each command module reads as "parse, call the library,
render", and so that a rule about messages (one line each, no emoji, no markup from user
text) is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.protocol import is_renderable

if TYPE_CHECKING:  # the commands import them when they run, not when they are listed
    from rich.progress import Progress

    from redline.corpus import Corpus
    from redline.store import DatasetStore

_UNBOUNDED = 1 << 20
"""The width tables are measured at when nothing limits them."""


class FittedConsole(Console):
    """A console that never cuts a table, or wraps a line, written to a file or a pipe.

    Writing to something that is not a terminal, rich takes the width of whatever terminal
    it can find (stdin's) or else 80 columns, so ``redline stats > stats.txt`` with long
    label names got cut or folded columns. Here, unless ``COLUMNS`` names a width, a print to
    a non-terminal is rendered at least as wide as its widest line needs (80 at the least, so
    that narrow output is what it always was). A terminal's output is left as rich draws it.
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:
        fitted = self.fitted_width(objects)
        if fitted is None:
            super().print(*objects, **kwargs)
            return
        chosen = self._width
        self._width = fitted
        try:
            super().print(*objects, **kwargs)
        finally:
            self._width = chosen

    def fitted_width(self, objects: Iterable[Any]) -> int | None:
        """The width to print ``objects`` at, or None for the console's own: on a terminal,
        or where a width was given (``COLUMNS``, ``width=``)."""
        if self._width is not None or self.is_terminal or self.is_jupyter:
            return None
        needed = sum(self.natural_width(item) + 1 for item in objects)
        return max(self.size.width, needed)

    def natural_width(self, item: Any) -> int:
        """The columns ``item`` takes when nothing limits it: its widest line, a table with
        no cell wrapped."""
        renderable = item if is_renderable(item) else str(item)
        return Measurement.get(self, self.options.update_width(_UNBOUNDED), renderable).maximum

    def fits(self, item: Any) -> bool:
        """Whether ``item`` fits the console's width (the terminal's, ``COLUMNS`` or 80)
        without a cell wrapped or cut: how a command picks between a wide layout and a tall
        one, the same on a terminal and in a pipe."""
        return self.natural_width(item) <= self.size.width


# No emoji codes: a message "file.toml:100: ..." must not print as "file.toml💯 ...".
out = FittedConsole(emoji=False)
err = FittedConsole(stderr=True, emoji=False)


class Names(list[str]):
    """The names of a comma-separated option (``--annotators ana,ben``). A class of its own
    so that typer takes the option as one value to convert, not as a repeatable option."""


def comma_names(value: str) -> Names | None:
    """``"ana, ben,"`` as ``["ana", "ben"]``: spaces stripped, empty names dropped; None
    (the command's default, e.g. every annotator) when no name is left."""
    names = Names(name.strip() for name in value.split(",") if name.strip())
    return names or None


def one_of(known: Iterable[str]) -> Callable[[str], str]:
    """A converter that takes one of ``known`` (a format registry's names), so that the
    choices offered are always the formats that exist."""
    names = list(known)

    def parse(value: str) -> str:
        if value not in names:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(names)}")
        return value

    return parse


def fraction(value: str) -> float:
    """A share strictly between 0 and 1: a dev set of none or of everything is no split."""
    try:
        number = float(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a number") from None
    if not 0 < number < 1:
        raise typer.BadParameter(f"{value} is not between 0 and 1 (exclusive)")
    return number


SCHEMA_HELP = "Label schema: a TOML file's path, or a shipped name (news, generic)."
"""What every ``--schema`` takes; :func:`redline.schema.shipped.resolve_schema` reads it."""

# Neither path is checked by typer: the library's own messages ("missing.toml: schema file
# not found") are one "error: ..." line, as every message on stderr must be.
SchemaOption = Annotated[
    Path | None,
    typer.Option(
        "--schema",
        help=f"{SCHEMA_HELP} Default: ./schema/news.toml, else generic (the model's own labels).",
    ),
]
KeymapOption = Annotated[
    Path | None,
    typer.Option(help="TOML file remapping keys by id (default ~/.config/redline/keymap.toml)."),
]
RootOption = Annotated[
    Path,
    typer.Option(
        "--root", file_okay=False, help="Folder that holds the datasets.", show_default=True
    ),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="REDLINE_STORE",
        metavar="URL|FOLDER",
        help="Where the datasets are: a postgresql:// URL (a team's server; see `redline store "
        "migrate`) or a folder of JSONL datasets. Default: $REDLINE_STORE, else --root.",
    ),
]
AnnotatorsOption = Annotated[
    Names | None,
    typer.Option(
        parser=comma_names,
        metavar="<names>",
        help="Comma-separated annotators (default: every person).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def one_line(message: object) -> str:
    """A message as printed: user text in it (an id, a label) may hold a line break or a
    control character, shown escaped so that each message stays one ``path:line: ...`` line,
    and brackets, which are not rich markup."""
    text = str(message)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return escape(text)


def notice(kind: str, message: object, style: str = "yellow") -> None:
    """One ``kind: message`` line on stderr, however narrow the terminal: editors and grep
    read ``path:line: message``."""
    err.print(f"[{style}]{kind}:[/] {one_line(message)}", highlight=False, soft_wrap=True)


def warn(problems: Iterable[object]) -> None:
    """Lines that were skipped, each naming file and line."""
    for problem in problems:
        notice("warning", problem)


def report_skipped(corpus: Corpus) -> None:
    """The corpus's documents that could not be read (bad UTF-8, empty files, bad lines)."""
    for problem in corpus.problems:
        notice("skipped", problem)
    if corpus.skipped:
        err.print(f"[yellow]{corpus.skipped} document(s) skipped[/]")


def progress_bar(*, terminal_only: bool = False) -> Progress:
    """A progress bar on stderr, so that stdout holds only the results; ``terminal_only``:
    none at all when stderr is not a terminal (the result line says it all)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
        disable=terminal_only and not err.is_terminal,
    )


ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="spaCy pipeline (name or path) to suggest with. Default: the dataset's latest "
        "trained model (redline train), else the schema's.",
    ),
]


def choose_model(store: DatasetStore, model: str | None) -> str | None:
    """``--model`` if given, else the dataset's latest trained model, else None (the
    schema's model). Trained models are kept beside a JSONL dataset's files."""
    from redline.store import JsonlDataset
    from redline.training.models import latest_model

    if model is not None or not isinstance(store, JsonlDataset):
        return model
    trained = latest_model(store)
    return None if trained is None else str(trained)
