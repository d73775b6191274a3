"""The report reads each annotator's records from columns kept in the cache folder
(:mod:`redline.metrics.saved_columns`): a shortcut that may never change a digit.

The columns are laid out by the first report, taken whole by the next, added to when the
annotator saves more, laid out again when the file is rewritten, and passed by when the
cache cannot be read or written. Each report is compared with one made with nothing cached
(a new cache folder), and one from PostgreSQL, which keeps no columns and reads the JSON.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from redline.metrics.report import agreement_json, agreement_report
from redline.schema import Annotation, text_sha1
from redline.store import DatasetStore, open_store
from tests.support.data import span
from tests.support.news_dataset import ANNOTATORS, fill_news


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DatasetStore:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path / "cache"))
    dataset = open_store("news", tmp_path / "annotations")
    fill_news(dataset)
    return dataset


def _report(dataset: DatasetStore, **options: object) -> dict[str, object]:
    return agreement_json(agreement_report(dataset, processes=1, **options))  # type: ignore[arg-type]


def _with_nothing_cached(
    dataset: DatasetStore, folder: Path, monkeypatch: pytest.MonkeyPatch, **options: object
) -> dict[str, object]:
    """The report with a new, empty cache folder (the test's own is used again after)."""
    with monkeypatch.context() as patched:
        patched.setenv("REDLINE_CACHE_DIR", str(folder))
        return _report(dataset, **options)


def _columns(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "columns").glob("*.columns"))


@pytest.mark.parametrize("options", [{}, {"answers": "all"}, {"labels": ["PERSON", "GPE"]}])
def test_the_columns_give_the_report_of_the_json(
    files: DatasetStore, tmp_path: Path, where: str, options: dict[str, object]
) -> None:
    first = _report(files, **options)
    assert len(_columns(tmp_path)) == len(ANNOTATORS)
    stamps = [p.stat().st_mtime_ns for p in _columns(tmp_path)]
    assert _report(files, **options) == first
    assert [p.stat().st_mtime_ns for p in _columns(tmp_path)] == stamps  # taken, not made again
    from_json = open_store("news", store=where)
    fill_news(from_json)
    assert _report(from_json, **options) == first


def test_records_saved_since_are_added(
    files: DatasetStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _report(files)
    text = "Hun Sen met the U.S. delegation in Phnom Penh on Monday ."
    with files.open("ana", write=True) as ana, files.open("ben", write=True) as ben:
        for log in (ana, ben):
            log.append(
                Annotation(doc_id="d999", text=text, text_sha1=text_sha1(text),
                           spans=[span("s1", 0, 7), span("s2", 35, 46, "GPE")],
                           annotator=log.annotator)
            )  # fmt: skip
        newest = ana.newest("d001")
        assert newest is not None
        ana.append(newest.model_copy(update={"spans": [], "relations": []}))  # a new version
    after = _report(files)
    assert after != before
    assert after["documents"] == before["documents"] + 1  # type: ignore[operator]
    assert after == _with_nothing_cached(files, tmp_path / "fresh", monkeypatch)


def test_a_rewritten_file_is_laid_out_again(
    files: DatasetStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _report(files)
    path = tmp_path / "annotations" / "news" / "ben.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    first = orjson.loads(lines[0])
    for found in first["spans"]:
        found["label"] = "DATE" if found["label"] != "DATE" else "ORG"
    lines[0] = orjson.dumps(first) + b"\n"
    path.write_bytes(b"".join(lines))  # another program rewrote the file: as many records
    after = _report(files)
    assert after != before
    assert after == _with_nothing_cached(files, tmp_path / "fresh", monkeypatch)


@pytest.mark.parametrize("damage", ["garbage", "cut", "empty"])
def test_a_damaged_columns_file_is_passed_by(
    files: DatasetStore, tmp_path: Path, damage: str
) -> None:
    before = _report(files)
    for path in _columns(tmp_path):
        data = path.read_bytes()
        path.write_bytes(
            {"garbage": b"x" * len(data), "cut": data[: len(data) // 2], "empty": b""}[damage]
        )
    assert _report(files) == before
    assert _report(files) == before  # and the files written again are read


def test_a_cache_folder_that_cannot_be_written(
    files: DatasetStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _report(files)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(blocked))
    assert _report(files) == before
    assert agreement_json(agreement_report(files, processes=2, batch=4)) == before


def test_laying_out_is_told_per_annotator_and_only_the_first_time(files: DatasetStore) -> None:
    told: list[tuple[str, int, int]] = []
    agreement_report(files, processes=1, on_layout=lambda *step: told.append(step))
    saved = {}
    for name in ANNOTATORS:
        with files.open(name) as log:
            saved[name] = log.line_count  # type: ignore[attr-defined]
    # a thousand records are laid out at a time: these files are told once, when done
    assert told == [(name, saved[name], saved[name]) for name in ANNOTATORS]
    told.clear()
    agreement_report(files, processes=1, on_layout=lambda *step: told.append(step))
    assert told == []
