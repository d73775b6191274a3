"""The top line: dataset, annotator, document k of N with a progress bar, the model in use,
and what the rest of the team has saved (kept up to date while the screen is open)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from redline.tui.wrap import display_text


class DocumentHeader(Horizontal):
    DEFAULT_CSS = """
    DocumentHeader { height: 1; background: $panel; padding: 0 1; }
    DocumentHeader Label { padding: 0 1 0 0; }
    DocumentHeader #where { text-style: bold; }
    DocumentHeader ProgressBar { width: 18; }
    DocumentHeader ProgressBar Bar { width: 10; }
    DocumentHeader #model { color: $text-muted; }
    DocumentHeader #team { color: $text-muted; }
    DocumentHeader #state { text-style: bold; color: $warning; }
    """

    def __init__(self, dataset: str, annotator: str, model: str) -> None:
        super().__init__()
        self._dataset = dataset
        self._annotator = annotator
        self._model = model

    def compose(self) -> ComposeResult:
        yield Label(Text(f"{self._dataset} · {self._annotator}"), id="who")
        yield Label("", id="where")
        yield ProgressBar(total=1, show_eta=False, id="progress")
        yield Label("", id="state")
        yield Label(Text(self._model), id="model")
        # hidden while nobody else has saved here: a header of one's own work looks as it did
        yield Label("", id="team").set_styles("display: none;")

    _shown: tuple[int, int, bool, str, int, bool] | None = None
    _state: tuple[bool, bool, str, int] | None = None

    def show_state(self, unsaved: bool, flagged: bool, note: str, unseen: int) -> None:
        """What the open document holds that saving would change or keep: unsaved edits,
        a flag and the start of its note, suggestions nobody has looked at (in words, not
        only colour)."""
        if (unsaved, flagged, note, unseen) == self._state:
            return
        self._state = (unsaved, flagged, note, unseen)
        parts = []
        if unsaved:
            parts.append("● unsaved")
        if flagged:
            start = display_text(note[:20]) + ("…" if len(note) > 20 else "")
            parts.append(f"⚑ flagged: {start}" if note else "⚑ flagged")
        if unseen:
            parts.append(f"{unseen} unseen")
        self.query_one("#state", Label).update(Text(" · ".join(parts)))

    def show(
        self, position: int, total: int, complete: bool, doc_id: str, done: int, saved: bool
    ) -> None:
        """Update only when something changed (a relayout per key press would cost a frame).
        ``complete`` False: the corpus is still being indexed, so the total is not known yet."""
        if (position, total, complete, doc_id, done, saved) == self._shown:
            return
        self._shown = (position, total, complete, doc_id, done, saved)
        mark = "✓" if saved else "·"
        count = f"{total}" if complete else "…"
        self.query_one("#where", Label).update(
            Text(f"doc {position + 1}/{count} {mark} {display_text(doc_id)}")
        )
        self.query_one("#progress", ProgressBar).update(total=total, progress=done)

    def set_model(self, model: str) -> None:
        self._model = model
        self.query_one("#model", Label).update(Text(model))

    def show_team(self, others: int, saved: int) -> None:
        """The others' documents with a saved version: whoever joins or saves shows here
        without a restart (the screen's watcher follows the store)."""
        team = self.query_one("#team", Label)
        if not others:
            team.display = False
            return
        people = "1 other" if others == 1 else f"{others} others"
        team.update(Text(f"team: {people} · {saved} saved"))
        team.display = True
