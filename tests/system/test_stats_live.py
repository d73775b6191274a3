"""``redline stats --live`` as a user runs it: a real process that redraws its table when
someone saves, and stops on Ctrl+C with exit status 0."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time

from redline.store import is_postgres_url, open_store
from tests.support.data import make_record, subprocess_env

PATIENCE = 90.0
"""Seconds the test waits at most for the process's output (its start-up is slow on a
loaded machine)."""


def _save(where: str, annotator: str, *doc_ids: str) -> None:
    with open_store("live", store=where).open(annotator, write=True) as log:
        log.append_many([make_record(d, f"Text of {d}.", annotator=annotator) for d in doc_ids])


def _lines_until(lines: queue.Queue[str], seen: list[str], *wanted: str) -> bool:
    """Read on until a line has all of ``wanted``."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if all(part in line for part in wanted):
            return True
    return False


def test_stats_live_redraws_on_a_save_and_stops_on_ctrl_c(where: str) -> None:
    _save(where, "ana", "d1")
    place = ["--store", where] if is_postgres_url(where) else ["--root", where]
    process = subprocess.Popen(
        [sys.executable, "-m", "redline", "stats", "--live", "--dataset", "live", *place],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**subprocess_env(), "COLUMNS": "120"},
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout or []], daemon=True
    )
    reader.start()
    seen: list[str] = []
    try:
        assert _lines_until(lines, seen, "ana", "1/1"), seen  # the first table
        _save(where, "ben", "d1", "d2")  # then 2 documents in all: ana has 1, ben both
        assert _lines_until(lines, seen, "saved by ben"), seen
        assert _lines_until(lines, seen, "ana", "1/2"), seen
        assert _lines_until(lines, seen, "ben", "2/2"), seen
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=PATIENCE)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    errors = process.stderr.read() if process.stderr else ""
    assert code == 0, errors
    assert "Traceback" not in errors, errors
    assert "interrupted" not in errors, errors
