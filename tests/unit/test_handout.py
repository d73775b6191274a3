"""Documents handed out on demand (a routing plan on PostgreSQL): each to exactly the number
of annotators it needs, in corpus order, as each annotator asks; a claim not saved in time
goes back to the pool."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from redline.corpus import Corpus
from redline.errors import RedlineError
from redline.metrics.stats import dataset_stats, pool_progress
from redline.routing import plan_routes
from redline.schema import load_schema
from redline.store import DatasetStore, open_store
from redline.store.migrations import migrate
from redline.store.postgres_connection import connect
from redline.worklist import Worklist
from tests.support.cli import run_redline
from tests.support.data import NEWS_SCHEMA, SEEDS

DOC_IDS = Corpus(SEEDS).index().finish().doc_ids


@pytest.fixture
def team(postgres_url: str) -> DatasetStore:
    with connect(postgres_url) as connection:
        migrate(connection)
    return open_store("team", store=postgres_url)


def _route(dataset: DatasetStore, per_doc: int, everyone: float = 0.0, minutes: float = 30.0):
    plan = plan_routes(DOC_IDS, ["ana", "ben", "cai"], per_doc, everyone, 0, True, minutes)
    dataset.save_routes(plan)
    return plan


def _worklist(dataset: DatasetStore, annotator: str) -> Worklist:
    return Worklist(Corpus(SEEDS), dataset, annotator, load_schema(NEWS_SCHEMA), None)


def _annotate_all(dataset: DatasetStore, annotator: str) -> list[str]:
    """What a person does in `annotate`: save each document and go on, until none is left."""
    worklist = _worklist(dataset, annotator)
    try:
        position = worklist.resume_position()
        saved = []
        while True:
            opened = worklist.open(position)
            saved.append(worklist.save(opened.session, "accept", 1.0).doc_id)
            if not worklist.has(position + 1):
                return saved
            position += 1
    finally:
        worklist.close()


def test_each_document_goes_to_exactly_its_number_of_annotators_in_corpus_order(
    team: DatasetStore,
) -> None:
    _route(team, per_doc=2)
    assert _annotate_all(team, "ana") == DOC_IDS
    assert _annotate_all(team, "ben") == DOC_IDS
    with pytest.raises(RedlineError, match="no documents left for 'cai'"):
        _worklist(team, "cai")
    progress = pool_progress(team)
    assert progress is not None
    assert (progress.documents, progress.needed, progress.saved, progress.held) == (5, 10, 10, 0)
    rows = {row.annotator: row for row in dataset_stats(team)}
    assert (rows["ana"].documents, rows["ana"].total) == (5, 5)


def test_the_shared_fraction_goes_to_everyone(team: DatasetStore) -> None:
    plan = _route(team, per_doc=1, everyone=0.4)
    assert len(plan.everyone) == 2
    first = _annotate_all(team, "ana")
    assert first == DOC_IDS  # ana came first: she may take every document
    assert set(_annotate_all(team, "ben")) == set(plan.everyone)
    assert set(_annotate_all(team, "cai")) == set(plan.everyone)


def test_an_annotator_holds_at_most_two_unsaved_and_a_claim_expires(team: DatasetStore) -> None:
    _route(team, per_doc=1, minutes=0.02)  # 1.2 s
    ana = _worklist(team, "ana")
    try:
        assert ana.index.doc_ids == [DOC_IDS[0]]
        assert ana.has(1)  # the next one, prepared ahead
        assert not ana.has(2)  # no more while two lie unsaved
        ben = _worklist(team, "ben")
        try:
            assert ben.index.doc_ids == [DOC_IDS[2]]  # ana's two are hers while she holds them
        finally:
            ben.close()
        time.sleep(1.5)
        assert ana.hold(0) is None  # nobody took it meanwhile: ana holds it again
        cai = _worklist(team, "cai")
        try:  # ana's second expired and came back; her first she held again
            assert cai.index.doc_ids == [DOC_IDS[1]]
        finally:
            cai.close()
        sentence = ana.hold(1)
        assert sentence is not None
        assert "handed to others" in sentence
    finally:
        ana.close()


def test_a_new_session_sees_what_it_saved_and_still_holds(team: DatasetStore) -> None:
    _route(team, per_doc=1)
    ana = _worklist(team, "ana")
    try:
        opened = ana.open(0)
        ana.save(opened.session, "accept", 1.0)
        assert ana.has(1)
    finally:
        ana.close()
    again = _worklist(team, "ana")
    try:
        assert again.index.doc_ids == DOC_IDS[:2]
        assert again.resume_position() == 1
    finally:
        again.close()


def test_on_demand_needs_postgresql_and_the_cli_says_what_it_did(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = run_redline(capsys, "route", str(SEEDS), "--dataset", "team", "--per-doc", "1",
                          "--annotators", "ana,ben", "--on-demand",
                          "--root", str(tmp_path))  # fmt: skip
    assert refused.code != 0
    assert "needs the PostgreSQL store" in refused.stderr
    with connect(postgres_url) as connection:
        migrate(connection)
    routed = run_redline(capsys, "route", str(SEEDS), "--dataset", "team", "--per-doc", "2",
                         "--annotators", "ana,ben,cai", "--store", postgres_url)  # fmt: skip
    assert routed.code == 0, routed.stderr
    assert "handed out on demand: 5 document(s)" in routed.stdout
    assert _annotate_all(open_store("team", store=postgres_url), "ben") == DOC_IDS
    shown = run_redline(capsys, "stats", "--dataset", "team", "--store", postgres_url)
    assert shown.code == 0, shown.stderr
    assert (
        "5 of 10 versions saved (5 documents), 0 held unsaved, 5 still to hand out" in shown.stdout
    )
