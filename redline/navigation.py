"""Moving through a document: the next or previous item with wrap-around, and finding text.

Pure functions over plain positions (character offsets, list indexes), so the rules the
screens follow (tab to the next span, ``.`` to the next relation, ``c`` to the next conflict,
``/`` to the next match) are tested without a UI. Items are taken in list order, which for
spans and conflicts is text order; nothing here assumes the keys are sorted.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence


def cycle(count: int, current: int | None, step: int) -> int | None:
    """The index ``step`` places from ``current`` among ``count`` items, wrapping round at both
    ends. With no current item a step forward (``step > 0``) goes to the first item and any
    other step to the last; with no items there is nowhere to go (None)."""
    if count <= 0:
        return None
    if current is None:
        return 0 if step > 0 else count - 1
    return (current + step) % count


def first_after(keys: Sequence[int], limit: int) -> int | None:
    """Index of the first key greater than ``limit``, else of the first key (wrapping round);
    None when there are no keys."""
    if not keys:
        return None
    return next((index for index, key in enumerate(keys) if key > limit), 0)


def last_before(keys: Sequence[int], limit: int, *, inclusive: bool = False) -> int | None:
    """Index of the last key less than ``limit`` (or equal to it, if ``inclusive``), else of the
    last key (wrapping round); None when there are no keys."""
    if not keys:
        return None
    for index in range(len(keys) - 1, -1, -1):
        if keys[index] < limit or (inclusive and keys[index] == limit):
            return index
    return len(keys) - 1


_UNDECOMPOSED = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"})
"""Letters with a stroke have no decomposition in Unicode, but a reader sees the base letter."""


def folded(text: str) -> tuple[str, list[int]]:
    """``text`` without case or accents ("Việt Nam" -> "viet nam"), and for each character of
    the result the offset of the character of ``text`` it came from, so that a match in the
    folded text maps back to the original."""
    out: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text.translate(_UNDECOMPOSED)):
        for piece in unicodedata.normalize("NFD", char):
            if unicodedata.combining(piece):
                continue
            for letter in piece.casefold():
                out.append(letter)
                origin.append(offset)
    return "".join(out), origin


def find_text(text: str, term: str, start: int) -> tuple[int, int] | None:
    """Where ``term`` occurs in ``text``, ignoring case and accents ("viet nam" finds "Việt
    Nam"): (start, end) of the first match beginning at ``start`` or later, else of the first
    from the top (wrapping round). None when it does not occur, or when ``term`` is empty
    (an empty search finds nothing)."""
    needle, _ = folded(term)
    if not needle:
        return None
    haystack, origin = folded(text)
    begin = bisect_left(origin, start)
    found = haystack.find(needle, begin)
    if found == -1:
        found = haystack.find(needle)
    if found == -1:
        return None
    return origin[found], origin[found + len(needle) - 1] + 1
