"""The relation keys: start a relation from the span in focus and pick its other end (r, then
enter and the label's key), move between relations (. and ,), delete the one in focus (X)."""

from __future__ import annotations

from redline.navigation import cycle
from redline.tui.document_screen import DocumentScreen
from redline.tui.modals import RelationLabelScreen


class RelationActions(DocumentScreen):
    """The actions of the relation keys, for a screen that edits a document."""

    def action_relation(self) -> None:
        focused = self.focused_span()
        if self.relation_head is not None:
            self.pick_relation_child()
            return
        if focused is None or not focused.live:
            self.refuse("put the cursor on the span the relation starts from")
            return
        self.relation_head = focused.id
        self.say(
            f"relation from “{self.session.text_of(focused)}”: move to the other span and press "
            "enter (esc cancels)"
        )

    def pick_relation_child(self) -> None:
        """The span under the cursor ends the relation being made: ask for its label."""
        assert self.relation_head is not None
        head = self.session.span(self.relation_head)
        child = self.focused_span()
        if child is None or not child.live or child.id == head.id:
            self.refuse("move the cursor onto another span, then press enter")
            return

        def chosen(label: str | None) -> None:
            self.relation_head = None
            if label is None:
                self.say("relation cancelled")
                return
            if self.edit(lambda: self.session.add_relation(head.id, child.id, label)):
                made = self.session.relations[-1]
                self.focused_relation = made.id
                self.say(f"{self.session.text_of(head)} -{label}-> {self.session.text_of(child)}")

        self.ask(
            RelationLabelScreen(
                self.schema,
                (self.session.text_of(head), head.label),
                (self.session.text_of(child), child.label),
            ),
            chosen,
        )

    def action_next_relation(self, step: int) -> None:
        relations = [r for r in self.session.relations if r.live or self.show_rejected]
        ids = [r.id for r in relations]
        current = ids.index(self.focused_relation) if self.focused_relation in ids else None
        index = cycle(len(ids), current, step)
        if index is None:
            self.refuse("there are no relations")
            return
        self.focus_relation(ids[index])

    def focus_relation(self, relation_id: str) -> None:
        """Put the cursor on the relation's head and highlight both of its ends."""
        relation = self.session.relation(relation_id)
        head, child = self.session.span(relation.head), self.session.span(relation.child)
        self.cursor = self.session.tokens.token_at(head.start)
        self.focused_relation = relation.id
        self.request_repaint()  # even where nothing changed: it scrolls the cursor into view
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
