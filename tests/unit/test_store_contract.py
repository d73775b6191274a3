"""The store's contract, run unchanged on both backends: a JSONL folder and a real PostgreSQL
database (a fresh one per test; skipped with the reason when no server can be had)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from redline.errors import RedlineError, StoreLockedError
from redline.schema import Annotation
from redline.store import DatasetStore, open_store
from redline.store.copying import copy_store, record_hash
from tests.support.data import make_record, span, subprocess_env

TEXT = "Hun Sen met Nguyễn Phú Trọng in Hà Nội."


def _dataset(where: str, name: str = "team") -> DatasetStore:
    return open_store(name, store=where)


def test_appended_records_read_back_newest_and_history(where: str) -> None:
    dataset = _dataset(where)
    first = make_record("d1", TEXT, spans=[span("s1", 0, 7)], annotator="ana")
    second = make_record("d1", TEXT, spans=[span("s1", 0, 7), span("s2", 32, 38, "GPE")],
                         annotator="ana")  # fmt: skip
    other = make_record("d2", "Another text.", annotator="ana")
    with dataset.open("ana", write=True) as log:
        log.append(first)
        log.append_many([other, second])
        assert log.newest("d1") == second
    with dataset.open("ana") as log:
        assert log.doc_ids() == ["d1", "d2"]
        assert log.newest("d1") == second
        assert log.history("d1") == [first, second]
        assert log.newest("missing") is None
        assert list(log.iter_newest()) == [second, other]
        as_json = log.newest_json(["d2", "missing", "d1"])
        assert [Annotation.model_validate(r) for r in as_json] == [other, second]
        assert [r.doc_id for r in log.with_text(first.text_sha1)] == ["d1", "d1"]
        assert log.resume_point(["d1", "d2", "d3"]) == "d3"
        assert "d2" in log
        assert len(log) == 2
    assert dataset.annotators() == ["ana"]


def test_a_read_only_log_cannot_append_and_another_annotators_record_is_refused(
    where: str,
) -> None:
    dataset = _dataset(where)
    with dataset.open("ana") as log, pytest.raises(RedlineError, match="read-only"):
        log.append(make_record("d1", TEXT, annotator="ana"))
    with (
        dataset.open("ana", write=True) as log,
        pytest.raises(RedlineError, match="annotator 'ben'"),
    ):
        log.append(make_record("d1", TEXT, annotator="ben"))


def test_one_writer_per_annotator_even_from_another_process(where: str) -> None:
    dataset = _dataset(where)
    with dataset.open("ana", write=True):
        holder = (
            "import sys; from redline.store import open_store\n"
            "from redline.errors import StoreLockedError\n"
            "try:\n"
            f"    open_store('team', store={where!r}).open('ana', write=True)\n"
            "except StoreLockedError as error:\n"
            "    print(error); sys.exit(3)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", holder], capture_output=True, text=True, env=subprocess_env()
        )
        assert done.returncode == 3, done.stderr
        with pytest.raises(StoreLockedError):
            dataset.open("ana", write=True)
        dataset.open("ben", write=True).close()  # another annotator is free
    dataset.open("ana", write=True).close()  # and once closed, so is ana


def test_a_copy_between_stores_is_idempotent_and_verified(where: str, tmp_path: Path) -> None:
    records = [make_record(f"d{n}", f"Text {n}.", annotator="ana") for n in range(5)]
    with _dataset(where).open("ana", write=True) as log:
        log.append_many(records)
    other = str(tmp_path / "copy")
    first = copy_store(where, other, lambda name, at: open_store(name, store=at))
    again = copy_store(where, other, lambda name, at: open_store(name, store=at))
    assert (first.copied, first.verified) == (5, 5)
    assert (again.copied, again.already) == (0, 5)
    with open_store("team", store=other).open("ana") as log:
        assert sorted(record_hash(r) for r in log.iter_newest()) == sorted(
            record_hash(r) for r in records
        )
