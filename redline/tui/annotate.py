"""The annotate screen: one document at a time, every edit a key, every save durable.

Actions are thin: each calls :class:`redline.editing.EditSession` or
:class:`redline.worklist.Worklist` and then repaints. A refused edit is one line in the
status bar saying why; nothing half-applies.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from redline.editing import EditRefused, EditSession, SpanState
from redline.errors import RedlineError
from redline.schema.records import Annotation, Answer
from redline.tui.article import ArticleView, Mark
from redline.tui.bindings import annotate_bindings, key_table
from redline.tui.header import DocumentHeader
from redline.tui.modals import ConfirmScreen, HelpScreen, PromptScreen, RelationLabelScreen
from redline.tui.side_panel import SidePanel
from redline.tui.status_line import StatusLine
from redline.worklist import Opened, Worklist

PREFETCH = 3


class AnnotateScreen(Screen[None]):
    """Annotate the documents of a worklist, starting where the annotator left off."""

    BINDINGS = annotate_bindings()

    def __init__(self, worklist: Worklist, start: int | None = None) -> None:  # or a ReviewWorklist
        super().__init__()
        self.worklist = worklist
        self.schema = worklist.schema
        self.colours = {e.label: e.color for e in self.schema.entities}
        for entity in self.schema.entities:
            self._bindings._add_binding(
                Binding(
                    entity.key,
                    f"label('{entity.label}')",
                    f"Label {entity.label}",
                    show=False,
                    tooltip=f"Label the selection or the span in focus {entity.label}",
                    id=f"label.{entity.label}",
                )
            )
        self.position = worklist.resume_position() if start is None else start
        self.opened: Opened | None = None
        self.cursor = 0
        self.anchor: int | None = None
        self.selection: tuple[int, int] | None = None
        self.focused_relation: str | None = None
        self.relation_head: str | None = None
        self.show_rejected = False
        self.search_term = ""
        self.started = time.monotonic()
        self.spent = 0.0
        self._marks_key: tuple[int, int, bool] | None = None
        self._marks: list[tuple[str, Mark]] = []

    @property
    def session(self) -> EditSession:
        assert self.opened is not None
        return self.opened.session

    def header_note(self) -> str:
        """What the header says about where suggestions come from."""
        suggester = self.worklist.suggester
        if suggester is None:
            return "no suggestions"
        if suggester.model.statistical:
            return f"{suggester.model.name} {suggester.model.version}"
        return "rules only (no statistical model installed)"

    def compose(self) -> ComposeResult:
        yield DocumentHeader(
            self.worklist.dataset.name, self.worklist.annotator, self.header_note()
        )
        with Horizontal(id="body"):
            yield ArticleView(id="article")
            yield SidePanel(id="side")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        article = self.query_one(ArticleView)
        article.set_label_colors(self.colours)
        article.focus()
        self.open(self.position)
        if self.worklist.suggester is not None and self.worklist.suggester.warning:
            self.say(self.worklist.suggester.warning, "error")
        if not self.worklist.index.complete:
            # after the first frame: indexing competes with painting for the interpreter
            self.call_after_refresh(self.finish_index)

    @work(thread=True, exclusive=True, group="index")
    def finish_index(self) -> None:
        """Index the rest of a big corpus while the first document is already on screen."""
        self.worklist.finish_index()
        self.app.call_from_thread(self._index_finished)

    def _index_finished(self) -> None:
        self.repaint()
        skipped = self.worklist.skipped_documents()
        if skipped:
            self.say(f"{skipped} document(s) of the corpus skipped (listed when you quit)")

    # -- opening documents ---------------------------------------------------------------

    def open(self, position: int) -> None:
        """Show a document: its saved version, else its suggestions if at hand (the rest are
        computed in the background and shown when ready)."""
        self.position = position
        self.opened = self.worklist.open(position)
        self.cursor = 0
        self.anchor = None
        self.selection = None
        self.focused_relation = None
        self.relation_head = None
        self.started = time.monotonic()
        self.spent = self.opened.session.saved.seconds if self.opened.session.saved else 0.0
        article = self.query_one(ArticleView)
        article.set_document(self.session.document.text, self.session.tokens.tokens)
        self.repaint()
        doc_id = self.session.document.doc_id
        if self.opened.text_changed:
            self.say(
                f"{doc_id}: the text changed since it was saved (text_sha1 differs); "
                "starting again from the suggestions",
                "error",
            )
        elif self.opened.source == "saved":
            self.say(f"{doc_id}: your saved version (saving again adds a new version)")
        elif self.opened.source == "empty" and self.worklist.suggester is not None:
            self.say(f"{doc_id}: computing suggestions…")
        else:
            self.say(f"{doc_id}: {len(self.session.live_spans)} suggestions to review")
        self.prefetch(position)

    @work(thread=True, exclusive=True, group="suggest")
    def prefetch(self, position: int) -> None:
        """Compute suggestions for this document and the next few, off the UI thread."""
        for ahead in range(position, position + 1 + PREFETCH):
            if not self.worklist.has(ahead):
                break
            if self.worklist.is_saved(ahead) and ahead != position:
                continue
            try:
                record = self.worklist.suggest(ahead)
            except RedlineError as error:
                self.app.call_from_thread(self.say, str(error), "error")
                return
            if ahead == position:
                self.app.call_from_thread(self._suggestions_ready, ahead, record)

    def _suggestions_ready(self, position: int, record: Annotation | None) -> None:
        if self.opened is None or position != self.position or self.opened.source != "empty":
            return
        if self.session.dirty or record is None:
            return
        self.opened = self.worklist.open(position, suggestions=record)
        self.repaint()
        self.say(f"{record.doc_id}: {len(record.spans)} suggestions to review")

    # -- painting ------------------------------------------------------------------------

    def focused_span(self) -> SpanState | None:
        """The span under the cursor (live spans first)."""
        if self.opened is None or not len(self.session.tokens):
            return None
        char = self.session.tokens.tokens[self.cursor][0]
        for span in self.session.spans_at(char):
            if span.live or self.show_rejected:
                return span
        return None

    def _base_marks(self) -> list[tuple[str, Mark]]:
        """The marks of every shown span, unfocused; rebuilt only when the spans change."""
        key = (id(self.session), self.session.version, self.show_rejected)
        if key != self._marks_key:
            kinds = {"pending": "suggested", "accepted": "confirmed", "rejected": "rejected"}
            self._marks = [
                (span.id, Mark(span.start, span.end, span.label, kinds[span.status]))  # type: ignore[arg-type]
                for span in self.session.spans
                if span.live or self.show_rejected
            ]
            self._marks_key = key
        return self._marks

    def repaint(self) -> None:
        session = self.session
        focused = self.focused_span()
        focused_id = focused.id if focused is not None else None
        ends: set[str] = set()
        live_relations = {r.id: r for r in session.relations}
        if self.focused_relation not in live_relations:
            self.focused_relation = None  # gone (undo, delete): nothing to highlight
        if self.focused_relation is not None:
            relation = live_relations[self.focused_relation]
            ends = {relation.head, relation.child}
        if self.relation_head is not None:
            ends.add(self.relation_head)
        marks = [
            replace(mark, focused=span_id == focused_id, relation_end=span_id in ends)
            if span_id == focused_id or span_id in ends
            else mark
            for span_id, mark in self._base_marks()
        ]
        article = self.query_one(ArticleView)
        article.set_marks(marks)
        article.set_selection(self.selection)
        article.set_cursor(self.cursor)
        self.query_one(SidePanel).show(
            session,
            self.colours,
            self.show_rejected,
            focused.id if focused else None,
            self.focused_relation,
        )
        self.query_one(DocumentHeader).show(
            self.position,
            *self.worklist.known_length(),
            session.document.doc_id,
            self.worklist.done,
            self.worklist.is_saved(self.position),
        )

    def say(self, message: str, kind: str = "info") -> None:
        self.query_one(StatusLine).say(message, kind)

    def refuse(self, message: str) -> None:
        self.say(f"refused: {message}", "error")
        self.app.bell()

    def edit(self, change, done: str | None = None) -> bool:  # type: ignore[no-untyped-def]
        """Run one edit; a refusal becomes a status message and the state is unchanged."""
        try:
            change()
        except EditRefused as error:
            self.refuse(str(error))
            return False
        self.repaint()
        if done:
            self.say(done)
        return True

    # -- cursor and selection ------------------------------------------------------------

    def move_cursor(self, token: int, *, keep_selection: bool = False) -> None:
        count = len(self.session.tokens)
        if not count:
            return
        self.cursor = max(0, min(count - 1, token))
        if not keep_selection:
            self.anchor = None
            self.selection = None
        self.focused_relation = None
        self.repaint()
        focused = self.focused_span()
        if focused is not None and self.relation_head is None:
            self.say(
                f"{focused.label} “{self.session.text_of(focused)}” · {focused.status}"
                f" · {focused.origin}"
            )

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
        if self.anchor is None:
            self.anchor = self.cursor
        self.move_cursor(self.cursor + step, keep_selection=True)
        first, last = sorted((self.anchor, self.cursor))
        self.selection = (first, last + 1)
        self.repaint()
        start, end = self.session.tokens.chars(*self.selection)
        self.say(f"selected “{self.session.document.text[start:end]}” · press a label key")

    def action_cancel(self) -> None:
        if self.relation_head is not None:
            self.relation_head = None
            self.say("relation cancelled")
        self.anchor = None
        self.selection = None
        self.focused_relation = None
        self.repaint()

    def action_next_span(self, step: int) -> None:
        spans = [s for s in self.session.spans if s.live or self.show_rejected]
        if not spans:
            self.refuse("there are no spans")
            return
        char = self.session.tokens.tokens[self.cursor][0] if len(self.session.tokens) else 0
        current = self.focused_span()
        if step > 0:
            after = [s for s in spans if s.start > char and (current is None or s.id != current.id)]
            target = after[0] if after else spans[0]
        else:
            before = [s for s in spans if s.start < (current.start if current else char + 1)]
            target = before[-1] if before else spans[-1]
        self.move_cursor(self.session.tokens.token_at(target.start))

    # -- span edits ----------------------------------------------------------------------

    def action_label(self, label: str) -> None:
        session = self.session
        if self.selection is not None:
            start, end = session.tokens.chars(*self.selection)
            if self.edit(lambda: session.add_span(start, end, label)):
                self.selection = None
                self.anchor = None
                self.repaint()
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
        self.repaint()
        self.say(f"{moved.label} “{self.session.text_of(moved)}”")

    # -- relations -----------------------------------------------------------------------

    def action_relation(self) -> None:
        focused = self.focused_span()
        if self.relation_head is not None:
            self.pick_relation_child()
            return
        if focused is None or not focused.live:
            self.refuse("put the cursor on the span the relation starts from")
            return
        self.relation_head = focused.id
        self.repaint()
        self.say(
            f"relation from “{self.session.text_of(focused)}”: move to the other span and press "
            "enter (esc cancels)"
        )

    def pick_relation_child(self) -> None:
        assert self.relation_head is not None
        head = self.session.span(self.relation_head)
        child = self.focused_span()
        if child is None or not child.live or child.id == head.id:
            self.refuse("move the cursor onto another span, then press enter")
            return

        def chosen(label: str | None) -> None:
            self.relation_head = None
            if label is None:
                self.repaint()
                self.say("relation cancelled")
                return
            if self.edit(lambda: self.session.add_relation(head.id, child.id, label)):
                made = self.session.relations[-1]
                self.focused_relation = made.id
                self.repaint()
                self.say(f"{self.session.text_of(head)} -{label}-> {self.session.text_of(child)}")

        self.app.push_screen(
            RelationLabelScreen(
                self.schema,
                (self.session.text_of(head), head.label),
                (self.session.text_of(child), child.label),
            ),
            chosen,
        )

    def action_next_relation(self, step: int) -> None:
        relations = [r for r in self.session.relations if r.live or self.show_rejected]
        if not relations:
            self.refuse("there are no relations")
            return
        ids = [r.id for r in relations]
        if self.focused_relation in ids:
            index = (ids.index(self.focused_relation) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        self.focus_relation(ids[index])

    def focus_relation(self, relation_id: str) -> None:
        """Put the cursor on the relation's head and highlight both of its ends."""
        relation = self.session.relation(relation_id)
        head, child = self.session.span(relation.head), self.session.span(relation.child)
        self.cursor = self.session.tokens.token_at(head.start)
        self.focused_relation = relation.id
        self.repaint()
        self.say(
            f"{self.session.text_of(head)} -{relation.label}-> {self.session.text_of(child)}"
            f" · {relation.status} (a accepts, x rejects)"
        )

    def action_delete_relation(self) -> None:
        if self.focused_relation is None:
            self.refuse("no relation is focused (. and , move between relations)")
            return
        relation_id = self.focused_relation
        self.focused_relation = None  # an added relation is deleted outright: focus nothing
        if self.edit(lambda: self.session.reject_relation(relation_id), "relation removed"):
            return
        self.focused_relation = relation_id
        self.repaint()

    # -- undo, flags, view ---------------------------------------------------------------

    def action_undo(self) -> None:
        if self.session.undo():
            self.focused_relation = None
            self.repaint()
            self.say("undone")
        else:
            self.refuse("nothing to undo")

    def action_redo(self) -> None:
        if self.session.redo():
            self.focused_relation = None
            self.repaint()
            self.say("redone")
        else:
            self.refuse("nothing to redo")

    def action_flag(self) -> None:
        if self.session.flagged:
            self.edit(lambda: self.session.set_flag(False), "unflagged")
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self.edit(lambda: self.session.set_flag(True, note), "flagged")

        self.app.push_screen(PromptScreen("Flag this document: note for the reviewer"), noted)

    def action_toggle_rejected(self) -> None:
        self.show_rejected = not self.show_rejected
        self.repaint()
        self.say("showing rejected suggestions" if self.show_rejected else "hiding rejected")

    def action_search(self) -> None:
        def search(term: str | None) -> None:
            if not term:
                return
            self.search_term = term
            text = self.session.document.text
            tokens = self.session.tokens
            here = tokens.tokens[self.cursor][0] + 1 if len(tokens) else 0
            found = text.lower().find(term.lower(), here)
            if found == -1:
                found = text.lower().find(term.lower())
            if found == -1:
                self.refuse(f"“{term}” is not in this document")
                return
            first, stop = tokens.span_tokens(found, found + len(term))
            self.move_cursor(stop - 1)
            self.anchor = first  # shift+arrows grow the match from its end
            self.selection = (first, stop)
            self.repaint()
            self.say(f"found “{term}” · a label key labels it, / searches again")

        self.app.push_screen(PromptScreen("Search", self.search_term), search)

    def action_help(self) -> None:
        keys = [(keys, text) for _, keys, text in key_table(self, self.app.get_key_display)]
        self.app.push_screen(HelpScreen(self.schema, keys))

    # -- saving and moving between documents ---------------------------------------------

    def action_save(self, answer: Answer) -> None:
        if self.relation_head is not None and answer == "accept":
            self.pick_relation_child()
            return
        seconds = self.spent + (time.monotonic() - self.started)
        try:
            record = self.worklist.save(self.session, answer, seconds)
        except RedlineError as error:
            self.refuse(str(error))
            return
        message = f"saved {record.doc_id} ({answer}) to {self.worklist.log.location}"
        if self.worklist.has(self.position + 1):
            self.open(self.position + 1)
            self.say(message, "ok")
        else:
            self.repaint()
            done = self.worklist.done
            self.say(f"{message} · {done}/{len(self.worklist)} documents done", "ok")

    def leave_then(self, then) -> None:  # type: ignore[no-untyped-def]
        """Run ``then`` now, or after the annotator agrees to drop unsaved edits."""
        if not self.session.dirty:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(
            ConfirmScreen(
                f"{self.session.document.doc_id} has unsaved edits. Leave it without saving?"
            ),
            answered,
        )

    def goto(self, position: int) -> None:
        if not 0 <= position < len(self.worklist):
            self.refuse(f"there is no document {position + 1} (1 to {len(self.worklist)})")
            return
        self.leave_then(lambda: self.open(position))

    def action_goto_relative(self, step: int) -> None:
        self.goto(self.position + step)

    def action_jump(self) -> None:
        def jump(answer: str | None) -> None:
            if not answer:
                return
            answer = answer.strip()
            if answer.isdigit() and self.worklist.index.position(answer) is None:
                self.goto(int(answer) - 1)
                return
            try:
                self.goto(self.worklist.position_of(answer))
            except RedlineError as error:
                self.refuse(str(error))

        self.app.push_screen(PromptScreen("Go to document (number or id)"), jump)

    def action_quit_app(self) -> None:
        self.leave_then(self.app.exit)

    # -- mouse and side panel ------------------------------------------------------------

    @on(ArticleView.TokenClicked)
    def clicked(self, event: ArticleView.TokenClicked) -> None:
        self.move_cursor(event.token)

    @on(ArticleView.SelectionDragged)
    def dragged(self, event: ArticleView.SelectionDragged) -> None:
        self.anchor = event.start
        self.move_cursor(event.end - 1, keep_selection=True)
        self.selection = (event.start, event.end)
        self.repaint()

    @on(SidePanel.Picked)
    def picked(self, event: SidePanel.Picked) -> None:
        if event.kind == "span":
            span = self.session.span(event.item_id)
            self.move_cursor(self.session.tokens.token_at(span.start))
        else:
            self.focus_relation(event.item_id)
