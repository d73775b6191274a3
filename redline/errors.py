"""One error type for everything a user can get wrong.

Every problem with input (a corpus file, a record line, a schema file) is reported as
``path:line: message`` so the user can open the file at the right place; the CLI prints
``str(error)`` and never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, and a 1-based line in it when there is one."""

    path: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return where if self.field is None else f"{where}: {self.field}"


class RedlineError(Exception):
    """An error the user can fix; its message is complete and printed as it is."""


class InputError(RedlineError):
    """Bad input at a known place."""

    def __init__(self, location: Location, message: str) -> None:
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")


class InputWarning(InputError):
    """Something in the input that was merged or left out without keeping its record out (a
    duplicate relation kept once, the same id twice): reported, never blocking an import."""


class StoreLockedError(RedlineError):
    """Another process is writing the same annotator file."""


class StoreUnavailableError(RedlineError):
    """The store's server cannot be reached now: trying again later may succeed."""


def display_path(path: str | Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def describe_validation_error(error: ValidationError) -> str:
    """Pydantic's first complaint as ``field.path: message``, plus how many more there are."""
    problems = error.errors()
    first = problems[0]
    field = ".".join(
        f"[{part}]" if isinstance(part, int) else str(part) for part in first["loc"]
    ).replace(".[", "[")
    message = first["msg"].removeprefix("Value error, ")
    text = f"{field}: {message}" if field else message
    if len(problems) > 1:
        text += f" (and {len(problems) - 1} more)"
    return text
