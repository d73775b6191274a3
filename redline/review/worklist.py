"""A reviewer's way through the documents annotators disagree on, into ``gold.jsonl``.

Unanimous documents are merged without asking (:func:`redline.review.gold.write_unanimous`,
run once by :meth:`ReviewWorklist.start`); the rest
open as an editing session whose agreed spans are already accepted and whose competing spans
are pending, so the reviewer takes a side per conflict, takes a whole annotator's version, or
edits freely with the annotate keys. The screen drives it through the same calls as the
annotator's :class:`redline.worklist.Worklist`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from redline.editing import EditRefused, EditSession
from redline.errors import RedlineError
from redline.queue import Opened, QueueProgress
from redline.review.gold import AutoReviewResult, gold_record, open_versions, write_unanimous
from redline.review.merge import DocumentMerge, merge_versions
from redline.schema.keys import GOLD_ANNOTATOR, RelationKey, SpanKey, keys_of
from redline.schema.labels import LabelSchema, overlapping_neighbours
from redline.schema.records import Annotation, Answer, Document, Relation, Span
from redline.store import AnnotatorLog, DatasetStore, check_name
from redline.token_cache import remembered_tokens


@dataclass
class ConflictChoices:
    """One conflict as the reviewer sees it: who said what, as span ids of the session."""

    start: int
    end: int
    among: set[str]
    votes: list[tuple[tuple[str, ...], set[str], str]] = field(default_factory=list)
    """(annotators, span ids they chose, description) per side."""


@dataclass
class ReviewDocument:
    merge: DocumentMerge
    keys: dict[str, SpanKey]
    conflicts: list[ConflictChoices]
    relation_keys: dict[str, RelationKey]


class _Positions:
    """The documents in conflict: known in full from the start."""

    complete = True

    def __init__(self, doc_ids: list[str]) -> None:
        self.doc_ids = doc_ids
        self._positions = {d: n for n, d in enumerate(doc_ids)}

    def __len__(self) -> int:
        return len(self.doc_ids)

    def position(self, doc_id: str) -> int | None:
        return self._positions.get(doc_id)

    def has(self, position: int) -> bool:
        return 0 <= position < len(self.doc_ids)

    def iter_ids(self) -> Iterator[str]:
        return iter(self.doc_ids)


class ReviewWorklist(QueueProgress):
    """The documents in conflict, for one reviewer; holds the lock on ``gold.jsonl``."""

    suggester = None

    def __init__(
        self,
        dataset: DatasetStore,
        reviewer: str,
        schema: LabelSchema,
        versions: dict[str, AnnotatorLog],
        gold: AnnotatorLog,
        auto: AutoReviewResult,
        annotators: list[str] | None = None,
    ) -> None:
        """Use :meth:`start`: it opens the logs and runs the automatic pass first."""
        self.dataset = dataset
        self._annotators = annotators
        self.reviewer = reviewer
        self.annotator = f"{reviewer} (review)"
        self.schema = schema
        self.auto = auto
        self.index = _Positions(auto.disputed)
        self.log = gold
        self._versions = versions
        self._documents: dict[int, ReviewDocument] = {}

    @classmethod
    def start(
        cls,
        dataset: DatasetStore,
        reviewer: str,
        schema: LabelSchema,
        annotators: list[str] | None = None,
    ) -> ReviewWorklist:
        """Open each annotator's log once (for reading) and gold once (holding its lock),
        merge the unanimous documents into gold, and queue the rest. The logs' unreadable
        lines are in ``auto.problems``, for the caller to report."""
        check_name("reviewer", reviewer)
        versions = open_versions(dataset, annotators)
        try:
            gold = dataset.open(GOLD_ANNOTATOR, write=True)
        except BaseException:
            _close(versions.values())
            raise
        try:
            auto = write_unanimous(versions, gold, reviewer)
            if not auto.disputed:
                raise RedlineError(
                    f"dataset {dataset.name!r}: nothing to review "
                    f"({auto.merged} unanimous document(s) merged into gold)"
                )
        except BaseException:
            _close([gold, *versions.values()])
            raise
        return cls(dataset, reviewer, schema, versions, gold, auto, annotators)

    def reload(self) -> list[str]:
        """Read every annotator's versions again, as :meth:`start` did, for the versions
        saved since (the logs opened then see only what was there). The documents now in
        conflict that were not listed come after the others, so every position keeps its
        document (the reviewer's included); those that became unanimous are merged into gold
        as :meth:`start` merges them. Returns the documents added."""
        versions = open_versions(self.dataset, self._annotators)
        try:
            auto = write_unanimous(versions, self.log, self.reviewer)
        except BaseException:
            _close(versions.values())
            raise
        _close(self._versions.values())
        self._versions = versions
        listed = set(self.index.doc_ids)
        added = [doc_id for doc_id in auto.disputed if doc_id not in listed]
        self.index = _Positions([*self.index.doc_ids, *added])
        self.auto = AutoReviewResult(
            self.auto.merged + auto.merged,
            auto.conflicts,
            auto.skipped_existing,
            self.index.doc_ids,
            auto.problems,
        )
        self._documents = {}  # merges of the old versions
        self._done = None
        return added

    def not_here(self, doc_id: str) -> str:
        return f"{doc_id!r} is not among the documents to review"

    def cached_suggestions(self, position: int) -> None:
        return None

    def suggest(self, position: int) -> None:
        return None

    def review_document(self, position: int) -> ReviewDocument:
        if position not in self._documents:
            self._documents[position] = self._build(position)
        return self._documents[position]

    def _build(self, position: int) -> ReviewDocument:
        doc_id = self.index.doc_ids[position]
        versions: dict[str, Annotation] = {}
        for name, log in self._versions.items():
            record = log.newest(doc_id)
            if record is not None:
                versions[name] = record
        merge = merge_versions(versions)
        keys: dict[str, SpanKey] = {}
        ids: dict[SpanKey, str] = {}

        def span_id(key: SpanKey) -> str:
            if key not in ids:
                ids[key] = f"k{len(ids) + 1}"
                keys[ids[key]] = key
            return ids[key]

        for key, _ in merge.agreed_spans:
            span_id(key)
        conflicts = []
        for conflict in merge.span_conflicts:
            choices = ConflictChoices(conflict.start, conflict.end, set())
            for vote in conflict.votes:
                chosen = set() if vote.span is None else {span_id(vote.span)}
                choices.among |= chosen
                text = merge.document.text
                said = (
                    "no span"
                    if vote.span is None
                    else f"“{text[vote.span.start : vote.span.end]}” {vote.span.label}"
                )
                choices.votes.append(
                    (vote.annotators, chosen, f"{', '.join(vote.annotators)}: {said}")
                )
            conflicts.append(choices)
        relation_keys: dict[str, RelationKey] = {}
        for n, rkey in enumerate(
            [k for k, _ in merge.agreed_relations] + [c.key for c in merge.relation_conflicts],
            start=1,
        ):
            span_id(rkey.head)
            span_id(rkey.child)
            relation_keys[f"q{n}"] = rkey
        return ReviewDocument(merge, keys, conflicts, relation_keys)

    def document(self, position: int) -> Document:
        return self.review_document(position).merge.document

    def open(self, position: int, *, suggestions: Annotation | None = None) -> Opened:
        review = self.review_document(position)
        merge = review.merge
        document = merge.document
        tokens = remembered_tokens(document.text, self.schema.lang)
        saved = self.log.newest(document.doc_id)
        if saved is not None:
            session = EditSession(document, self.schema, GOLD_ANNOTATOR, saved=saved, tokens=tokens)
            return Opened(position, session, "saved")
        ids = {key: span_id for span_id, key in review.keys.items()}
        spans = [
            Span(id=i, start=k.start, end=k.end, label=k.label, origin="annotator")
            for i, k in review.keys.items()
        ]
        relations = [
            Relation(id=i, head=ids[k.head], child=ids[k.child], label=k.label, origin="annotator")
            for i, k in review.relation_keys.items()
        ]
        start = Annotation.of(
            document,
            spans=spans,
            relations=relations,
            annotator=GOLD_ANNOTATOR,
        )
        session = EditSession(
            document, self.schema, GOLD_ANNOTATOR, suggestions=start, tokens=tokens
        )
        agreed_relations = {k for k, _ in merge.agreed_relations}
        session.settle(
            [ids[key] for key, _ in merge.agreed_spans],
            [i for i, k in review.relation_keys.items() if k in agreed_relations],
        )
        return Opened(position, session, "suggested")

    def versions(self, position: int) -> list[str]:
        return sorted(self.review_document(position).merge.versions)

    def take_version(self, session: EditSession, position: int, annotator: str) -> None:
        """Make the session exactly ``annotator``'s version (one undoable step)."""
        review = self.review_document(position)
        version = review.merge.versions.get(annotator)
        if version is None:
            raise EditRefused(f"{annotator} has no version of this document")
        theirs, their_relations = (
            keys_of(version.spans, version.relations) if version.answer == "accept" else ({}, [])
        )
        by_key = {key: span_id for span_id, key in review.keys.items()}
        keep = {by_key[k] for k in theirs.values() if k in by_key}
        among = {s.id for s in session.spans}
        wanted = set(their_relations)
        keep_relations = {i for i, k in review.relation_keys.items() if k in wanted}
        session.choose(keep, among, keep_relations, {r.id for r in session.relations})

    def record_to_save(self, session: EditSession, answer: Answer, seconds: float) -> Annotation:
        """The gold version; refused while competing spans still overlap."""
        live = session.live_spans
        clashes = [] if self.schema.allow_overlap else overlapping_neighbours(live)
        if clashes:
            left, right = clashes[0]
            raise EditRefused(
                f"“{session.text_of(left)}” and “{session.text_of(right)}” still "
                "overlap: take a side (v) or reject one (x) before saving"
            )
        position = self.position_of(session.document.doc_id)
        merge = self.review_document(position).merge
        keys, relations = keys_of(live, [r for r in session.relations if r.live])
        record = gold_record(
            merge, self.reviewer, list(keys.values()), relations, note=session.note, seconds=seconds
        )
        return record.model_copy(update={"answer": answer, "flagged": session.flagged})

    def close(self) -> None:
        _close([self.log, *self._versions.values()])


def _close(logs: Iterable[AnnotatorLog]) -> None:
    for log in logs:
        log.close()
