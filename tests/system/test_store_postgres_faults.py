"""Real processes against a real PostgreSQL server: a writer killed with SIGKILL mid-save
loses no acknowledged record and leaves no half of one; eight writers at once lose nothing;
eight annotators handed documents on demand give each exactly the versions it needs."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from redline.routing import plan_routes
from redline.store import open_store
from redline.store.migrations import migrate
from redline.store.postgres_connection import connect
from tests.support.data import NEWS_SCHEMA, make_record, subprocess_env

# The writer prints a doc_id only after append() returned, that is after COMMIT: that line is
# the acknowledgement the UI turns into "saved".
_WRITER = textwrap.dedent(
    """
    import sys
    from redline.schema.records import Annotation, Span, text_sha1
    from redline.store import open_store

    url, annotator, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    log = open_store("team", store=url).open(annotator, write=True)
    print("ready", flush=True)
    for i in range(count):
        text = f"Document {i}: Hun Sen met Nguyễn Phú Trọng in Hà Nội 😀. " * (1 + i % 40)
        record = Annotation(
            doc_id=f"doc-{i:06d}", text=text, text_sha1=text_sha1(text), annotator=annotator,
            spans=[Span(id="p", start=len(f"Document {i}: "), end=len(f"Document {i}: Hun Sen"),
                        label="PERSON", origin="annotator", edit="added")],
        )
        log.append(record)
        print(record.doc_id, flush=True)
    """
)


def _writer(url: str, annotator: str, count: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, url, annotator, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready", (
        process.stderr.read() if process.stderr else ""
    )
    return process


def _rest(process: subprocess.Popen[str]) -> str:
    """What the writer printed after "ready" (read from the same buffered pipe: communicate()
    would skip what readline() had already buffered)."""
    assert process.stdout is not None
    out = process.stdout.read()
    process.wait(timeout=120)
    return out


def _migrated(url: str) -> str:
    with connect(url) as connection:
        migrate(connection)
    return url


def test_sigkill_mid_save_loses_no_acknowledged_record_and_leaves_no_half(
    postgres_url: str,
) -> None:
    url = _migrated(postgres_url)
    rng = random.Random(13)
    acknowledged: list[str] = []
    for round_ in range(3):
        process = _writer(url, "alice", 10_000)
        time.sleep(rng.uniform(0.2, 0.8))
        process.send_signal(signal.SIGKILL)
        out = _rest(process)
        acknowledged += [line for line in out.splitlines() if line.startswith("doc-")]
        with open_store("team", store=url).open("alice", write=True) as log:
            stored = log.doc_ids()
            for doc_id in acknowledged:
                assert doc_id in log, (round_, doc_id)
            # at most the save in flight, whose COMMIT returned but whose line was not printed
            assert len([d for d in stored if d not in set(acknowledged)]) <= 1
            for record in log.iter_newest():  # every row is a whole, valid record
                assert record.spans[0].label == "PERSON"
    assert len(acknowledged) > 0


def test_eight_writers_at_once_lose_nothing(postgres_url: str) -> None:
    url = _migrated(postgres_url)
    writers = [_writer(url, f"annotator{n}", 40) for n in range(8)]
    outputs = [_rest(process) for process in writers]
    for process, out in zip(writers, outputs, strict=True):
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
        assert len([line for line in out.splitlines() if line.startswith("doc-")]) == 40
    dataset = open_store("team", store=url)
    assert dataset.annotators() == [f"annotator{n}" for n in range(8)]
    for n in range(8):
        with dataset.open(f"annotator{n}") as log:
            assert len(log) == 40
            assert all(len(log.history(d)) == 1 for d in log.doc_ids())


def test_a_lost_connection_is_made_again_on_the_next_save(postgres_url: str) -> None:
    """The server ended the session (a restart, a network cut): the save opens a new one,
    takes the writer's lock again and lands once."""
    url = _migrated(postgres_url)
    with open_store("team", store=url).open("alice", write=True) as log:
        first = make_record("d1", "Hun Sen met Trong.", annotator="alice")
        log.append(first)
        with connect(url) as other:
            other.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name LIKE 'redline %%' AND pid <> pg_backend_pid() "
                "AND datname = current_database()"
            )
            other.commit()
        second = make_record("d2", "Another text.", annotator="alice")
        log.append(second)
        assert log.newest("d2") == second
    with open_store("team", store=url).open("alice") as log:
        assert [len(log.history(d)) for d in log.doc_ids()] == [1, 1]


# An annotator as `annotate` drives one, without the screen: the same Worklist, handed its
# documents on demand; each save and go on, until none is left.
_ANNOTATOR = textwrap.dedent(
    """
    import sys
    from redline.corpus import Corpus
    from redline.schema import load_schema
    from redline.store import open_store
    from redline.worklist import Worklist

    url, corpus, schema, annotator = sys.argv[1:5]
    dataset = open_store("team", store=url)
    worklist = Worklist(Corpus(corpus), dataset, annotator, load_schema(schema), None)
    position = worklist.resume_position()
    while True:
        opened = worklist.open(position)
        worklist.save(opened.session, "accept", 1.0)
        if not worklist.has(position + 1):
            break
        position += 1
    worklist.close()
    print(annotator, position + 1, flush=True)
    """
)


@pytest.mark.longest(seconds=50)
def test_eight_annotators_on_demand_give_every_document_exactly_two_versions(
    postgres_url: str, tmp_path: Path
) -> None:
    """1,000 documents, --per-doc 2, eight annotator processes asking at once: every
    document ends with exactly two versions, by two different people, none to a third."""
    corpus = tmp_path / "corpus.jsonl"
    doc_ids = [f"doc-{n:04d}" for n in range(1000)]
    corpus.write_bytes(
        b"".join(
            orjson.dumps({"doc_id": d, "text": f"Hun Sen met Nguyen Phu Trong ({d})."}) + b"\n"
            for d in doc_ids
        )
    )
    with connect(postgres_url) as connection:
        migrate(connection)
    people = [f"annotator{n}" for n in range(8)]
    open_store("team", store=postgres_url).save_routes(
        plan_routes(doc_ids, people, 2, on_demand=True)
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _ANNOTATOR, postgres_url, str(corpus), str(NEWS_SCHEMA), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=subprocess_env(),
            text=True,
        )
        for name in people
    ]
    done = {}
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        name, count = out.split()
        done[name] = int(count)
    with connect(postgres_url) as connection:
        rows = connection.execute(
            "SELECT doc_id, count(*), count(DISTINCT annotator) FROM redline_records "
            "WHERE dataset = 'team' GROUP BY doc_id"
        ).fetchall()
    assert len(rows) == 1000
    assert {(versions, people_) for _, versions, people_ in rows} == {(2, 2)}
    assert sum(done.values()) == 2000
    assert all(count > 0 for count in done.values())  # everyone got work
