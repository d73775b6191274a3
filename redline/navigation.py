"""Moving through a document: the next or previous item with wrap-around, and finding text.

Pure functions over plain positions (character offsets, list indexes), so the rules the
screens follow (tab to the next span, ``.`` to the next relation, ``c`` to the next conflict,
``/`` to the next match) are tested without a UI. Items are taken in list order, which for
spans and conflicts is text order; nothing here assumes the keys are sorted.
"""

from __future__ import annotations

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


def find_text(text: str, term: str, start: int) -> int | None:
    """Where ``term`` occurs in ``text``, ignoring case: the first match beginning at ``start``
    or later, else the first from the top (wrapping round). None when it does not occur, or
    when ``term`` is empty (an empty search finds nothing)."""
    if not term:
        return None
    haystack, needle = text.lower(), term.lower()
    found = haystack.find(needle, start)
    if found == -1:
        found = haystack.find(needle)
    return None if found == -1 else found
