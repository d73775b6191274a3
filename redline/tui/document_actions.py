"""The document keys: save as accepted, rejected or ignored (each save durable before it is
reported), flag with a note, go to the next, previous or any document (asking first when
that would drop unsaved edits), help, and quit."""

from __future__ import annotations

import time

from redline.errors import RedlineError
from redline.queue import DocumentQueue
from redline.schema.records import Answer
from redline.tui.bindings import key_table
from redline.tui.document_screen import DocumentScreen
from redline.tui.modals import ConfirmScreen, FlagScreen, HelpScreen, PromptScreen


class DocumentActions(DocumentScreen):
    """The actions of the document keys, for a screen that goes through a queue."""

    def action_save(self, answer: Answer) -> None:
        if answer == "accept":
            self.save(answer)
            return
        kind = "rejected (its spans are not used)" if answer == "reject" else "ignored (skipped)"

        def answered(yes: bool | None) -> None:
            if yes:
                self.save(answer)

        doc_id = self.session.document.doc_id
        self.ask(ConfirmScreen(f"Save {doc_id} as {kind} and go on?"), answered)

    def save(self, answer: Answer) -> None:
        """Save (durably, before saying so) and go to the next document; a version that
        would only repeat the saved one is not appended again."""
        if self.session.same_as_saved(answer):
            self.go_on(f"{self.session.document.doc_id} is unchanged since saved: nothing appended")
            return
        seconds = self.spent + (time.monotonic() - self.started)
        try:
            record = self.worklist.save(self.session, answer, seconds)
        except RedlineError as error:
            self.refuse(str(error))
            return
        # the record is on disk (fsynced) before anything below says "saved"
        kept = sum(1 for s in record.spans if s.edit == "kept")
        unseen = f" · {kept} suggestion(s) kept without being looked at" if kept else ""
        self.go_on(f"saved {record.doc_id} ({answer}) to {self.worklist.log.location}{unseen}")
        self.after_save()

    def go_on(self, message: str) -> None:
        """To the next document, after the last to the first one not saved yet, else stay
        and say that all are done."""
        if self.worklist.has(self.position + 1):
            self.open(self.position + 1)
            self.say(message, "ok")
            return
        unsaved = next(
            (n for n in range(len(self.worklist)) if not self.worklist.is_saved(n)), None
        )
        if unsaved is not None:
            self.open(unsaved)
            self.say(f"{message} · back to document {unsaved + 1}, the first not saved", "ok")
            return
        self.request_repaint()
        self.say(f"{message} · all {len(self.worklist)} documents done", "ok")

    def after_save(self) -> None:
        """What a screen does once a version is safely saved (the annotate screen may start
        retraining)."""

    def action_flag(self) -> None:
        """Flag with a note; on a flagged document, edit the note (unflagging is a separate
        choice in the same dialog)."""

        def noted(answer: tuple[bool, str] | None) -> None:
            if answer is not None:
                self.edit(lambda: self.session.set_flag(*answer))

        self.ask(FlagScreen(self.session.flagged, self.session.note), noted)

    def goto(self, position: int) -> None:
        if not 0 <= position < len(self.worklist):
            self.refuse(f"there is no document {position + 1} (1 to {len(self.worklist)})")
            return
        self.leave_then(lambda: self.open(position))

    def action_goto_relative(self, step: int) -> None:
        self.goto(self.position + step)

    def action_jump(self) -> None:
        def jump(answer: str | None) -> None:
            if not answer or not answer.strip():
                return
            answer = answer.strip()
            if answer.isdigit() and self.worklist.index.position(answer) is None:
                self.goto(int(answer) - 1)
                return
            try:
                self.goto(self.worklist.position_of(document_by_prefix(self.worklist, answer)))
            except RedlineError as error:
                self.refuse(str(error))

        self.ask(PromptScreen("Go to document (number, id, or the start of an id)"), jump)

    def action_help(self) -> None:
        keys = [(keys, text) for _, keys, text in key_table(self, self.app.get_key_display)]
        self.app.push_screen(HelpScreen(self.schema, keys))

    def action_quit_app(self) -> None:
        request_quit = getattr(self.app, "request_quit", self.app.exit)
        request_quit()


def document_by_prefix(queue: DocumentQueue, prefix: str) -> str:
    """The document id ``prefix`` names: itself, else the one id it starts (several: refused,
    naming a few)."""
    if queue.index.position(prefix) is not None:
        return prefix
    found = [doc_id for doc_id in queue.index.iter_ids() if doc_id.startswith(prefix)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise RedlineError(f"no document {prefix!r} here")
    shown = ", ".join(found[:3]) + (", …" if len(found) > 3 else "")
    raise RedlineError(f"{len(found)} documents start with {prefix!r} ({shown}): type more")
