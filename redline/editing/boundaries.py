"""Where a span's end goes when a key moves it: to the next token edge, or by characters where
a token edge is in the wrong place ("Sen." is one token; the name is "Hun Sen")."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from redline.editing.states import EditRefused, Side


def token_edge(edges: Sequence[int], at: int, steps: int) -> int:
    """The token edge (starts or ends, sorted) ``steps`` edges from ``at`` (negative: left).
    Counted from ``at`` itself, so an end set inside a token moves to that token's edge."""
    for _ in range(abs(steps)):
        index = bisect_right(edges, at) if steps > 0 else bisect_left(edges, at) - 1
        if not 0 <= index < len(edges):
            raise EditRefused("the span cannot grow past the edge of the text")
        at = edges[index]
    return at


def char_edge(text: str, side: Side, at: int, steps: int) -> int:
    """``at`` moved by ``steps`` characters, stepping over whitespace: a span never starts on
    a space or ends after one."""
    step = 1 if steps > 0 else -1
    for _ in range(abs(steps)):
        at += step
        while 0 < at < len(text) and text[at if side == "start" else at - 1].isspace():
            at += step
        if not 0 <= at <= len(text):
            raise EditRefused("the span cannot grow past the edge of the text")
    return at
