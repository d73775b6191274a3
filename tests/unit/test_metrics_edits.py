"""Edit statistics: what annotators did to the suggestions."""

from __future__ import annotations

from redline.metrics.edits import summarize_edits
from tests.support.data import make_record, span


def test_counts_each_kind_of_edit_per_label():
    text = "Hun Sen met Tô Lâm in Hà Nội on Monday."
    alice = make_record(
        "d",
        text,
        annotator="alice",
        spans=[
            span("s1", 0, 7, "PERSON", "model", "accepted"),
            span("s2", 12, 18, "ORG", "model", "relabeled"),
            span("s3", 22, 28, "GPE", "rule", "resized"),
            span("a1", 32, 38, "DATE", "annotator", "added"),
        ],
        rejected=[span("s4", 12, 15, "NORP", "model", None)],
    )
    model = make_record("d", text, annotator="model:en_core_web_sm", spans=[span("s1", 0, 7)])
    summary = summarize_edits([alice, model])
    assert summary.documents == 1
    assert dict(summary.overall) == {
        "accepted": 1,
        "relabeled": 1,
        "resized": 1,
        "added": 1,
        "rejected": 1,
    }
    assert summary.by_label["NORP"] == {"rejected": 1}
    assert summary.share("accepted") == 0.2
