"""The PostgreSQL backend: a team's store on a server every machine reaches.

One table (:mod:`.migrations`) holds every saved version as JSONB beside the columns queries
need; the rows are append-only (a trigger refuses UPDATE and DELETE). An annotator's log reads
the ids of its rows once on opening (as the JSONL backend indexes its file) and each record on
demand. A save returns only after COMMIT has: then the record is on the server's disk. One
writer per annotator and dataset across machines: the writer holds a session advisory lock,
and a second one is told who holds it. A connection string's password is never shown.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import orjson
from pydantic import ValidationError

from redline.errors import InputError, Location, RedlineError, StoreLockedError
from redline.schema.keys import is_model
from redline.schema.records import Annotation
from redline.schema.routes import RoutingPlan
from redline.schema.team import TeamMember
from redline.store.base import (
    AnnotatorLog,
    DatasetStore,
    Handout,
    ReadProgress,
    SaveWatcher,
    check_name,
)
from redline.store.migrations import LATEST, current_version
from redline.store.postgres_connection import connect, shown_url, unavailable


@cache
def _checked(url: str) -> None:
    """The database's tables are this redline's (checked once per process and URL)."""
    with connect(url) as connection:
        version = current_version(connection)
    if version != LATEST:
        what = "has no redline tables" if version == 0 else f"has tables of version {version}"
        advice = (
            "run `redline store migrate`"
            if version < LATEST
            else "upgrade redline (the database was migrated by a newer one)"
        )
        raise RedlineError(f"{shown_url(url)} {what} (this redline needs {LATEST}): {advice}")


class PostgresAnnotatorLog(AnnotatorLog):
    """One annotator's rows of one dataset."""

    remote = True

    def __init__(self, url: str, dataset: str, annotator: str, *, write: bool) -> None:
        self.url = url
        self.dataset = dataset
        self.annotator = annotator
        self.writable = write
        self.problems: list[InputError] = []
        self.torn: list[InputError] = []
        self._connection: Any = connect(url)
        self._newest: dict[str, int] = {}
        self._older: dict[str, list[int]] = {}
        self._texts: list[tuple[int, str]] = []
        self._by_text: dict[str, list[int]] | None = None  # made when first asked for
        try:
            if write:
                self._lock()
            self._load()
        except BaseException:
            self._connection.close()
            raise

    def _lock_key(self) -> tuple[int, int]:
        def signed(name: str) -> int:
            return zlib.crc32(name.encode()) - (1 << 31)

        return signed(self.dataset), signed(self.annotator)

    def _lock(self) -> None:
        first, second = self._lock_key()
        got = self._connection.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [first, second]
        ).fetchone()
        self._connection.commit()
        if got and got[0]:
            return
        holder = self._connection.execute(
            "SELECT a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.classid = %s AND l.objid = %s AND l.granted",
            [first & 0xFFFFFFFF, second & 0xFFFFFFFF],
        ).fetchone()
        self._connection.commit()
        who = "another redline"
        if holder:
            name, address, since = holder
            who = f"{name or 'a client'} from {address or 'this server'} since {since:%H:%M}"
        raise StoreLockedError(
            f"{self.location} is being written by {who}; one writer per annotator at a time"
        )

    def _load(self) -> None:
        rows = self._connection.execute(
            "SELECT sequence, doc_id, text_sha1 FROM redline_records "
            "WHERE dataset = %s AND annotator = %s ORDER BY sequence",
            [self.dataset, self.annotator],
        ).fetchall()
        self._connection.commit()
        for sequence, doc_id, sha1 in rows:
            self._remember(sequence, doc_id, sha1)

    def _remember(self, sequence: int, doc_id: str, sha1: str) -> None:
        previous = self._newest.get(doc_id)
        if previous is not None:
            self._older.setdefault(doc_id, []).append(previous)
        self._newest[doc_id] = sequence
        self._texts.append((sequence, sha1))
        if self._by_text is not None:
            self._by_text.setdefault(sha1, []).append(sequence)

    def append_many(self, records: Sequence[Annotation]) -> None:
        """All the records in one transaction; returns once COMMIT has."""
        import psycopg
        from psycopg.types.json import Jsonb

        if not records:
            return
        if not self.writable:
            raise RedlineError(f"{self.location} was opened read-only")
        rows = [
            (self.dataset, self.annotator, record.doc_id, record.text_sha1, record.answer,
             record.created_at, Jsonb(data, dumps=bytes.decode))
            for record, data in zip(records, self.encoded(records), strict=True)
        ]  # fmt: skip
        try:
            try:
                sequences = self._insert(rows)
            except psycopg.OperationalError:
                # The connection was lost (the server restarted, a network cut): once more on
                # a new one, without the rows that did land before it went.
                self._reconnect()
                sequences = self._insert(rows, skip_landed=True)
        except psycopg.OperationalError as error:
            raise unavailable(self.url, error) from None
        except psycopg.Error as error:
            raise RedlineError(
                f"could not save to {self.location}: {error}; nothing was written"
            ) from None
        for record, sequence in zip(records, sequences, strict=True):
            self._remember(sequence, record.doc_id, record.text_sha1)

    def _insert(self, rows: list[tuple[Any, ...]], *, skip_landed: bool = False) -> list[int]:
        """The rows in one transaction; their sequences. ``skip_landed``: a row already
        stored (the same annotator, doc_id and created_at, to the microsecond) is not
        inserted again: its COMMIT had gone through before the connection was lost."""
        sequences: list[int] = []
        insert = (
            "INSERT INTO redline_records (dataset, annotator, doc_id, text_sha1, answer, "
            "created_at, record) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING sequence"
        )
        with self._connection.transaction(), self._connection.cursor() as cursor:
            if not skip_landed:  # the usual save: the whole batch in one round trip
                cursor.executemany(insert, rows, returning=True)
                while True:
                    found = cursor.fetchone()
                    if found is not None:
                        sequences.append(found[0])
                    if not cursor.nextset():
                        return sequences
            for row in rows:
                if skip_landed:
                    found = cursor.execute(
                        "SELECT sequence FROM redline_records WHERE dataset = %s AND "
                        "annotator = %s AND doc_id = %s AND created_at = %s",
                        [row[0], row[1], row[2], row[5]],
                    ).fetchone()
                    if found is not None:
                        sequences.append(found[0])
                        continue
                cursor.execute(insert, row)
                inserted = cursor.fetchone()
                assert inserted is not None
                sequences.append(inserted[0])
        return sequences

    def _reconnect(self) -> None:
        """A new session in place of a lost one; a writer takes its lock again (and is told
        if another writer took it meanwhile)."""
        import psycopg

        with contextlib.suppress(psycopg.Error):
            self._connection.close()
        self._connection = connect(self.url)
        if self.writable:
            self._lock()

    def _read(self, sequences: Sequence[int]) -> list[Annotation]:
        rows = self._connection.execute(
            "SELECT sequence, record FROM redline_records WHERE sequence = ANY(%s)",
            [list(sequences)],
        ).fetchall()
        self._connection.commit()
        by_sequence = dict(rows)
        records: list[Annotation] = []
        for sequence in sequences:
            try:
                records.append(Annotation.model_validate(by_sequence[sequence]))
            except (KeyError, ValidationError) as error:
                raise InputError(
                    Location(f"{self.location} row {sequence}"), f"not a record: {error}"
                ) from None
        return records

    def newest_json(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        """One query for all of them; the JSON text parsed by orjson, not psycopg's json."""
        sequences = [self._newest[d] for d in doc_ids if d in self._newest]
        rows = self._connection.execute(
            "SELECT sequence, record::text FROM redline_records WHERE sequence = ANY(%s)",
            [sequences],
        ).fetchall()
        self._connection.commit()
        by_sequence = dict(rows)
        return [orjson.loads(by_sequence[s]) for s in sequences]

    def newest(self, doc_id: str) -> Annotation | None:
        sequence = self._newest.get(doc_id)
        return None if sequence is None else self._read([sequence])[0]

    def history(self, doc_id: str) -> list[Annotation]:
        if doc_id not in self._newest:
            return []
        return self._read([*self._older.get(doc_id, []), self._newest[doc_id]])

    def doc_ids(self) -> list[str]:
        return list(self._newest)

    def iter_newest(self) -> Iterator[Annotation]:
        """Streamed in batches: one query per thousand records, not one each."""
        doc_ids = self.doc_ids()
        for start in range(0, len(doc_ids), 1000):
            yield from self._read([self._newest[d] for d in doc_ids[start : start + 1000]])

    def with_text(self, sha1: str) -> Iterator[Annotation]:
        if self._by_text is None:
            self._by_text = {}
            for sequence, text in self._texts:
                self._by_text.setdefault(text, []).append(sequence)
        for sequence in reversed(self._by_text.get(sha1, [])):
            yield self._read([sequence])[0]

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._newest

    def __len__(self) -> int:
        return len(self._newest)

    @property
    def location(self) -> str:
        return f"{shown_url(self.url)} dataset {self.dataset} annotator {self.annotator}"

    def close(self) -> None:
        if not self._connection.closed:
            self._connection.close()  # ends the session: its advisory lock goes with it


class PostgresDataset(DatasetStore):
    """A dataset's rows in a PostgreSQL database."""

    def __init__(self, name: str, url: str) -> None:
        self.name = check_name("dataset", name)
        self.url = url
        _checked(url)

    def annotators(self, include_models: bool = True) -> list[str]:
        with connect(self.url) as connection:
            rows = connection.execute(
                "SELECT DISTINCT annotator FROM redline_records WHERE dataset = %s", [self.name]
            ).fetchall()
        names = sorted(row[0] for row in rows)
        return names if include_models else [n for n in names if not is_model(n)]

    def documents_saved(self, annotators: Sequence[str]) -> int:
        """One query, not a log (and its connection) per annotator: 50 open screens count
        after every save."""
        with connect(self.url) as connection:
            row = connection.execute(
                "SELECT count(*) FROM (SELECT DISTINCT annotator, doc_id FROM redline_records "
                "WHERE dataset = %s AND annotator = ANY(%s)) AS saved",
                [self.name, list(annotators)],
            ).fetchone()
        return int(row[0]) if row else 0

    def routes(self) -> RoutingPlan | None:
        newest = self._newest_routes()
        return None if newest is None else newest[1]

    def _newest_routes(self) -> tuple[int, RoutingPlan] | None:
        with connect(self.url) as connection:
            row = connection.execute(
                "SELECT sequence, plan FROM redline_routes WHERE dataset = %s "
                "ORDER BY sequence DESC LIMIT 1",
                [self.name],
            ).fetchone()
        return None if row is None else (row[0], RoutingPlan.model_validate(row[1]))

    def save_routes(self, plan: RoutingPlan) -> None:
        """The plan, and for one handed out on demand its pool, in one transaction."""
        from psycopg.types.json import Jsonb

        with connect(self.url) as connection, connection.transaction():
            row = connection.execute(
                "INSERT INTO redline_routes (dataset, plan) VALUES (%s, %s) RETURNING sequence",
                [self.name, Jsonb(plan.model_dump(mode="json"))],
            ).fetchone()
            if plan.on_demand:
                assert row is not None
                shared = set(plan.everyone)
                everyone = len(plan.annotators)
                with connection.cursor().copy(
                    "COPY redline_pool (dataset, routes, doc_id, position, needed) FROM STDIN"
                ) as copy:
                    for position, doc_id in enumerate(plan.documents):
                        needed = everyone if doc_id in shared else plan.per_doc
                        copy.write_row((self.name, row[0], doc_id, position, needed))
                from redline.store.postgres_claims import FILL_EXISTING

                connection.execute(
                    FILL_EXISTING,
                    {"dataset": self.name, "routes": row[0], "people": plan.annotators},
                )

    def handout(self, annotator: str) -> Handout | None:
        newest = self._newest_routes()
        if newest is None or not newest[1].on_demand:
            return None
        sequence, plan = newest
        plan.check_annotator(annotator)
        from redline.store.postgres_claims import PostgresHandout

        return PostgresHandout(
            self.url, self.name, sequence, annotator, plan.annotators, plan.claim_minutes
        )

    def members(self) -> list[TeamMember]:
        with connect(self.url) as connection:
            rows = connection.execute(
                "SELECT name, token_sha256, created_at FROM redline_team WHERE dataset = %s "
                "ORDER BY sequence",
                [self.name],
            ).fetchall()
        return [TeamMember(name=n, token_sha256=h, created_at=c) for n, h, c in rows]

    def save_member(self, member: TeamMember) -> None:
        with connect(self.url) as connection:
            connection.execute(
                "INSERT INTO redline_team (dataset, name, token_sha256, created_at) "
                "VALUES (%s, %s, %s, %s)",
                [self.name, member.name, member.token_sha256, member.created_at],
            )

    def watch(self) -> SaveWatcher:
        from redline.store.watching import PostgresWatcher

        return PostgresWatcher(self.url, self.name)

    def open(
        self, annotator: str, *, write: bool = False, progress: ReadProgress | None = None
    ) -> PostgresAnnotatorLog:
        check_name("annotator", annotator)  # nothing is read through: no progress to tell
        return PostgresAnnotatorLog(self.url, self.name, annotator, write=write)
