"""Following a dataset's saves (:meth:`DatasetStore.watch`), on both stores: a JSONL folder
polled, a PostgreSQL database that notifies its listeners."""

from __future__ import annotations

import subprocess
import sys
import time

from redline.store import DatasetStore, open_store
from redline.store.base import SaveWatcher
from redline.store.migrations import migrate
from redline.store.postgres_connection import connect
from redline.store.watching import PostgresWatcher
from tests.support.data import make_record, subprocess_env

PATIENCE = 20.0
"""Seconds a test waits at most for a save to be heard (a loaded machine is slow)."""


def _save(dataset: DatasetStore, annotator: str, doc_id: str = "d1") -> None:
    with dataset.open(annotator, write=True) as log:
        log.append(make_record(doc_id, f"Text of {doc_id}.", annotator=annotator))


def _heard(watcher: SaveWatcher, wanted: str) -> set[str]:
    """Everyone heard until ``wanted`` is among them (or patience runs out)."""
    heard: set[str] = set()
    deadline = time.monotonic() + PATIENCE
    while wanted not in heard and time.monotonic() < deadline:
        heard |= watcher.wait(1.0)
    return heard


def test_a_save_through_another_log_is_heard_and_only_once(where: str) -> None:
    dataset = open_store("team", store=where)
    _save(dataset, "ana")  # there before the watcher: not a save it reports
    with dataset.watch() as watcher:
        assert watcher.wait(0.6) == set()
        _save(dataset, "ben")  # a file that appears counts
        assert _heard(watcher, "ben") == {"ben"}
        _save(dataset, "ana", "d2")
        assert _heard(watcher, "ana") == {"ana"}
        assert watcher.wait(0.6) == set()  # each save is reported once


def test_a_save_by_another_process_is_heard(where: str) -> None:
    dataset = open_store("team", store=where)
    with dataset.watch() as watcher:
        script = (
            "from redline.store import open_store\n"
            "from tests.support.data import make_record\n"
            f"with open_store('team', store={where!r}).open('cai', write=True) as log:\n"
            "    log.append(make_record('d9', 'Saved elsewhere.', annotator='cai'))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=subprocess_env()
        )
        assert done.returncode == 0, done.stderr
        assert _heard(watcher, "cai") == {"cai"}


def test_nothing_saved_is_an_empty_set_after_the_timeout(where: str) -> None:
    dataset = open_store("team", store=where)
    with dataset.watch() as watcher:
        started = time.monotonic()
        assert watcher.wait(0.5) == set()
        assert time.monotonic() - started >= 0.4  # it did wait, not return at once


def test_saves_in_another_dataset_are_not_heard(where: str) -> None:
    dataset, other = open_store("team", store=where), open_store("other", store=where)
    with dataset.watch() as watcher:
        _save(other, "ana")
        assert watcher.wait(1.5) == set()
        _save(dataset, "ben")
        assert _heard(watcher, "ben") == {"ben"}


def test_a_lost_connection_is_made_again_and_saves_meanwhile_are_found(
    postgres_url: str,
) -> None:
    with connect(postgres_url) as connection:
        migrate(connection)
    dataset = open_store("team", store=postgres_url)
    with dataset.watch() as watcher:
        assert watcher.wait(0.2) == set()
        with connect(postgres_url) as admin:
            admin.autocommit = True
            cut = admin.execute(  # the watcher's connection: its last query was this
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND query LIKE 'SELECT coalesce(max(sequence), 0)%%'"
            ).fetchall()
            assert cut == [(True,)]
        _save(dataset, "ana")  # made while nobody listens: found by its sequence number
        assert "ana" in _heard(watcher, "ana")
        _save(dataset, "ben")  # and the new connection listens again
        assert "ben" in _heard(watcher, "ben")


def test_a_server_that_cannot_be_reached_is_an_empty_set_not_an_error() -> None:
    url = "postgresql://someone:s3cret@127.0.0.1:1/nowhere"
    with PostgresWatcher(url, "team") as watcher:
        assert watcher.wait(0.3) == set()
        assert watcher.wait(0.0) == set()
