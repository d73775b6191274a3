"""Small screens over the annotate screen: prompts, confirmation, relation labels, help."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from redline.schema.labels import LabelSchema
from redline.tui.status_line import errors_shown


class PromptScreen(ModalScreen[str | None]):
    """Asks for one line of text; dismisses with it, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 70;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    """

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title))
            yield Input(value=self._value, placeholder=self._placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question about losing work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 64;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._question))
            yield Static(Text("y = yes    n / esc = no", style="bold"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class RelationLabelScreen(ModalScreen[str | None]):
    """Pick a relation label by its key; labels whose types do not fit say why."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="relation_label.cancel")
    ]
    DEFAULT_CSS = """
    RelationLabelScreen { align: center middle; }
    RelationLabelScreen > Vertical {
        width: 90;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    RelationLabelScreen #refusal { color: $error; text-style: bold; }
    """

    def __init__(self, schema: LabelSchema, head: tuple[str, str], child: tuple[str, str]) -> None:
        super().__init__()
        self.schema = schema
        self.head_text, self.head_label = head
        self.child_text, self.child_label = child

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        for relation in self.schema.relations:
            refusal = self.schema.relation_refusal(
                relation.label, self.head_label, self.child_label
            )
            style = "dim" if refusal else "bold"
            table.add_row(
                Text(relation.key, style="bold reverse"),
                Text(relation.label, style=style),
                Text(refusal or relation.description, style="dim" if refusal else ""),
            )
        with Vertical():
            head = f"{self.head_text} ({self.head_label})"
            yield Label(Text(f"{head} -?-> {self.child_text} ({self.child_label})"))
            yield Static(table)
            yield Label("", id="refusal")

    def on_key(self, event: events.Key) -> None:
        """A relation label's key picks it (its keys come from the schema, so not BINDINGS)."""
        relation = next((r for r in self.schema.relations if r.key == event.key), None)
        if relation is None:
            return
        event.stop()
        with errors_shown(self.app):
            refusal = self.schema.relation_refusal(
                relation.label, self.head_label, self.child_label
            )
            if refusal:
                self.query_one("#refusal", Label).update(Text(f"refused: {refusal}"))
                self.app.bell()
                return
            self.dismiss(relation.label)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key, the label keys, and the schema's guideline."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close")
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
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
        for entity in self.schema.entities:
            labels.add_row(
                entity.key, Text(entity.label, style=f"bold {entity.color}"), entity.description
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
        with VerticalScroll():
            yield Static(keys)
            yield Static(labels)
            if self.schema.relations:
                yield Static(relations)
            yield Label("esc closes")

    def action_close(self) -> None:
        self.dismiss(None)
