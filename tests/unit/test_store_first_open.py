"""The first open of a big annotator file: read in byte ranges in worker processes, it finds
exactly what reading it line after line finds, and it tells a progress callable how far it is.

The files here are small; subclasses lower the sizes from which a file counts as big."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from redline.store import INDEX_SUFFIX, AnnotatorLog, JsonlAnnotatorLog
from redline.store.jsonl_reading import check_in_parallel, check_range, ranges, worker_count
from tests.support.data import jsonl_line, make_record, span

TEXT = "Ada Lovelace met Charles Babbage in London."


class ReadInParallel(JsonlAnnotatorLog):
    """Every file is big: its ranges (about 2 KB, some ten lines) go to the workers."""

    parallel_from_bytes = 0
    progress_from_bytes = 0
    range_bytes = 2048


class ReadAlone(JsonlAnnotatorLog):
    """Every file is read in this process, and told to ``progress`` every 1 KB or so."""

    parallel_from_bytes = 1 << 62
    progress_from_bytes = 0
    range_bytes = 1024


def _write_messy_file(path: Path, *, torn: bool = True) -> None:
    """Records of ten documents saved over and over, with every kind of line a file can hold
    besides: invalid JSON, invalid records, another annotator's, blank lines, a line longer
    than a range, and (``torn``) a last line cut off by a crash."""
    lines: list[bytes] = []
    for n in range(120):
        doc_id = f"doc-{n % 10}"
        if n % 17 == 3:
            lines.append(b'{"doc_id": "broken"\n')  # not JSON
        elif n % 23 == 5:  # a span that ends before it starts
            bad = orjson.loads(jsonl_line(make_record(doc_id, TEXT, spans=[span("a", 0, 3)])))
            bad["spans"][0]["start"] = 5
            lines.append(orjson.dumps(bad) + b"\n")
        elif n % 29 == 7:
            lines.append(jsonl_line(make_record(doc_id, TEXT, annotator="bob")))
        elif n % 31 == 11:
            lines.append(b"\n   \n")
        elif n == 60:  # ~5 KB: longer than a range
            lines.append(jsonl_line(make_record(doc_id, TEXT * 120, note=f"long {n}")))
        else:
            lines.append(
                jsonl_line(make_record(doc_id, TEXT, spans=[span("p", 0, 12)], note=f"v{n}"))
            )
    if torn:
        lines.append(jsonl_line(make_record("doc-3", TEXT))[:40])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(lines))


def _found(log: AnnotatorLog) -> dict[str, Any]:
    """Everything an open tells about the file, and each document's newest and history."""
    return {
        "doc_ids": log.doc_ids(),
        "problems": [str(p) for p in log.problems],
        "torn": [str(p) for p in log.torn],
        "newest": {d: log.newest(d) for d in log.doc_ids()},
        "history": {d: log.history(d) for d in log.doc_ids()},
        "with_text": [r.note for r in log.with_text(make_record("x", TEXT).text_sha1)],
    }


needs_two_cores = pytest.mark.skipif(worker_count(2) == 0, reason="one core: no workers")


@needs_two_cores
def test_the_workers_find_what_this_process_finds(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_messy_file(path, torn=False)
    data = path.read_bytes()
    fd = os.open(path, os.O_RDONLY)
    try:
        pieces = ranges(fd, 0, len(data), 2048)
        found = check_in_parallel(
            str(path), fd, 0, len(data), "alice", range_bytes=2048, here_too=False
        )
    finally:
        os.close(fd)
    assert len(pieces) > 5
    assert found is not None
    assert [(r.start, r.end) for r in found] == pieces
    whole = check_range(data, 0, "alice")  # in this process, line after line
    lines_before = 0
    offsets: list[int] = []
    numbers: list[int] = []
    doc_ids: list[str] = []
    problems: list[tuple[int, str]] = []
    for piece in found:
        offsets += piece.offsets
        numbers += [lines_before + n for n in piece.numbers]
        doc_ids += piece.doc_ids
        problems += [(lines_before + n, text) for n, text in piece.problems]
        lines_before += piece.lines
    assert lines_before == whole.lines == data.count(b"\n")
    assert offsets == list(whole.offsets)
    assert numbers == list(whole.numbers)
    assert doc_ids == whole.doc_ids
    assert problems == whole.problems


@needs_two_cores
@pytest.mark.parametrize("torn", [True, False])
def test_ranges_in_workers_find_what_line_after_line_finds(tmp_path: Path, torn: bool) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_messy_file(path, torn=torn)
    with JsonlAnnotatorLog(path, "alice", write=False) as alone:
        expected = _found(alone)
    with ReadInParallel(path, "alice", write=False) as shared:
        assert _found(shared) == expected
    assert len(expected["doc_ids"]) == 10
    assert any(":4: invalid record, skipped:" in p for p in expected["problems"])
    assert any("must be greater than start" in p for p in expected["problems"])
    assert any("record of annotator 'bob'" in p for p in expected["problems"])
    assert bool(expected["torn"]) is torn


@needs_two_cores
def test_a_writer_reads_in_ranges_what_it_reads_alone(tmp_path: Path) -> None:
    """A writer quarantines the torn tail first; then the rest is read in ranges, and the
    appends after it are numbered on from there."""
    path = tmp_path / "news" / "alice.jsonl"
    more = [make_record("doc-3", TEXT, note="appended"), make_record("doc-99", TEXT)]
    _write_messy_file(path)
    messy = path.read_bytes()
    found = []
    for kind in (JsonlAnnotatorLog, ReadInParallel):
        for left in path.parent.glob("*"):
            left.unlink()
        path.write_bytes(messy)
        with kind(path, "alice", write=True) as log:
            log.append_many(more)
            found.append(_found(log))
        with JsonlAnnotatorLog(path, "alice", write=False) as again:
            assert _found(again)["history"] == found[-1]["history"]
    assert found[0] == found[1]
    assert found[0]["torn"]


def test_progress_goes_up_to_the_whole_file_read_in_workers(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_messy_file(path, torn=False)
    told: list[tuple[int, int]] = []
    ReadInParallel(path, "alice", write=False, progress=lambda *a: told.append(a)).close()
    _check_progress(told, path.stat().st_size)


def test_progress_goes_up_to_the_whole_file_read_alone(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_messy_file(path)
    told: list[tuple[int, int]] = []
    ReadAlone(path, "alice", write=False, progress=lambda *a: told.append(a)).close()
    _check_progress(told, path.stat().st_size)


def _check_progress(told: list[tuple[int, int]], size: int) -> None:
    assert len(told) > 3
    assert {total for _, total in told} == {size}
    done = [d for d, _ in told]
    assert done == sorted(done)
    assert len(set(done)) == len(done)
    assert done[-1] == size


def test_a_small_file_and_a_cached_one_open_quietly(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(jsonl_line(make_record(f"d{n}", TEXT)) for n in range(1100)))
    told: list[tuple[int, int]] = []
    JsonlAnnotatorLog(path, "alice", write=False, progress=lambda *a: told.append(a)).close()
    assert told == []  # small
    assert path.with_name(path.name + INDEX_SUFFIX).exists()
    ReadAlone(path, "alice", write=False, progress=lambda *a: told.append(a)).close()
    assert told == []  # nothing to read past the cache


@needs_two_cores
def test_a_file_replaced_under_the_workers_is_left_to_the_caller(tmp_path: Path) -> None:
    """The workers open the file by name: another file by that name is not what the caller
    has open, so they read nothing and the caller reads its own."""
    path = tmp_path / "news" / "alice.jsonl"
    _write_messy_file(path, torn=False)
    fd = os.open(path, os.O_RDONLY)
    try:
        other = path.with_name("other.jsonl")
        other.write_bytes(path.read_bytes())
        os.replace(other, path)
        size = os.fstat(fd).st_size
        read = check_in_parallel(str(path), fd, 0, size, "alice", range_bytes=2048, here_too=False)
        assert read is None
    finally:
        os.close(fd)
