"""Agreement on hand-made annotator versions whose right answers are worked out by hand.

The text "Alice met Bob in Paris today" has six tokens (Alice, met, Bob, in, Paris, today)
and 28 characters; annotator "alice" marks Alice and Bob as PERSON and Paris as GPE, with
Alice -MEETS-> Bob and Bob -IN-> Paris. The other annotators change one thing each.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from redline.errors import RedlineError
from redline.metrics.alpha import krippendorff_nominal
from redline.metrics.answers import answer_agreement
from redline.metrics.f1 import MISSING, label_confusion, relation_f1, span_f1
from redline.metrics.kappa import cohen_kappa, fleiss_kappa, token_cohen_kappa, token_fleiss_kappa
from redline.metrics.unitizing import (
    document_unitizing_alpha,
    document_unitizing_alpha_by_label,
    unitizing_alpha,
)
from redline.schema.records import Annotation
from redline.tokens import tokenize
from tests.support.data import make_record, relation, span

TEXT = "Alice met Bob in Paris today"
L = len(TEXT)
ALICE, BOB, PARIS = (0, 5), (10, 13), (17, 22)


def version(
    annotator: str,
    *,
    paris: str | None = "GPE",
    doc_id: str = "doc-1",
    answer: str = "accept",
) -> Annotation:
    """The full version; ``paris`` is the label of Paris (None: no span there)."""
    spans = [span("s1", *ALICE, "PERSON"), span("s2", *BOB, "PERSON")]
    relations = [relation("r1", "s1", "s2", "MEETS")]
    if paris is not None:
        spans.append(span("s3", *PARIS, paris))
        relations.append(relation("r2", "s2", "s3", "IN"))
    return make_record(
        doc_id, TEXT, spans=spans, relations=relations, annotator=annotator, answer=answer
    )


def test_the_text_has_the_tokens_the_hand_computations_use() -> None:
    assert tokenize(TEXT) == [(0, 5), (6, 9), (10, 13), (14, 16), (17, 22), (23, 28)]
    assert L == 28


# ---------------------------------------------------------------------- identical annotators


def identical() -> dict[str, list[Annotation]]:
    # Two documents, one accepted and one rejected by everyone, so every statistic is defined.
    return {
        name: [version(name), version(name, doc_id="doc-2", answer="reject")]
        for name in ("alice", "bob", "carol")
    }


@pytest.mark.parametrize("match", ["exact", "overlap"])
@pytest.mark.parametrize("labelled", [True, False])
def test_identical_annotators_span_f1_is_one(match: str, labelled: bool) -> None:
    v = identical()
    result = span_f1(v["alice"], v["bob"], match=match, labelled=labelled)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (6, 0, 0)
    assert (result.documents, result.documents_left_out) == (2, 0)
    if labelled:
        assert {label: c.f1 for label, c in result.per_label.items()} == {
            "GPE": 1.0,
            "PERSON": 1.0,
        }
    else:
        assert result.per_label == {}


def test_identical_annotators_score_one_everywhere() -> None:
    v = identical()
    assert relation_f1(v["alice"], v["bob"]).f1 == 1.0
    kappa = token_cohen_kappa(v["alice"], v["bob"])
    assert (kappa.value, kappa.units, kappa.documents) == (1.0, 12, 2)
    fleiss = token_fleiss_kappa(v)
    assert (fleiss.value, fleiss.units) == (1.0, 12)
    alpha = krippendorff_nominal(v)
    assert (alpha.value, alpha.units) == (1.0, 12)
    assert document_unitizing_alpha(v).value == 1.0
    assert {k: s.value for k, s in document_unitizing_alpha_by_label(v).items()} == {
        "GPE": 1.0,
        "PERSON": 1.0,
    }
    answers = answer_agreement(v)
    assert answers.percent.value == 1.0
    assert all(s.value == 1.0 for s in answers.cohen.values())
    assert answers.fleiss.value == 1.0
    assert answers.alpha.value == 1.0
    assert label_confusion(v["alice"], v["bob"]) == {("GPE", "GPE"): 2, ("PERSON", "PERSON"): 4}


# ---------------------------------------------------------------------------- missing span


def test_one_missing_span() -> None:
    a, b = [version("alice")], [version("bob", paris=None)]
    exact = span_f1(a, b)
    # b has 2 of a's 3 spans and nothing else: P = 1, R = 2/3, F1 = 4/5.
    assert (exact.overall.tp, exact.overall.fp, exact.overall.fn) == (2, 0, 1)
    assert exact.precision == 1.0
    assert exact.recall == pytest.approx(2 / 3)
    assert exact.f1 == pytest.approx(0.8)
    gpe = exact.per_label["GPE"]
    assert (gpe.precision, gpe.recall, gpe.f1) == (None, 0.0, 0.0)
    assert exact.per_label["PERSON"].f1 == 1.0
    assert span_f1(a, b, match="overlap").f1 == pytest.approx(0.8)
    # Bob -IN-> Paris is gone with Paris: 1 of 2 relations, F1 = 2/3.
    assert relation_f1(a, b).f1 == pytest.approx(2 / 3)
    assert label_confusion(a, b) == {("GPE", MISSING): 1, ("PERSON", "PERSON"): 2}


def test_one_missing_span_token_statistics() -> None:
    a, b = [version("alice")], [version("bob", paris=None)]
    # Tokens: a = P O P O G O, b = P O P O O O; 5 of 6 agree.
    # Cohen: p_o = 5/6, n^2 p_e = 2*2 (P) + 3*4 (O) = 16: kappa = (36*5/6 - 16)/(36 - 16) = 0.7
    assert token_cohen_kappa(a, b).value == pytest.approx(0.7)
    # Fleiss (2 raters): P-bar = 5/6, P-bar_e = (4^2 + 7^2 + 1^2)/12^2 = 66/144: kappa = 9/13
    assert token_fleiss_kappa({"alice": a, "bob": b}).value == pytest.approx(9 / 13)
    # Alpha: n = 12 values (P 4, O 7, G 1), one disagreeing pair (G, O) in both orders:
    # alpha = 1 - (n - 1) * 2 / (n^2 - sum n_c^2) = 1 - 22/78 = 28/39
    alpha = krippendorff_nominal({"alice": a, "bob": b})
    assert alpha.value == pytest.approx(28 / 39)
    assert alpha.units == 6


def test_one_missing_span_unitizing_alpha() -> None:
    v = {"alice": [version("alice")], "bob": [version("bob", paris=None)]}
    m_l = 2 * L  # m L = 56
    # GPE: alice's Paris (length 5) lies in bob's gap: D_o = 2 * 5^2 / (m (m - 1) L^2).
    # D_e: one unit (N_c = 1), so only the gap term: gaps 17, 6 (alice) and 28 (bob) hold it
    # in (17 - 4) + (6 - 4) + (28 - 4) = 39 places: D_e = (2/L) 25 * 39 / (mL(mL-1) - 5*4).
    observed_gpe = Fraction(2 * 25, 2 * L * L)
    expected_gpe = Fraction(2, L) * 25 * 39 / (m_l * (m_l - 1) - 20)
    gpe = document_unitizing_alpha(v, "GPE")
    assert gpe.value == pytest.approx(float(1 - observed_gpe / expected_gpe))
    assert gpe.value < 0  # the only GPE is missed: worse than chance
    # PERSON: identical units [0,5) and [10,13) for both: D_o = 0.
    # D_e: N_c = 4; cubic part (N_c - 1)/3 * sum(2l^3 - 3l^2 + l) = 3/3 * 2*(180 + 30) = 420;
    # gaps 5, 15, 5, 15 hold a 5 in 1+11+1+11 = 24 places, a 3 in 3+13+3+13 = 32:
    # 2*(25*24) + 2*(9*32) = 1776; sum l(l-1) = 2*20 + 2*6 = 52.
    expected_person = Fraction(2, L) * (420 + 1776) / (m_l * (m_l - 1) - 52)
    person = document_unitizing_alpha(v, "PERSON")
    assert person.value == 1.0
    assert person.expected == pytest.approx(float(expected_person))
    overall = document_unitizing_alpha(v)
    assert overall.value == pytest.approx(
        float(1 - observed_gpe / (expected_gpe + expected_person))
    )
    assert (overall.units, overall.characters) == (5, L)


# ------------------------------------------------------------------------------ label swap


def test_one_label_swap() -> None:
    a, b = [version("alice")], [version("bob", paris="LOC")]
    exact = span_f1(a, b)
    assert (exact.overall.tp, exact.overall.fp, exact.overall.fn) == (2, 1, 1)
    assert exact.f1 == pytest.approx(2 / 3)
    assert (exact.per_label["GPE"].fn, exact.per_label["LOC"].fp) == (1, 1)
    assert span_f1(a, b, match="overlap").f1 == pytest.approx(2 / 3)
    assert span_f1(a, b, labelled=False).f1 == 1.0
    assert span_f1(a, b, match="overlap", labelled=False).f1 == 1.0
    # Bob -IN-> Paris: the child differs as a span (label), so that relation does not match.
    assert relation_f1(a, b).f1 == pytest.approx(0.5)
    assert label_confusion(a, b) == {("GPE", "LOC"): 1, ("PERSON", "PERSON"): 2}
    # Tokens a = P O P O G O, b = P O P O L O: n^2 p_e = 2*2 + 3*3 = 13, kappa = 17/23.
    assert token_cohen_kappa(a, b).value == pytest.approx(17 / 23)
    # Alpha: P 4, O 6, G 1, L 1; alpha = 1 - 11 * 2 / (144 - 54) = 34/45.
    assert krippendorff_nominal({"alice": a, "bob": b}).value == pytest.approx(34 / 45)
    by_label = document_unitizing_alpha_by_label({"alice": a, "bob": b})
    assert by_label["PERSON"].value == 1.0
    assert by_label["GPE"].value < 0
    assert by_label["LOC"].value < 0


# --------------------------------------------------------------------------------- disjoint


def test_disjoint_annotations() -> None:
    a = [make_record("doc-1", TEXT, spans=[span("s1", *ALICE, "PERSON")])]
    b = [make_record("doc-1", TEXT, spans=[span("x", *PARIS, "GPE")], annotator="bob")]
    for match in ("exact", "overlap"):
        for labelled in (True, False):
            result = span_f1(a, b, match=match, labelled=labelled)
            assert (result.overall.tp, result.overall.fp, result.overall.fn) == (0, 1, 1)
            assert (result.precision, result.recall, result.f1) == (0.0, 0.0, 0.0)
    assert label_confusion(a, b) == {("PERSON", MISSING): 1, (MISSING, "GPE"): 1}
    # Tokens a = P O O O O O, b = O O O O G O: p_o = 4/6, n^2 p_e = 5*5: kappa = -1/11.
    assert token_cohen_kappa(a, b).value == pytest.approx(-1 / 11)
    assert relation_f1(a, b).f1 is None  # no relations on either side: undefined
    versions = {"alice": a, "bob": b}
    assert krippendorff_nominal(versions).value < 0
    assert document_unitizing_alpha(versions).value < 0


def test_overlap_matching_is_one_to_one_by_largest_overlap() -> None:
    a = [make_record("doc-1", TEXT, spans=[span("s1", 0, 9, "PERSON")])]
    b = [
        make_record(
            "doc-1",
            TEXT,
            spans=[span("x", *ALICE, "PERSON"), span("y", 6, 9, "PERSON")],
            annotator="bob",
        )
    ]
    exact = span_f1(a, b)
    assert (exact.overall.tp, exact.overall.fp, exact.overall.fn) == (0, 2, 1)
    overlap = span_f1(a, b, match="overlap")
    assert (overlap.overall.tp, overlap.overall.fp, overlap.overall.fn) == (1, 1, 0)
    assert label_confusion(a, b) == {("PERSON", "PERSON"): 1, (MISSING, "PERSON"): 1}


# --------------------------------------------------------------- documents left out, counted


def test_documents_done_by_a_single_annotator_are_left_out_and_counted() -> None:
    v = {
        "alice": [version("alice"), version("alice", doc_id="doc-2")],
        "bob": [version("bob", paris=None), version("bob", doc_id="doc-3")],
        "carol": [version("carol"), version("carol", doc_id="doc-3", answer="reject")],
    }
    pair = span_f1(v["alice"], v["bob"])
    assert (pair.documents, pair.documents_left_out) == (1, 2)
    assert (pair.overall.tp, pair.overall.fn) == (2, 1)  # doc-1 only
    kappa = token_cohen_kappa(v["alice"], v["bob"])
    assert (kappa.units, kappa.documents, kappa.documents_left_out) == (6, 1, 2)
    assert relation_f1(v["alice"], v["bob"]).documents_left_out == 2
    # Alpha keeps doc-1 (3 annotators) and doc-3 (bob, carol); doc-2 (alice only) is out.
    alpha = krippendorff_nominal(v)
    assert (alpha.units, alpha.documents, alpha.documents_left_out) == (12, 2, 1)
    # Fleiss needs every annotator: doc-1 only.
    fleiss = token_fleiss_kappa(v)
    assert (fleiss.units, fleiss.documents, fleiss.documents_left_out) == (6, 1, 2)
    unitizing = document_unitizing_alpha(v)
    assert (unitizing.documents, unitizing.documents_left_out, unitizing.characters) == (
        2,
        1,
        2 * L,
    )
    answers = answer_agreement(v)
    # doc-1: 3 accepting (3 agreeing pairs); doc-3: accept vs reject (1 pair, disagreeing).
    assert answers.percent.value == pytest.approx(3 / 4)
    assert (answers.percent.documents, answers.percent.documents_left_out) == (2, 1)
    assert answers.cohen["alice", "bob"].units == 1
    assert answers.cohen["alice", "bob"].documents_left_out == 2  # doc-2, doc-3
    assert answers.cohen["alice", "bob"].value is None  # one document, one answer: undefined
    assert (answers.fleiss.documents, answers.fleiss.documents_left_out) == (1, 2)


def test_the_last_record_of_a_document_counts() -> None:
    a = [version("alice", paris=None), version("alice")]
    result = span_f1(a, [version("bob")])
    assert result.f1 == 1.0
    assert result.documents == 1


def test_pooled_unitizing_is_the_concatenated_continuum() -> None:
    # Both documents end and start with a unit for every coder, so laying them end to end
    # creates no new gap: pooling must equal alpha_U of the concatenated continuum.
    first, second = "Alice met Bob", "Paris is big"
    units = {
        "alice": [[(0, 5), (10, 13)], [(0, 5)]],
        "bob": [[(0, 9), (10, 13)], [(0, 5), (9, 12)]],
    }
    versions = {
        coder: [
            make_record(
                doc_id,
                text,
                spans=[span(f"s{n}", s, e, "X") for n, (s, e) in enumerate(doc)],
                annotator=coder,
            )
            for doc_id, text, doc in zip(("d1", "d2"), (first, second), docs, strict=True)
        ]
        for coder, docs in units.items()
    }
    shift = len(first)
    concatenated = {
        coder: [(s, e, "X") for s, e in docs[0]] + [(s + shift, e + shift, "X") for s, e in docs[1]]
        for coder, docs in units.items()
    }
    pooled = document_unitizing_alpha(versions)
    single = unitizing_alpha(len(first) + len(second), concatenated)
    assert pooled.value == pytest.approx(single.value)
    assert pooled.observed == pytest.approx(single.observed)
    assert pooled.expected == pytest.approx(single.expected)
    assert 0 < pooled.value < 1


# ------------------------------------------------------------------------ undefined and bad


def test_undefined_statistics_are_none() -> None:
    empty = [make_record("doc-1", TEXT)]
    other = [make_record("doc-1", TEXT, annotator="bob")]
    assert span_f1(empty, other).f1 is None
    assert token_cohen_kappa(empty, other).value is None  # every token "O": p_e = 1
    assert krippendorff_nominal({"alice": empty, "bob": other}).value is None
    assert document_unitizing_alpha({"alice": empty, "bob": other}).value is None
    assert cohen_kappa([], []).value is None
    assert fleiss_kappa([]).value is None
    nobody = span_f1([], [])
    assert (nobody.f1, nobody.documents, nobody.documents_left_out) == (None, 0, 0)


def test_bad_input_gets_a_clear_error() -> None:
    one = {"alice": [version("alice")]}
    with pytest.raises(RedlineError, match="at least two annotators"):
        krippendorff_nominal(one)
    with pytest.raises(RedlineError, match="at least two annotators"):
        answer_agreement(one)
    with pytest.raises(RedlineError, match="same units"):
        cohen_kappa(["A"], [])
    with pytest.raises(RedlineError, match="same number of raters"):
        fleiss_kappa([[1, 1], [2, 1]])
    with pytest.raises(RedlineError, match="'exact' or 'overlap'"):
        span_f1([], [], match="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(RedlineError, match="not inside the continuum"):
        unitizing_alpha(10, {"a": [(5, 12, "X")], "b": []})
    changed = [make_record("doc-1", TEXT + "!", annotator="bob")]
    with pytest.raises(RedlineError, match="different texts"):
        span_f1([version("alice")], changed)
