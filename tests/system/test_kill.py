"""kill -9 a real writer process: every acknowledged save survives, a torn tail is quarantined."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from redline.store import JsonlAnnotatorLog
from tests.support.data import jsonl_line, make_record, subprocess_env

# The writer prints a doc_id only after append() returned: that line is the acknowledgement
# ("saved" in the UI). In "torn" mode it then writes half a record by hand, as a crash in the
# middle of a write would leave it, says so, and waits to be killed.
_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from redline.schema.records import Annotation, Span, text_sha1
    from redline.store import JsonlAnnotatorLog

    path, mode, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])

    def record(i):
        text = f"Document {i}: Hun Sen met Nguyễn Phú Trọng in Hà Nội 😀. " * (1 + i % 40)
        return Annotation(
            doc_id=f"doc-{i:06d}", text=text, text_sha1=text_sha1(text), annotator="alice",
            spans=[Span(id="p", start=len(f"Document {i}: "), end=len(f"Document {i}: Hun Sen"),
                        label="PERSON", origin="annotator", edit="added")],
        )

    log = JsonlAnnotatorLog(path, "alice", write=True)
    print("ready", flush=True)
    i = start
    while True:
        if mode == "torn" and i == start + 5:
            line = record(i).model_dump_json().encode()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            os.write(fd, line[: len(line) // 2])
            os.fsync(fd)
            print("torn", flush=True)
            time.sleep(60)
        log.append(record(i))
        print(record(i).doc_id, flush=True)
        i += 1
    """
)


def _start_writer(path: Path, mode: str, start: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), mode, str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
        text=True,
    )


def _kill(process: subprocess.Popen[str]) -> list[str]:
    """SIGKILL, then everything the process printed before it died."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.stdout is not None
    assert process.stderr is not None
    # read through the same buffered reader as readline() (communicate() would skip
    # whatever that reader has already buffered)
    rest = process.stdout.read()
    errors = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL, errors
    return rest.splitlines()


def test_sigkill_loses_no_acknowledged_record(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    path = tmp_path / "news" / "alice.jsonl"
    acknowledged: list[str] = []
    in_flight: set[str] = set()
    for _round in range(3):  # kill, restart where it left off, kill again
        with JsonlAnnotatorLog(path, "alice", write=False) as reader:
            start = len(reader)
        writer = _start_writer(path, "append", start)
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready", writer.stderr
            wanted = rng.randint(1, 25)
            for _ in range(wanted):
                acknowledged.append(writer.stdout.readline().strip())
            time.sleep(rng.uniform(0, 0.02))
        finally:
            acknowledged.extend(_kill(writer))
        with JsonlAnnotatorLog(path, "alice", write=True) as log:
            assert log.problems == [], f"seed {seed}"
            saved = log.doc_ids()
            missing = [doc_id for doc_id in acknowledged if doc_id not in log]
            assert missing == [], f"seed {seed}: acknowledged but lost: {missing}"
            # only the one record in flight at each kill may be there unacknowledged
            new = {d for d in saved if d not in acknowledged} - in_flight
            assert new <= {saved[-1]}, f"seed {seed}: unexpected unacknowledged records {new}"
            in_flight |= new
            assert saved == [f"doc-{i:06d}" for i in range(len(saved))], f"seed {seed}"
            for doc_id in acknowledged:
                record = log.newest(doc_id)
                assert record is not None
                assert record.span_text(record.spans[0]) == "Hun Sen"
            torn = log.torn
        # a cut-off tail, if the kill made one, went to quarantine, not into the file
        if torn:
            assert path.with_name("alice.jsonl.torn").stat().st_size > 0, f"seed {seed}"
        assert path.read_bytes().endswith(b"\n")
    assert len(acknowledged) >= 3


def test_sigkill_mid_line_tail_is_quarantined_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "news" / "alice.jsonl"
    writer = _start_writer(path, "torn", 0)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready", writer.stderr
        lines = [writer.stdout.readline().strip() for _ in range(6)]
    finally:
        lines += _kill(writer)
    assert lines == [*(f"doc-{i:06d}" for i in range(5)), "torn"]
    acknowledged = lines[:5]

    crashed = path.read_bytes()
    good, _, tail = crashed.rpartition(b"\n")
    good += b"\n"
    assert tail
    assert not tail.endswith(b"}")

    # a reader sees the acknowledged records and leaves the file exactly as it is
    with JsonlAnnotatorLog(path, "alice", write=False) as reader:
        assert reader.doc_ids() == acknowledged
        assert [t.location.line for t in reader.torn] == [6]
    assert path.read_bytes() == crashed

    # the next writer moves the torn tail to <file>.torn, reports it, and carries on
    with JsonlAnnotatorLog(path, "alice", write=True) as log:
        (report,) = log.torn
        assert report.location.line == 6
        assert "alice.jsonl.torn" in str(report)
        assert log.problems == []
        assert log.doc_ids() == acknowledged
        after = make_record("after-crash")
        log.append(after)
    assert path.with_name("alice.jsonl.torn").read_bytes() == tail + b"\n"
    assert path.read_bytes() == good + jsonl_line(after)
    with JsonlAnnotatorLog(path, "alice", write=True) as log:
        assert log.torn == []
        assert log.problems == []
        assert log.doc_ids() == [*acknowledged, "after-crash"]
