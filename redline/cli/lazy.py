"""Commands imported only when one is run: listing them (``redline --help``) reads their names
and one-line helps from a table instead of importing every command module, and with them
spaCy, numpy, pydantic and Textual, which made every ``--help`` take a second (click's
pattern for lazily loaded subcommands, on typer's group).

The table's helps must be the commands' own first docstring lines; a test holds them equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

from redline.lazy_import import imported

LazyTable = dict[str, tuple[str, str]]
"""Command name -> ("module:function", the function's one-line help)."""


class LazyCommands(TyperGroup):
    """A typer group whose commands (those of :attr:`lazy`) are built on first use."""

    lazy: ClassVar[LazyTable] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.lazy, *(name for name in self.commands if name not in self.lazy)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        target, short_help = self.lazy[cmd_name]
        if self._listing:  # a help page lists it: its name and line are enough
            return TyperCommand(cmd_name, help=short_help, short_help=short_help)
        command = load_command(cmd_name, target)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def command_function(target: str) -> Callable[..., Any]:
    """The function a table entry names (``"redline.cli.stats:stats"``), imported now."""
    function: Callable[..., Any] = imported(target)
    return function


def load_command(name: str, target: str) -> Any:
    """The click command typer makes of the function, as it would in a group of its own."""
    single = typer.Typer(add_completion=False)
    single.command(name)(command_function(target))
    return typer.main.get_command(single)


def lazy_group(table: LazyTable) -> type[LazyCommands]:
    """A group class with these commands (typer takes a class, not an instance)."""
    return type("Commands", (LazyCommands,), {"lazy": table})
