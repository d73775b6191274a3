"""Index caches: what reading a big file through found, kept so that the next open can skip it.

Checking every line of a big file on each open costs seconds (100,000 annotation records:
~12 s, 100,000 corpus articles: ~1 s), while loading the index it produced takes a fraction
of that. An index is columns of equal length (offsets, line numbers, ids) plus the problems
met on the way; its cache file holds it in JSON with a stamp, the values that tell which
state of the file it describes. Each owner decides what goes in its stamp and when the file
still fits it; this module writes the cache whole or not at all, and reads back nothing at
all from a cache that is absent, unreadable, damaged, of another format or stamped for
something else: a cache can only ever save time, never change what is read.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from redline.atomic import write_atomic
from redline.errors import InputError, Location, RedlineError

WORTH_CACHING = 1000
"""Files of fewer lines index faster than their cache would load: they go without one."""

_FORMAT = "format"
_PROBLEMS = "problems"


@dataclass(frozen=True, slots=True)
class CachedIndex:
    """An index as it was saved, its columns already checked for length and type."""

    stamp: Mapping[str, object]
    """Everything saved besides the columns and problems (the owner's own checks use it)."""
    numbers: Mapping[str, array[int]]
    texts: Mapping[str, list[str]]
    problems: list[InputError]


class IndexCache:
    """One cache file, of one ``layout`` version: an owner bumps the version whenever what it
    saves changes meaning, so that caches left by an older redline are ignored."""

    def __init__(self, path: Path, layout: int) -> None:
        self.path = path
        self.layout = layout

    def save(
        self,
        stamp: Mapping[str, object],
        *,
        numbers: Mapping[str, array[int]],
        texts: Mapping[str, list[str]],
        problems: Iterable[InputError],
    ) -> bool:
        """Whether the cache was written. Only best effort: where it cannot go (a read-only
        folder, a full disk) the next open reads the file through again, which is no error."""
        cache: dict[str, object] = {
            _FORMAT: self.layout,
            **stamp,
            **{name: column.tolist() for name, column in numbers.items()},
            **texts,
            _PROBLEMS: [[p.location.line, p.message] for p in problems],
        }
        try:
            write_atomic(self.path, orjson.dumps(cache))
        except RedlineError:
            return False
        return True

    def load(
        self,
        *,
        expect: Mapping[str, object],
        numbers: Sequence[str],
        texts: Sequence[str],
        shown: str,
    ) -> CachedIndex | None:
        """The cached index when its stamp holds every value of ``expect`` and its columns
        ``numbers`` (integers) and ``texts`` (strings) are whole; else None. Its problems are
        placed in the file as ``shown``."""
        try:
            cache: object = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if not isinstance(cache, dict) or cache.get(_FORMAT) != self.layout:
            return None
        if any(cache.get(key) != value for key, value in expect.items()):
            return None
        try:
            # array() refuses anything but integers that fit in 64 bits
            number_columns = {name: array("q", cache[name]) for name in numbers}
            text_columns = {name: _strings(cache[name]) for name in texts}
            problems = [_problem(entry, shown) for entry in cache[_PROBLEMS]]
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        columns: list[Sequence[object]] = [*number_columns.values(), *text_columns.values()]
        if len({len(column) for column in columns}) > 1:
            return None
        columns_and_problems = {*numbers, *texts, _PROBLEMS}
        stamp = {key: value for key, value in cache.items() if key not in columns_and_problems}
        return CachedIndex(stamp, number_columns, text_columns, problems)

    def discard(self) -> None:
        """For when the file turns out to have been rewritten under an index made from it."""
        self.path.unlink(missing_ok=True)


def _strings(column: object) -> list[str]:
    # the types as one set, not an isinstance call per item: a column has 100,000 of them
    if not isinstance(column, list) or not set(map(type, column)) <= {str}:
        raise TypeError("not a column of strings")
    return column


def _problem(entry: object, shown: str) -> InputError:
    match entry:
        case [int() | None as line, str() as message]:
            return InputError(Location(shown, line), message)
    raise TypeError("not a problem: [line, message]")
