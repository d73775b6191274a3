"""What the annotate and review screens share: one document of a queue open for editing, the
annotator's view of it (cursor, selection, focus) as reactives, and painting it (the workers
behind it and the status line: :mod:`redline.tui.document_workers`).

Every change of the view's state asks for a repaint; the repaint runs once after the key,
click or message that made the changes is handled, however many it made. An exception nothing
expected (in a key's action, a worker, a message handler or a prompt's answer) is shown in
the status line and the UI goes on (:func:`redline.tui.status_line.show_error`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer

from redline.editing import EditRefused, RelationState, SpanState
from redline.queue import DocumentQueue, Opened
from redline.schema.records import Annotation
from redline.tui.article import ArticleView
from redline.tui.document_workers import HOLD_EVERY, DocumentWorkers
from redline.tui.header import DocumentHeader
from redline.tui.marks import Mark, MarkKind, label_colors
from redline.tui.messages import DocumentOpened, ReleaseKeys
from redline.tui.modals import ConfirmScreen
from redline.tui.side_panel import SidePanel
from redline.tui.status_line import StatusLine, errors_shown, reports_errors

_MARK_KINDS: dict[str, MarkKind] = {
    "pending": "suggested",
    "accepted": "confirmed",
    "rejected": "rejected",
}

_Answer = TypeVar("_Answer")


class DocumentScreen(DocumentWorkers):
    """One document of ``worklist`` at a time, starting where its person left off."""

    cursor: var[int] = var(0, init=False)
    """Index of the token under the cursor."""
    selection: var[tuple[int, int] | None] = var(None, init=False)
    """The selected tokens (start inclusive, end exclusive), or None."""
    selection_anchor: var[int | None] = var(None, init=False)
    """The token shift+arrows grow and shrink the selection from (not drawn)."""
    focused_relation: var[str | None] = var(None, init=False)
    """The relation in focus (. and , move it), both of its ends highlighted."""
    relation_head: var[str | None] = var(None, init=False)
    """The span a relation being made starts from (r), until its other end is picked."""
    show_rejected: var[bool] = var(False, init=False)
    """Whether rejected suggestions are shown (and can be tabbed to)."""

    def __init__(
        self, worklist: DocumentQueue, start: int | None = None, *, text_first: bool = False
    ) -> None:
        """``text_first``: show the first document's text at once and open it in a worker
        (:meth:`show_text_first`), as ``redline annotate`` does; off, it opens on mount."""
        super().__init__()
        self.text_first = text_first
        self.worklist = worklist
        self.schema = worklist.schema
        self.colours = label_colors((e.label, e.color) for e in self.schema.entities)
        self.position = worklist.resume_position() if start is None else start
        self.opened: Opened | None = None
        self.search_term = ""
        self.started = time.monotonic()
        self.spent = 0.0
        self._marks_key: tuple[int, int, bool] | None = None
        self._marks: list[tuple[str, Mark]] = []
        self._repaint_requested = False
        self.relation_just_removed: str | None = None
        """A relation x just removed: a second x must not reject the span beneath it."""
        self.saving: Annotation | None = None
        """A record on its way to a remote store (the document stays until it lands)."""
        self._held_at = time.monotonic()

    def header_note(self) -> str:
        """What the header says about where suggestions come from."""
        suggester = self.worklist.suggester
        if suggester is None:
            return "no suggestions"
        if suggester.model.statistical:
            if suggester.model.description:
                return f"{suggester.model.name} ({suggester.model.description})"
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
        if self.text_first:
            self.show_text_first(self.position)
        else:
            self.open(self.position)
        if self.worklist.suggester is not None and self.worklist.suggester.warning:
            self.say(self.worklist.suggester.warning, "error")
        if not self.worklist.index.complete:
            # after the first frame: indexing competes with painting for the interpreter
            self.call_after_refresh(self.finish_index)

    # -- opening documents ---------------------------------------------------------------

    def open(self, position: int) -> None:
        """Show a document: its saved version, else its suggestions if at hand (the rest are
        computed in the background and shown when ready)."""
        self.position = position
        self.show_opened(self.worklist.open(position))

    def show_text_first(self, position: int) -> None:
        """The document's text now, without a cursor; the rest once a worker has opened it
        (its tokens cost a second the first time: spaCy is imported). The app holds the
        keys typed until then (:class:`redline.tui.app.RedlineApp`), and replays them."""
        self.position = position
        document = self.worklist.document(position)
        article = self.query_one(ArticleView)
        article.set_document(document.text, ())
        self.query_one(DocumentHeader).show(*self.place(document.doc_id))
        self.say(f"{document.doc_id}: loading the tokenizer…")
        self.open_in_background(position, article.painted)

    @reports_errors
    def on_document_opened(self, message: DocumentOpened) -> None:
        try:
            if message.opened.position == self.position:
                self.show_opened(message.opened)
        finally:
            # to the app's queue: behind any key it has not read yet, which it holds too
            self.app.post_message(ReleaseKeys())

    def show_opened(self, opened: Opened) -> None:
        """Put an opened document on screen, the cursor on its first token."""
        position = opened.position
        self.opened = opened
        self.cursor = 0
        self.selection_anchor = None
        self.selection = None
        self.focused_relation = None
        self.relation_head = None
        self.started = time.monotonic()
        self.spent = opened.session.saved.seconds if opened.session.saved else 0.0
        article = self.query_one(ArticleView)
        article.set_document(self.session.document.text, self.session.tokens.tokens)
        self.request_repaint()
        doc_id = self.session.document.doc_id
        if opened.text_changed:
            self.say(
                f"{doc_id}: the text changed since it was saved (text_sha1 differs); "
                "starting again from the suggestions",
                "error",
            )
        elif opened.source == "saved":
            self.say(f"{doc_id}: your saved version (saving again adds a new version)")
        elif opened.source == "empty" and self.worklist.suggester is not None:
            self.say(f"{doc_id}: computing suggestions…")
        else:
            self.say(f"{doc_id}: {len(self.session.live_spans)} suggestions to review")
        self.prefetch(position)

    # -- painting ------------------------------------------------------------------------

    def watch_cursor(self) -> None:
        self.request_repaint()

    def watch_selection(self) -> None:
        self.request_repaint()

    def watch_focused_relation(self) -> None:
        self.request_repaint()

    def watch_relation_head(self) -> None:
        self.request_repaint()

    def watch_show_rejected(self) -> None:
        self.request_repaint()

    def request_repaint(self) -> None:
        """Repaint once the key, click or message being handled is done (see the module)."""
        if not self._repaint_requested:
            self._repaint_requested = True
            self.call_next(self._repaint_if_requested)

    def _repaint_if_requested(self) -> None:
        if self._repaint_requested:
            with errors_shown(self.app):
                self.repaint()

    def focused_span(self) -> SpanState | None:
        """The span under the cursor (live spans first): one that covers the cursor token's
        first character, else any that starts inside the token (a span moved off a token
        edge, "resident" in "President")."""
        if self.opened is None or not len(self.session.tokens):
            return None
        start, end = self.session.tokens.tokens[self.cursor]
        for char in range(start, end):
            for span in self.session.spans_at(char):
                if span.live or self.show_rejected:
                    return span
        return None

    def _base_marks(self) -> list[tuple[str, Mark]]:
        """The marks of every shown span, unfocused; rebuilt only when the spans change."""
        key = (id(self.session), self.session.version, self.show_rejected)
        if key != self._marks_key:
            self._marks = [
                (span.id, Mark(span.start, span.end, span.label, _MARK_KINDS[span.status]))
                for span in self.session.spans
                if span.live or self.show_rejected
            ]
            self._marks_key = key
        return self._marks

    def repaint(self) -> None:
        """Paint the state into the article, the side panel and the header, now."""
        self._repaint_requested = False
        if self.opened is None:
            return
        session = self.session
        focused = self.focused_span()
        focused_id = focused.id if focused is not None else None
        ends: set[str] = set()
        children: set[str] = set()
        live_relations = {r.id: r for r in session.relations}
        if self.focused_relation not in live_relations:
            # gone (undo, delete): nothing to highlight, and no second repaint for it
            self.set_reactive(DocumentScreen.focused_relation, None)
        if self.focused_relation is not None:
            relation = live_relations[self.focused_relation]
            ends, children = {relation.head}, {relation.child}
        if self.relation_head is not None:
            ends.add(self.relation_head)
        marks = [
            replace(
                mark,
                focused=span_id == focused_id,
                relation_end=span_id in ends,
                relation_child=span_id in children,
            )
            if span_id == focused_id or span_id in ends or span_id in children
            else mark
            for span_id, mark in self._base_marks()
        ]
        article = self.query_one(ArticleView)
        article.set_marks(marks)
        article.set_selection(self.selection)
        article.set_cursor(self.cursor)
        self.query_one(SidePanel).show(
            session, self.colours, self.show_rejected, focused_id, self.focused_relation
        )
        header = self.query_one(DocumentHeader)
        header.show_state(session.dirty, session.flagged, session.note, session.unseen_count())
        header.show(*self.place(session.document.doc_id))

    def place(self, doc_id: str) -> tuple[int, int, bool, str, int, bool]:
        """What the header's "doc k/N" shows (:meth:`DocumentHeader.show`'s arguments)."""
        return (
            self.position,
            *self.worklist.known_length(),
            doc_id,
            self.worklist.done,
            self.worklist.is_saved(self.position),
        )

    # -- telling the annotator -----------------------------------------------------------

    def edit(self, change: Callable[[], object], done: str | None = None) -> bool:
        """Run one edit; a refusal becomes a status message and the state is unchanged."""
        if self.refused_while_saving():
            return False
        version = self.session.version
        try:
            change()
        except EditRefused as error:
            self.refuse(str(error))
            return False
        self.request_repaint()
        if self.session.version == version:
            self.say("nothing to change: it is like that already")
        else:
            self.say(done or self.session.history_note())
        if time.monotonic() - self._held_at > HOLD_EVERY:
            self.hold(self.position)
        return True

    def refused_while_saving(self) -> bool:
        """While a save is on its way to the server, the document stays as it is saved."""
        if self.saving is None:
            return False
        self.refuse(f"{self.saving.doc_id} is being saved: it stays as it is until it lands")
        return True

    def leave_then(self, then: Callable[[], object], *, quitting: bool = False) -> None:
        """Run ``then`` now, or after the annotator agrees to drop unsaved edits (or, when
        ``quitting``, a save still on its way)."""
        if self.saving is not None:
            if not quitting:
                self.refused_while_saving()
                return
            question = (
                f"{self.saving.doc_id} is not saved yet: the database cannot be reached and "
                "redline keeps trying. Quit and lose this version?"
            )
        elif self.opened is None or not self.session.dirty:
            then()
            return
        else:
            question = f"{self.session.document.doc_id} has unsaved edits. Leave it without saving?"

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.ask(ConfirmScreen(question), answered)

    def ask(self, modal: Screen[_Answer], then: Callable[[_Answer | None], None]) -> None:
        """Show a modal screen; its answer goes to ``then`` (whose errors are shown)."""

        def answered(answer: _Answer | None) -> None:
            with errors_shown(self.app):
                then(answer)

        self.app.push_screen(modal, answered)

    # -- the cursor ----------------------------------------------------------------------

    def move_cursor(self, token: int, *, keep_selection: bool = False) -> None:
        if self.opened is None:  # a click on the text shown before its tokens are made
            return
        count = len(self.session.tokens)
        if not count:
            return
        self.cursor = max(0, min(count - 1, token))
        if not keep_selection:
            self.selection_anchor = None
            self.selection = None
        self.focused_relation = None
        self.request_repaint()  # even where nothing changed: it scrolls the cursor into view
        self.relation_just_removed = None
        focused = self.focused_span()
        if focused is not None:
            self.session.mark_seen(focused.id)
        if focused is not None and self.relation_head is None:
            status = "suggested" if focused.status == "pending" else focused.status
            self.say(
                f"{focused.label} “{self.session.text_of(focused)}” · {status} · {focused.origin}"
            )

    def focus_relation(self, relation_id: str) -> None:
        """Put the cursor on the relation's head and highlight both of its ends."""
        relation = self.session.relation(relation_id)
        head = self.session.span(relation.head)
        self.cursor = self.session.tokens.token_at(head.start)
        self.focused_relation = relation.id
        self.session.mark_seen(relation.id)
        self.relation_just_removed = None
        self.request_repaint()  # even where nothing changed: it scrolls the cursor into view
        self.say(f"{self.describe_relation(relation)} · {relation.status} (a accepts, x rejects)")

    def describe_relation(self, relation: RelationState) -> str:
        """How a relation reads in messages: head (LABEL) -RELATION-> child (LABEL)."""
        head, child = self.session.span(relation.head), self.session.span(relation.child)
        return (
            f"“{self.session.text_of(head)}” {head.label} -{relation.label}-> "
            f"“{self.session.text_of(child)}” {child.label}"
        )
