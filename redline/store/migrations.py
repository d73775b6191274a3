"""The PostgreSQL store's tables, created and upgraded by numbered migrations.

Each migration runs once, in order, and is recorded in
``redline_migrations``; ``redline store migrate`` applies the ones a database lacks. A store
refuses a database whose tables are older (or newer) than this redline's, so two versions of
redline never write one table two ways.

Records are append-only in the database itself: a trigger refuses every UPDATE, DELETE and
TRUNCATE of ``redline_records``, whoever sends it.
"""

from __future__ import annotations

from typing import Any

MIGRATIONS: list[str] = [
    # 1: one row per saved version; the JSON record plus the columns queries need
    """
    CREATE TABLE redline_records (
        sequence bigserial PRIMARY KEY,
        dataset text NOT NULL,
        annotator text NOT NULL,
        doc_id text NOT NULL,
        text_sha1 text NOT NULL,
        answer text NOT NULL,
        created_at timestamptz NOT NULL,
        record jsonb NOT NULL
    );
    CREATE INDEX redline_records_by_document
        ON redline_records (dataset, annotator, doc_id, sequence);
    CREATE INDEX redline_records_by_text ON redline_records (dataset, text_sha1);
    CREATE FUNCTION redline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'redline records are append-only: % is refused', TG_OP;
    END $$;
    CREATE TRIGGER redline_records_append_only
        BEFORE UPDATE OR DELETE ON redline_records
        FOR EACH ROW EXECUTE FUNCTION redline_append_only();
    CREATE TRIGGER redline_records_no_truncate
        BEFORE TRUNCATE ON redline_records
        FOR EACH STATEMENT EXECUTE FUNCTION redline_append_only();
    """,
    # 2: a dataset's routing plans (the newest in force), append-only as the records
    """
    CREATE TABLE redline_routes (
        sequence bigserial PRIMARY KEY,
        dataset text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        plan jsonb NOT NULL
    );
    CREATE INDEX redline_routes_by_dataset ON redline_routes (dataset, sequence);
    CREATE TRIGGER redline_routes_append_only
        BEFORE UPDATE OR DELETE ON redline_routes
        FOR EACH ROW EXECUTE FUNCTION redline_append_only();
    """,
    # 3: a team's sign-in tokens, as SHA-256 only
    """
    CREATE TABLE redline_team (
        sequence bigserial PRIMARY KEY,
        dataset text NOT NULL,
        name text NOT NULL,
        token_sha256 text NOT NULL,
        created_at timestamptz NOT NULL
    );
    CREATE INDEX redline_team_by_dataset ON redline_team (dataset, sequence);
    """,
]

LATEST = len(MIGRATIONS)

_LEDGER = """
CREATE TABLE IF NOT EXISTS redline_migrations (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


def current_version(connection: Any) -> int:
    """The newest migration the database has had (0: none, not even the ledger)."""
    found = connection.execute("SELECT to_regclass('redline_migrations') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return 0
    row = connection.execute("SELECT coalesce(max(version), 0) FROM redline_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(connection: Any) -> list[int]:
    """Apply the migrations the database lacks, all in one transaction (all or none); returns
    their numbers. Two processes migrating at once take turns on an advisory lock."""
    applied: list[int] = []
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtext('redline migrations'))")
        connection.execute(_LEDGER)
        version = current_version(connection)
        for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            connection.execute(sql)
            connection.execute("INSERT INTO redline_migrations (version) VALUES (%s)", [number])
            applied.append(number)
    return applied
