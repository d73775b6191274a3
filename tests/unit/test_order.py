"""The order an annotator meets the seeds in (``annotate --order``): every order is the whole
corpus, ``uncertain`` and ``random`` are the same on every run, saved documents come last."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from redline.corpus import Corpus
from redline.corpus.order import ORDERS
from redline.errors import RedlineError
from redline.schema import load_schema
from redline.schema.labels import LabelSchema
from redline.store import open_dataset
from redline.suggest import Suggester
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS

CORPUS_ORDER = sorted(path.stem for path in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def schema() -> LabelSchema:
    return load_schema(NEWS_SCHEMA)


@pytest.fixture(scope="module")
def suggester(schema: LabelSchema) -> Suggester:
    return Suggester(schema)


def worklist(
    root: Path,
    schema: LabelSchema,
    suggester: Suggester | None = None,
    *,
    dataset: str = "d",
    annotator: str = "alice",
    **options,
) -> Worklist:
    return Worklist(
        Corpus(SEEDS), open_dataset(dataset, root), annotator, schema, suggester, **options
    )


def order_of(root: Path, schema: LabelSchema, suggester: Suggester | None, **options) -> list[str]:
    work = worklist(root, schema, suggester, **options)
    try:
        work.finish_index()  # the corpus order is indexed as it is needed
        return list(work.index.doc_ids)
    finally:
        work.close()


def progress_recorder() -> tuple[list[tuple[int, int]], Callable[[int, int], None]]:
    """The (done, total) reports the progress bar of ``--order uncertain`` would show."""
    reports: list[tuple[int, int]] = []

    def report(done: int, total: int) -> None:
        reports.append((done, total))

    return reports, report


def test_the_corpus_order_is_the_corpus(tmp_path: Path, schema: LabelSchema):
    assert Corpus(SEEDS).index().finish().doc_ids == CORPUS_ORDER
    assert order_of(tmp_path, schema, None) == CORPUS_ORDER
    assert order_of(tmp_path, schema, None, order="corpus") == CORPUS_ORDER


def test_random_is_a_permutation_the_seed_repeats(tmp_path: Path, schema: LabelSchema):
    first = order_of(tmp_path / "a", schema, None, order="random", seed=7)
    again = order_of(tmp_path / "b", schema, None, order="random", seed=7)
    assert first == again
    assert sorted(first) == CORPUS_ORDER
    others = {
        tuple(order_of(tmp_path / "c", schema, None, order="random", seed=seed))
        for seed in range(6)
    }
    assert len(others) > 1, "the seed changes the order"
    assert all(sorted(order) == CORPUS_ORDER for order in others)


def test_a_random_order_opens_and_saves_by_its_positions(tmp_path: Path, schema: LabelSchema):
    work = worklist(tmp_path, schema, order="random", seed=3)
    try:
        order = list(work.index.doc_ids)
        assert [work.document(n).doc_id for n in range(len(order))] == order
        opened = work.open(2)
        assert opened.session.document.doc_id == order[2]
        work.save(opened.session, "accept", 1.0)
        assert work.is_saved(2)
        assert work.position_of(order[2]) == 2
        assert work.done == 1
    finally:
        work.close()


@pytest.mark.slow
def test_uncertain_is_the_same_on_every_run(tmp_path: Path, schema: LabelSchema):
    """Two runs, each with its own model loaded and its own dataset: the same order."""
    progress, report = progress_recorder()
    first = order_of(
        tmp_path / "a", schema, Suggester(schema), order="uncertain", on_progress=report
    )
    second = order_of(tmp_path / "b", schema, Suggester(schema), order="uncertain")
    assert first == second
    assert sorted(first) == CORPUS_ORDER
    assert len(set(first)) == len(first)
    assert progress[-1] == (5, 5)


@pytest.mark.slow
def test_uncertain_puts_the_saved_documents_last(
    tmp_path: Path, schema: LabelSchema, suggester: Suggester
):
    before = order_of(tmp_path, schema, suggester, order="uncertain")
    work = worklist(tmp_path, schema, suggester, order="uncertain")
    try:
        assert work.resume_position() == 0
        opened = work.open(0)  # the document the model is least sure of
        assert opened.session.document.doc_id == before[0]
        work.save(opened.session, "accept", 1.0)
    finally:
        work.close()

    progress, report = progress_recorder()
    after = order_of(tmp_path, schema, suggester, order="uncertain", on_progress=report)
    assert after == [*before[1:], before[0]]
    assert progress[-1] == (4, 4), "only the unsaved documents are scored"
    # another annotator of the same dataset has saved nothing: the first order
    assert order_of(tmp_path, schema, suggester, order="uncertain", annotator="bob") == before
    # resuming opens the unsaved document the model is least sure of
    again = worklist(tmp_path, schema, suggester, order="uncertain")
    try:
        assert again.resume_position() == 0
        assert again.document(0).doc_id == before[1]
        assert again.is_saved(len(again) - 1)
        assert again.done == 1
    finally:
        again.close()


def test_uncertain_without_a_model_is_an_error(tmp_path: Path, schema: LabelSchema):
    with pytest.raises(RedlineError, match="--order uncertain needs the model"):
        worklist(tmp_path, schema, None, order="uncertain")
    # nothing was left locked: the annotator can start again at once
    order_of(tmp_path, schema, None, order="random")


def test_the_cli_refuses_an_unknown_order(tmp_path: Path):
    run = subprocess.run(
        [
            *(sys.executable, "-m", "redline", "annotate", str(SEEDS), "--dataset", "d"),
            *("--annotator", "alice", "--order", "sideways", "--root", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "Invalid value for '--order'" in run.stderr
    flat = " ".join(run.stderr.replace("│", " ").split())
    assert f"'sideways' is not one of {', '.join(ORDERS)}" in flat
    assert not (tmp_path / "d").exists()
