"""Hearing other people's saves as they happen, so a screen or ``stats --live`` need not be
restarted to see them: a JSONL folder is polled (files are all there is to watch, on any
file system, NFS included); PostgreSQL tells its listeners itself (LISTEN/NOTIFY, sent by the
trigger of migration 4), so nobody polls the server.

Both are meant for a UI loop: :meth:`~redline.store.base.SaveWatcher.wait` never raises for a
store that went away, and :meth:`close` may be called from another thread than the one
waiting (a screen closing while its worker waits)."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

from redline.store.base import SaveWatcher
from redline.store.jsonl import RECORD_SUFFIX, TEAM

POLL_SECONDS = 0.5
"""How often a folder is looked at, and how long a wait goes without checking for close()."""
RECONNECT_SECONDS = 2.0
"""Between two tries to reach a server that is down (each try is a connection attempt)."""
CHANNEL = "redline_saves"

_Snapshot = dict[str, tuple[int, int]]


class FolderWatcher(SaveWatcher):
    """Follows ``<root>/<dataset>/*.jsonl``: a record file that grew, was replaced or appeared
    is its annotator's save. Size and mtime together, because mtime alone may not move within
    a coarse clock tick, and size alone misses a file rewritten to the same length."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._closed = threading.Event()
        self._seen = self._snapshot()

    def _snapshot(self) -> _Snapshot:
        found: _Snapshot = {}
        try:
            paths = list(self.folder.glob(f"*{RECORD_SUFFIX}"))
        except OSError:  # the folder is not there (yet): nobody saved
            return found
        for path in paths:
            if path.stem == TEAM:
                continue
            try:
                status = path.stat()
            except OSError:  # removed between the listing and the stat
                continue
            found[path.stem] = (status.st_size, status.st_mtime_ns)
        return found

    def _changes(self) -> set[str]:
        now = self._snapshot()
        changed = {name for name, state in now.items() if self._seen.get(name) != state}
        self._seen = now
        return changed

    def wait(self, timeout: float) -> set[str]:
        deadline = time.monotonic() + timeout
        while not self._closed.is_set():
            changed = self._changes()
            remaining = deadline - time.monotonic()
            if changed or remaining <= 0:
                return changed
            self._closed.wait(min(POLL_SECONDS, remaining))
        return set()

    def close(self) -> None:
        self._closed.set()


class PostgresWatcher(SaveWatcher):
    """Listens on its own autocommit connection: a LISTEN inside a transaction hears nothing
    until it commits, and a store's connections come and go with each operation.

    A connection lost (a server restart, a network cut) is made again on the next wait,
    quietly; saves made while nobody listened are then found by sequence number, so a
    restart of the server does not hide them."""

    def __init__(self, url: str, dataset: str) -> None:
        self.url = url
        self.dataset = dataset
        self._connection: Any = None
        self._watermark: int | None = None
        """The highest record sequence when the connection was made: what a reconnection
        looks past for the saves it did not hear."""
        self._retry_at = 0.0
        self._closed = threading.Event()
        self._busy = threading.Lock()  # a waiting thread owns the connection meanwhile
        with self._busy:
            self._connect()

    def _connect(self) -> set[str]:
        """Listen again, and say who saved since the last connection was made (none the
        first time). Nothing is raised: a server that is down is tried on the next wait."""
        import psycopg

        from redline.errors import StoreUnavailableError
        from redline.store.postgres_connection import connect

        self._retry_at = time.monotonic() + RECONNECT_SECONDS
        try:
            connection = connect(self.url)
        except StoreUnavailableError:  # its message has no password (shown_url)
            return set()
        try:
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            row = connection.execute(
                "SELECT coalesce(max(sequence), 0) FROM redline_records"
            ).fetchone()
            missed: set[str] = set()
            if self._watermark is not None:
                rows = connection.execute(
                    "SELECT DISTINCT annotator FROM redline_records "
                    "WHERE sequence > %s AND dataset = %s",
                    [self._watermark, self.dataset],
                ).fetchall()
                missed = {name for (name,) in rows}
        except psycopg.Error:
            connection.close()
            return set()
        self._connection, self._watermark = connection, int(row[0]) if row else 0
        return missed

    def wait(self, timeout: float) -> set[str]:
        import psycopg

        deadline = time.monotonic() + timeout
        saved: set[str] = set()
        with self._busy:
            while not self._closed.is_set():
                if self._connection is None and time.monotonic() >= self._retry_at:
                    saved |= self._connect()
                remaining = max(0.0, deadline - time.monotonic())
                if self._connection is not None:  # (a timeout of 0 still reads what came)
                    try:
                        saved |= self._heard(min(POLL_SECONDS, remaining))
                    except psycopg.Error:
                        self._drop()
                elif remaining > 0:  # the server is down: try again later
                    self._closed.wait(min(POLL_SECONDS, remaining))
                if saved or time.monotonic() >= deadline:
                    break
            if self._closed.is_set():
                self._drop()
                return set()
        return saved

    def _heard(self, timeout: float) -> set[str]:
        """The annotators of this dataset in the notifications of the next ``timeout``
        seconds, stopping at the first (and whatever came in the same packet)."""
        prefix = f"{self.dataset}\t"
        names: set[str] = set()
        for notify in self._connection.notifies(timeout=timeout, stop_after=1):
            if notify.payload.startswith(prefix):
                names.add(notify.payload[len(prefix) :])
        if names:  # drain what else is already there, without waiting
            for notify in self._connection.notifies(timeout=0):
                if notify.payload.startswith(prefix):
                    names.add(notify.payload[len(prefix) :])
        return names

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken one: nothing more to do
                connection.close()

    def close(self) -> None:
        self._closed.set()
        if self._busy.acquire(blocking=False):  # else the waiting thread closes it
            try:
                self._drop()
            finally:
                self._busy.release()
