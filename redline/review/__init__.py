"""Review: merging annotators' versions (:mod:`.merge`), gold records and the automatic pass
(:mod:`.gold`), and the reviewer's way through the disputed documents (:mod:`.worklist`)."""

from redline.review.gold import (
    AutoReviewResult,
    auto_review,
    gold_record,
    open_versions,
    unanimous_gold,
    write_unanimous,
)
from redline.review.merge import (
    DocumentMerge,
    RelationConflict,
    SpanConflict,
    Vote,
    merge_dataset,
    merge_logs,
    merge_versions,
)
from redline.review.worklist import ConflictChoices, ReviewDocument, ReviewWorklist

__all__ = [
    "AutoReviewResult",
    "ConflictChoices",
    "DocumentMerge",
    "RelationConflict",
    "ReviewDocument",
    "ReviewWorklist",
    "SpanConflict",
    "Vote",
    "auto_review",
    "gold_record",
    "merge_dataset",
    "merge_logs",
    "merge_versions",
    "open_versions",
    "unanimous_gold",
    "write_unanimous",
]
