"""The review screen: the annotate screen plus keys to take sides in annotators' conflicts."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from textual.binding import BindingType

from redline.editing import EditRefused
from redline.navigation import first_after, last_before
from redline.queue import Opened
from redline.review import ConflictChoices, ReviewWorklist
from redline.tui.annotate import AnnotateScreen
from redline.tui.bindings import review_bindings
from redline.tui.header import DocumentHeader
from redline.tui.messages import TeamSaved
from redline.tui.modals import PromptScreen


class ReviewScreen(AnnotateScreen):
    """Agreed spans start accepted, competing ones pending; saving writes gold.jsonl."""

    BINDINGS: ClassVar[list[BindingType]] = review_bindings()

    def __init__(
        self, worklist: ReviewWorklist, start: int | None = None, *, text_first: bool = False
    ) -> None:
        super().__init__(worklist, start, text_first=text_first)
        self.review = worklist
        self._sides: dict[tuple[int, int], int] = {}
        self._unread: Counter[str] = Counter()
        """Saves heard per annotator since the versions were read (ctrl+r reads them)."""

    def header_note(self) -> str:
        merged = self.review.auto.merged
        return f"review · {merged} unanimous merged · {len(self.review)} in conflict"

    def show_opened(self, opened: Opened) -> None:
        self._sides = {}
        super().show_opened(opened)
        if opened.source != "saved":
            conflicts = self.review.review_document(opened.position).conflicts
            names = ", ".join(self.review.versions(opened.position))
            self.say(
                f"{self.session.document.doc_id}: {len(conflicts)} conflicts between {names} · "
                "c goes to one, v takes a side, W a whole version"
            )

    def conflicts(self) -> list[ConflictChoices]:
        return self.review.review_document(self.position).conflicts

    def conflict_here(self) -> ConflictChoices | None:
        if not len(self.session.tokens):
            return None
        start, end = self.session.tokens.tokens[self.cursor]
        return next((c for c in self.conflicts() if c.start < end and start < c.end), None)

    def action_next_conflict(self, step: int) -> None:
        conflicts = self.conflicts()
        if not conflicts:
            self.refuse("no conflicts in this document")
            return
        here = self.session.tokens.tokens[self.cursor][0]
        if step > 0:
            index = first_after([c.start for c in conflicts], here)
        else:  # one that ends where the cursor is counts as before it
            index = last_before([c.end for c in conflicts], here, inclusive=True)
        assert index is not None  # there are conflicts
        target = conflicts[index]
        self.move_cursor(self.session.tokens.token_at(target.start))
        self.say(" | ".join(description for _, _, description in target.votes))

    def action_take_side(self) -> None:
        conflict = self.conflict_here()
        if conflict is None:
            self.refuse("no conflict under the cursor (c goes to the next one)")
            return
        key = (conflict.start, conflict.end)
        side = (self._sides.get(key, -1) + 1) % len(conflict.votes)
        _, keep, description = conflict.votes[side]
        try:
            self.session.choose(keep, conflict.among)
        except EditRefused as error:
            self.refuse(str(error))
            return
        self._sides[key] = side
        self.request_repaint()
        self.say(f"side {side + 1}/{len(conflict.votes)} · {description}")

    def action_take_version(self) -> None:
        names = self.review.versions(self.position)

        def chosen(answer: str | None) -> None:
            if not answer:
                return
            answer = answer.strip()
            name = (
                names[int(answer) - 1]
                if answer.isdigit() and 0 < int(answer) <= len(names)
                else answer
            )
            try:
                self.review.take_version(self.session, self.position, name)
            except EditRefused as error:
                self.refuse(str(error))
                return
            self.request_repaint()
            self.say(f"took {name}'s whole version")

        listing = "  ".join(f"{n}: {name}" for n, name in enumerate(names, start=1))
        self.ask(PromptScreen(f"Take whose version? {listing}"), chosen)

    # -- other people's saves ------------------------------------------------------------

    def team_saved(self, message: TeamSaved) -> None:
        """The versions compared here were read when the list was made: say that newer ones
        are there, and how to read them (nothing changes under the reviewer by itself)."""
        super().team_saved(message)
        if not message.names:
            return
        self._unread.update(message.names)
        count = sum(self._unread.values())
        self.say(
            f"{count} new save(s) by {', '.join(sorted(self._unread))} — press ctrl+r to reload"
        )

    def action_reload(self) -> None:
        """Refused while the open document has unsaved edits: reading the versions again
        rebuilds its conflicts, and the edits were made on the old ones."""
        if self.refused_while_saving():
            return
        if self.opened is not None and self.session.dirty:
            self.refuse(
                f"{self.session.document.doc_id} has unsaved edits: save them (enter) or "
                "undo them before ctrl+r reloads the versions"
            )
            return
        added = self.review.reload()
        names = ", ".join(sorted(self._unread)) or "nobody new"
        self._unread.clear()
        self.query_one(DocumentHeader).set_model(self.header_note())
        self.open(self.position)  # the same document: positions are kept
        more = f"; {len(added)} more document(s) in conflict" if added else ""
        self.say(f"reloaded the versions (new saves by {names}){more}")
