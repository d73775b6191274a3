"""The answers policy of the agreement report, and the schema's language in its tokens.

A dataset of three annotators in files: d1 and d2 accepted by ana and ben alike; d3 ana
accepted and ben rejected (his record is empty); d4 ana accepted and ben ignored; d5 done by
ana alone; d6 accepted by all three. Worked out by hand below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.metrics.answers import accepted_only
from redline.metrics.report import agreement_report
from redline.schema import Annotation
from redline.store import DatasetStore, open_dataset
from redline.tokens import tokenize
from tests.support.data import jsonl_line, make_record, span

TEXT = "Hun Sen met Tô Lâm."
HUN_SEN = span("s1", 0, 7)
TO_LAM = span("s2", 12, 18)


def _record(doc_id: str, annotator: str, answer: str = "accept", *spans: object) -> Annotation:
    chosen = spans if spans or answer != "accept" else (HUN_SEN, TO_LAM)
    return make_record(doc_id, TEXT, spans=list(chosen), annotator=annotator, answer=answer)  # type: ignore[arg-type]


def _team() -> dict[str, list[Annotation]]:
    return {
        "ana": [_record(d, "ana") for d in ("d1", "d2", "d3", "d4", "d5", "d6")],
        "ben": [
            _record("d1", "ben"),
            _record("d2", "ben", "accept", HUN_SEN),  # misses Tô Lâm
            _record("d3", "ben", "reject"),
            _record("d4", "ben", "ignore"),
            _record("d6", "ben"),
        ],
        "cat": [_record("d6", "cat")],
    }


def _dataset(root: Path, versions: dict[str, list[Annotation]]) -> DatasetStore:
    folder = root / "team"
    folder.mkdir(parents=True)
    for name, records in versions.items():
        (folder / f"{name}.jsonl").write_bytes(b"".join(jsonl_line(r) for r in records))
    return open_dataset("team", root)


def test_accepted_only_leaves_out_what_someone_did_not_accept() -> None:
    team = _team()
    kept, left_out = accepted_only({"ana": team["ana"], "ben": team["ben"]}, "accept")
    assert left_out == 2
    assert [r.doc_id for r in kept["ana"]] == ["d1", "d2", "d5", "d6"]  # d5: ana's alone
    assert [r.doc_id for r in kept["ben"]] == ["d1", "d2", "d6"]
    everything, none = accepted_only(team, "all")
    assert none == 0
    assert everything == team


def test_default_compares_only_documents_everyone_compared_accepted(tmp_path: Path) -> None:
    report = agreement_report(_dataset(tmp_path, _team()))
    assert report.answers_policy == "accept"
    assert (report.documents, report.left_out, report.left_out_answers) == (3, 1, 2)
    exact = report.exact["ana", "ben"]
    # d1: 2 shared; d2: 1 shared, 1 only ana's; d6: 2 shared -> 2*5 / (2*5 + 1)
    assert (exact.overall.tp, exact.overall.fp, exact.overall.fn) == (5, 0, 1)
    assert exact.f1 == pytest.approx(10 / 11)
    assert (exact.documents, exact.documents_left_out, exact.documents_left_out_answers) == (
        3, 1, 2)  # fmt: skip
    kappa = report.token_kappa["ana", "ben"]
    assert (kappa.documents, kappa.documents_left_out_answers) == (3, 2)
    assert report.fleiss is not None
    assert report.alpha is not None
    assert (report.fleiss.documents, report.fleiss.documents_left_out) == (1, 5)
    assert report.fleiss.documents_left_out_answers == 0  # d3, d4 were not done by all three
    assert (report.alpha.documents, report.alpha.documents_left_out) == (3, 1)
    assert report.alpha.documents_left_out_answers == 2
    assert report.answers is not None  # the answer agreement sees every answer
    assert report.answers.alpha.documents == 5


def test_all_compares_rejected_and_ignored_documents_as_empty(tmp_path: Path) -> None:
    report = agreement_report(_dataset(tmp_path, _team()), answers="all")
    assert (report.documents, report.left_out, report.left_out_answers) == (5, 1, 0)
    exact = report.exact["ana", "ben"]
    # d3 and d4 add ana's 2 spans each as misses: 2*5 / (2*5 + 5)
    assert (exact.overall.tp, exact.overall.fn) == (5, 5)
    assert exact.f1 == pytest.approx(10 / 15)
    assert (exact.documents, exact.documents_left_out_answers) == (5, 0)


def test_token_statistics_cut_with_the_schemas_language(tmp_path: Path) -> None:
    text = "Don't go to z.B. Hà Nội."
    assert len(tokenize(text, "de")) != len(tokenize(text, "en"))
    versions = {n: [make_record("d1", text, annotator=n)] for n in ("ana", "ben")}
    dataset = _dataset(tmp_path, versions)
    for lang in ("en", "de"):
        report = agreement_report(dataset, lang=lang)
        assert report.lang == lang
        assert report.token_kappa["ana", "ben"].units == len(tokenize(text, lang))


def test_token_statistics_are_those_of_the_files_without_what_someone_did_not_accept(
    tmp_path: Path,
) -> None:
    """Under ``accept``, kappa and alpha count d3 and d4 exactly as if nobody had done them
    (each annotator's token categories are worked out once for every pair and statistic,
    then picked for the documents each compares)."""
    team = _team()
    team["ben"][0] = _record("d1", "ben", "accept", TO_LAM)  # misses Hun Sen
    team["cat"].insert(0, _record("d1", "cat", "accept", HUN_SEN))
    without = {n: [r for r in rs if r.doc_id not in ("d3", "d4")] for n, rs in team.items()}
    report = agreement_report(_dataset(tmp_path / "all", team))
    alone = agreement_report(_dataset(tmp_path / "without", without))
    assert report.left_out_answers == 2
    assert alone.left_out_answers == 0
    for pair, kappa in alone.token_kappa.items():
        counted = report.token_kappa[pair]
        assert (counted.value, counted.units, counted.documents) == (
            kappa.value, kappa.units, kappa.documents)  # fmt: skip
    assert report.token_kappa["ana", "ben"].value is not None
    for score, expected in ((report.fleiss, alone.fleiss), (report.alpha, alone.alpha)):
        assert score is not None
        assert expected is not None
        assert (score.value, score.units, score.documents) == (
            expected.value, expected.units, expected.documents)  # fmt: skip
    assert report.alpha is not None
    assert report.alpha.value is not None
    assert report.alpha.value < 1
