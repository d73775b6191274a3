"""How annotators changed the model's suggestions, read from the records' ``edit`` fields."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from redline.schema.records import Annotation

EDIT_KINDS = ("accepted", "kept", "relabeled", "resized", "rejected", "added")


@dataclass
class EditSummary:
    """Counts of what happened to suggestions (and what annotators added), overall and per
    label (the label the span ended with; a rejected span's own label)."""

    documents: int = 0
    overall: Counter[str] = field(default_factory=Counter)
    by_label: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, kind: str, label: str) -> None:
        self.overall[kind] += 1
        self.by_label.setdefault(label, Counter())[kind] += 1

    def share(self, kind: str) -> float | None:
        total = sum(self.overall[k] for k in EDIT_KINDS)
        return self.overall[kind] / total if total else None


def summarize_edits(records: Iterable[Annotation]) -> EditSummary:
    """Over people's records (a model's own records are skipped: nobody reviewed them)."""
    summary = EditSummary()
    for record in records:
        if record.is_model:
            continue
        summary.documents += 1
        for span in record.spans:
            summary.add(span.edit or "accepted", span.label)
        for span in record.rejected:
            summary.add("rejected", span.label)
    return summary
