"""The document keys: save as accepted, rejected or ignored (each save durable before it is
reported), flag with a note, go to the next, previous or any document (asking first when
that would drop unsaved edits), help, and quit."""

from __future__ import annotations

import time
from collections.abc import Callable

from redline.errors import RedlineError
from redline.schema.records import Answer
from redline.tui.bindings import key_table
from redline.tui.document_screen import DocumentScreen
from redline.tui.modals import ConfirmScreen, HelpScreen, PromptScreen


class DocumentActions(DocumentScreen):
    """The actions of the document keys, for a screen that goes through a queue."""

    def action_save(self, answer: Answer) -> None:
        seconds = self.spent + (time.monotonic() - self.started)
        try:
            record = self.worklist.save(self.session, answer, seconds)
        except RedlineError as error:
            self.refuse(str(error))
            return
        # the record is on disk (fsynced) before anything below says "saved"
        message = f"saved {record.doc_id} ({answer}) to {self.worklist.log.location}"
        if self.worklist.has(self.position + 1):
            self.open(self.position + 1)
            self.say(message, "ok")
        else:
            self.request_repaint()
            done = self.worklist.done
            self.say(f"{message} · {done}/{len(self.worklist)} documents done", "ok")
        self.after_save()

    def after_save(self) -> None:
        """What a screen does once a version is safely saved (the annotate screen may start
        retraining)."""

    def action_flag(self) -> None:
        if self.session.flagged:
            self.edit(lambda: self.session.set_flag(False), "unflagged")
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self.edit(lambda: self.session.set_flag(True, note), "flagged")

        self.ask(PromptScreen("Flag this document: note for the reviewer"), noted)

    def leave_then(self, then: Callable[[], object]) -> None:
        """Run ``then`` now, or after the annotator agrees to drop unsaved edits."""
        if not self.session.dirty:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.ask(
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

        self.ask(PromptScreen("Go to document (number or id)"), jump)

    def action_help(self) -> None:
        keys = [(keys, text) for _, keys, text in key_table(self, self.app.get_key_display)]
        self.app.push_screen(HelpScreen(self.schema, keys))

    def action_quit_app(self) -> None:
        self.leave_then(self.app.exit)
