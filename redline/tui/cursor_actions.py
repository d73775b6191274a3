"""The keys that move: the cursor and the selection, tab between spans, hint mode (any span or
token on screen in three keys), ``j``/``k`` to the suggestions not looked at yet, search, and
what the screen shows (rejected suggestions, the side panel)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from redline.editing import RelationState
from redline.navigation import find_text, first_after, last_before
from redline.tui.article import ArticleView
from redline.tui.document_screen import DocumentScreen
from redline.tui.hints import HintScreen, assign_hints
from redline.tui.modals import PromptScreen
from redline.tui.side_panel import SidePanel


class CursorActions(DocumentScreen):
    """The actions of the keys that move the cursor or change what is shown."""

    # -- cursor and selection ------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_cursor_line(self, step: int) -> None:
        article = self.query_one(ArticleView)
        line = article.line_of_token(self.cursor) + step
        self.move_cursor(article.token_on_line(line, article.token_x(self.cursor), direction=step))

    def action_cursor_page(self, step: int) -> None:
        """A page up or down: the view scrolls by a page (less one line of context) and the
        cursor goes with it."""
        article = self.query_one(ArticleView)
        page = max(1, article.lines_per_page - 1)
        line = article.line_of_token(self.cursor) + step * page
        article.scroll_relative(y=step * page, animate=False, immediate=True)
        self.move_cursor(article.token_on_line(line, 0, direction=step))

    def action_select(self, step: int) -> None:
        if self.selection_anchor is None:
            self.selection_anchor = self.cursor
        anchor = self.selection_anchor
        self.move_cursor(self.cursor + step, keep_selection=True)
        first, last = sorted((anchor, self.cursor))
        self.selection = (first, last + 1)
        start, end = self.session.tokens.chars(first, last + 1)
        self.say(f"selected “{self.session.document.text[start:end]}” · press a label key")

    def action_cancel(self) -> None:
        if self.relation_head is not None:
            self.relation_head = None
            self.say("relation cancelled")
        self.selection_anchor = None
        self.selection = None
        self.focused_relation = None
        self.request_repaint()  # even where nothing changed: it scrolls the cursor into view

    def action_next_span(self, step: int) -> None:
        spans = [s for s in self.session.spans if s.live or self.show_rejected]
        starts = [s.start for s in spans]
        char = self.session.tokens.tokens[self.cursor][0] if len(self.session.tokens) else 0
        if step > 0:  # the span in focus starts at or before the cursor: never the next one
            index = first_after(starts, char)
        elif (current := self.focused_span()) is not None:
            index = last_before(starts, current.start)
        else:
            index = last_before(starts, char, inclusive=True)
        if index is None:
            self.refuse("there are no spans")
            return
        self.move_cursor(self.session.tokens.token_at(spans[index].start))

    # -- view and search -----------------------------------------------------------------

    def action_toggle_rejected(self) -> None:
        self.show_rejected = not self.show_rejected
        self.say("showing rejected suggestions" if self.show_rejected else "hiding rejected")

    def action_search(self) -> None:
        def search(term: str | None) -> None:
            if not term:
                return
            self.search_term = term
            tokens = self.session.tokens
            here = tokens.tokens[self.cursor][0] + 1 if len(tokens) else 0
            found = find_text(self.session.document.text, term, here)
            if found is None:
                self.refuse(f"“{term}” is not in this document")
                return
            first, stop = tokens.span_tokens(*found)
            self.move_cursor(stop - 1)
            self.selection_anchor = first  # shift+arrows grow the match from its end
            self.selection = (first, stop)
            shown = self.session.document.text[found[0] : found[1]]
            self.say(f"found “{shown}” · a label key labels it, / searches again")

        self.ask(PromptScreen("Search", self.search_term), search)

    # -- hint mode -----------------------------------------------------------------------

    def pick_by_hint(
        self, positions: Sequence[int], then: Callable[[int], None], what: str
    ) -> None:
        """Hint mode over targets at these character offsets (visible ones only); typing a
        hint calls ``then`` with the index of its target."""
        article = self.query_one(ArticleView)
        first, last = article.visible_chars()
        shown = [i for i, at in enumerate(positions) if first <= at < max(last, first + 1)]
        if not shown:
            self.refuse(f"no {what} on screen")
            return
        here = self.session.tokens.tokens[self.cursor][0] if len(self.session.tokens) else 0
        hints = assign_hints([positions[i] for i in shown], here)

        def paint(typed: str | None) -> None:
            article.set_hints(
                []
                if typed is None
                else [
                    (positions[i], hint)
                    for i, hint in zip(shown, hints, strict=True)
                    if hint and hint.startswith(typed)
                ]
            )

        def picked(result: int | str | None) -> None:
            if isinstance(result, int):
                then(shown[result])
            elif result is not None:  # a key that is no hint: it does what it always does
                self.app.simulate_key(result)

        self.say(f"type the hint of a {what} (esc: back)")
        self.ask(HintScreen(hints, paint), picked)

    def action_hint_span(self) -> None:
        """Every span on screen gets a hint; typing it puts the cursor there."""
        spans = [s for s in self.session.spans if s.live or self.show_rejected]
        tokens = self.session.tokens

        def go(index: int) -> None:
            self.move_cursor(tokens.token_at(spans[index].start))

        self.pick_by_hint([s.start for s in spans], go, "span")

    def action_hint_token(self) -> None:
        """Every token on screen gets a hint: where a new span starts (then shift+right and a
        label key)."""
        tokens = self.session.tokens
        self.pick_by_hint(tokens.starts, self.move_cursor, "token")

    def action_next_unreviewed(self, step: int) -> None:
        """To the next (previous) suggestion not looked at yet: what saving would keep
        without anyone having seen it."""
        items = self.session.unreviewed()
        if not items:
            self.say("every suggestion has been looked at")
            return
        spans = {s.id: s for s in self.session.spans}
        starts = [
            spans[item.head].start if isinstance(item, RelationState) else item.start
            for item in items
        ]
        here = self.session.tokens.tokens[self.cursor][0] if len(self.session.tokens) else 0
        # the span in focus has been looked at, so it is not among them: from the cursor on
        index = first_after(starts, here - 1) if step > 0 else last_before(starts, here)
        assert index is not None
        item = items[index]
        if isinstance(item, RelationState):
            self.focus_relation(item.id)
            what = self.describe_relation(item)
        else:
            self.move_cursor(self.session.tokens.token_at(item.start))
            what = f"{item.label} “{self.session.text_of(item)}”"
        self.say(f"{what} · suggested · {len(items) - 1} more not looked at (j, k)")

    # -- what is shown -------------------------------------------------------------------

    def action_toggle_side(self) -> None:
        side = self.query_one(SidePanel)
        side.display = not side.display
        self.say("side panel shown" if side.display else "side panel hidden (b shows it)")
