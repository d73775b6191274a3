"""One annotator's work on one document: the edits, their undo history, and the record they make.

This is the model behind every editing key of the UI (annotate and review share it), kept
free of Textual so it can be tested and reused on its own. Each edit either applies whole or
is refused with a message saying why; nothing half-applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from redline.editing.adjudication import chosen, settled
from redline.editing.states import (
    DocumentState,
    RelationState,
    Side,
    SpanState,
    cascade,
    record_of,
    state_from_saved,
    state_from_suggestions,
)
from redline.editing.view import DocumentView
from redline.errors import RedlineError
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Answer, Document, SuggestedBy
from redline.tokens import TokenIndex, tokenize


class EditRefused(RedlineError):
    """An edit that would break the schema or the document; the message says why."""


class EditSession(DocumentView):
    """The editable state of one document, with unlimited undo and redo."""

    def __init__(
        self,
        document: Document,
        schema: LabelSchema,
        annotator: str,
        *,
        suggestions: Annotation | None = None,
        saved: Annotation | None = None,
        tokens: list[tuple[int, int]] | None = None,
    ) -> None:
        self.schema = schema
        self.annotator = annotator
        self.tokens = TokenIndex(tokens if tokens is not None else tokenize(document.text))
        self.saved = saved
        self.suggested_by: SuggestedBy | None = None
        source = saved if saved is not None else suggestions
        if source is not None and source.text_sha1 != document.text_sha1:
            raise EditRefused(
                f"the saved version of {document.doc_id!r} was made on a different text "
                "(text_sha1 differs); its offsets would be wrong"
            )
        if saved is not None:
            self.suggested_by = saved.suggested_by
            state = state_from_saved(saved)
        elif suggestions is not None:
            self.suggested_by = suggestions.suggested_by
            state = state_from_suggestions(suggestions)
        else:
            state = DocumentState((), (), False, "")
        super().__init__(document, state)
        self._next_id = 1

    # -- looking up what an edit names -----------------------------------------------------

    def span(self, span_id: str) -> SpanState:
        for span in self._state.spans:
            if span.id == span_id:
                return span
        raise EditRefused(f"no span {span_id!r}")

    def relation(self, relation_id: str) -> RelationState:
        for relation in self._state.relations:
            if relation.id == relation_id:
                return relation
        raise EditRefused(f"no relation {relation_id!r}")

    # -- span edits ------------------------------------------------------------------------

    def add_span(self, start: int, end: int, label: str) -> SpanState:
        """Label a selection. Pending suggestions it overlaps are rejected in its favour."""
        self._check_label(label)
        start, end = self._snap(start, end)
        blockers = [s for s in self.live_spans if s.overlaps(start, end) and s.status != "pending"]
        if blockers and not self.schema.allow_overlap:
            raise EditRefused(f"overlaps {self._describe(blockers[0])}; reject or resize it first")
        replaced = [s for s in self.live_spans if s.overlaps(start, end) and s.status == "pending"]
        if not self.schema.allow_overlap and replaced:
            # An identical pending suggestion is accepted (relabeled) rather than replaced.
            same = next((s for s in replaced if (s.start, s.end) == (start, end)), None)
            if same is not None:
                return self.set_label(same.id, label)
        new = SpanState(
            id=self._new_id("a", {s.id for s in self._state.spans}),
            start=start,
            end=end,
            label=label,
            origin="annotator",
            status="accepted",
            original=(start, end, label),
        )
        spans = [s for s in self._state.spans]
        if not self.schema.allow_overlap:
            rejected_ids = {s.id for s in replaced}
            spans = [replace(s, status="rejected") if s.id in rejected_ids else s for s in spans]
            relations = cascade(rejected_ids, self._state.relations)
        else:
            relations = self._state.relations
        self._apply(replace(self._state, spans=(*spans, new), relations=relations))
        return new

    def set_label(self, span_id: str, label: str) -> SpanState:
        """Relabel a span (which also confirms it); its relations must still fit."""
        self._check_label(label)
        span = self.span(span_id)
        if not span.live:
            raise EditRefused(f"{self._describe(span)} is rejected; undo to bring it back")
        for relation in self.relations_of(span_id):
            if not relation.live:
                continue
            head = (
                self.span(relation.head) if relation.head != span_id else replace(span, label=label)
            )
            child = (
                self.span(relation.child)
                if relation.child != span_id
                else replace(span, label=label)
            )
            refusal = self.schema.relation_refusal(relation.label, head.label, child.label)
            if refusal:
                raise EditRefused(f"relation {relation.label} would break: {refusal}")
        updated = replace(span, label=label, status="accepted")
        self._replace_span(updated)
        return updated

    def accept(self, span_id: str) -> SpanState:
        span = self.span(span_id)
        if span.status == "rejected":
            raise EditRefused(f"{self._describe(span)} is rejected; undo to bring it back")
        updated = replace(span, status="accepted")
        self._replace_span(updated)
        return updated

    def reject(self, span_id: str) -> None:
        """Remove a span: a suggestion becomes negative evidence, an added span is deleted.
        Relations to it go with it."""
        span = self.span(span_id)
        if not span.live:
            raise EditRefused(f"{self._describe(span)} is already rejected")
        relations = cascade({span_id}, self._state.relations)
        if span.origin == "annotator":
            spans = tuple(s for s in self._state.spans if s.id != span_id)
        else:
            spans = tuple(
                replace(s, status="rejected") if s.id == span_id else s for s in self._state.spans
            )
        self._apply(replace(self._state, spans=spans, relations=relations))

    def accept_all(self) -> int:
        """Accept every pending span and relation; returns how many."""
        count = self.pending
        if not count:
            return 0
        spans = tuple(
            replace(s, status="accepted") if s.status == "pending" else s for s in self._state.spans
        )
        relations = tuple(
            replace(r, status="accepted") if r.status == "pending" else r
            for r in self._state.relations
        )
        self._apply(replace(self._state, spans=spans, relations=relations))
        return count

    def move_boundary(self, span_id: str, side: Side, tokens: int) -> SpanState:
        """Move one end of a span by whole tokens (negative: to the left)."""
        span = self.span(span_id)
        if not span.live:
            raise EditRefused(f"{self._describe(span)} is rejected")
        first, stop = self.tokens.span_tokens(span.start, span.end)
        if side == "start":
            first += tokens
        else:
            stop += tokens
        if first < 0 or stop > len(self.tokens):
            raise EditRefused("the span cannot grow past the edge of the text")
        if stop <= first:
            raise EditRefused("a span keeps at least one token; reject it to remove it")
        start, end = self.tokens.chars(first, stop)
        if not self.schema.allow_overlap:
            for other in self.live_spans:
                if other.id != span_id and other.overlaps(start, end):
                    raise EditRefused(f"would overlap {self._describe(other)}")
        updated = replace(span, start=start, end=end, status="accepted")
        self._replace_span(updated)
        return updated

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
        self._apply(replace(self._state, spans=spans, relations=(*self._state.relations, new)))
        return new

    def accept_relation(self, relation_id: str) -> RelationState:
        relation = self.relation(relation_id)
        if not relation.live:
            raise EditRefused(f"{self._describe_relation(relation)} is rejected")
        updated = replace(relation, status="accepted")
        self._replace_relation(updated)
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
        self._apply(replace(self._state, relations=relations))

    # -- adjudication ----------------------------------------------------------------------

    def settle(self, span_ids: Iterable[str], relation_ids: Iterable[str] = ()) -> None:
        """Mark spans and relations accepted as the starting point (no undo step, not dirty):
        in review, what every annotator agreed on."""
        self._history.rebase(settled(self._state, set(span_ids), set(relation_ids)))

    def choose(
        self,
        keep_spans: set[str],
        among_spans: set[str],
        keep_relations: frozenset[str] | set[str] = frozenset(),
        among_relations: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        """One undoable step: of ``among`` spans (and relations), accept those in ``keep``
        (bringing back rejected ones) and reject the others (taking a side in a conflict)."""
        kept_ids = keep_spans & among_spans
        candidates = [s for s in self._state.spans if s.id in kept_ids]
        for span in candidates:
            for other in candidates:
                if (
                    not self.schema.allow_overlap
                    and other.id != span.id
                    and other.overlaps(span.start, span.end)
                ):
                    raise EditRefused(f"{self._describe(span)} and {self._describe(other)} overlap")
        self._apply(chosen(self._state, kept_ids, among_spans, keep_relations, among_relations))

    # -- document-level --------------------------------------------------------------------

    def set_flag(self, flagged: bool, note: str = "") -> None:
        if (flagged, note) != (self._state.flagged, self._state.note):
            self._apply(replace(self._state, flagged=flagged, note=note))

    def undo(self) -> bool:
        return self._history.undo()

    def redo(self) -> bool:
        return self._history.redo()

    def to_record(self, answer: Answer, seconds: float = 0.0) -> Annotation:
        """The record to save. What is on screen is what is saved: pending suggestions count
        as accepted unchanged."""
        return record_of(
            self.document,
            self._state,
            answer=answer,
            annotator=self.annotator,
            seconds=seconds,
            suggested_by=self.suggested_by,
        )

    def mark_saved(self, record: Annotation) -> None:
        self.saved = record
        self._history.mark_saved()

    # -- helpers ---------------------------------------------------------------------------

    def _apply(self, state: DocumentState) -> None:
        self._history.push(state)

    def _replace_span(self, updated: SpanState) -> None:
        spans = tuple(updated if s.id == updated.id else s for s in self._state.spans)
        self._apply(replace(self._state, spans=spans))

    def _replace_relation(self, updated: RelationState) -> None:
        relations = tuple(updated if r.id == updated.id else r for r in self._state.relations)
        self._apply(replace(self._state, relations=relations))

    def _check_label(self, label: str) -> None:
        if label not in self.schema.entity_labels:
            raise EditRefused(f"schema {self.schema.name!r} has no entity label {label!r}")

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        if not 0 <= start < end <= len(self.document.text):
            raise EditRefused("select at least one token of the text")
        return self.tokens.chars(*self.tokens.span_tokens(start, end))

    def _new_id(self, prefix: str, taken: set[str]) -> str:
        while f"{prefix}{self._next_id}" in taken:
            self._next_id += 1
        new = f"{prefix}{self._next_id}"
        self._next_id += 1
        return new

    def _describe(self, span: SpanState) -> str:
        return f"“{self.text_of(span)}” ({span.label})"

    def _describe_relation(self, relation: RelationState) -> str:
        head, child = self.span(relation.head), self.span(relation.child)
        return f"{self.text_of(head)} -{relation.label}-> {self.text_of(child)}"
