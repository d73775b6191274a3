"""The annotate screen: one document at a time, every edit a key, every save durable.

Actions are thin: each calls :class:`redline.editing.EditSession` or the
:class:`redline.queue.DocumentQueue` and sets the view's state, which repaints. A refused edit
is one line in the status bar saying why; nothing half-applies. The relation keys are in
:mod:`redline.tui.relation_actions`, the document keys in :mod:`redline.tui.document_actions`,
what they share in :mod:`redline.tui.document_screen`; this module has the cursor, selection
and span keys, and the mouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on, work
from textual.binding import BindingType

from redline.editing import EditRefused
from redline.navigation import find_text, first_after, last_before
from redline.queue import DocumentQueue
from redline.schema.records import Answer
from redline.training.background import Retrainer
from redline.tui.article import ArticleView
from redline.tui.bindings import annotate_bindings, label_binding
from redline.tui.document_actions import DocumentActions
from redline.tui.header import DocumentHeader
from redline.tui.messages import RetrainFinished
from redline.tui.modals import PromptScreen
from redline.tui.relation_actions import RelationActions
from redline.tui.side_panel import SidePanel
from redline.tui.status_line import reports_errors
from redline.tui.textual_private import add_binding
from redline.worklist import Worklist


@dataclass(frozen=True)
class Retraining:
    """A retrainer and the annotator's worklist whose model it replaces."""

    retrainer: Retrainer
    worklist: Worklist


class AnnotateScreen(RelationActions, DocumentActions):
    """Annotate the documents of a queue, starting where the annotator left off."""

    BINDINGS: ClassVar[list[BindingType]] = annotate_bindings()

    def __init__(
        self,
        worklist: DocumentQueue,
        start: int | None = None,
        retraining: Retraining | None = None,
    ) -> None:
        super().__init__(worklist, start)
        self.retraining = retraining
        for entity in self.schema.entities:
            add_binding(self, label_binding(entity))

    # -- retraining (annotate --retrain-every) -------------------------------------------

    def after_save(self) -> None:
        if self.retraining is not None and self.retraining.retrainer.count_save():
            suggester = self.worklist.suggester
            base = suggester.model.load_target if suggester is not None else None
            self.retrain(base or self.schema.model.name)

    @work(thread=True, exclusive=True, group="retrain", exit_on_error=False)
    def retrain(self, base: str) -> None:
        """Wait for a child process that trains (see :mod:`redline.training.background`)."""
        assert self.retraining is not None
        self.post_message(RetrainFinished(self.retraining.retrainer.run(base)))

    @reports_errors
    def on_retrain_finished(self, message: RetrainFinished) -> None:
        outcome = message.outcome
        if outcome.model_dir is not None and self.retraining is not None:
            self.retraining.worklist.use_model(str(outcome.model_dir))
            self.query_one(DocumentHeader).set_model(self.header_note())
        self.say(outcome.message, "ok" if outcome.model_dir is not None else "info")

    def on_unmount(self) -> None:
        if self.retraining is not None:
            self.retraining.retrainer.stop()

    # -- cursor and selection ------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_cursor_line(self, step: int) -> None:
        article = self.query_one(ArticleView)
        line = article.line_of_token(self.cursor) + step
        self.move_cursor(article.token_on_line(line, article.token_x(self.cursor), direction=step))

    def action_cursor_page(self, step: int) -> None:
        article = self.query_one(ArticleView)
        line = article.line_of_token(self.cursor) + step * max(1, article.lines_per_page - 1)
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

    # -- span edits ----------------------------------------------------------------------

    def action_label(self, label: str) -> None:
        session = self.session
        if self.selection is not None:
            start, end = session.tokens.chars(*self.selection)
            if self.edit(lambda: session.add_span(start, end, label)):
                self.selection = None
                self.selection_anchor = None
                self.say(f"added {label} “{session.document.text[start:end]}”")
            return
        focused = self.focused_span()
        if focused is not None and focused.live:
            self.edit(lambda: session.set_label(focused.id, label), f"now {label}")
            return
        start, end = session.tokens.tokens[self.cursor]
        self.edit(lambda: session.add_span(start, end, label), f"added {label}")

    def action_accept(self) -> None:
        if self.focused_relation is not None:
            relation_id = self.focused_relation
            self.edit(lambda: self.session.accept_relation(relation_id), "relation accepted")
            return
        focused = self.focused_span()
        if focused is None:
            self.refuse("no span under the cursor")
            return
        self.edit(lambda: self.session.accept(focused.id), f"accepted {focused.label}")

    def action_reject(self) -> None:
        if self.focused_relation is not None:
            self.action_delete_relation()
            return
        focused = self.focused_span()
        if focused is None or not focused.live:
            self.refuse("no span under the cursor")
            return
        self.edit(lambda: self.session.reject(focused.id), f"rejected {focused.label}")

    def action_accept_all(self) -> None:
        count = self.session.pending
        self.edit(self.session.accept_all, f"accepted {count} remaining suggestions")

    def action_boundary(self, side: Literal["start", "end"], step: int) -> None:
        focused = self.focused_span()
        if focused is None or not focused.live:
            self.refuse("no span under the cursor")
            return
        try:
            moved = self.session.move_boundary(focused.id, side, step)
        except EditRefused as error:
            self.refuse(str(error))
            return
        self.cursor = self.session.tokens.token_at(moved.start)
        self.request_repaint()
        self.say(f"{moved.label} “{self.session.text_of(moved)}”")

    def action_undo(self) -> None:
        if self.session.undo():
            self.focused_relation = None
            self.request_repaint()
            self.say("undone")
        else:
            self.refuse("nothing to undo")

    def action_redo(self) -> None:
        if self.session.redo():
            self.focused_relation = None
            self.request_repaint()
            self.say("redone")
        else:
            self.refuse("nothing to redo")

    def action_save(self, answer: Answer) -> None:
        if self.relation_head is not None and answer == "accept":
            self.pick_relation_child()  # enter ends the relation being made
            return
        super().action_save(answer)

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
            first, stop = tokens.span_tokens(found, found + len(term))
            self.move_cursor(stop - 1)
            self.selection_anchor = first  # shift+arrows grow the match from its end
            self.selection = (first, stop)
            self.say(f"found “{term}” · a label key labels it, / searches again")

        self.ask(PromptScreen("Search", self.search_term), search)

    # -- mouse and side panel ------------------------------------------------------------

    @on(ArticleView.TokenClicked)
    @reports_errors
    def clicked(self, event: ArticleView.TokenClicked) -> None:
        self.move_cursor(event.token)

    @on(ArticleView.SelectionDragged)
    @reports_errors
    def dragged(self, event: ArticleView.SelectionDragged) -> None:
        self.selection_anchor = event.start
        self.move_cursor(event.end - 1, keep_selection=True)
        self.selection = (event.start, event.end)

    @on(SidePanel.Picked)
    @reports_errors
    def picked(self, event: SidePanel.Picked) -> None:
        if event.kind == "span":
            span = self.session.span(event.item_id)
            self.move_cursor(self.session.tokens.token_at(span.start))
        else:
            self.focus_relation(event.item_id)
