"""One annotator's work on one document: the edits, their undo history, and the record they make.

This is the model behind every editing key of the UI (annotate and review share it), kept
free of Textual so it can be tested and reused on its own. Each edit either applies whole or
is refused with a message saying why; nothing half-applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from redline.editing.adjudication import chosen, settled
from redline.editing.boundaries import char_edge, token_edge
from redline.editing.relation_edits import RelationEdits
from redline.editing.states import (
    DocumentState,
    EditRefused,
    Side,
    SpanState,
    cascade,
    record_of,
    state_from_saved,
    state_from_suggestions,
)
from redline.schema.labels import LabelSchema
from redline.schema.records import Annotation, Answer, Document, SuggestedBy
from redline.tokens import TokenIndex, tokenize


class EditSession(RelationEdits):
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
        self.tokens = TokenIndex(
            tokens if tokens is not None else tokenize(document.text, schema.lang)
        )
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
        self._apply(
            replace(self._state, spans=(*spans, new), relations=relations),
            f"added {label} “{self.document.text[start:end]}”",
        )
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
        self._replace_span(updated, f"{span.label} -> {label} “{self.text_of(span)}”")
        return updated

    def accept(self, span_id: str) -> SpanState:
        span = self.span(span_id)
        if span.status == "rejected":
            raise EditRefused(f"{self._describe(span)} is rejected; undo to bring it back")
        updated = replace(span, status="accepted")
        self._replace_span(updated, f"accepted {self._describe(span)}")
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
        gone = sum(1 for r in self.relations_of(span_id) if r.live)
        with_relations = f" and its {gone} relation(s)" if gone else ""
        self._apply(
            replace(self._state, spans=spans, relations=relations),
            f"rejected {self._describe(span)}{with_relations}",
        )

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
        self._apply(
            replace(self._state, spans=spans, relations=relations),
            f"accepted {count} remaining suggestion(s)",
        )
        return count

    def move_boundary(self, span_id: str, side: Side, tokens: int) -> SpanState:
        """Move one end of a span by whole tokens (negative: to the left); the other end stays."""
        span = self._live(span_id)
        edges = self.tokens.starts if side == "start" else self.tokens.ends
        at = token_edge(edges, span.start if side == "start" else span.end, tokens)
        return self._resized(span, side, at, "token")

    def move_boundary_chars(self, span_id: str, side: Side, chars: int) -> SpanState:
        """Move one end of a span by characters, for a token edge in the wrong place ("Sen."
        is one token; the name is "Hun Sen"). Whitespace is stepped over: a span never
        starts or ends with it."""
        span = self._live(span_id)
        at = span.start if side == "start" else span.end
        at = char_edge(self.document.text, side, at, chars)
        return self._resized(span, side, at, "character")

    def _resized(self, span: SpanState, side: Side, at: int, unit: str) -> SpanState:
        start, end = (at, span.end) if side == "start" else (span.start, at)
        if end <= start:
            raise EditRefused(f"a span keeps at least one {unit}; reject it to remove it")
        if not 0 <= start < end <= len(self.document.text):
            raise EditRefused("the span cannot grow past the edge of the text")
        if not self.schema.allow_overlap:
            for other in self.live_spans:
                if other.id != span.id and other.overlaps(start, end):
                    raise EditRefused(f"would overlap {self._describe(other)}")
        updated = replace(span, start=start, end=end, status="accepted")
        text = self.document.text
        self._replace_span(
            updated, f"resized {span.label} “{self.text_of(span)}” -> “{text[start:end]}”"
        )
        return updated

    def _live(self, span_id: str) -> SpanState:
        span = self.span(span_id)
        if not span.live:
            raise EditRefused(f"{self._describe(span)} is rejected; undo to bring it back")
        return span

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
        self._apply(
            chosen(self._state, kept_ids, among_spans, keep_relations, among_relations),
            f"took a side: kept {len(kept_ids)} of {len(among_spans)} span(s)",
        )

    # -- document-level --------------------------------------------------------------------

    def set_flag(self, flagged: bool, note: str = "") -> None:
        if (flagged, note) != (self._state.flagged, self._state.note):
            what = f"flagged: “{note}”" if flagged else "unflagged"
            self._apply(replace(self._state, flagged=flagged, note=note), what)

    def same_as_saved(self, answer: Answer) -> bool:
        """Whether saving now would only repeat the saved version (no edit, same answer):
        then nothing is appended."""
        if self.saved is None or self.dirty or answer != self.saved.answer:
            return False
        fresh = self.to_record(answer, self.saved.seconds)
        return fresh.model_dump(exclude={"created_at"}) == self.saved.model_dump(
            exclude={"created_at"}
        )

    def undo(self) -> str | None:
        """Undo the last edit; what it was (e.g. "GPE -> PERSON “Trung”"), or None."""
        return self._history.undo()

    def redo(self) -> str | None:
        return self._history.redo()

    def to_record(self, answer: Answer, seconds: float = 0.0) -> Annotation:
        """The record to save. What is on screen is what is saved: pending suggestions are
        kept unchanged (edit ``kept``)."""
        looked_at = replace(
            self._state,
            spans=tuple(self._looked_at(s) for s in self._state.spans),
            relations=tuple(self._looked_at(r) for r in self._state.relations),
        )
        return record_of(
            self.document,
            looked_at,
            answer=answer,
            annotator=self.annotator,
            seconds=seconds,
            suggested_by=self.suggested_by,
        )

    def mark_saved(self, record: Annotation) -> None:
        self.saved = record
        self._history.mark_saved()
