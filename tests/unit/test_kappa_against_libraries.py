"""Our Cohen's and Fleiss' kappa against scikit-learn's and statsmodels' on random data.

redline computes both kappas itself, in integers (:mod:`redline.metrics.kappa`); it may only
do so while they give the libraries' values. The cases are drawn from seeded generators, so
a failure repeats: many sizes, category counts and degrees of agreement (from independent
raters to near copies), and the degenerate cases where the statistic is undefined, where the
libraries give nan and we give None.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from redline.metrics.kappa import cohen_kappa, fleiss_kappa, token_cohen_kappa, token_fleiss_kappa
from redline.metrics.token_categories import OUTSIDE, token_labels
from redline.schema.records import Annotation
from redline.tokens import tokenize
from tests.support.data import make_record, span

CASES = 600
"""Random cases per test over plain labels or tables."""

CATEGORIES = ["PER", "ORG", "GPE", "LOC", "DATE", "O"]


def library_cohen(labels_a: Sequence[str], labels_b: Sequence[str]) -> float:
    if not labels_a:
        return np.nan  # no units: the library refuses, kappa is undefined
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the library warns where kappa is undefined
        return float(cohen_kappa_score(labels_a, labels_b, replace_undefined_by=np.nan))


def library_fleiss(table: np.ndarray) -> float:
    if not len(table):
        return np.nan  # no subjects: the library refuses, kappa is undefined
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0 / 0 where every rating is one category
        return float(statsmodels_fleiss_kappa(table, method="fleiss"))


def assert_same(ours: float | None, theirs: float) -> None:
    if np.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def random_labels(rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Two raters' categories for 1 to 80 units: one to six categories with skewed
    frequencies; the second rater copies the first with a random probability."""
    units = int(rng.integers(1, 81))
    categories = CATEGORIES[: int(rng.integers(1, 7))]
    weights = rng.dirichlet(np.ones(len(categories)) * rng.choice([0.3, 1.0, 5.0]))
    a = rng.choice(categories, size=units, p=weights)
    b = rng.choice(categories, size=units, p=weights)
    copied = rng.random(units) < rng.random()
    return [str(x) for x in a], [str(y) for y in np.where(copied, a, b)]


def random_table(rng: np.random.Generator) -> np.ndarray:
    """Subjects x categories counts: 1 to 40 subjects, 2 to 8 raters each, one to six
    categories; on a random share of subjects all raters choose the same category."""
    subjects = int(rng.integers(1, 41))
    raters = int(rng.integers(2, 9))
    categories = int(rng.integers(1, 7))
    weights = rng.dirichlet(np.ones(categories) * rng.choice([0.3, 1.0, 5.0]))
    table = rng.multinomial(raters, weights, size=subjects)
    unanimous = rng.random(subjects) < rng.random()
    for row in np.flatnonzero(unanimous):
        table[row] = 0
        table[row, rng.choice(categories, p=weights)] = raters
    return table


def test_cohen_kappa_is_scikit_learns_on_random_labels() -> None:
    rng = np.random.default_rng(1960)
    defined = undefined = 0
    for _ in range(CASES):
        labels_a, labels_b = random_labels(rng)
        theirs = library_cohen(labels_a, labels_b)
        assert_same(cohen_kappa(labels_a, labels_b).value, theirs)
        defined += not np.isnan(theirs)
        undefined += bool(np.isnan(theirs))
    assert defined > CASES * 0.7
    assert undefined >= 10


def test_cohen_kappa_edge_cases_are_scikit_learns() -> None:
    cases = [
        (["PER"] * 5, ["PER"] * 5),  # one category: p_e = 1, undefined
        (["PER"] * 5, ["ORG"] * 5),  # each rater one category, never the same: p_e = 0
        (["PER", "ORG"], ["ORG", "PER"]),  # complete disagreement
        (["PER", "ORG", "GPE"], ["PER", "ORG", "GPE"]),  # complete agreement
        (["PER"], ["ORG"]),
    ]
    for labels_a, labels_b in cases:
        assert_same(cohen_kappa(labels_a, labels_b).value, library_cohen(labels_a, labels_b))
    assert cohen_kappa([], []).value is None


def test_fleiss_kappa_is_statsmodels_on_random_tables() -> None:
    rng = np.random.default_rng(1971)
    defined = undefined = 0
    for _ in range(CASES):
        table = random_table(rng)
        theirs = library_fleiss(table)
        score = fleiss_kappa(table.tolist())
        assert_same(score.value, theirs)
        assert score.units == len(table)
        defined += not np.isnan(theirs)
        undefined += bool(np.isnan(theirs))
    assert defined > CASES * 0.7
    assert undefined >= 10


def test_fleiss_kappa_edge_cases_are_statsmodels() -> None:
    cases = [
        [[3, 0], [3, 0]],  # every rating one category: undefined
        [[3, 0], [0, 3]],  # perfect agreement on two categories
        [[1, 1], [1, 1]],  # two raters always split
        [[0, 2, 0]],  # one subject
        [[2, 0, 0], [0, 0, 2], [1, 0, 1]],  # an unused category
    ]
    for table in cases:
        assert_same(fleiss_kappa(table).value, library_fleiss(np.array(table)))
    assert fleiss_kappa([]).value is None


# --------------------------------------------------------------------------- over tokens

WORDS = ["Alice", "met", "Bob", "in", "Paris", "on", "Monday", ",", "and", "the", "Acme", "Corp."]
ANNOTATORS = ["ana", "ben", "cai"]


def random_versions(rng: np.random.Generator) -> dict[str, list[Annotation]]:
    """Three annotators' records of up to five documents: overlapping spans of random
    labels, some copied from the first annotator, and documents some of them skipped."""
    versions: dict[str, list[Annotation]] = {name: [] for name in ANNOTATORS}
    for doc in range(int(rng.integers(1, 6))):
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(2, 25))))
        tokens = tokenize(text)
        first: list[tuple[int, int, str]] = []
        for name in ANNOTATORS:
            if name != "ana" and rng.random() < 0.15:
                continue
            extents = []
            for _ in range(int(rng.integers(0, 6))):
                i = int(rng.integers(len(tokens)))
                j = min(len(tokens) - 1, i + int(rng.integers(0, 3)))
                extents.append((tokens[i][0], tokens[j][1], str(rng.choice(CATEGORIES[:4]))))
            if name == "ana":
                first = extents
            else:
                extents = [e for e in first if rng.random() < 0.7] + extents[:2]
            spans = [span(f"s{k}", s, e, label) for k, (s, e, label) in enumerate(extents)]
            versions[name].append(make_record(f"d{doc}", text, spans=spans, annotator=name))
    return versions


def token_labels_by_doc(records: Sequence[Annotation]) -> dict[str, list[str]]:
    return {r.doc_id: token_labels(r, tokenize(r.text)) for r in records}


def many_versions() -> Iterator[dict[str, list[Annotation]]]:
    rng = np.random.default_rng(2004)
    for _ in range(40):
        yield random_versions(rng)


def test_token_cohen_kappa_is_scikit_learns_over_token_labels() -> None:
    defined = 0
    for versions in many_versions():
        a, b = versions["ana"], versions["ben"]
        labels_a, labels_b = token_labels_by_doc(a), token_labels_by_doc(b)
        shared = sorted(labels_a.keys() & labels_b.keys())
        flat_a = [label for doc in shared for label in labels_a[doc]]
        flat_b = [label for doc in shared for label in labels_b[doc]]
        score = token_cohen_kappa(a, b)
        assert score.units == len(flat_a)
        assert_same(score.value, library_cohen(flat_a, flat_b))
        defined += score.value is not None
    assert defined >= 30


def test_token_fleiss_kappa_is_statsmodels_over_token_labels() -> None:
    defined = 0
    for versions in many_versions():
        labels = {name: token_labels_by_doc(records) for name, records in versions.items()}
        everyone = sorted(set.intersection(*(set(by_doc) for by_doc in labels.values())))
        categories = sorted({OUTSIDE, *CATEGORIES[:4]})
        rows = [
            [sum(labels[name][doc][t] == c for name in ANNOTATORS) for c in categories]
            for doc in everyone
            for t in range(len(labels["ana"][doc]))
        ]
        score = token_fleiss_kappa(versions)
        assert score.units == len(rows)
        assert score.documents == len(everyone)
        assert_same(score.value, library_fleiss(np.array(rows)))
        defined += score.value is not None
    assert defined >= 30
