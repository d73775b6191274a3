"""Each agreement statistic against a worked example published in the literature.

The data and the expected values are the published ones, compared at the precision they
were published with. Where a statistic over records is tested end to end, each unit of the
published data becomes a one-token document ("x") whose category is the label of a span
covering it: the record functions then see exactly the published reliability data.
"""

from __future__ import annotations

from collections import Counter

import pytest

from redline.metrics.alpha import krippendorff_nominal, nominal_alpha
from redline.metrics.kappa import cohen_kappa, fleiss_kappa, token_cohen_kappa, token_fleiss_kappa
from redline.metrics.unitizing import document_unitizing_alpha, unitizing_alpha
from redline.schema.records import Annotation
from tests.support.data import make_record, span


def one_token_docs(ratings: dict[str, list[str | None]]) -> dict[str, list[Annotation]]:
    """Per coder, one record per unit: the unit is the token "x", labelled with the coder's
    value ("O" = no span); None = the coder did not do that document."""
    versions: dict[str, list[Annotation]] = {}
    for coder, values in ratings.items():
        versions[coder] = [
            make_record(
                f"u{unit:03d}",
                "x",
                spans=[] if value == "O" else [span("s1", 0, 1, value)],
                annotator=coder,
            )
            for unit, value in enumerate(values)
            if value is not None
        ]
    return versions


# ----------------------------------------------------------------------------- Cohen 1960

# Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
# Psychological Measurement 20(1), 37-46: the worked example (N = 200, three categories),
# counts = proportions x 200 (rows: judge A, columns: judge B):
#   .44 .07 .09 | .60        88 14 18
#   .05 .20 .05 | .30   ->   10 40 10
#   .01 .03 .06 | .10         2  6 12
#   .50 .30 .20
# Published: p_o = .70, p_c = .41, kappa = .492 (three decimals).
COHEN_1960 = {
    ("1", "1"): 88, ("1", "2"): 14, ("1", "3"): 18,
    ("2", "1"): 10, ("2", "2"): 40, ("2", "3"): 10,
    ("3", "1"): 2, ("3", "2"): 6, ("3", "3"): 12,
}  # fmt: skip


def cohen_1960_lists() -> tuple[list[str], list[str]]:
    a: list[str] = []
    b: list[str] = []
    for (x, y), n in COHEN_1960.items():
        a += [x] * n
        b += [y] * n
    return a, b


def test_cohen_1960_kappa() -> None:
    a, b = cohen_1960_lists()
    score = cohen_kappa(a, b)
    assert score.units == 200
    assert round(score.value, 3) == 0.492


def test_cohen_1960_kappa_over_tokens_of_records() -> None:
    a, b = cohen_1960_lists()
    versions = one_token_docs({"judge_a": [f"C{x}" for x in a], "judge_b": [f"C{y}" for y in b]})
    score = token_cohen_kappa(versions["judge_a"], versions["judge_b"])
    assert (score.units, score.documents, score.documents_left_out) == (200, 200, 0)
    assert round(score.value, 3) == 0.492


# ----------------------------------------------------------------------------- Fleiss 1971

# Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
# Bulletin 76(5), 378-382, Table 1 (p. 379): 30 patients, 6 psychiatrists each, 5 diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other); each row
# lists the six diagnoses a patient received. Published: P-bar = .556, P-bar_e = .220,
# kappa = .430 (three decimals).
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip


def test_fleiss_1971_kappa() -> None:
    table = [[Counter(row)[c] for c in range(1, 6)] for row in FLEISS_1971]
    score = fleiss_kappa(table)
    assert score.units == 30
    assert round(score.value, 3) == 0.430


def test_fleiss_1971_kappa_over_tokens_of_records() -> None:
    ratings = {f"psychiatrist{r}": [f"D{row[r]}" for row in FLEISS_1971] for r in range(6)}
    score = token_fleiss_kappa(one_token_docs(ratings))
    assert (score.units, score.documents, score.documents_left_out) == (30, 30, 0)
    assert round(score.value, 3) == 0.430


# Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters, 5 categories; a
# subjects x categories table of counts). Published: P-bar = 0.378, P-bar_e = 0.213,
# kappa = 0.210 (three decimals).
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def test_wikipedia_fleiss_kappa() -> None:
    score = fleiss_kappa(WIKIPEDIA_FLEISS)
    assert score.units == 10
    assert round(score.value, 3) == 0.210


# ------------------------------------------------------------------------ Krippendorff 2011

# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
# Communication, University of Pennsylvania (https://repository.upenn.edu/asc_papers/43).

# Section A, binary data, two observers, no missing data (10 units). Published: alpha = 0.095.
KRIPPENDORFF_2011_BINARY = {
    "A": ["0", "1", "0", "0", "0", "0", "0", "0", "1", "0"],
    "B": ["1", "1", "1", "0", "0", "1", "0", "0", "0", "0"],
}

# Section C, nominal data, four observers, 12 units, missing data (None; "." in the paper).
# Unit 12 has one value only and is not pairable. Published: nominal alpha = 0.743.
_ = None
KRIPPENDORFF_2011_NOMINAL = {
    "A": ["1", "2", "3", "3", "2", "1", "4", "1", "2", _, _, _],
    "B": ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", _, "3"],
    "C": [_, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", _],
    "D": ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", _],
}


def test_krippendorff_2011_binary_alpha() -> None:
    score = nominal_alpha(list(KRIPPENDORFF_2011_BINARY.values()))
    assert score.units == 10
    assert round(score.value, 3) == 0.095


def test_krippendorff_2011_nominal_alpha_with_missing_data() -> None:
    score = nominal_alpha(list(KRIPPENDORFF_2011_NOMINAL.values()))
    assert score.units == 11
    assert round(score.value, 3) == 0.743


def test_krippendorff_2011_binary_alpha_over_tokens_of_records() -> None:
    # 1 = a span labelled "Y" covers the token, 0 = no span ("O").
    ratings = {
        coder: ["Y" if v == "1" else "O" for v in values]
        for coder, values in KRIPPENDORFF_2011_BINARY.items()
    }
    score = krippendorff_nominal(one_token_docs(ratings))
    assert (score.units, score.documents, score.documents_left_out) == (10, 10, 0)
    assert round(score.value, 3) == 0.095


def test_krippendorff_2011_nominal_alpha_over_tokens_of_records() -> None:
    # An observer who did not code a unit did not do that document: missing, not "O".
    ratings = {
        coder: [None if v is None else f"V{v}" for v in values]
        for coder, values in KRIPPENDORFF_2011_NOMINAL.items()
    }
    score = krippendorff_nominal(one_token_docs(ratings))
    # Unit 12 was done by observer B only: left out and counted.
    assert (score.units, score.documents, score.documents_left_out) == (11, 11, 1)
    assert round(score.value, 3) == 0.743


# ------------------------------------------------------------------ Krippendorff 2004 (alpha_U)

# Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed.,
# Sage, section 12.4 (worked example p. 254): two observers i and j unitize the continuum
# [150, 450) (L = 300) in two categories; units as (begin, length):
#   c: i (225, 70) (370, 30);          j (220, 80) (355, 20) (400, 20)
#   k: i (180, 60) (300, 50);          j (180, 60) (300, 50)
# Published (four decimals): c: D_o = .0144, D_e = .0532, alpha_c = .7286;
# k: D_o = 0, D_e = .0490, alpha_k = 1; both categories: alpha = .8591, which is
# 1 - .0144 / (.0532 + .0490) from the rounded parts (unrounded: .8587), so it is compared
# at three decimals. (Data and values as transcribed in DKPro Statistics'
# Krippendorff2004Test, dkpro/dkpro-statistics.)
BEGIN = 150
KRIPPENDORFF_2004 = {
    "i": [(225, 70, "c"), (370, 30, "c"), (180, 60, "k"), (300, 50, "k")],
    "j": [(220, 80, "c"), (355, 20, "c"), (400, 20, "c"), (180, 60, "k"), (300, 50, "k")],
}


def krippendorff_2004_units() -> dict[str, list[tuple[int, int, str]]]:
    """The example on [0, 300): begins shifted by -150, (begin, length) -> (start, end)."""
    return {
        coder: [(b - BEGIN, b - BEGIN + n, label) for b, n, label in units]
        for coder, units in KRIPPENDORFF_2004.items()
    }


def test_krippendorff_2004_unitizing_alpha_category_c() -> None:
    score = unitizing_alpha(300, krippendorff_2004_units(), "c")
    assert round(score.observed, 4) == 0.0144
    assert round(score.expected, 4) == 0.0532
    assert round(score.value, 4) == 0.7286
    assert (score.units, score.characters) == (5, 300)


def test_krippendorff_2004_unitizing_alpha_category_k() -> None:
    score = unitizing_alpha(300, krippendorff_2004_units(), "k")
    assert score.observed == 0
    assert round(score.expected, 4) == 0.0490
    assert score.value == 1.0


def test_krippendorff_2004_unitizing_alpha_all_categories() -> None:
    # Over both categories: 1 - (D_o,c + D_o,k) / (D_e,c + D_e,k), from the same parts.
    c = unitizing_alpha(300, krippendorff_2004_units(), "c")
    k = unitizing_alpha(300, krippendorff_2004_units(), "k")
    both = unitizing_alpha(300, krippendorff_2004_units())
    assert both.value == pytest.approx(1 - (c.observed + k.observed) / (c.expected + k.expected))
    assert round(both.value, 3) == round(0.8591, 3)
    assert both.units == 9


def test_krippendorff_2004_unitizing_alpha_over_a_document() -> None:
    text = "x" * 300
    versions = {
        coder: [
            make_record(
                "doc",
                text,
                spans=[span(f"s{n}", s, e, label) for n, (s, e, label) in enumerate(units)],
                annotator=coder,
            )
        ]
        for coder, units in krippendorff_2004_units().items()
    }
    score = document_unitizing_alpha(versions, label="c")
    assert (score.documents, score.documents_left_out, score.characters) == (1, 0, 300)
    assert round(score.value, 4) == 0.7286
