"""The annotate screen: one document at a time, every edit a key, every save durable.

Actions are thin: each calls :class:`redline.editing.EditSession` or the
:class:`redline.queue.DocumentQueue` and sets the view's state, which repaints. A refused edit
is one line in the status bar saying why; nothing half-applies. The relation keys are in
:mod:`redline.tui.relation_actions`, the document keys in :mod:`redline.tui.document_actions`,
what they share in :mod:`redline.tui.document_screen`; this module has the cursor, selection
and span keys, and the mouse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on, work
from textual.binding import BindingType

from redline.editing import EditRefused, SpanState
from redline.errors import RedlineError
from redline.queue import DocumentQueue
from redline.schema.keys import is_person
from redline.schema.records import Answer
from redline.store.base import SaveWatcher
from redline.training.background import Retrainer
from redline.tui.article import ArticleView
from redline.tui.bindings import annotate_bindings, label_binding
from redline.tui.document_actions import DocumentActions
from redline.tui.header import DocumentHeader
from redline.tui.messages import RetrainFinished, TeamSaved
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


TEAM_EVERY = 1.0
"""Seconds between two looks for the other people's saves."""


class AnnotateScreen(RelationActions, DocumentActions):
    """Annotate the documents of a queue, starting where the annotator left off."""

    BINDINGS: ClassVar[list[BindingType]] = annotate_bindings()

    def __init__(
        self,
        worklist: DocumentQueue,
        start: int | None = None,
        retraining: Retraining | None = None,
        *,
        text_first: bool = False,
    ) -> None:
        super().__init__(worklist, start, text_first=text_first)
        self.retraining = retraining
        self._watcher: SaveWatcher | None = None
        self._team_closed = False
        for entity in self.schema.entities:
            if entity.key:  # a label past the keys there are is in the command palette
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
        self._team_closed = True
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.close()  # wakes the worker, which then ends

    # -- the rest of the team ------------------------------------------------------------

    def on_mount(self) -> None:
        self.follow_team()
        self.set_interval(TEAM_EVERY, self.follow_team)

    @work(thread=True, exclusive=True, group="team", exit_on_error=False)
    def follow_team(self) -> None:
        """Look for the other people's saves (never waiting), and count their documents when
        someone saved (and once at first), all in this thread: on PostgreSQL both ask the
        server, which no key press may wait for. A short worker started again by a timer,
        not one that never ends: whoever waits for the screen's workers is not kept waiting."""
        if self._team_closed:
            return
        dataset, own = self.worklist.dataset, self.worklist.annotator
        first = self._watcher is None
        if self._watcher is None:
            self._watcher = dataset.watch()
        heard = {n for n in self._watcher.wait(0) if n != own and is_person(n)}
        if not (first or heard) or self._team_closed:
            return
        try:
            others = [name for name in dataset.people() if name != own]
            saved = dataset.documents_saved(others)
        except (RedlineError, OSError):  # unreachable now; the next save retries
            return
        self.post_message(TeamSaved(heard, len(others), saved))

    @reports_errors
    def on_team_saved(self, message: TeamSaved) -> None:
        self.team_saved(message)

    def team_saved(self, message: TeamSaved) -> None:
        """The header shows the team's count (the review screen says more)."""
        for header in self.query(DocumentHeader):  # none while the screen is being removed
            header.show_team(message.others, message.saved)

    # -- span edits ----------------------------------------------------------------------

    def action_label(self, label: str) -> None:
        session = self.session
        if self.selection is not None:
            start, end = session.tokens.chars(*self.selection)
            if self.edit(lambda: session.add_span(start, end, label)):
                self.selection = None
                self.selection_anchor = None
            return
        focused = self.focused_span()
        if focused is not None and focused.live:
            self.edit(lambda: session.set_label(focused.id, label))
            return
        start, end = session.tokens.tokens[self.cursor]
        self.edit(lambda: session.add_span(start, end, label))

    def action_accept(self) -> None:
        if self.focused_relation is not None:
            relation_id = self.focused_relation
            self.edit(lambda: self.session.accept_relation(relation_id))
            return
        if self.relation_just_removed is not None:
            self.refuse("that relation is removed; move the cursor to act on a span")
            return
        focused = self.focused_span()
        if focused is None:
            self.refuse("no span under the cursor")
            return
        self.edit(lambda: self.session.accept(focused.id))

    def action_reject(self) -> None:
        if self.focused_relation is not None:
            self.action_delete_relation()
            return
        if self.relation_just_removed is not None:
            self.refuse("that relation is removed; move the cursor to reject a span")
            return
        focused = self.focused_span()
        if focused is None or not focused.live:
            self.refuse("no span under the cursor")
            return
        self.edit(lambda: self.session.reject(focused.id))

    def action_accept_all(self) -> None:
        if not self.session.pending:
            self.refuse("no suggestions left to accept")
            return
        self.edit(self.session.accept_all)
        self.say(f"{self.session.history_note()} (u undoes)")

    def action_boundary(self, side: Literal["start", "end"], step: int) -> None:
        self._resize(lambda span_id: self.session.move_boundary(span_id, side, step))

    def action_boundary_char(self, side: Literal["start", "end"], step: int) -> None:
        self._resize(lambda span_id: self.session.move_boundary_chars(span_id, side, step))

    def _resize(self, move: Callable[[str], SpanState]) -> None:
        focused = self.focused_span()
        if focused is None or not focused.live:
            self.refuse("no span under the cursor")
            return
        try:
            moved = move(focused.id)
        except EditRefused as error:
            self.refuse(str(error))
            return
        self.cursor = self.session.tokens.token_at(moved.start)
        self.request_repaint()
        self.say(self.session.history_note())

    def action_undo(self) -> None:
        if self.refused_while_saving():
            return
        note = self.session.undo()
        if note is None:
            self.refuse("nothing to undo")
            return
        self.focused_relation = None
        self.request_repaint()
        self.say(f"undid: {note}")

    def action_redo(self) -> None:
        if self.refused_while_saving():
            return
        note = self.session.redo()
        if note is None:
            self.refuse("nothing to redo")
            return
        self.focused_relation = None
        self.request_repaint()
        self.say(f"redid: {note}")

    def action_save(self, answer: Answer) -> None:
        if self.relation_head is not None and answer == "accept":
            self.pick_relation_child()  # enter ends the relation being made
            return
        super().action_save(answer)

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
