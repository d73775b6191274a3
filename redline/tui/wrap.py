"""An article's text as the terminal shows it: control characters made visible, words wrapped
into lines, and where each token falls on those lines (for the cursor and the mouse).

The article text is untrusted input. Every control character is swapped, one for one, for a
visible stand-in before it can reach the terminal, so character offsets from the store stay
valid for the displayed text. Nothing here draws; :class:`redline.tui.article.ArticleView`
paints what :class:`TextLayout` lays out.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len

__all__ = ["Line", "TextLayout", "display_text", "wrap_lines"]


def _control_table() -> dict[int, int]:
    """Build the `str.translate` table that neutralises control characters."""
    table = {code: 0x2400 + code for code in range(0x20) if code != 0x0A}
    table[0x7F] = 0x2421  # SYMBOL FOR DELETE
    table.update(dict.fromkeys(range(0x80, 0xA0), 0xFFFD))
    return table


_CONTROL_TABLE = _control_table()


def display_text(text: str) -> str:
    """Return `text` with every control character replaced by a one-cell stand-in.

    C0 controls (except "\\n") become Control Pictures (ESC -> "␛", TAB -> "␉"), DEL
    becomes "␡" and C1 controls become "�". The result has the same length as the input,
    so character offsets (spans, tokens) apply to it unchanged, and no escape sequence in
    an article can reach the terminal.
    """
    return text.translate(_CONTROL_TABLE)


class Line(NamedTuple):
    """One visual row: the characters `text[start:end]`, `cells` terminal cells wide."""

    start: int
    end: int
    cells: int


# Whitespace we may wrap at; non-breaking spaces glue their neighbours together.
_RUNS = re.compile(r"[^\S\u00a0\u2007\u202f]+|[\S\u00a0\u2007\u202f]+")
_NO_BREAK = "\u00a0\u2007\u202f"


def _is_break_space(char: str) -> bool:
    """Whether a line may wrap at `char` (whitespace, but not a no-break space)."""
    return char.isspace() and char not in _NO_BREAK


def wrap_lines(text: str, width: int) -> list[Line]:
    """Split `text` into visual lines at most `width` cells wide.

    Breaks at whitespace (the whitespace at a break is not shown), hard-splits runs
    longer than the width, ends a line at every "\\n" and keeps blank lines as empty rows.
    Widths are measured on `display_text(text)`, which is what is actually drawn.
    """
    shown = display_text(text)
    width = max(1, width)
    lines: list[Line] = []
    para_start = 0
    length = len(text)
    while True:
        newline = text.find("\n", para_start)
        para_end = length if newline == -1 else newline
        _wrap_paragraph(text, shown, para_start, para_end, width, lines)
        if newline == -1:
            break
        para_start = newline + 1
    return lines


def _wrap_paragraph(
    text: str, shown: str, start: int, end: int, width: int, lines: list[Line]
) -> None:
    """Greedy word wrap of `text[start:end]` (no newlines) appended to `lines`."""
    if start == end:
        lines.append(Line(start, start, 0))
        return
    line_start = start
    cur = start  # end of the characters placed on the current line
    col = 0
    pending: tuple[int, int, int] | None = None  # whitespace run after the placed content

    def place_hard(run_start: int, run_end: int) -> None:
        nonlocal line_start, cur, col
        for index in range(run_start, run_end):
            cells = cell_len(shown[index])
            if col + cells > width and cur > line_start:
                lines.append(Line(line_start, cur, col))
                line_start, col = index, 0
            col += cells
            cur = index + 1

    for match in _RUNS.finditer(text, start, end):
        run_start, run_end = match.span()
        cells = cell_len(shown[run_start:run_end])
        if _is_break_space(text[run_start]):
            if cur == line_start:  # indentation at the start of a paragraph
                place_hard(run_start, run_end)
            else:
                pending = (run_start, run_end, cells)
            continue
        gap = pending[2] if pending else 0
        if col + gap + cells <= width:
            col += gap + cells
            cur = run_end
        else:
            if cur > line_start:
                lines.append(Line(line_start, pending[0] if pending else cur, col))
                line_start, cur, col = run_start, run_start, 0
            if cells <= width:
                col, cur = cells, run_end
            else:
                place_hard(run_start, run_end)
        pending = None
    if pending and col + pending[2] <= width:
        col += pending[2]
        cur = pending[1]
    lines.append(Line(line_start, cur, col))


class TextLayout:
    """One article's tokens on its lines wrapped at a width: which line shows a character,
    which token is drawn at a cell. Rows and columns are of the whole article, unscrolled."""

    def __init__(self, text: str = "", tokens: Sequence[tuple[int, int]] = ()) -> None:
        """Raises:
        ValueError: If tokens are unsorted, overlapping or outside the text, since
            every later offset calculation relies on that invariant.
        """
        previous_end = 0
        checked: list[tuple[int, int]] = []
        for start, end in tokens:
            if not (previous_end <= start <= end <= len(text)):
                raise ValueError(f"bad token ({start}, {end}) for text of length {len(text)}")
            checked.append((start, end))
            previous_end = end
        self.text = text
        self.shown = display_text(text)
        """What is drawn: `text` with its control characters made visible."""
        self.tokens = checked
        self.token_starts = [start for start, _ in checked]
        self.lines: list[Line] = []
        self.line_starts: list[int] = []
        self.width = 0
        """The width the lines are wrapped at (0: not laid out, no lines)."""

    def wrap(self, width: int) -> None:
        """Wrap the text at `width` cells (0 or less: no lines)."""
        if width <= 0:
            self.lines, self.line_starts, self.width = [], [], 0
        else:
            self.lines = wrap_lines(self.text, width)
            self.line_starts = [line.start for line in self.lines]
            self.width = width

    def line_of_char(self, char: int) -> int:
        """Visual line showing `char` (whitespace swallowed at a break maps to the line before)."""
        return max(0, bisect_right(self.line_starts, char) - 1)

    def line_of_token(self, token: int) -> int:
        """The visual line where `token` starts (0 if there is no such line)."""
        if not self.lines or not self.tokens:
            return 0
        token = max(0, min(token, len(self.tokens) - 1))
        return self.line_of_char(self.tokens[token][0])

    def token_x(self, token: int) -> int:
        """Cell column where `token` starts on its line."""
        if not self.tokens or not self.lines:
            return 0
        token = max(0, min(token, len(self.tokens) - 1))
        start = self.tokens[token][0]
        line_start = self.lines[self.line_of_char(start)].start
        return cell_len(self.shown[line_start:start])

    def lines_showing(self, start: int, end: int) -> range:
        """The visual lines showing any of `text[start:end]` (none for an empty range)."""
        if end <= start or not self.lines:
            return range(0)
        first = self.line_of_char(start)
        last = self.line_of_char(end - 1)
        if start >= self.lines[first].end and first < last:
            first += 1  # only the whitespace swallowed at a line break is there
        return range(first, last + 1)

    def selection_chars(self, selection: tuple[int, int] | None) -> tuple[int, int] | None:
        """Character range painted for a token range, gaps between tokens included."""
        if selection is None or not self.tokens:
            return None
        return self.tokens[selection[0]][0], self.tokens[selection[1] - 1][1]

    def selection_changes(
        self, old: tuple[int, int] | None, new: tuple[int, int] | None
    ) -> list[tuple[int, int]]:
        """Character ranges painted differently when the token selection goes from `old` to
        `new`: nothing, the moved edges of overlapping ranges, or both ranges."""
        old_chars, new_chars = self.selection_chars(old), self.selection_chars(new)
        if old_chars == new_chars:
            return []
        if old_chars is None or new_chars is None:
            return [old_chars or new_chars or (0, 0)]
        if old_chars[0] < new_chars[1] and new_chars[0] < old_chars[1]:
            low, high = sorted((old_chars[0], new_chars[0]))
            low_end, high_end = sorted((old_chars[1], new_chars[1]))
            return [(low, high), (low_end, high_end)]
        return [old_chars, new_chars]

    def char_at_cell(self, line: int, x: int) -> int | None:
        """Character index drawn at cell `x` of `line`, or None past the line's end."""
        start, end, cells = self.lines[line]
        if x >= cells:
            return None
        col = 0
        for index in range(start, end):
            col += cell_len(self.shown[index])
            if col > x:
                return index
        return None

    def token_at_cell(self, line: int, x: int) -> int | None:
        """The token drawn at cell `x` of `line`, or None over whitespace or empty space."""
        if line < 0 or x < 0 or line >= len(self.lines):
            return None
        char = self.char_at_cell(line, x)
        if char is None:
            return None
        index = bisect_right(self.token_starts, char) - 1
        if index >= 0 and self.tokens[index][1] > char:
            return index
        return None

    def token_on_line(self, line: int, near_x: int, direction: int = 0) -> int | None:
        """The token on `line` closest to cell column `near_x`; a line without tokens (a blank
        row) is skipped in `direction` (-1 up, +1 down; 0 tries down then up). None if the
        text has no tokens."""
        if not self.tokens or not self.lines:
            return None
        line = max(0, min(line, len(self.lines) - 1))
        steps = [direction] if direction else [1, -1]
        for step in steps:
            probe = line
            while 0 <= probe < len(self.lines):
                found = self.nearest_on_line(probe, near_x)
                if found is not None:
                    return found
                probe += step
        return None

    def nearest_on_line(self, line: int, near_x: int) -> int | None:
        """Token on `line` whose cells are closest to `near_x`, None if it has none."""
        start, end, _ = self.lines[line]
        first = bisect_left(self.token_starts, start)
        if line + 1 < len(self.lines):
            # Tokens hard-split across lines belong to the line where they start.
            last = bisect_left(self.token_starts, self.lines[line + 1].start)
        else:
            last = len(self.tokens)
        last = min(last, bisect_left(self.token_starts, max(end, start + 1)))
        if first >= last:
            return None
        best, best_distance = first, None
        for token in range(first, last):
            token_start, token_end = self.tokens[token]
            left = cell_len(self.shown[start:token_start])
            right = left + max(1, cell_len(self.shown[token_start : min(token_end, end)]))
            distance = (
                0 if left <= near_x < right else min(abs(near_x - left), abs(near_x - right + 1))
            )
            if best_distance is None or distance < best_distance:
                best, best_distance = token, distance
        return best

    def drag_token(self, line: int, x: int) -> int | None:
        """Token under a dragging mouse: clamps to the text, whitespace -> the token before."""
        if not self.tokens or not self.lines:
            return None
        line = max(0, min(line, len(self.lines) - 1))
        start, end, _ = self.lines[line]
        char = self.char_at_cell(line, max(0, x))
        if char is None:
            char = max(start, end - 1)
        return max(0, bisect_right(self.token_starts, char) - 1)
