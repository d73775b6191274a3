"""Our nominal alpha against the ``krippendorff`` package, on random data.

redline counts alpha's coincidences itself, in integers and batch by batch, because the
package needs every unit at once (:mod:`redline.metrics.alpha`); these tests hold the
result to the package's: equal to the last digit where a unit has at most three coders
(the package's own arithmetic is then exact up to the final formula, as ours is), and to
1e-12 with more coders.
"""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest

from redline.metrics.alpha import krippendorff_nominal, nominal_alpha
from tests.unit.test_kappa_against_libraries import many_versions, token_labels_by_doc

CATEGORIES = ["PER", "ORG", "GPE", "LOC", "O"]


def library_alpha(data: list[list[str | None]]) -> float | None:
    """The package's alpha, the values coded in the order they are first met (coder by
    coder), as redline codes them: the order the final sums are taken in."""
    values = list(dict.fromkeys(v for row in data for v in row if v is not None))
    codes = {v: float(i) for i, v in enumerate(values)}
    matrix = np.array([[np.nan if v is None else codes[v] for v in row] for row in data])
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if len(values) < 2 or not pairable.any():
        return None
    used = {v for row in data for v, ok in zip(row, pairable, strict=True) if ok and v is not None}
    if len(used) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def random_data(rng: np.random.Generator, coders: int) -> list[list[str | None]]:
    units = int(rng.integers(1, 60))
    categories = CATEGORIES[: int(rng.integers(1, 6))]
    truth = rng.choice(categories, size=units)
    missing = rng.random() * 0.4
    data: list[list[str | None]] = []
    for _ in range(coders):
        copy = rng.random()
        row: list[str | None] = []
        for value in truth:
            if rng.random() < missing:
                row.append(None)
            else:
                row.append(str(value) if rng.random() < copy else str(rng.choice(categories)))
        data.append(row)
    return data


@pytest.mark.parametrize("coders", [2, 3])
def test_nominal_alpha_is_the_packages_to_the_last_digit(coders: int) -> None:
    rng = np.random.default_rng(2011 + coders)
    defined = 0
    for _ in range(400):
        data = random_data(rng, coders)
        theirs = library_alpha(data)
        ours = nominal_alpha(data).value
        assert ours == theirs
        defined += theirs is not None
    assert defined >= 200


@pytest.mark.parametrize("coders", [4, 6])
def test_nominal_alpha_with_more_coders_is_the_packages(coders: int) -> None:
    rng = np.random.default_rng(2011 + coders)
    for _ in range(200):
        data = random_data(rng, coders)
        theirs = library_alpha(data)
        ours = nominal_alpha(data).value
        if theirs is None:
            assert ours is None
        else:
            assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)


def test_token_alpha_is_the_packages_over_token_labels() -> None:
    defined = 0
    for versions in many_versions():
        labels = {name: token_labels_by_doc(records) for name, records in versions.items()}
        docs = sorted({d for by_doc in labels.values() for d in by_doc})
        shared = [d for d in docs if sum(d in by_doc for by_doc in labels.values()) >= 2]
        sizes = {
            d: len(next(by_doc[d] for by_doc in labels.values() if d in by_doc)) for d in shared
        }
        units = [(d, t) for d in shared for t in range(sizes[d])]
        data = [
            [labels[name][d][t] if d in labels[name] else None for d, t in units]
            for name in sorted(labels)
        ]
        score = krippendorff_nominal(versions)
        assert score.units == sum(sizes.values())
        theirs = library_alpha(data) if score.units else None
        if theirs is None:
            assert score.value is None
        else:
            assert score.value == pytest.approx(theirs, rel=1e-12, abs=1e-12)
            defined += 1
    assert defined >= 30
