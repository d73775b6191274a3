"""The relation edits of a session: add, accept, reject, reverse. Each applies whole or is
refused with a message saying why."""

from __future__ import annotations

from dataclasses import replace

from redline.editing.base import EditBase
from redline.editing.states import EditRefused, RelationState


class RelationEdits(EditBase):
    """Edits of the relations between a document's spans."""

    # -- relation edits --------------------------------------------------------------------

    def add_relation(self, head_id: str, child_id: str, label: str) -> RelationState:
        head, child = self.span(head_id), self.span(child_id)
        if head_id == child_id:
            raise EditRefused("a relation joins two different spans")
        if not head.live or not child.live:
            raise EditRefused("both ends of a relation must be spans that are not rejected")
        refusal = self.schema.relation_refusal(label, head.label, child.label)
        if refusal:
            raise EditRefused(refusal)
        for relation in self._state.relations:
            if relation.live and (relation.head, relation.child, relation.label) == (
                head_id,
                child_id,
                label,
            ):
                raise EditRefused(f"{self._describe_relation(relation)} exists already")
        new = RelationState(
            id=self._new_id("ar", {r.id for r in self._state.relations}),
            head=head_id,
            child=child_id,
            label=label,
            origin="annotator",
            status="accepted",
            original_label=label,
        )
        spans = tuple(
            replace(s, status="accepted")
            if s.id in (head_id, child_id) and s.status == "pending"
            else s
            for s in self._state.spans
        )
        self._apply(
            replace(self._state, spans=spans, relations=(*self._state.relations, new)),
            f"added relation {self.text_of(head)} -{label}-> {self.text_of(child)}",
        )
        return new

    def accept_relation(self, relation_id: str) -> RelationState:
        relation = self.relation(relation_id)
        if not relation.live:
            raise EditRefused(f"{self._describe_relation(relation)} is rejected")
        updated = replace(relation, status="accepted")
        self._replace_relation(updated, f"accepted {self._describe_relation(relation)}")
        return updated

    def reject_relation(self, relation_id: str) -> None:
        relation = self.relation(relation_id)
        if not relation.live:
            raise EditRefused(f"{self._describe_relation(relation)} is already rejected")
        if relation.origin == "annotator":
            relations = tuple(r for r in self._state.relations if r.id != relation_id)
        else:
            relations = tuple(
                replace(r, status="rejected") if r.id == relation_id else r
                for r in self._state.relations
            )
        self._apply(
            replace(self._state, relations=relations),
            f"removed {self._describe_relation(relation)}",
        )

    def reverse_relation(self, relation_id: str) -> RelationState:
        """Swap a relation's head and child (one undo step). A suggestion is rejected and the
        reversed relation added, so the statistics see a wrong direction for what it was."""
        old = self.relation(relation_id)
        head, child = self.span(old.child), self.span(old.head)
        refusal = self.schema.relation_refusal(old.label, head.label, child.label)
        if not old.live or refusal:
            raise EditRefused(refusal or f"{self._describe_relation(old)} is rejected")
        new = replace(old, head=old.child, child=old.head, status="accepted")
        if old.origin != "annotator":
            ids = {r.id for r in self._state.relations}
            new = replace(
                new, id=self._new_id("ar", ids), origin="annotator", original_label=old.label
            )
        kept = [
            replace(r, status="rejected") if r.id == old.id else r for r in self._state.relations
        ]
        if old.origin == "annotator":
            kept = [r for r in kept if r.id != old.id]
        self._apply(
            replace(self._state, relations=(*kept, new)), f"reversed {self._describe_relation(old)}"
        )
        return new
