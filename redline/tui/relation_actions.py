"""The relation keys: a relation in four keys from the span in focus (``r``, the hint of its
other end, the label's key in a picker that lists only the types that fit, most likely first),
move between relations (. and ,), reverse (o) or delete (x, X) the one in focus.

Escape at the hint falls back to moving the cursor onto the other end and pressing enter."""

from __future__ import annotations

from redline.editing import SpanState
from redline.editing.relation_choices import RelationChoice, joinable, relation_choices
from redline.navigation import cycle, first_after, last_before
from redline.tui.cursor_actions import CursorActions
from redline.tui.modals import RelationLabelScreen


class RelationActions(CursorActions):
    """The actions of the relation keys, for a screen that edits a document."""

    def action_relation(self) -> None:
        if self.relation_head is not None:
            self.pick_relation_child()
            return
        focused = self.focused_span()
        if focused is None:
            self.refuse("put the cursor on the span the relation starts from")
            return
        if not focused.live:
            self.refuse(f"{focused.label} “{self.session.text_of(focused)}” is rejected")
            return
        others = [
            s
            for s in self.session.live_spans
            if s.id != focused.id and joinable(self.schema, focused.label, s.label)
        ]
        if not others:
            self.refuse(f"no span here can be in a relation with {focused.label}")
            return
        self.relation_head = focused.id

        def picked(index: int) -> None:
            self.pick_relation_child(others[index])

        self.pick_by_hint([s.start for s in others], picked, "relation's other end")
        self.say(
            f"relation from {focused.label} “{self.session.text_of(focused)}”: type the other "
            "end's hint (esc: move there and press enter)"
        )

    def pick_relation_child(self, child: SpanState | None = None) -> None:
        """``child`` (else the span under the cursor) ends the relation being made: ask for
        its label among those that fit."""
        assert self.relation_head is not None
        head = next((s for s in self.session.spans if s.id == self.relation_head), None)
        if head is None or not head.live:
            self.relation_head = None
            self.refuse("the span the relation started from is gone (undone or rejected)")
            return
        child = child or self.focused_span()
        if child is None or not child.live or child.id == head.id:
            self.refuse("move the cursor onto another span, then press enter")
            return
        choices = relation_choices(
            self.schema, head.label, child.label, self.pair_scores(head, child)
        )
        if not choices:
            self.relation_head = None
            self.refuse(f"no relation type joins {head.label} and {child.label}")
            return

        def chosen(choice: RelationChoice | None) -> None:
            self.relation_head = None
            if choice is None:
                self.say("relation cancelled")
                return
            first, second = (child, head) if choice.reversed else (head, child)
            if self.edit(lambda: self.session.add_relation(first.id, second.id, choice.label)):
                made = self.session.relations[-1]
                self.focused_relation = made.id
                self.say(f"added {self.describe_relation(made)} (o reverses it)")

        self.ask(
            RelationLabelScreen(
                self.schema,
                (self.session.text_of(head), head.label),
                (self.session.text_of(child), child.label),
                choices,
            ),
            chosen,
        )

    def pair_scores(self, head: SpanState, child: SpanState) -> dict[tuple[str, bool], float]:
        """The relation model's scores for the pair, when a trained one is in use."""
        suggester = self.worklist.suggester
        scorer = suggester.pair_scorer if suggester is not None else None
        if scorer is None:
            return {}
        spans = self.session.live_spans
        ids = [s.id for s in spans]
        return scorer.scores(
            self.session.document.text,
            [(s.start, s.end, s.label) for s in spans],
            ids.index(head.id),
            ids.index(child.id),
        )

    def action_next_relation(self, step: int) -> None:
        """The next relation after the one in focus; with none in focus, the first whose head
        is at or after the cursor (the last before it, going back)."""
        starts = {s.id: s.start for s in self.session.spans}
        relations = sorted(
            (r for r in self.session.relations if r.live or self.show_rejected),
            key=lambda r: (starts[r.head], starts[r.child]),
        )
        ids = [r.id for r in relations]
        if not ids:
            self.refuse("there are no relations")
            return
        if self.focused_relation in ids:
            index = cycle(len(ids), ids.index(self.focused_relation), step)
        else:
            here = self.session.tokens.tokens[self.cursor][0] if len(self.session.tokens) else 0
            heads = [starts[r.head] for r in relations]
            index = first_after(heads, here - 1) if step > 0 else last_before(heads, here)
        assert index is not None
        self.focus_relation(ids[index])

    def action_reverse_relation(self) -> None:
        if self.focused_relation is None:
            self.refuse("no relation is focused (. and , move between relations)")
            return
        relation_id = self.focused_relation
        if self.edit(lambda: self.session.reverse_relation(relation_id)):
            made = self.session.relations[-1]
            self.focused_relation = made.id
            self.say(f"reversed: {self.describe_relation(made)}")

    def action_delete_relation(self) -> None:
        if self.focused_relation is None:
            self.refuse("no relation is focused (. and , move between relations)")
            return
        relation_id = self.focused_relation
        described = self.describe_relation(self.session.relation(relation_id))
        self.focused_relation = None  # an added relation is deleted outright: focus nothing
        if self.edit(lambda: self.session.reject_relation(relation_id)):
            self.relation_just_removed = relation_id
            self.say(f"removed relation {described}")
            return
        self.focused_relation = relation_id
