"""The document keys: save as accepted, rejected or ignored (each save durable before it is
reported), flag with a note, go to the next, previous or any document (asking first when
that would drop unsaved edits), help, and quit."""

from __future__ import annotations

import time

from textual import work
from textual.worker import get_current_worker

from redline.errors import RedlineError, StoreUnavailableError
from redline.queue import DocumentQueue
from redline.schema.records import Annotation, Answer
from redline.tui.bindings import key_table
from redline.tui.document_screen import DocumentScreen
from redline.tui.messages import SaveFailed, SaveLanded, SaveRetrying
from redline.tui.modals import ConfirmScreen, FlagScreen, HelpScreen, PromptScreen
from redline.tui.status_line import reports_errors


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
            record = self.worklist.record_to_save(self.session, answer, seconds)
            if self.worklist.log.remote:  # over the network: from a worker, retried
                self.saving = record
                self.say(f"saving {record.doc_id} to {self.worklist.log.location}…")
                self.save_in_background(record)
                return
            self.worklist.append(record)
        except RedlineError as error:
            self.refuse(str(error))
            return
        self.session.mark_saved(record)
        self.saved(record)

    def saved(self, record: Annotation) -> None:
        """Said once the record is durable (fsynced, or COMMIT returned), and never before."""
        kept = sum(1 for s in record.spans if s.edit == "kept")
        unseen = f" · {kept} suggestion(s) kept without being looked at" if kept else ""
        location = self.worklist.log.location
        self.go_on(f"saved {record.doc_id} ({record.answer}) to {location}{unseen}")
        self.after_save()

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save_in_background(self, record: Annotation) -> None:
        """Append to a remote store; while its server cannot be reached, say so and try again
        (1, 2, 4, then every 5 s) until it lands or the app ends."""
        worker = get_current_worker()
        delay = 1.0
        while not worker.is_cancelled:
            try:
                self.worklist.append(record)
            except StoreUnavailableError as error:
                self.post_message(SaveRetrying(str(error), delay))
                deadline = time.monotonic() + delay
                while time.monotonic() < deadline and not worker.is_cancelled:
                    time.sleep(0.05)
                delay = min(delay * 2, 5.0)
                continue
            except RedlineError as error:
                self.post_message(SaveFailed(str(error)))
                return
            self.post_message(SaveLanded(record))
            return

    @reports_errors
    def on_save_retrying(self, message: SaveRetrying) -> None:
        doc_id = self.saving.doc_id if self.saving is not None else "the document"
        self.say(
            f"database unavailable: {doc_id} stays on screen, retrying in {message.delay:g} s "
            f"(nothing is lost) · {message.reason}",
            "error",
        )

    @reports_errors
    def on_save_landed(self, message: SaveLanded) -> None:
        self.saving = None
        if self.opened is not None and self.session.document.doc_id == message.record.doc_id:
            self.session.mark_saved(message.record)
        self.saved(message.record)

    @reports_errors
    def on_save_failed(self, message: SaveFailed) -> None:
        self.saving = None
        self.refuse(message.reason)

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
