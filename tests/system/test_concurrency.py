"""Two annotators saving into one dataset at once, while agreement and review read it: every
reader only ever sees whole records, and every save lands."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson

from redline.store import JsonlAnnotatorLog
from tests.support.data import NEWS_SCHEMA, seed_copies, subprocess_env
from tests.support.pty_terminal import PtyApp

MODEL_FILE = "model:en_core_web_sm.jsonl"
REDLINE = [sys.executable, "-m", "redline"]
DOCS = 30


def _annotate_all(tmp_path: Path, annotator: str, doc_ids: list[str], acked: list[str]) -> None:
    app = PtyApp(
        [*REDLINE, "annotate", str(tmp_path / "corpus"), "--dataset", "team", "--annotator",
         annotator, "--schema", str(NEWS_SCHEMA), "--root", str(tmp_path / "annotations")],
        env=subprocess_env(), cwd=tmp_path, columns=160,
    )  # fmt: skip
    try:
        app.wait_for(f"doc 1/{DOCS} · {doc_ids[0]}")
        for n, doc_id in enumerate(doc_ids):
            if annotator == "ben" and n % 3 == 0:
                app.press("x")  # ben rejects a suggestion now and then: real disagreements
            app.press("enter")
            app.wait_for(f"saved {doc_id} (accept)")
            acked.append(doc_id)
    finally:
        app.kill()


def _check_whole(path: Path, annotator: str) -> int:
    """Open the file as any reader does; every record it lists must read back whole."""
    with JsonlAnnotatorLog(path, annotator, write=False) as log:
        assert log.problems == [], [str(p) for p in log.problems]
        for record in log.iter_newest():
            assert record.annotator == annotator
            assert record.spans
        return len(log)


def test_two_annotators_save_while_agreement_and_review_read(tmp_path: Path) -> None:
    doc_ids = seed_copies(tmp_path, DOCS, "team")
    acked: dict[str, list[str]] = {"ana": [], "ben": []}
    writers = [
        threading.Thread(target=_annotate_all, args=(tmp_path, name, doc_ids, acked[name]))
        for name in acked
    ]
    for writer in writers:
        writer.start()
    root = str(tmp_path / "annotations")
    readers: list[subprocess.Popen[str]] = []
    reads = 0
    seen_growing: set[int] = set()
    while any(writer.is_alive() for writer in writers):
        for name in acked:
            path = tmp_path / "annotations" / "team" / f"{name}.jsonl"
            if path.exists():
                seen_growing.add(_check_whole(path, name))
                reads += 1
        # agreement and review --auto alternate, at most one of each at a time (review writes
        # the gold), each started while the annotators save and not waited for here, so a
        # loaded machine (tests run in parallel) still sees readers run during the writing
        idle = len(readers) < 2 or readers[-2].poll() is not None
        if idle and len(readers) < 4 and acked["ana"] and acked["ben"]:
            command = (
                ["agreement", "--dataset", "team", "--json"]
                if len(readers) % 2 == 0
                else ["review", "--dataset", "team", "--reviewer", "rita", "--auto"]
            )
            readers.append(
                subprocess.Popen(
                    [*REDLINE, *command, "--root", root],
                    cwd=tmp_path,
                    env=subprocess_env(),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        time.sleep(0.01)
    for writer in writers:
        writer.join()
    finished = []
    for reader in readers:
        stdout, stderr = reader.communicate(timeout=120)
        finished.append(subprocess.CompletedProcess(reader.args, reader.returncode, stdout, stderr))

    assert acked == {"ana": doc_ids, "ben": doc_ids}
    assert len(readers) >= 2
    assert reads >= 10
    assert len(seen_growing) >= 3, "the files should have been read while they grew"
    for run in finished:
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        # A reader that took a half-written record for a whole one would warn of an invalid
        # line; a line still being written may only be passed over ("incomplete last line").
        warnings = [line for line in run.stderr.splitlines() if line.strip()]
        assert all("incomplete last line" in line for line in warnings), run.stderr
        if run.args[3] == "agreement":
            report = orjson.loads(run.stdout)
            assert report["documents"] >= 1
    for name in acked:
        assert _check_whole(tmp_path / "annotations" / "team" / f"{name}.jsonl", name) == DOCS
    gold = tmp_path / "annotations" / "team" / "gold.jsonl"
    if gold.exists():
        _check_whole(gold, "gold")
