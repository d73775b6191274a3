"""The article pane: one article's text with entity marks, a token cursor and a selection.

`ArticleView` is a Line API widget (a `ScrollView` rendering one visual line at a time)
rather than a `Static` holding the whole article, because annotators work on long wire
stories with thousands of tokens and hundreds of marks: moving the cursor must repaint
one or two rows, not re-render the entire text.

The article text is untrusted input. It is never parsed as markup and every control
character is swapped, one for one, for a visible stand-in before it can reach the terminal
(:func:`redline.tui.wrap.display_text`), so character offsets from the store stay valid for
the displayed text. The wrapping and the geometry live in :mod:`redline.tui.wrap`, how marks
look in :mod:`redline.tui.marks`; this module paints them and reports the mouse.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Offset, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from redline.tui.drag import Drag
from redline.tui.marks import (
    COMPONENT_CSS,
    COMPONENTS,
    Mark,
    MarkStyles,
    in_paint_order,
    mark_overlays,
    selection_style,
    styled_segments,
    with_hints,
)
from redline.tui.wrap import TextLayout


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Scrollable, word-wrapped article text with marks, a token cursor and a selection.

    The host owns the state (document, marks, cursor, selection) and pushes it in with
    the `set_*` methods; the view only paints it and reports mouse gestures back as
    messages, so keyboard handling and undo live in one place (the host screen).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENTS)

    DEFAULT_CSS = (
        """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """
        + COMPONENT_CSS
    )

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

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._layout = TextLayout()
        self._marks: tuple[Mark, ...] = ()
        self._marks_by_line: dict[int, list[Mark]] | None = None
        self._styles = MarkStyles(self._component_style)
        self._cursor = 0
        self._selection: tuple[int, int] | None = None
        self._strip_cache: LRUCache[int, Strip] = LRUCache(4096)
        self._drag: Drag | None = None
        self._hints: dict[int, str] = {}
        self._selection_colors = selection_style(())
        self.painted = threading.Event()
        """Set once a frame with text in it is on screen (a worker may wait for it)."""
        self._paint_noted = False

    # ------------------------------------------------------------------ state in

    text = property(lambda self: self._layout.text, doc="The raw text (not display-substituted).")

    @property
    def marks(self) -> tuple[Mark, ...]:
        """The marks currently painted."""
        return self._marks

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
        return len(self._layout.lines)

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
        self._layout = TextLayout(text, tokens)
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
        changed = self._styles.set_colors(colors)
        self._selection_colors = selection_style(colors.values())
        self._strip_cache.clear()
        for mark in self._marks:
            if mark.label in changed:
                self._invalidate_chars(mark.start, mark.end)

    def set_cursor(self, token: int, *, scroll: bool = True) -> None:
        """Move the cursor to `token` (clamped), repainting the old and new lines only."""
        tokens = self._layout.tokens
        token = max(0, min(token, len(tokens) - 1)) if tokens else 0
        if token != self._cursor and tokens:
            self._invalidate_chars(*tokens[self._cursor])
            self._invalidate_chars(*tokens[token])
        self._cursor = token
        if scroll:
            self.scroll_to_token(token)

    def set_selection(self, selection: tuple[int, int] | None) -> None:
        """Set the selected token range; repaints only where coverage changed."""
        if selection is not None:
            start, end = selection
            count = len(self._layout.tokens)
            start, end = max(0, min(start, count)), max(0, min(end, count))
            selection = (start, end) if start < end else None
        old, self._selection = self._selection, selection
        for start, end in self._layout.selection_changes(old, selection):
            self._invalidate_chars(start, end)

    def set_hints(self, hints: Sequence[tuple[int, str]]) -> None:
        """Paint each hint over the characters from its offset (hint mode); () clears."""
        old, self._hints = self._hints, dict(hints)
        for char, hint in (*old.items(), *self._hints.items()):
            self._invalidate_chars(char, char + len(hint))

    hints = property(lambda self: dict(self._hints), doc="Painted hints: offset -> hint.")

    def visible_chars(self) -> tuple[int, int]:
        """The characters on the rows now on screen (start, end)."""
        lines = self._layout.lines
        if not lines:
            return 0, 0
        top = max(0, min(round(self.scroll_y), len(lines) - 1))
        bottom = max(top, min(len(lines), top + self.lines_per_page) - 1)
        return lines[top][0], lines[bottom][1]

    # ------------------------------------------------------------------ geometry

    def line_of_token(self, token: int) -> int:
        """The visual line where `token` starts (0 if there is no such line)."""
        return self._layout.line_of_token(token)

    def line_span(self, line: int) -> tuple[int, int]:
        """Character range `(start, end)` shown on visual `line`."""
        start, end, _ = self._layout.lines[line]
        return start, end

    def token_x(self, token: int) -> int:
        """Cell column where `token` starts on its line (to keep the column on up/down)."""
        return self._layout.token_x(token)

    def token_at(self, offset: Offset) -> int | None:
        """The token drawn at `offset`, or None over whitespace or empty space.

        `offset` is relative to the content area's top-left, as seen on screen (e.g.
        `event.get_content_offset(view)` or the `y` passed to `render_line`); the
        current scroll position is added here.
        """
        if offset.y < 0 or offset.x < 0:
            return None
        scroll_x, scroll_y = self.scroll_offset
        return self._layout.token_at_cell(scroll_y + offset.y, scroll_x + offset.x)

    def token_on_line(self, line: int, near_x: int, *, direction: int = 0) -> int:
        """The token on `line` closest to cell column `near_x`.

        For cursor up/down. A line without tokens (a blank row) is skipped in
        `direction` (-1 up, +1 down; 0 tries down then up) so the cursor never sticks.
        Returns the current cursor if the document has no tokens.
        """
        found = self._layout.token_on_line(line, near_x, direction)
        return self._cursor if found is None else found

    def scroll_to_token(self, token: int) -> None:
        """Scroll the minimum needed so the line holding `token` is visible."""
        if not self._layout.lines or not self.size:
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
        if not 0 <= index < len(self._layout.lines):
            return Strip.blank(width, base)
        strip = self._strip_cache.get(index)
        if strip is None:
            strip = self._build_strip(index)
            self._strip_cache[index] = strip
            if not self._paint_noted:  # set once this frame has been written out
                self._paint_noted = True
                self.call_later(self.painted.set)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def notify_style_update(self) -> None:
        """Theme or CSS changed: every cached strip and mark style is stale."""
        super().notify_style_update()
        self._styles.clear()
        self._strip_cache.clear()

    def _on_resize(self, event: events.Resize) -> None:
        """Wrapping depends on the width, so a resize re-wraps."""
        self._relayout()

    def _relayout(self, *, force: bool = False) -> None:
        """Re-wrap for the current width; only when the width changed (or forced)."""
        width = self.scrollable_content_region.width if self.is_attached else 0
        layout = self._layout
        if width > 0 and not force and width == layout.width:
            return
        layout.wrap(width)
        self._marks_by_line = None
        self._strip_cache.clear()
        self.virtual_size = Size(max(layout.width, 1), len(layout.lines))
        self.refresh()
        if layout.lines:
            self.call_after_refresh(self.scroll_to_token, self._cursor)

    def _component_style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def _build_strip(self, index: int) -> Strip:
        """Paint one visual line from scratch (the expensive path the cache avoids)."""
        layout = self._layout
        start, end, cells = layout.lines[index]
        if start == end:
            return Strip([], 0)
        line_marks = in_paint_order(self._marks_on_line(index))
        overlays = mark_overlays(line_marks, self._styles.style)
        selection = layout.selection_chars(self._selection)
        if selection is not None:
            selected = self._component_style("article--selection") + self._selection_colors
            overlays.append((*selection, selected))
        for flag, component in (
            ("relation_end", "article--relation-end"),
            ("relation_child", "article--relation-child"),
            ("focused", "article--focused"),
        ):
            style = self._component_style(component)
            overlays.extend(
                (mark.start, mark.end, style) for mark in line_marks if getattr(mark, flag)
            )
        if layout.tokens:
            token_start, token_end = layout.tokens[self._cursor]
            overlays.append((token_start, token_end, self._component_style("article--cursor")))
        shown, hinted = with_hints(layout.shown, start, end, self._hints)
        hint_style = self._component_style("article--hint")
        overlays.extend((a, b, hint_style) for a, b in hinted)
        segments = styled_segments(shown, start, end, self.rich_style, overlays)
        return Strip(segments, cells)

    # ------------------------------------------------------------------ helpers

    def _invalidate_chars(self, start: int, end: int) -> None:
        """Drop cached strips and repaint the rows showing any of `text[start:end]`."""
        rows = self._layout.lines_showing(start, end)
        if not rows:
            return
        for line in rows:
            self._strip_cache.discard(line)
        self.refresh_lines(rows.start, len(rows))

    def _marks_on_line(self, line: int) -> list[Mark]:
        """Marks touching `line`; the index is rebuilt lazily so `set_marks` stays cheap."""
        if self._marks_by_line is None:
            layout = self._layout
            by_line: dict[int, list[Mark]] = {}
            for mark in self._marks:
                if mark.end <= mark.start or not layout.lines:
                    continue
                first, last = layout.line_of_char(mark.start), layout.line_of_char(mark.end - 1)
                for row in range(first, last + 1):
                    by_line.setdefault(row, []).append(mark)
            self._marks_by_line = by_line
        return self._marks_by_line.get(line, [])

    def _drag_token(self, offset: Offset) -> int | None:
        """Token under `offset` for dragging: clamps to the text, whitespace -> previous."""
        scroll_x, scroll_y = self.scroll_offset
        return self._layout.drag_token(scroll_y + offset.y, scroll_x + offset.x)

    # ------------------------------------------------------------------ mouse

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        """Remember the pressed token and capture the mouse so drags may leave the view."""
        if event.button != 1:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        anchor = self._drag_token(offset)
        self._drag = None if anchor is None else Drag(self.token_at(offset), anchor, anchor)
        self.capture_mouse()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        """While dragging, preview the selection (the host confirms it on release)."""
        if self._drag is None:
            return
        token = self._drag_token(event.get_content_offset_capture(self))
        if token is None or not self._drag.move_to(token):
            return
        self.scroll_to_token(token)
        self.set_selection(self._drag.tokens)

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        """Report a drag as SelectionDragged, else a press+release on one token as a click."""
        drag, self._drag = self._drag, None
        self.release_mouse()
        if drag is None:
            return
        if drag.dragged:
            self.post_message(self.SelectionDragged(*drag.tokens))
        elif drag.pressed is not None:
            offset = event.get_content_offset(self)
            if offset is not None and self.token_at(offset) == drag.pressed:
                self.post_message(self.TokenClicked(drag.pressed))

    def _on_hide(self, event: events.Hide) -> None:
        """A hidden view cannot receive the mouse release: end any drag now."""
        self._drag = None
        self.release_mouse()
