"""The JSONL store: append, read back, invalid lines, torn tails, the OS lock, resume."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError

from redline.errors import RedlineError, StoreLockedError
from redline.schema.keys import model_annotator
from redline.schema.records import Document
from redline.store import JsonlAnnotatorLog, JsonlDataset, check_name, open_dataset
from tests.support.data import jsonl_line, make_record, span, subprocess_env


def _log(tmp_path: Path, annotator: str = "alice", *, write: bool = True) -> JsonlAnnotatorLog:
    return JsonlDataset("news", root=tmp_path).open(annotator, write=write)


def _path(tmp_path: Path, annotator: str = "alice") -> Path:
    return tmp_path / "news" / f"{annotator}.jsonl"


def _write_lines(path: Path, raw: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


# -- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["alice", "model:en_core_web_sm", "a.b@c+d-e_f", "Bob2", "_x", "x" * 100],
)
def test_check_name_accepts(name: str) -> None:
    assert check_name("annotator", name) == name


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "a/b",
        "a\\b",
        "..",
        "a..b",
        ".hidden",
        "-rf",
        "",
        "a\x00b",
        "a\tb",
        "a\x1b[31m",
        "a\rb",
        "a b",
        "x" * 101,
    ],
)
def test_check_name_rejects(name: str) -> None:
    with pytest.raises(RedlineError, match="invalid annotator name"):
        check_name("annotator", name)


def test_check_name_rejects_trailing_newline() -> None:
    with pytest.raises(RedlineError):
        check_name("annotator", "alice\n")


def test_dataset_and_annotator_names_are_checked(tmp_path: Path) -> None:
    with pytest.raises(RedlineError, match="invalid dataset name"):
        JsonlDataset("../x", root=tmp_path)
    dataset = open_dataset("news", root=tmp_path)
    with pytest.raises(RedlineError, match="invalid annotator name"):
        dataset.open("a/b", write=True)
    with pytest.raises(RedlineError, match="invalid annotator name"):
        dataset.path_of("../../etc/passwd")
    assert list(tmp_path.iterdir()) == []


def test_model_annotator() -> None:
    assert model_annotator("en_core_web_sm") == "model:en_core_web_sm"
    assert model_annotator("/models/trained/model-best") == "model:model-best"


# -- append and read back ----------------------------------------------------------------------


def test_append_and_read_back(tmp_path: Path) -> None:
    a1 = make_record("a", "First text.", note="v1")
    b1 = make_record("b", "Second text.")
    a2 = make_record("a", "First text.", spans=[span("s", 0, 5)], note="v2")
    with _log(tmp_path) as log:
        log.append(a1)
        log.append(b1)
        log.append(a2)
        assert log.newest("a") == a2  # readable in the same session
    path = _path(tmp_path)
    assert path.read_bytes() == jsonl_line(a1) + jsonl_line(b1) + jsonl_line(a2)
    with _log(tmp_path, write=False) as log:
        assert log.problems == []
        assert log.doc_ids() == ["a", "b"]
        assert len(log) == 2
        assert log.line_count == 3
        assert "a" in log
        assert "zz" not in log
        assert 42 not in log
        assert log.newest("a") == a2
        assert log.newest("zz") is None
        assert log.history("a") == [a1, a2]
        assert log.history("zz") == []
        assert list(log.iter_newest()) == [a2, b1]
        assert list(log.with_text(a1.text_sha1)) == [a2, a1]
        assert list(log.with_text("0" * 40)) == []
    assert path.read_bytes() == jsonl_line(a1) + jsonl_line(b1) + jsonl_line(a2)


def test_append_many_and_empty_batch(tmp_path: Path) -> None:
    records = [make_record(f"d{i}", f"Text {i}.") for i in range(5)]
    with _log(tmp_path) as log:
        log.append_many(records[:3])
        log.append_many([])
        log.append_many(records[3:])
    with _log(tmp_path) as log:
        assert list(log.iter_newest()) == records
    assert _path(tmp_path).read_bytes() == b"".join(jsonl_line(r) for r in records)


def test_read_only_log_cannot_append_and_missing_file_is_empty(tmp_path: Path) -> None:
    with _log(tmp_path, write=False) as log:
        assert log.doc_ids() == []
        assert log.newest("a") is None
        assert log.resume_point(["a"]) == "a"
        with pytest.raises(RedlineError, match="read-only"):
            log.append(make_record())
    assert not (tmp_path / "news").exists()


def test_record_of_another_annotator_is_refused(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        log.append(make_record("a"))
        before = _path(tmp_path).read_bytes()
        with pytest.raises(RedlineError, match="annotator 'bob'"):
            log.append_many([make_record("b"), make_record("c", annotator="bob")])
    assert _path(tmp_path).read_bytes() == before


def test_annotators_of_a_dataset(tmp_path: Path) -> None:
    dataset = JsonlDataset("news", root=tmp_path)
    assert not dataset.exists()
    assert dataset.annotators() == []
    for name in ("bob", "alice", "model:en_core_web_sm"):
        with dataset.open(name, write=True) as log:
            log.append(make_record(annotator=name))
    (dataset.folder / "alice.jsonl.torn").write_bytes(b"x\n")
    (dataset.folder / "notes.txt").write_bytes(b"x\n")
    assert dataset.exists()
    assert dataset.annotators() == ["alice", "bob", "model:en_core_web_sm"]
    assert dataset.annotators(include_models=False) == ["alice", "bob"]


# -- invalid lines: reported, skipped, file untouched -----------------------------------------


def test_bad_line_in_the_middle_is_reported_and_file_untouched(tmp_path: Path) -> None:
    a = make_record("a")
    b = make_record("b")
    other = make_record("c", annotator="bob")
    raw = (
        jsonl_line(a)
        + b'{"doc_id": "broken", "text": \n'  # 2 invalid JSON
        + b"\n"  # 3 blank: ignored
        + jsonl_line(a).replace(b'"doc_id":"a"', b'"doc_id":""')  # 4 fails validation
        + b'{"doc_id": "x", "text": "caf\xe9"}\n'  # 5 invalid UTF-8
        + jsonl_line(other)  # 6 another annotator's record
        + jsonl_line(b)  # 7
    )
    path = _write_lines(_path(tmp_path), raw)
    for write in (False, True):
        with _log(tmp_path, write=write) as log:
            assert [p.location.line for p in log.problems] == [2, 4, 5, 6]
            messages = [str(p) for p in log.problems]
            assert all(
                m.startswith(f"{path}:{p.location.line}: ")
                for m, p in zip(messages, log.problems, strict=True)
            )
            assert "invalid record, skipped" in messages[0]
            assert "doc_id" in messages[1]
            assert "annotator 'bob'" in messages[3]
            assert log.torn == []
            assert log.doc_ids() == ["a", "b"]
            assert log.newest("b") == b
        assert path.read_bytes() == raw
    assert not path.with_name("alice.jsonl.torn").exists()


def test_appending_after_a_bad_line_keeps_it(tmp_path: Path) -> None:
    raw = jsonl_line(make_record("a")) + b"garbage\n"
    path = _write_lines(_path(tmp_path), raw)
    c = make_record("c")
    with _log(tmp_path) as log:
        log.append(c)
    assert path.read_bytes() == raw + jsonl_line(c)
    with _log(tmp_path, write=False) as log:
        assert [p.location.line for p in log.problems] == [2]
        assert log.doc_ids() == ["a", "c"]


# -- torn tails --------------------------------------------------------------------------------


def test_hand_written_last_record_without_newline_is_kept(tmp_path: Path) -> None:
    a, b = make_record("a"), make_record("b")
    path = _write_lines(_path(tmp_path), jsonl_line(a) + jsonl_line(b).rstrip(b"\n"))
    with _log(tmp_path) as log:
        assert log.torn == []
        assert log.problems == []
        assert log.newest("b") == b
        c = make_record("c")
        log.append(c)
    assert path.read_bytes() == jsonl_line(a) + jsonl_line(b) + jsonl_line(c)
    assert not path.with_name("alice.jsonl.torn").exists()


def test_torn_tail_is_quarantined_and_reported(tmp_path: Path) -> None:
    a, b = make_record("a"), make_record("b")
    good = jsonl_line(a) + jsonl_line(b)
    tail = jsonl_line(make_record("c"))[:57]
    path = _write_lines(_path(tmp_path), good + tail)
    torn_path = path.with_name("alice.jsonl.torn")

    with _log(tmp_path, write=False) as log:  # a reader neither moves nor loses it
        assert [t.location.line for t in log.torn] == [3]
        assert log.doc_ids() == ["a", "b"]
    assert path.read_bytes() == good + tail
    assert not torn_path.exists()

    with _log(tmp_path) as log:
        (report,) = log.torn
        assert report.location.line == 3
        assert str(report).startswith(f"{path}:3: torn last line ({len(tail)} bytes")
        assert str(torn_path) in str(report)
        assert log.problems == []
        assert log.doc_ids() == ["a", "b"]
        d = make_record("d")
        log.append(d)
    assert torn_path.read_bytes() == tail + b"\n"
    assert path.read_bytes() == good + jsonl_line(d)
    with _log(tmp_path) as log:
        assert log.torn == []
        assert log.problems == []
        assert log.doc_ids() == ["a", "b", "d"]


def test_second_torn_tail_is_added_to_the_quarantine(tmp_path: Path) -> None:
    path = _write_lines(_path(tmp_path), b'{"doc_id": "first')
    with _log(tmp_path) as log:
        assert [t.location.line for t in log.torn] == [1]
        assert log.doc_ids() == []
    assert path.read_bytes() == b""
    with path.open("ab") as handle:
        handle.write(jsonl_line(make_record("a")) + b'{"doc_id": "second')
    with _log(tmp_path) as log:
        assert [t.location.line for t in log.torn] == [2]
        assert log.doc_ids() == ["a"]
    assert path.with_name("alice.jsonl.torn").read_bytes() == (
        b'{"doc_id": "first\n{"doc_id": "second\n'
    )


def test_torn_tail_of_invalid_utf8_is_quarantined(tmp_path: Path) -> None:
    good = jsonl_line(make_record("a"))
    tail = "é".encode()[:1]
    path = _write_lines(_path(tmp_path), good + b'{"note": "' + tail)
    with _log(tmp_path) as log:
        assert len(log.torn) == 1
    assert path.read_bytes() == good
    assert path.with_name("alice.jsonl.torn").read_bytes() == b'{"note": "' + tail + b"\n"


# -- the OS lock -------------------------------------------------------------------------------

_HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from redline.store import JsonlAnnotatorLog
    log = JsonlAnnotatorLog(Path(sys.argv[1]), "alice", write=True)
    print("locked", flush=True)
    sys.stdin.readline()
    log.close()
    print("released", flush=True)
    """
)

_TRY_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from redline.errors import StoreLockedError
    from redline.store import JsonlAnnotatorLog
    try:
        JsonlAnnotatorLog(Path(sys.argv[1]), "alice", write=True).close()
    except StoreLockedError as error:
        print("LOCKED", error)
    else:
        print("OPENED")
    """
)


def test_second_writer_process_gets_store_locked_error(tmp_path: Path) -> None:
    path = _path(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=subprocess_env(),
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLockedError) as caught:
            _log(tmp_path)
        message = str(caught.value)
        assert str(path) in message
        assert f"pid {holder.pid}" in message
        # a reader is not blocked by the writer
        with _log(tmp_path, write=False) as reader:
            assert reader.doc_ids() == []
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with _log(tmp_path) as log:  # free again
        log.append(make_record("a"))


def test_other_process_cannot_open_while_we_write(tmp_path: Path) -> None:
    path = _path(tmp_path)
    with _log(tmp_path) as log:
        log.append(make_record("a"))
        result = subprocess.run(
            [sys.executable, "-c", _TRY_LOCK, str(path)],
            capture_output=True,
            text=True,
            env=subprocess_env(),
            timeout=30,
            check=True,
        )
        assert result.stdout.startswith("LOCKED"), result.stdout + result.stderr
        assert f"pid {os.getpid()}" in result.stdout
    result = subprocess.run(
        [sys.executable, "-c", _TRY_LOCK, str(path)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=30,
        check=True,
    )
    assert result.stdout.strip() == "OPENED", result.stderr


def test_second_writer_in_the_same_process_is_refused(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        with pytest.raises(StoreLockedError):
            _log(tmp_path)
        log.append(make_record("a"))
    with _log(tmp_path) as again:
        assert again.doc_ids() == ["a"]


# -- resume point and changed texts ------------------------------------------------------------


def test_resume_point(tmp_path: Path) -> None:
    order = ["d1", "d2", "d3", "d4"]
    with _log(tmp_path) as log:
        assert log.resume_point(order) == "d1"
        log.append(make_record("d1"))
        log.append(make_record("d3"))
        assert log.resume_point(order) == "d2"
        assert log.resume_point(iter(order)) == "d2"
        log.append(make_record("d2"))
        log.append(make_record("d4", answer="ignore"))
        assert log.resume_point(order) is None
    with _log(tmp_path, write=False) as log:
        assert log.resume_point([*order, "d5"]) == "d5"


def test_text_changed(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        log.append(make_record("a", "Old text of the article."))
        assert not log.text_changed(Document.from_text("a", "Old text of the article."))
        assert log.text_changed(Document.from_text("a", "New text of the article."))
        assert not log.text_changed(Document.from_text("unseen", "Anything."))
        log.append(make_record("a", "New text of the article."))
        assert not log.text_changed(Document.from_text("a", "New text of the article."))


# -- a store problem never loses an acknowledged save -------------------------------------------


@pytest.mark.parametrize("seconds", [float("inf"), float("nan")])
def test_a_record_json_cannot_hold_never_reaches_the_store(tmp_path: Path, seconds: float) -> None:
    """inf/nan would be written as null and the saved line could not be read back."""
    with pytest.raises(ValidationError):
        make_record("a", seconds=seconds)


def test_meta_json_cannot_hold_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with _log(tmp_path) as log:
        log.append(make_record("a"))
        before = log.path.read_bytes()
        with pytest.raises(RedlineError, match="cannot save 'b'"):
            log.append(make_record("b", meta={"n": 2**70}))
        assert log.path.read_bytes() == before


def test_read_only_open_reads_a_whole_last_record_without_newline(tmp_path: Path) -> None:
    path = _path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(jsonl_line(make_record("a")) + jsonl_line(make_record("b")).rstrip(b"\n"))
    with _log(tmp_path, write=False) as log:
        assert log.doc_ids() == ["a", "b"]
        assert log.torn == []


def test_written_lines_are_plain_orjson(tmp_path: Path) -> None:
    record = make_record("a", "Việt Nam 😀", spans=[span("g", 0, 8, "GPE")])
    with _log(tmp_path) as log:
        log.append(record)
    (line,) = _path(tmp_path).read_bytes().splitlines()
    assert orjson.loads(line)["text"] == "Việt Nam 😀"
    assert "Việt Nam 😀".encode() in line  # UTF-8, not \\u escapes
