"""The index cache beside a big annotator file: resuming is fast, and the cache is never
believed over the file itself."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from redline.errors import RedlineError
from redline.schema import text_sha1
from redline.store import INDEX_SUFFIX, JsonlAnnotatorLog
from tests.support.data import jsonl_line, make_record, span

COUNT = 1200  # over the size from which the cache is kept


def _write_file(path: Path, count: int = COUNT, bad_line: int | None = None) -> list[str]:
    """``count`` records (doc_ids) and, at ``bad_line``, an invalid one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc_ids = []
    with path.open("wb") as handle:
        for n in range(count):
            if n + 1 == bad_line:
                handle.write(b'{"doc_id": "broken"}\n')
                continue
            record = make_record(f"doc-{n:05d}", spans=[span("p", 0, 7)], meta={"n": n})
            handle.write(jsonl_line(record))
            doc_ids.append(record.doc_id)
    return doc_ids


def _summary(log: JsonlAnnotatorLog) -> tuple[list[str], list[str], int]:
    return log.doc_ids(), [str(p) for p in log.problems], log.line_count


def test_first_open_writes_the_cache_and_the_next_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    doc_ids = _write_file(path, bad_line=700)
    with JsonlAnnotatorLog(path, "alice", write=False) as first:
        expected = _summary(first)
    cache = path.with_name("alice.jsonl" + INDEX_SUFFIX)
    assert cache.exists()
    assert expected[0] == doc_ids
    assert expected[1] == [p for p in expected[1] if "alice.jsonl:700:" in p] != []
    with JsonlAnnotatorLog(path, "alice", write=False) as second:
        assert _summary(second) == expected
        newest = second.newest("doc-01199")
        assert newest is not None
        assert newest.meta == {"n": 1199}


def test_lines_after_the_cached_part_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_file(path)
    JsonlAnnotatorLog(path, "alice", write=False).close()  # makes the cache
    with path.open("ab") as handle:
        handle.write(jsonl_line(make_record("late")))
        handle.write(b"not json\n")
    with JsonlAnnotatorLog(path, "alice", write=False) as log:
        assert "late" in log
        assert [str(p).split(": ")[0] for p in log.problems] == [f"{log.location}:{COUNT + 2}"]


def test_saves_of_a_writer_are_in_the_cache_it_leaves(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_file(path)
    with JsonlAnnotatorLog(path, "alice", write=True) as log:
        log.append(make_record("saved-now"))
    cache = orjson.loads(path.with_name("alice.jsonl" + INDEX_SUFFIX).read_bytes())
    assert cache["doc_ids"][-1] == "saved-now"
    assert cache["size"] == path.stat().st_size


@pytest.mark.parametrize(
    "damage", ["garbage", "other-annotator", "rewritten-file", "shorter", "texts-cut", "not-hex"]
)
def test_a_cache_that_does_not_fit_the_file_is_ignored(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_file(path)
    JsonlAnnotatorLog(path, "alice", write=False).close()
    cache = path.with_name("alice.jsonl" + INDEX_SUFFIX)
    if damage == "garbage":
        cache.write_bytes(b"\x00{not json")
    elif damage == "other-annotator":
        cache.write_bytes(cache.read_bytes().replace(b'"alice"', b'"bob"'))
    elif damage in ("texts-cut", "not-hex"):  # the texts' SHA-1s, one string of hex
        saved = orjson.loads(cache.read_bytes())
        hexed = saved["text_sha1s"]
        saved["text_sha1s"] = hexed[:-2] if damage == "texts-cut" else "zz" + hexed[2:]
        cache.write_bytes(orjson.dumps(saved))
    elif damage == "rewritten-file":
        # same length, other records: the cache's offsets would point at other documents
        path.write_bytes(path.read_bytes().replace(b'"doc-0', b'"dok-0'))
    else:
        _write_file(path, count=COUNT // 2)
    with JsonlAnnotatorLog(path, "alice", write=False) as log:
        ids = log.doc_ids()
        assert log.problems == []
    if damage == "rewritten-file":
        assert ids[0] == "dok-00000"
    elif damage == "shorter":
        assert len(ids) == COUNT // 2
    else:
        assert len(ids) == COUNT


def test_a_file_rewritten_while_open_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_file(path)
    with JsonlAnnotatorLog(path, "alice", write=False) as log:
        # another program rewrites the first line in place (same length, other id)
        data = bytearray(path.read_bytes())
        data[: data.index(b"\n")] = data[: data.index(b"\n")].replace(b"doc-00000", b"doc-XXXXX")
        with path.open("r+b") as handle:
            handle.write(data)
        with pytest.raises(RedlineError, match=r"alice\.jsonl:1: the file was changed"):
            log.newest("doc-00000")


def test_history_and_texts_come_back_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    _write_file(path)
    with path.open("ab") as handle:  # second versions of two documents
        for doc_id in ("doc-00003", "doc-00007"):
            handle.write(jsonl_line(make_record(doc_id, meta={"second": True})))
    with JsonlAnnotatorLog(path, "alice", write=False) as fresh:
        expected = [(r.doc_id, r.meta) for r in fresh.history("doc-00003")]
    with JsonlAnnotatorLog(path, "alice", write=False) as cached:
        assert [(r.doc_id, r.meta) for r in cached.history("doc-00003")] == expected
        assert [r.meta for r in cached.history("doc-00003")] == [{"n": 3}, {"second": True}]
        newest = cached.newest("doc-00007")
        assert newest is not None
        assert newest.meta == {"second": True}
        assert cached.doc_ids()[:3] == ["doc-00000", "doc-00001", "doc-00002"]
        assert len(cached) == COUNT
        assert cached.line_count == COUNT + 2
        same_text = list(cached.with_text(newest.text_sha1))
        assert len(same_text) == COUNT + 2
        assert same_text[0].meta == {"second": True}  # newest first


def test_records_of_each_text_come_back_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    path.parent.mkdir(parents=True)
    texts = [f"Text number {n % 7} about Phnom Penh." for n in range(COUNT)]
    with path.open("wb") as handle:
        for n, text in enumerate(texts):
            handle.write(jsonl_line(make_record(f"doc-{n:05d}", text, meta={"n": n})))
    with JsonlAnnotatorLog(path, "alice", write=False) as fresh:  # indexed, then cached
        first = {t: [r.meta["n"] for r in fresh.with_text(text_sha1(t))] for t in set(texts)}
    with JsonlAnnotatorLog(path, "alice", write=False) as cached:
        again = {t: [r.meta["n"] for r in cached.with_text(text_sha1(t))] for t in set(texts)}
        assert list(cached.with_text(text_sha1("a text nobody saved"))) == []
    assert again == first
    newest_first = sorted((n for n in range(COUNT) if n % 7 == 3), reverse=True)
    assert first["Text number 3 about Phnom Penh."] == newest_first
