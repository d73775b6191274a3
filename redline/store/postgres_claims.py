"""Documents handed out on demand on PostgreSQL: the routing plan's pool, and claims.

A plan made by ``redline route`` on this store fills ``redline_pool``: each document and how
many annotators it needs. An annotator asks for the next document; the first in corpus order
that still needs someone and is not theirs is claimed (a row in ``redline_claims`` with an
expiry). A document's holders are the plan's annotators who saved it or hold a claim that has
not expired, so an annotator who walks away gives their documents back when the claim
expires, and a document is never handed to more annotators than it needs.

Two annotators asking at once never take the same last place: the chosen pool row is locked
``FOR UPDATE SKIP LOCKED`` (the second asker goes on to the next document instead of waiting),
and the holders are counted again, in a new statement, once the row is locked: every claim
of a document is made while holding its row's lock, so that count sees every claim made.

A document with all its versions saved is marked ``filled`` by the first asker who sees it
(versions are never taken back, so it stays full): askers page through the open part of the
pool only, and a claim costs the same at the end of a big corpus as at its start.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from redline.schema.routes import PoolProgress
from redline.store.base import Handout
from redline.store.postgres_connection import connect, unavailable

T = TypeVar("T")

_HOLDERS = """
SELECT count(*) FROM (
    SELECT annotator FROM redline_records
    WHERE dataset = %(dataset)s AND doc_id = {doc} AND annotator = ANY(%(people)s)
    UNION
    SELECT annotator FROM redline_claims
    WHERE dataset = %(dataset)s AND doc_id = {doc} AND expires_at > now()
) AS holders
"""
_MINE_SAVED = (
    "EXISTS (SELECT 1 FROM redline_records r WHERE r.dataset = p.dataset "
    "AND r.annotator = %(annotator)s AND r.doc_id = p.doc_id)"
)
_MINE_CLAIMED = (
    "EXISTS (SELECT 1 FROM redline_claims c WHERE c.dataset = p.dataset "
    "AND c.annotator = %(annotator)s AND c.doc_id = p.doc_id AND c.expires_at > now())"
)
_OPEN_TO_ME = (
    f"p.dataset = %(dataset)s AND p.routes = %(routes)s AND NOT p.filled AND NOT {_MINE_SAVED} "
    f"AND NOT {_MINE_CLAIMED} AND ({_HOLDERS.format(doc='p.doc_id')}) < p.needed"
)


PAGE = 16
"""Open documents looked at per round trip when asking for the next one."""
_PAGE = f"""
SELECT p.doc_id, p.needed, p.position,
    (SELECT count(DISTINCT r.annotator) FROM redline_records r WHERE r.dataset = p.dataset
        AND r.doc_id = p.doc_id AND r.annotator = ANY(%(people)s)) AS saved,
    (SELECT count(*) FROM redline_claims c WHERE c.dataset = p.dataset AND c.doc_id = p.doc_id
        AND c.expires_at > now() AND NOT EXISTS (SELECT 1 FROM redline_records r
            WHERE r.dataset = c.dataset AND r.doc_id = c.doc_id AND r.annotator = c.annotator))
        AS held,
    {_MINE_SAVED} OR {_MINE_CLAIMED} AS mine
FROM redline_pool p
WHERE p.dataset = %(dataset)s AND p.routes = %(routes)s AND NOT p.filled
    AND p.position > %(after)s
ORDER BY p.position LIMIT {PAGE}
"""
_LOCK = (
    "SELECT 1 FROM redline_pool WHERE dataset = %(dataset)s AND routes = %(routes)s "
    "AND doc_id = %(doc_id)s FOR UPDATE SKIP LOCKED"
)
_MARK_FILLED = """
WITH free AS (
    SELECT doc_id FROM redline_pool WHERE dataset = %(dataset)s AND routes = %(routes)s
        AND doc_id = ANY(%(full)s) AND NOT filled FOR UPDATE SKIP LOCKED
)
UPDATE redline_pool p SET filled = true FROM free
WHERE p.dataset = %(dataset)s AND p.routes = %(routes)s AND p.doc_id = free.doc_id
"""
FILL_EXISTING = """
UPDATE redline_pool p SET filled = true WHERE p.dataset = %(dataset)s AND p.routes = %(routes)s
    AND p.needed <= (SELECT count(DISTINCT r.annotator) FROM redline_records r
        WHERE r.dataset = p.dataset AND r.doc_id = p.doc_id AND r.annotator = ANY(%(people)s))
"""
"""A new plan over documents already annotated: those with their versions start full."""


class PostgresHandout(Handout):
    """One annotator's way into a dataset's pool (its own connection)."""

    def __init__(
        self,
        url: str,
        dataset: str,
        routes: int,
        annotator: str,
        people: list[str],
        claim_minutes: float,
    ) -> None:
        self.url = url
        self.annotator = annotator
        self.claim_seconds = claim_minutes * 60
        self._params: dict[str, Any] = {
            "dataset": dataset,
            "routes": routes,
            "annotator": annotator,
            "people": people,
        }
        self._connection: Any = self._connect()

    def _connect(self) -> Any:
        """A session whose commits do not wait for the disk: a claim or a "filled" mark lost
        in a server crash costs nothing (claims expire; marks are found again), and each
        saved record still waits for its own COMMIT on the log's connection."""
        connection = connect(self.url)
        connection.execute("SET synchronous_commit = off")
        connection.commit()
        return connection

    def _run(self, work: Callable[[Any], T]) -> T:
        """``work`` on the connection, once more on a new one if it was lost."""
        import psycopg

        try:
            try:
                return work(self._connection)
            except psycopg.OperationalError:
                with contextlib.suppress(psycopg.Error):
                    self._connection.close()
                self._connection = self._connect()
                return work(self._connection)
        except psycopg.OperationalError as error:
            raise unavailable(self.url, error) from None

    def mine(self) -> list[str]:
        def query(connection: Any) -> list[str]:
            rows = connection.execute(
                "SELECT p.doc_id FROM redline_pool p LEFT JOIN redline_claims c "
                "ON c.dataset = p.dataset AND c.doc_id = p.doc_id AND c.annotator = %(annotator)s "
                f"WHERE p.dataset = %(dataset)s AND p.routes = %(routes)s AND ({_MINE_SAVED} "
                "OR c.expires_at > now()) ORDER BY c.claimed_at NULLS LAST, p.position",
                self._params,
            ).fetchall()
            connection.commit()
            return [row[0] for row in rows]

        return self._run(query)

    def claim_next(self) -> str | None:
        return self._run(self._claim_next)

    def _claim_next(self, connection: Any) -> str | None:
        after = -1
        while True:
            page = connection.execute(_PAGE, {**self._params, "after": after}).fetchall()
            full = [doc_id for doc_id, needed, _, saved, _, _ in page if saved >= needed]
            if full:
                connection.execute(_MARK_FILLED, {**self._params, "full": full})
            connection.commit()
            for doc_id, needed, _, saved, held, mine in page:
                if mine or saved + held >= needed:
                    continue
                with connection.transaction():
                    locked = connection.execute(_LOCK, {**self._params, "doc_id": doc_id})
                    if locked.fetchone() is None:
                        continue  # another asker is claiming it this moment
                    if self._holders(connection, doc_id) < needed:  # counted under the lock
                        self._claim(connection, doc_id)
                        return str(doc_id)
            if len(page) == PAGE:
                after = page[-1][2]
                continue
            # The end of the open part: what is left is full, this annotator's, or was locked
            # by another asker a moment ago; look again while any is still open to them.
            if not self._left(connection):
                return None
            after = -1
            time.sleep(0.02)

    def _holders(self, connection: Any, doc_id: str) -> int:
        row = connection.execute(
            _HOLDERS.format(doc="%(doc_id)s"), {**self._params, "doc_id": doc_id}
        ).fetchone()
        return int(row[0])

    def _claim(self, connection: Any, doc_id: str) -> None:
        connection.execute(
            "INSERT INTO redline_claims (dataset, doc_id, annotator, expires_at) "
            "VALUES (%(dataset)s, %(doc_id)s, %(annotator)s, now() + make_interval(secs => "
            "%(seconds)s)) ON CONFLICT (dataset, doc_id, annotator) DO UPDATE SET "
            "expires_at = EXCLUDED.expires_at",
            {**self._params, "doc_id": doc_id, "seconds": self.claim_seconds},
        )

    def renew(self, doc_id: str) -> bool:
        def query(connection: Any) -> bool:
            params = {**self._params, "doc_id": doc_id}
            with connection.transaction():
                row = connection.execute(
                    "SELECT p.needed, "
                    + _MINE_SAVED.replace("p.doc_id", "%(doc_id)s")
                    + ", "
                    + _MINE_CLAIMED.replace("p.doc_id", "%(doc_id)s")
                    + " FROM redline_pool p WHERE p.dataset = %(dataset)s "
                    "AND p.routes = %(routes)s AND p.doc_id = %(doc_id)s FOR UPDATE OF p",
                    params,
                ).fetchone()
                if row is None:
                    return False
                needed, saved, claimed = row
                if saved:
                    return True
                if not claimed and self._holders(connection, doc_id) >= needed:
                    return False
                self._claim(connection, doc_id)
                return True

        return self._run(query)

    def left(self) -> int:
        return self._run(self._left)

    def _left(self, connection: Any) -> int:
        row = connection.execute(
            f"SELECT count(*) FROM redline_pool p WHERE {_OPEN_TO_ME}", self._params
        ).fetchone()
        connection.commit()
        return int(row[0])

    def pool(self) -> PoolProgress:
        def query(connection: Any) -> PoolProgress:
            row = connection.execute(
                "SELECT count(*), coalesce(sum(needed), 0), coalesce(sum(least(needed, ("
                "SELECT count(DISTINCT r.annotator) FROM redline_records r "
                "WHERE r.dataset = p.dataset AND r.doc_id = p.doc_id "
                "AND r.annotator = ANY(%(people)s)))), 0), ("
                "SELECT count(*) FROM redline_claims c JOIN redline_pool q "
                "ON q.dataset = c.dataset AND q.doc_id = c.doc_id AND q.routes = %(routes)s "
                "WHERE c.dataset = %(dataset)s AND c.expires_at > now() AND NOT EXISTS ("
                "SELECT 1 FROM redline_records r WHERE r.dataset = c.dataset "
                "AND r.annotator = c.annotator AND r.doc_id = c.doc_id)) "
                "FROM redline_pool p WHERE p.dataset = %(dataset)s AND p.routes = %(routes)s",
                self._params,
            ).fetchone()
            connection.commit()
            documents, needed, saved, held = (int(value) for value in row)
            return PoolProgress(documents=documents, needed=needed, saved=saved, held=held)

        return self._run(query)

    def close(self) -> None:
        if not self._connection.closed:
            self._connection.close()
