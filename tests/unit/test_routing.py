"""Routing: every document to exactly k annotators, a fraction to everyone, the rest even; the
plan kept by either store and followed by the annotator's worklist."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.corpus import Corpus
from redline.errors import RedlineError
from redline.routing import plan_routes
from redline.schema import load_schema
from redline.store import open_store
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS


@settings(max_examples=200, deadline=None)
@given(
    documents=st.integers(1, 60),
    people=st.integers(1, 7),
    data=st.data(),
    everyone=st.sampled_from([0.0, 0.1, 0.25, 1.0]),
    seed=st.integers(0, 5),
)
def test_each_document_goes_to_exactly_k_and_the_split_is_even(
    documents: int, people: int, data: st.DataObject, everyone: float, seed: int
) -> None:
    per_doc = data.draw(st.integers(1, people))
    doc_ids = [f"d{n:03d}" for n in range(documents)]
    names = [f"a{n}" for n in range(people)]
    plan = plan_routes(doc_ids, names, per_doc, everyone, seed)
    holders = plan.annotators_of()
    assert set(holders) == set(doc_ids)
    assert len(plan.everyone) == round(everyone * documents)
    for doc_id, annotators in holders.items():
        expected = people if doc_id in plan.everyone else per_doc
        assert len(annotators) == len(set(annotators)) == expected
    split = Counter(a for d, names_ in holders.items() if d not in plan.everyone for a in names_)
    counts = [split.get(name, 0) for name in names]
    assert max(counts) - min(counts) <= 1
    for name in names:  # each annotator's documents are in corpus order
        assert plan.assignments[name] == sorted(plan.assignments[name])
    assert plan == plan_routes(doc_ids, names, per_doc, everyone, seed)  # deterministic


def test_impossible_plans_are_refused() -> None:
    with pytest.raises(RedlineError, match="--per-doc 3"):
        plan_routes(["d1"], ["a", "b"], 3)
    with pytest.raises(RedlineError, match="at least one annotator"):
        plan_routes(["d1"], [], 1)


def test_the_plan_is_kept_and_the_worklist_follows_it(where: str) -> None:
    dataset = open_store("team", store=where)
    assert dataset.routes() is None
    corpus = Corpus(SEEDS)
    doc_ids = corpus.index().finish().doc_ids
    plan = plan_routes(doc_ids, ["ana", "ben", "cai"], 2, 0.2, seed=1)
    dataset.save_routes(plan)
    assert open_store("team", store=where).routes() == plan
    schema = load_schema(NEWS_SCHEMA)
    for name in ("ana", "ben", "cai"):
        worklist = Worklist(Corpus(SEEDS), dataset, name, schema, None)
        try:
            shown = [worklist.document(n).doc_id for n in range(len(worklist.index))]
        finally:
            worklist.close()
        assert shown == plan.assignments[name]
    with pytest.raises(RedlineError, match="no documents are routed to 'dan'"):
        Worklist(Corpus(SEEDS), dataset, "dan", schema, None)


def test_stats_shows_each_routed_annotators_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.cli import run_redline
    from tests.support.data import make_record

    root = tmp_path / "ann"
    routed = run_redline(capsys, "route", str(SEEDS), "--dataset", "team", "--per-doc", "1",
                         "--annotators", "ana,ben", "--root", str(root))  # fmt: skip
    assert routed.code == 0, routed.stderr
    assert "ana: 3 document(s)" in routed.stdout
    plan = open_store("team", root).routes()
    assert plan is not None
    first = plan.assignments["ben"][0]
    text = next(d.text for d in Corpus(SEEDS) if d.doc_id == first)
    with open_store("team", root).open("ben", write=True) as log:
        log.append(make_record(first, text, annotator="ben"))
    shown = run_redline(capsys, "stats", "--dataset", "team", "--root", str(root))
    assert shown.code == 0, shown.stderr
    row = next(line for line in shown.stdout.splitlines() if " ben " in line)
    assert "1/2" in row  # ben's queue is 2 documents, not the corpus's 5
