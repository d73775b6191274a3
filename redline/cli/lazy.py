"""Commands imported only when one is run: listing them (``redline --help``) reads their names
and one-line helps from a table instead of importing every command module, and with them
spaCy, numpy, pydantic and Textual, which made every ``--help`` take a second (click's
pattern for lazily loaded subcommands, on typer's group).

The table's helps must be the commands' own first docstring lines; a test holds them equal.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

from redline.lazy_import import imported

LazyTable = dict[str, tuple[str, str]]
"""Command name -> ("module:function", the function's one-line help)."""


class LazyCommandMap(MutableMapping[str, Any]):
    """A group's commands: those built so far, and the table's, each built when first looked
    up. Its names are all of them, so "Did you mean 'stats'?" still knows every command."""

    def __init__(self, built: Mapping[str, Any], table: LazyTable) -> None:
        self.built = dict(built)
        self.table = table

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            if name not in self.table:
                raise KeyError(name)
            self.built[name] = load_command(name, self.table[name][0])
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __contains__(self, name: object) -> bool:
        return name in self.table or name in self.built

    def __iter__(self) -> Iterator[str]:
        return iter([*self.table, *(name for name in self.built if name not in self.table)])

    def __len__(self) -> int:
        return len(self.table.keys() | self.built.keys())


class LazyCommands(TyperGroup):
    """A typer group whose commands (those of :attr:`lazy`) are built on first use."""

    lazy: ClassVar[LazyTable] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = self.command_map = LazyCommandMap(self.commands, self.lazy)
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.command_map)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and cmd_name in self.lazy and cmd_name not in self.command_map.built:
            short_help = self.lazy[cmd_name][1]  # a help page lists it: its line is enough
            return TyperCommand(cmd_name, help=short_help, short_help=short_help)
        return self.command_map.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def load_command(name: str, target: str) -> Any:
    """The click command typer makes of the function, as it would in a group of its own."""
    single = typer.Typer(add_completion=False)
    single.command(name)(_collector_resumed(imported(target)))
    return typer.main.get_command(single)


def _collector_resumed(command: Callable[..., Any]) -> Callable[..., Any]:
    """The command, resuming the garbage collector that ``redline`` paused for its start
    (:mod:`redline.__main__`) once its modules are imported and its options parsed. What
    the imports made is frozen out of its way: walking it even once more costs a short
    command 60 ms of its 0.3 s (the imports' own garbage stays: ~15 MiB in annotate)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        return command(*args, **kwargs)

    return run


def lazy_group(table: LazyTable) -> type[LazyCommands]:
    """A group class with these commands (typer takes a class, not an instance)."""
    return type("Commands", (LazyCommands,), {"lazy": table})
