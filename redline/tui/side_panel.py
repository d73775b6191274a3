"""The list of spans and relations beside the article; picking a row focuses it in the text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from redline.editing import EditSession
from redline.tui.wrap import display_text

_STATUS = {"pending": "?", "accepted": "✓", "rejected": "✗"}


class SidePanel(Vertical):
    """Spans (status, label, text) and relations (head -LABEL-> child), kept in sync."""

    DEFAULT_CSS = """
    SidePanel { width: 32%; min-width: 26; max-width: 48; border-left: solid $panel; }
    SidePanel Label {
        text-style: bold; padding: 0 1; background: $panel; width: 1fr;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    SidePanel OptionList {
        height: 2fr; border: none; padding: 0; text-wrap: nowrap; text-overflow: ellipsis;
    }
    SidePanel #relations { height: 1fr; }
    """

    class Picked(Message):
        """A row was picked: ``kind`` is "span" or "relation"."""

        def __init__(self, kind: str, item_id: str) -> None:
            super().__init__()
            self.kind = kind
            self.item_id = item_id

    def compose(self) -> ComposeResult:
        yield Label("Spans", id="spans-title")
        spans = OptionList(id="spans")
        spans.can_focus = False
        yield spans
        yield Label("Relations", id="relations-title")
        relations = OptionList(id="relations")
        relations.can_focus = False
        yield relations

    _shown: tuple[int, int, bool] | None = None

    def show(
        self,
        session: EditSession,
        colours: dict[str, str],
        show_rejected: bool,
        focused_span: str | None,
        focused_relation: str | None,
    ) -> None:
        """Rebuild the lists only when the session changed; a cursor move just highlights."""
        spans = self.query_one("#spans", OptionList)
        relations = self.query_one("#relations", OptionList)
        shown = (id(session), session.version, show_rejected)
        if shown != self._shown:
            self._shown = shown
            self._rebuild(session, colours, show_rejected, spans, relations)
        self._highlight(spans, f"span:{focused_span}" if focused_span else None)
        self._highlight(relations, f"relation:{focused_relation}" if focused_relation else None)

    def _rebuild(
        self,
        session: EditSession,
        colours: dict[str, str],
        show_rejected: bool,
        spans: OptionList,
        relations: OptionList,
    ) -> None:
        spans.clear_options()
        span_rows: list[Option] = []
        for span in (s for s in session.spans if s.live or show_rejected):
            row = Text()
            row.append(f"{_STATUS[span.status]} ")
            row.append(f"{span.label:<7}", style=f"bold {colours.get(span.label, '')}")
            row.append(" ")
            row.append(display_text(session.text_of(span))[:40])
            if span.status == "rejected":
                row.stylize("dim strike")
            span_rows.append(Option(row, id=f"span:{span.id}"))
        spans.add_options(span_rows)
        to_review = sum(1 for s in session.spans if s.status == "pending")
        self.query_one("#spans-title", Label).update(
            f"Spans {len(session.live_spans)} · {to_review} to review"
        )
        relations.clear_options()
        shown_relations = [r for r in session.relations if r.live or show_rejected]
        relation_rows: list[Option] = []
        for relation in shown_relations:
            head, child = session.span(relation.head), session.span(relation.child)
            row = Text(f"{_STATUS[relation.status]} ")
            row.append(display_text(session.text_of(head))[:14])
            row.append(f" -{relation.label}-> ", style="bold")
            row.append(display_text(session.text_of(child))[:14])
            if relation.status == "rejected":
                row.stylize("dim strike")
            relation_rows.append(Option(row, id=f"relation:{relation.id}"))
        relations.add_options(relation_rows)
        pending = sum(1 for r in shown_relations if r.status == "pending")
        self.query_one("#relations-title", Label).update(
            f"Relations {len(shown_relations)} · {pending} to review"
        )

    @staticmethod
    def _highlight(options: OptionList, option_id: str | None) -> None:
        if option_id is None:
            options.highlighted = None
            return
        try:
            options.highlighted = options.get_option_index(option_id)
        except OptionDoesNotExist:  # not shown (e.g. a hidden rejected span)
            options.highlighted = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        kind, _, item_id = option_id.partition(":")
        self.post_message(self.Picked(kind, item_id))
