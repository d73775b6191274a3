"""Small screens over the annotate screen: prompts, confirmation, relation labels, help."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from redline.editing.relation_choices import RelationChoice
from redline.schema.labels import LabelSchema
from redline.tui.marks import label_colors
from redline.tui.status_line import errors_shown
from redline.tui.wrap import display_text

_Answer = TypeVar("_Answer")


class Question(ModalScreen[_Answer]):
    """A modal that answers once: a second enter that arrives before the first answer has
    removed the screen (fast typing, a paste) must not answer again, which would remove the
    screen beneath it too."""

    DEFAULT_CSS = """
    Question { align: center middle; }
    Question > .dialog {
        width: 100%;
        max-width: 70;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    """

    _answered = False

    def answer(self, result: _Answer | None) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(result)


class PromptScreen(Question[str | None]):
    """Asks for one line of text; dismisses with it, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self._title))
            yield Input(value=self._value, placeholder=self._placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.answer(event.value)

    def action_cancel(self) -> None:
        self.answer(None)


class FlagScreen(Question[tuple[bool, str] | None]):
    """Flag the document with a note for the reviewer, or edit the note of a flagged one;
    unflagging is its own key, never an empty note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="flag.cancel"),
        Binding("ctrl+u", "unflag", "Unflag", id="flag.unflag", priority=True),
    ]
    DEFAULT_CSS = """
    FlagScreen > .dialog { border: thick $warning; }
    """

    def __init__(self, flagged: bool, note: str) -> None:
        super().__init__()
        self.flagged = flagged
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            if self.flagged:
                yield Static("Flagged. Edit the note (enter), unflag (ctrl+u), or esc:")
            else:
                yield Static("Flag this document: note for the reviewer (enter), or esc:")
            yield Input(value=self.note)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.answer((True, event.value))

    def action_unflag(self) -> None:
        self.answer((False, "") if self.flagged else None)

    def action_cancel(self) -> None:
        self.answer(None)


class ConfirmScreen(Question[bool]):
    """A yes/no question about losing work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen > .dialog { max-width: 64; border: thick $warning; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self._question))
            yield Static(Text("y = yes    n / esc = no", style="bold"))

    def action_answer(self, yes: bool) -> None:
        self.answer(yes)


class RelationLabelScreen(Question[RelationChoice | None]):
    """Pick a relation label by its key (enter: the first, the most likely) among the types
    that fit the two spans; a type that fits only the other way round says so and is made in
    that direction."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="relation_label.cancel"),
        Binding("enter", "first", "Most likely", id="relation_label.first"),
    ]
    DEFAULT_CSS = """
    RelationLabelScreen > .dialog { max-width: 90; padding: 0 1; }
    RelationLabelScreen #refusal { color: $error; text-style: bold; }
    """

    def __init__(
        self,
        schema: LabelSchema,
        head: tuple[str, str],
        child: tuple[str, str],
        choices: list[RelationChoice],
    ) -> None:
        super().__init__()
        self.schema = schema
        self.head_text, self.head_label = head
        self.child_text, self.child_label = child
        self.choices = choices

    def compose(self) -> ComposeResult:
        # the description alone gives way (cut with …) when the dialog is narrow: a column
        # that may not wrap would make Rich squeeze the key column away instead
        table = Table.grid(padding=(0, 1))
        for _ in range(3):
            table.add_column(no_wrap=True)
        table.add_column()
        head = f"“{display_text(self.head_text)}” {self.head_label}"
        child = f"“{display_text(self.child_text)}” {self.child_label}"
        for choice in self.choices:
            relation = self.schema.relation(choice.label)
            assert relation is not None
            score = "" if choice.score is None else f" {choice.score:.0%}"
            direction = "← from the second" if choice.reversed else "→"
            table.add_row(
                Text(relation.key, style="bold reverse"),
                Text(relation.label, style="bold"),
                Text(f"{direction}{score}", style="italic" if choice.reversed else ""),
                Text(relation.description, style="dim", no_wrap=True, overflow="ellipsis"),
            )
        with VerticalScroll(classes="dialog"):
            yield Label(Text(f"{head} -?-> {child}"))
            yield Static(table)
            yield Label(Text("key: that relation · enter: the first · esc: cancel", style="dim"))
            yield Label("", id="refusal")

    def on_key(self, event: events.Key) -> None:
        """A relation label's key picks it (its keys come from the schema, so not BINDINGS)."""
        relation = next((r for r in self.schema.relations if r.key == event.key), None)
        if relation is None:
            return
        event.stop()
        with errors_shown(self.app):
            choice = next((c for c in self.choices if c.label == relation.label), None)
            if choice is None:
                refusal = self.schema.relation_refusal(
                    relation.label, self.head_label, self.child_label
                )
                self.query_one("#refusal", Label).update(Text(f"refused: {refusal}"))
                self.app.bell()
                return
            self.answer(choice)

    def action_first(self) -> None:
        self.answer(self.choices[0])

    def action_cancel(self) -> None:
        self.answer(None)


class HelpScreen(Question[None]):
    """Every key, the label keys, and the schema's guideline."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close")
    ]
    DEFAULT_CSS = """
    HelpScreen > .dialog { max-width: 100; height: 90%; padding: 0 1; }
    """

    def __init__(self, schema: LabelSchema, keys: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        self.schema = schema
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        keys = Table(title="Keys", title_justify="left", show_header=False, box=None)
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()
        for key, description in self.keys:
            keys.add_row(key, description)
        keys.add_row("ctrl+p", "Command palette: every action by name")
        labels = Table(title="Entity labels (guideline)", title_justify="left", box=None)
        labels.add_column("key", style="bold")
        labels.add_column("label")
        labels.add_column("what to mark")
        colours = label_colors((e.label, e.color) for e in self.schema.entities)
        for entity in self.schema.entities:
            labels.add_row(
                entity.key,
                Text(entity.label, style=f"bold {colours[entity.label]}"),
                entity.description,
            )
        relations = Table(title="Relation labels", title_justify="left", box=None)
        relations.add_column("key", style="bold")
        relations.add_column("label")
        relations.add_column("from → to")
        relations.add_column("meaning")
        for relation in self.schema.relations:
            relations.add_row(
                relation.key,
                relation.label,
                f"{'|'.join(relation.head)} → {'|'.join(relation.child)}",
                relation.description,
            )
        with VerticalScroll(classes="dialog"):
            yield Static(keys)
            yield Static(labels)
            if self.schema.relations:
                yield Static(relations)
            yield Label("esc closes")

    def action_close(self) -> None:
        self.answer(None)
