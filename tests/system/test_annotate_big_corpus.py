"""A big corpus opens on its first document at once; the rest is indexed behind it, and its
bad lines are reported once known (in the status line, and listed after quitting)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import orjson

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.tui.app import RedlineApp
from redline.tui.header import DocumentHeader
from redline.tui.status_line import StatusLine
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, subprocess_env
from tests.support.pty_terminal import PtyApp

COUNT = 3000


def _big_corpus(path: Path) -> None:
    lines = [
        orjson.dumps({"id": f"n{k:05d}", "text": f"Article {k}: Hun Sen met Trọng in Hà Nội."})
        for k in range(COUNT)
    ]
    lines[2500] = b'{"id": "broken", "text": null}'
    path.write_bytes(b"\n".join(lines) + b"\n")


async def test_header_counts_the_whole_corpus_once_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "big.jsonl"
    _big_corpus(corpus)
    schema = load_schema(NEWS_SCHEMA)
    worklist = Worklist(Corpus(corpus), open_dataset("big", tmp_path), "ana", schema, None)
    assert not worklist.index.complete, "nothing but the first document is read to open"
    app = RedlineApp(worklist)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        where = str(app.screen.query_one(DocumentHeader).query_one("#where").render())
        assert where.startswith(f"doc 1/{COUNT - 1} · n00000")
        told = list(app.screen.query_one(StatusLine).history)
        assert "1 document(s) of the corpus skipped (listed when you quit)" in told


def test_resume_and_the_skipped_lines_after_quitting(tmp_path: Path) -> None:
    corpus = tmp_path / "big.jsonl"
    _big_corpus(corpus)
    command = [sys.executable, "-m", "redline", "annotate", str(corpus), "--dataset", "big",
               "--annotator", "ana", "--no-suggestions", "--schema", str(NEWS_SCHEMA)]  # fmt: skip
    app = PtyApp(command, env=subprocess_env(), cwd=tmp_path)
    try:
        app.wait_for(f"doc 1/{COUNT - 1} · n00000")
        app.press("enter")
        app.wait_for(f"doc 2/{COUNT - 1} · n00001")
        app.press("q")
        assert app.wait() == 0
    finally:
        app.kill()
    after_quitting = re.sub(r"\x1b\[[0-9;?$>]*[A-Za-z]", "", app.output().decode())
    assert 'skipped: big.jsonl:2501: no "text" field; skipped' in after_quitting
    # the second start resumes on the first document not saved
    again = PtyApp(command, env=subprocess_env(), cwd=tmp_path)
    try:
        again.wait_for(f"doc 2/{COUNT - 1} · n00001")
    finally:
        again.kill()
