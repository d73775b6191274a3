"""Corrections a simulated annotator makes to turn a suggestion into the gold."""

from __future__ import annotations

import pytest

from redline.errors import RedlineError
from redline.metrics.corrections import (
    CorrectionCounts,
    align_spans,
    corrections,
    corrections_over,
    sum_corrections,
)
from tests.support.data import make_record, relation, span

TEXT = "Hun Sen met Tô Lâm in Hà Nội on Monday."
# Hun Sen [0, 7)  Tô Lâm [12, 18)  Hà Nội [22, 28)  Monday [32, 38)


def model(*spans, relations=(), doc_id="d", text=TEXT):
    return make_record(
        doc_id, text, annotator="model:en_core_web_sm", spans=spans, relations=relations
    )


def gold(*spans, relations=(), doc_id="d", text=TEXT):
    return make_record(doc_id, text, annotator="gold", spans=spans, relations=relations)


def test_identical_versions_need_no_correction():
    spans = [span("s1", 0, 7, "PERSON"), span("s2", 12, 18, "PERSON")]
    links = [relation("r1", "s1", "s2", "MEETS")]
    counts = corrections(model(*spans, relations=links), gold(*spans, relations=links))
    assert counts == CorrectionCounts()
    assert counts.total == 0


def test_same_offsets_other_label_is_relabelled():
    counts = corrections(model(span("s1", 22, 28, "ORG")), gold(span("g1", 22, 28, "GPE")))
    assert counts == CorrectionCounts(spans_relabelled=1)
    assert counts.total == 1


def test_overlap_same_label_is_resized():
    # the suggestion took "Sen met" for the name
    counts = corrections(model(span("s1", 4, 11, "PERSON")), gold(span("g1", 0, 7, "PERSON")))
    assert counts == CorrectionCounts(spans_resized=1)


def test_overlap_other_label_is_one_resize_and_one_relabel():
    counts = corrections(model(span("s1", 22, 31, "ORG")), gold(span("g1", 22, 28, "GPE")))
    assert counts == CorrectionCounts(spans_resized=1, spans_relabelled=1)
    assert counts.total == 2


def test_unmatched_suggestion_is_rejected_and_missing_gold_added():
    counts = corrections(model(span("s1", 32, 38, "DATE")), gold(span("g1", 0, 7, "PERSON")))
    assert counts == CorrectionCounts(spans_added=1, spans_rejected=1)


def test_each_suggested_span_pairs_with_one_gold_span():
    # one suggestion over two gold names: it is resized to one, the other is added
    suggested = model(span("s1", 0, 18, "PERSON"))
    reference = gold(span("g1", 0, 7, "PERSON"), span("g2", 12, 18, "PERSON"))
    assert corrections(suggested, reference) == CorrectionCounts(spans_resized=1, spans_added=1)


def test_pairing_prefers_exact_twin_then_same_extent_then_largest_overlap():
    suggested = [span("s1", 0, 7, "PERSON"), span("s2", 0, 3, "PERSON")]
    reference = [span("g1", 0, 3, "PERSON"), span("g2", 0, 7, "PERSON")]
    assert sorted(align_spans(suggested, reference)) == [(0, 1), (1, 0)]
    # same extent beats a larger overlap: relabelling is one correction, not two
    suggested = [span("s1", 0, 18, "ORG")]
    reference = [span("g1", 0, 18, "PERSON"), span("g2", 0, 7, "ORG")]
    assert align_spans(suggested, reference) == [(0, 0)]
    # the pairing does not depend on the order of the lists
    suggested = [span("s1", 0, 9, "PERSON"), span("s2", 10, 20, "PERSON")]
    reference = [span("g1", 5, 14, "PERSON")]
    forward = align_spans(suggested, reference)
    backward = align_spans(list(reversed(suggested)), reference)
    assert [suggested[i].id for i, _ in forward] == [
        list(reversed(suggested))[i].id for i, _ in backward
    ]


def test_relation_with_gold_twin_is_kept_after_its_ends_are_corrected():
    suggested = model(
        span("s1", 4, 11, "PERSON"),  # resized to Hun Sen
        span("s2", 12, 18, "ORG"),  # relabelled to PERSON
        relations=[relation("r1", "s1", "s2", "MEETS")],
    )
    reference = gold(
        span("g1", 0, 7, "PERSON"),
        span("g2", 12, 18, "PERSON"),
        relations=[relation("x1", "g1", "g2", "MEETS")],
    )
    assert corrections(suggested, reference) == CorrectionCounts(
        spans_resized=1, spans_relabelled=1
    )


def test_relation_with_other_label_or_direction_is_rejected_and_gold_added():
    spans = [span("s1", 0, 7, "PERSON"), span("s2", 12, 18, "PERSON")]
    suggested = model(
        *spans,
        relations=[relation("r1", "s1", "s2", "LEADER_OF"), relation("r2", "s2", "s1", "MEETS")],
    )
    reference = gold(*spans, relations=[relation("x1", "s1", "s2", "MEETS")])
    assert corrections(suggested, reference) == CorrectionCounts(
        relations_rejected=2, relations_added=1
    )


def test_relation_to_a_rejected_span_goes_with_it():
    suggested = model(
        span("s1", 0, 7, "PERSON"),
        span("s2", 32, 38, "DATE"),
        relations=[relation("r1", "s1", "s2", "MEETS")],
    )
    counts = corrections(suggested, gold(span("g1", 0, 7, "PERSON")))
    assert counts == CorrectionCounts(spans_rejected=1, relations_dropped_with_span=1)
    assert counts.total == 1


def test_duplicate_suggested_relations_keep_one():
    spans = [span("s1", 0, 7, "PERSON"), span("s2", 12, 18, "PERSON")]
    suggested = model(
        *spans,
        relations=[relation("r1", "s1", "s2", "MEETS"), relation("r2", "s1", "s2", "MEETS")],
    )
    reference = gold(*spans, relations=[relation("x1", "s1", "s2", "MEETS")])
    assert corrections(suggested, reference) == CorrectionCounts(relations_rejected=1)


def test_counts_add_up_over_documents():
    first = CorrectionCounts(spans_added=1, relations_added=2)
    second = CorrectionCounts(spans_added=3, spans_resized=1, relations_dropped_with_span=1)
    total = CorrectionCounts(
        spans_added=4, spans_resized=1, relations_added=2, relations_dropped_with_span=1
    )
    assert first + second == total
    assert sum([first, second]) == total
    assert sum_corrections([first, second]) == total
    assert sum_corrections([]) == CorrectionCounts()
    assert total.total == 7


def test_corrections_over_documents_pairs_by_doc_id():
    suggested = [
        model(span("s1", 22, 28, "ORG"), doc_id="a"),
        model(span("s1", 0, 7, "PERSON"), doc_id="only-model"),
    ]
    reference = [
        gold(span("g1", 22, 28, "GPE"), doc_id="a"),
        gold(span("g1", 0, 7, "PERSON"), doc_id="b"),
    ]
    total, left_out = corrections_over(suggested, reference)
    assert total == CorrectionCounts(spans_relabelled=1)
    assert left_out == 2


def test_versions_of_different_texts_are_refused():
    with pytest.raises(RedlineError, match="different texts"):
        corrections(model(text="One text."), gold(text="Another text."))
