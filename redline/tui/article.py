"""The article pane: one article's text with entity marks, a token cursor and a selection.

`ArticleView` is a Line API widget (a `ScrollView` rendering one visual line at a time)
rather than a `Static` holding the whole article, because annotators work on long wire
stories with thousands of tokens and hundreds of marks: moving the cursor must repaint
one or two rows, not re-render the entire text.

The article text is untrusted input. It is never parsed as markup and every control
character is swapped, one for one, for a visible stand-in before it can reach the
terminal, so character offsets from the store stay valid for the displayed text.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import ClassVar, Literal, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.color import Color, ColorParseError
from textual.geometry import Offset, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

__all__ = ["ArticleView", "Mark", "MarkKind", "display_text"]

MarkKind = Literal["suggested", "confirmed", "rejected"]
"""Review state of a mark; each state gets its own component class."""


@dataclass(frozen=True, slots=True)
class Mark:
    """One span to paint over the text, in character offsets (end exclusive).

    Frozen (hashable) so `set_marks` can diff old and new mark sets and repaint only
    the lines whose marks actually changed.
    """

    start: int
    end: int
    label: str
    kind: MarkKind
    focused: bool = False
    relation_end: bool = False


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


class _Line(NamedTuple):
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


def wrap_lines(text: str, width: int) -> list[_Line]:
    """Split `text` into visual lines at most `width` cells wide.

    Breaks at whitespace (the whitespace at a break is not shown), hard-splits runs
    longer than the width, ends a line at every "\\n" and keeps blank lines as empty rows.
    Widths are measured on `display_text(text)`, which is what is actually drawn.
    """
    shown = display_text(text)
    width = max(1, width)
    lines: list[_Line] = []
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
    text: str, shown: str, start: int, end: int, width: int, lines: list[_Line]
) -> None:
    """Greedy word wrap of `text[start:end]` (no newlines) appended to `lines`."""
    if start == end:
        lines.append(_Line(start, start, 0))
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
                lines.append(_Line(line_start, cur, col))
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
                lines.append(_Line(line_start, pending[0] if pending else cur, col))
                line_start, cur, col = run_start, run_start, 0
            if cells <= width:
                col, cur = cells, run_end
            else:
                place_hard(run_start, run_end)
        pending = None
    if pending and col + pending[2] <= width:
        col += pending[2]
        cur = pending[1]
    lines.append(_Line(line_start, cur, col))


_KIND_ORDER: dict[str, int] = {"rejected": 0, "suggested": 1, "confirmed": 2}
_FALLBACK_PALETTE = (
    "#e06c75",
    "#98c379",
    "#e5c07b",
    "#61afef",
    "#c678dd",
    "#56b6c2",
    "#d19a66",
    "#be5046",
)


def _fallback_color(label: str) -> str:
    """A stable colour for labels without one (crc32, not the per-process `hash`)."""
    return _FALLBACK_PALETTE[zlib.crc32(label.encode("utf-8")) % len(_FALLBACK_PALETTE)]


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Scrollable, word-wrapped article text with marks, a token cursor and a selection.

    The host owns the state (document, marks, cursor, selection) and pushes it in with
    the `set_*` methods; the view only paints it and reports mouse gestures back as
    messages, so keyboard handling and undo live in one place (the host screen).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--cursor",
        "article--selection",
        "article--suggested",
        "article--confirmed",
        "article--rejected",
        "article--focused",
        "article--relation-end",
    }

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    ArticleView > .article--cursor {
        text-style: reverse;
    }
    ArticleView > .article--selection {
        background: $primary-darken-1;
        color: $foreground;
    }
    ArticleView > .article--suggested {
        text-style: underline;
    }
    ArticleView > .article--confirmed {
        text-style: bold;
    }
    ArticleView > .article--rejected {
        text-style: dim strike;
    }
    ArticleView > .article--focused {
        text-style: bold reverse;
    }
    ArticleView > .article--relation-end {
        background: $warning;
        color: $background;
        text-style: bold italic;
    }
    """

    ALLOW_SELECT = False  # our own token selection replaces Textual's text selection

    class TokenClicked(Message):
        """A token was clicked (mouse down and up on the same token)."""

        def __init__(self, token: int) -> None:
            self.token = token
            """Index of the clicked token."""
            super().__init__()

    class SelectionDragged(Message):
        """The mouse was dragged across tokens; `start`..`end` is the token range."""

        def __init__(self, start: int, end: int) -> None:
            self.start = start
            """First selected token (inclusive)."""
            self.end = end
            """One past the last selected token (exclusive)."""
            super().__init__()

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._text = ""
        self._shown = ""
        self._tokens: list[tuple[int, int]] = []
        self._token_starts: list[int] = []
        self._marks: tuple[Mark, ...] = ()
        self._marks_by_line: dict[int, list[Mark]] | None = None
        self._label_colors: dict[str, str] = {}
        self._cursor = 0
        self._selection: tuple[int, int] | None = None
        self._lines: list[_Line] = []
        self._line_starts: list[int] = []
        self._layout_width = 0
        self._strip_cache: LRUCache[int, Strip] = LRUCache(4096)
        self._mark_style_cache: dict[tuple[str, str], Style] = {}
        self._press_token: int | None = None
        self._drag_anchor: int | None = None
        self._drag_current: int | None = None

    # ------------------------------------------------------------------ state in

    @property
    def text(self) -> str:
        """The raw article text (not display-substituted)."""
        return self._text

    @property
    def tokens(self) -> Sequence[tuple[int, int]]:
        """Token character ranges, as given to `set_document`."""
        return self._tokens

    @property
    def marks(self) -> tuple[Mark, ...]:
        """The marks currently painted."""
        return self._marks

    @property
    def label_colors(self) -> dict[str, str]:
        """A copy of the label -> "#rrggbb" map."""
        return dict(self._label_colors)

    @property
    def cursor(self) -> int:
        """Index of the token under the cursor."""
        return self._cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        """Selected token range (start inclusive, end exclusive) or None."""
        return self._selection

    @property
    def line_count(self) -> int:
        """Number of visual lines at the current width."""
        return len(self._lines)

    @property
    def lines_per_page(self) -> int:
        """Visible rows, for page up / page down."""
        return max(1, self.scrollable_content_region.height)

    def set_document(self, text: str, tokens: Sequence[tuple[int, int]]) -> None:
        """Show a new article; resets marks, cursor (to 0) and selection.

        Raises:
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
        self._text = text
        self._shown = display_text(text)
        self._tokens = checked
        self._token_starts = [start for start, _ in checked]
        self._marks = ()
        self._marks_by_line = None
        self._cursor = 0
        self._selection = None
        self._relayout(force=True)
        if self.is_attached:
            self.scroll_to(0, 0, animate=False, immediate=True)

    def set_marks(self, marks: Sequence[Mark]) -> None:
        """Replace the marks; repaints only lines touched by added or removed marks."""
        new = tuple(marks)
        old_set, new_set = set(self._marks), set(new)
        self._marks = new
        self._marks_by_line = None
        for mark in old_set ^ new_set:
            self._invalidate_chars(mark.start, mark.end)

    def set_label_colors(self, colors: dict[str, str]) -> None:
        """Set label -> "#rrggbb" colours; repaints lines whose marks changed colour."""
        old = self._label_colors
        self._label_colors = dict(colors)
        self._mark_style_cache.clear()
        changed = {
            label for label in old.keys() | colors.keys() if old.get(label) != colors.get(label)
        }
        for mark in self._marks:
            if mark.label in changed:
                self._invalidate_chars(mark.start, mark.end)

    def set_cursor(self, token: int, *, scroll: bool = True) -> None:
        """Move the cursor to `token` (clamped), repainting the old and new lines only."""
        token = max(0, min(token, len(self._tokens) - 1)) if self._tokens else 0
        if token != self._cursor and self._tokens:
            self._invalidate_chars(*self._tokens[self._cursor])
            self._invalidate_chars(*self._tokens[token])
        self._cursor = token
        if scroll:
            self.scroll_to_token(token)

    def set_selection(self, selection: tuple[int, int] | None) -> None:
        """Set the selected token range; repaints only where coverage changed."""
        if selection is not None:
            start, end = selection
            count = len(self._tokens)
            start, end = max(0, min(start, count)), max(0, min(end, count))
            selection = (start, end) if start < end else None
        old_chars = self._selection_chars(self._selection)
        self._selection = selection
        new_chars = self._selection_chars(selection)
        if old_chars == new_chars:
            return
        if old_chars is None or new_chars is None:
            self._invalidate_chars(*(old_chars or new_chars or (0, 0)))
        elif old_chars[0] < new_chars[1] and new_chars[0] < old_chars[1]:
            # Overlapping ranges: only the moved edges changed.
            self._invalidate_chars(*sorted((old_chars[0], new_chars[0])))
            self._invalidate_chars(*sorted((old_chars[1], new_chars[1])))
        else:
            self._invalidate_chars(*old_chars)
            self._invalidate_chars(*new_chars)

    # ------------------------------------------------------------------ geometry

    def line_of_token(self, token: int) -> int:
        """The visual line where `token` starts (0 if there is no such line)."""
        if not self._lines or not self._tokens:
            return 0
        token = max(0, min(token, len(self._tokens) - 1))
        return self._line_of_char(self._tokens[token][0])

    def line_span(self, line: int) -> tuple[int, int]:
        """Character range `(start, end)` shown on visual `line`."""
        start, end, _ = self._lines[line]
        return start, end

    def token_x(self, token: int) -> int:
        """Cell column where `token` starts on its line (to keep the column on up/down)."""
        if not self._tokens or not self._lines:
            return 0
        token = max(0, min(token, len(self._tokens) - 1))
        start = self._tokens[token][0]
        line_start = self._lines[self._line_of_char(start)].start
        return cell_len(self._shown[line_start:start])

    def token_at(self, offset: Offset) -> int | None:
        """The token drawn at `offset`, or None over whitespace or empty space.

        `offset` is relative to the content area's top-left, as seen on screen (e.g.
        `event.get_content_offset(view)` or the `y` passed to `render_line`); the
        current scroll position is added here.
        """
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + offset.y
        if offset.y < 0 or offset.x < 0 or not 0 <= line < len(self._lines):
            return None
        char = self._char_at_cell(line, scroll_x + offset.x)
        if char is None:
            return None
        index = bisect_right(self._token_starts, char) - 1
        if index >= 0 and self._tokens[index][1] > char:
            return index
        return None

    def token_on_line(self, line: int, near_x: int, *, direction: int = 0) -> int:
        """The token on `line` closest to cell column `near_x`.

        For cursor up/down. A line without tokens (a blank row) is skipped in
        `direction` (-1 up, +1 down; 0 tries down then up) so the cursor never sticks.
        Returns the current cursor if the document has no tokens.
        """
        if not self._tokens or not self._lines:
            return self._cursor
        line = max(0, min(line, len(self._lines) - 1))
        steps = [direction] if direction else [1, -1]
        for step in steps:
            probe = line
            while 0 <= probe < len(self._lines):
                found = self._nearest_on_line(probe, near_x)
                if found is not None:
                    return found
                probe += step
        return self._cursor

    def scroll_to_token(self, token: int) -> None:
        """Scroll the minimum needed so the line holding `token` is visible."""
        if not self._lines or not self.size:
            return
        line = self.line_of_token(token)
        top = round(self.scroll_y)
        height = self.lines_per_page
        if line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        """Render visible row `y`, reusing the cached strip of that article line."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        strip = self._strip_cache.get(index)
        if strip is None:
            strip = self._build_strip(index)
            self._strip_cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def notify_style_update(self) -> None:
        """Theme or CSS changed: every cached strip and mark style is stale."""
        super().notify_style_update()
        self._mark_style_cache.clear()
        self._strip_cache.clear()

    def _on_resize(self, event: events.Resize) -> None:
        """Wrapping depends on the width, so a resize re-wraps."""
        self._relayout()

    def _relayout(self, *, force: bool = False) -> None:
        """Re-wrap for the current width; only when the width changed (or forced)."""
        width = self.scrollable_content_region.width if self.is_attached else 0
        if width <= 0:
            self._lines, self._line_starts, self._layout_width = [], [], 0
        elif force or width != self._layout_width:
            self._lines = wrap_lines(self._text, width)
            self._line_starts = [line.start for line in self._lines]
            self._layout_width = width
        else:
            return
        self._marks_by_line = None
        self._strip_cache.clear()
        self.virtual_size = Size(max(self._layout_width, 1), len(self._lines))
        self.refresh()
        if self._lines:
            self.call_after_refresh(self.scroll_to_token, self._cursor)

    def _build_strip(self, index: int) -> Strip:
        """Paint one visual line from scratch (the expensive path the cache avoids)."""
        start, end, cells = self._lines[index]
        if start == end:
            return Strip([], 0)
        base = self.rich_style
        overlays: list[tuple[int, int, Style]] = []
        line_marks = sorted(
            self._marks_on_line(index),
            key=lambda mark: (_KIND_ORDER[mark.kind], mark.start, mark.end, mark.label),
        )
        overlays.extend((mark.start, mark.end, self._mark_style(mark)) for mark in line_marks)
        selection = self._selection_chars(self._selection)
        if selection is not None:
            overlays.append(
                (*selection, self.get_component_rich_style("article--selection", partial=True))
            )
        for flag, component in (
            ("relation_end", "article--relation-end"),
            ("focused", "article--focused"),
        ):
            style = self.get_component_rich_style(component, partial=True)
            overlays.extend(
                (mark.start, mark.end, style) for mark in line_marks if getattr(mark, flag)
            )
        if self._tokens:
            token_start, token_end = self._tokens[self._cursor]
            style = self.get_component_rich_style("article--cursor", partial=True)
            overlays.append((token_start, token_end, style))
        overlays = [
            (max(start, a), min(end, b), style) for a, b, style in overlays if a < end and b > start
        ]
        cuts = sorted({start, end, *(a for a, _, _ in overlays), *(b for _, b, _ in overlays)})
        segments: list[Segment] = []
        for left, right in pairwise(cuts):
            style = base
            for a, b, overlay in overlays:
                if a <= left and right <= b:
                    style += overlay
            segments.append(Segment(self._shown[left:right], style))
        return Strip(segments, cells)

    def _mark_style(self, mark: Mark) -> Style:
        """Component style combined with the label colour, cached per (kind, label)."""
        key = (mark.kind, mark.label)
        cached = self._mark_style_cache.get(key)
        if cached is not None:
            return cached
        component = self.get_component_rich_style(f"article--{mark.kind}", partial=True)
        color = self._label_color(mark.label)
        if mark.kind == "confirmed":
            label_style = Style(
                bgcolor=color.rich_color, color=color.get_contrast_text(1.0).rich_color
            )
            style = component + label_style
        elif mark.kind == "suggested":
            style = component + Style(color=color.rich_color, underline=True)
        else:
            style = Style(color=color.rich_color, dim=True, strike=True) + component
        self._mark_style_cache[key] = style
        return style

    def _label_color(self, label: str) -> Color:
        """The label's configured colour, or a stable fallback so unknown labels still show."""
        try:
            return Color.parse(self._label_colors.get(label) or _fallback_color(label))
        except ColorParseError:  # a malformed colour in a schema must not break painting
            return Color.parse(_fallback_color(label))

    # ------------------------------------------------------------------ helpers

    def _line_of_char(self, char: int) -> int:
        """Visual line showing `char` (whitespace swallowed at a break maps to the line before)."""
        return max(0, bisect_right(self._line_starts, char) - 1)

    def _selection_chars(self, selection: tuple[int, int] | None) -> tuple[int, int] | None:
        """Character range painted for a token range, gaps between tokens included."""
        if selection is None or not self._tokens:
            return None
        return self._tokens[selection[0]][0], self._tokens[selection[1] - 1][1]

    def _invalidate_chars(self, start: int, end: int) -> None:
        """Drop cached strips and repaint the rows showing any of `text[start:end]`."""
        if end <= start or not self._lines:
            return
        first = self._line_of_char(start)
        last = self._line_of_char(end - 1)
        if start >= self._lines[first].end and first < last:
            first += 1  # only the whitespace swallowed at a line break changed there
        for line in range(first, last + 1):
            self._strip_cache.discard(line)
        self.refresh_lines(first, last - first + 1)

    def _marks_on_line(self, line: int) -> list[Mark]:
        """Marks touching `line`; the index is rebuilt lazily so `set_marks` stays cheap."""
        if self._marks_by_line is None:
            by_line: dict[int, list[Mark]] = {}
            for mark in self._marks:
                if mark.end <= mark.start or not self._lines:
                    continue
                for row in range(
                    self._line_of_char(mark.start), self._line_of_char(mark.end - 1) + 1
                ):
                    by_line.setdefault(row, []).append(mark)
            self._marks_by_line = by_line
        return self._marks_by_line.get(line, [])

    def _char_at_cell(self, line: int, x: int) -> int | None:
        """Character index drawn at cell `x` of `line`, or None past the line's end."""
        start, end, cells = self._lines[line]
        if x >= cells:
            return None
        col = 0
        for index in range(start, end):
            col += cell_len(self._shown[index])
            if col > x:
                return index
        return None

    def _nearest_on_line(self, line: int, near_x: int) -> int | None:
        """Token on `line` whose cells are closest to `near_x`, None if it has none."""
        start, end, _ = self._lines[line]
        first = bisect_left(self._token_starts, start)
        if line + 1 < len(self._lines):
            # Tokens hard-split across lines belong to the line where they start.
            last = bisect_left(self._token_starts, self._lines[line + 1].start)
        else:
            last = len(self._tokens)
        last = min(last, bisect_left(self._token_starts, max(end, start + 1)))
        if first >= last:
            return None
        best, best_distance = first, None
        for token in range(first, last):
            token_start, token_end = self._tokens[token]
            left = cell_len(self._shown[start:token_start])
            right = left + max(1, cell_len(self._shown[token_start : min(token_end, end)]))
            distance = (
                0 if left <= near_x < right else min(abs(near_x - left), abs(near_x - right + 1))
            )
            if best_distance is None or distance < best_distance:
                best, best_distance = token, distance
        return best

    def _drag_token(self, offset: Offset) -> int | None:
        """Token under `offset` for dragging: clamps to the text, whitespace -> previous."""
        if not self._tokens or not self._lines:
            return None
        scroll_x, scroll_y = self.scroll_offset
        line = max(0, min(scroll_y + offset.y, len(self._lines) - 1))
        start, end, _ = self._lines[line]
        char = self._char_at_cell(line, max(0, scroll_x + offset.x))
        if char is None:
            char = max(start, end - 1)
        return max(0, bisect_right(self._token_starts, char) - 1)

    # ------------------------------------------------------------------ mouse

    def _on_mouse_down(self, event: events.MouseDown) -> None:
        """Remember the pressed token and capture the mouse so drags may leave the view."""
        if event.button != 1:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        self._press_token = self.token_at(offset)
        self._drag_anchor = self._drag_token(offset)
        self._drag_current = self._drag_anchor
        self.capture_mouse()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        """While dragging, preview the selection (the host confirms it on release)."""
        if self._drag_anchor is None:
            return
        offset = event.get_content_offset_capture(self)
        token = self._drag_token(offset)
        if token is None or token == self._drag_current:
            return
        self._drag_current = token
        self.scroll_to_token(token)
        self.set_selection(self._drag_range())

    def _on_mouse_up(self, event: events.MouseUp) -> None:
        """Report a drag as SelectionDragged, else a press+release on one token as a click."""
        anchor, current, pressed = self._drag_anchor, self._drag_current, self._press_token
        self._drag_anchor = self._drag_current = self._press_token = None
        self.release_mouse()
        if anchor is None or current is None:
            return
        if current != anchor:
            start, end = min(anchor, current), max(anchor, current) + 1
            self.post_message(self.SelectionDragged(start, end))
        elif pressed is not None:
            offset = event.get_content_offset(self)
            if offset is not None and self.token_at(offset) == pressed:
                self.post_message(self.TokenClicked(pressed))

    def _on_hide(self, event: events.Hide) -> None:
        """A hidden view cannot receive the mouse release: end any drag now."""
        self._drag_anchor = self._drag_current = self._press_token = None
        self.release_mouse()

    def _drag_range(self) -> tuple[int, int] | None:
        """Token range (end exclusive) between the drag anchor and the current token."""
        if self._drag_anchor is None or self._drag_current is None:
            return None
        low, high = sorted((self._drag_anchor, self._drag_current))
        return low, high + 1
