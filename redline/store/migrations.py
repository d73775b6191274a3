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
    # 4: documents handed out on demand (a routing plan's pool and who holds what until
    # when), and a notification on every save for whoever watches a dataset live
    """
    CREATE TABLE redline_pool (
        dataset text NOT NULL,
        routes bigint NOT NULL,
        doc_id text NOT NULL,
        position integer NOT NULL,
        needed integer NOT NULL,
        filled boolean NOT NULL DEFAULT false,
        PRIMARY KEY (dataset, routes, doc_id)
    );
    CREATE INDEX redline_pool_open_in_order ON redline_pool (dataset, routes, position)
        WHERE NOT filled;
    CREATE TABLE redline_claims (
        dataset text NOT NULL,
        doc_id text NOT NULL,
        annotator text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (dataset, doc_id, annotator)
    );
    CREATE INDEX redline_claims_by_annotator ON redline_claims (dataset, annotator, claimed_at);
    CREATE INDEX redline_records_by_doc_id ON redline_records (dataset, doc_id);
    CREATE FUNCTION redline_notify_saves() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('redline_saves', saved.dataset || E'\t' || saved.annotator)
        FROM (SELECT DISTINCT dataset, annotator FROM inserted) AS saved;
        RETURN NULL;
    END $$;
    CREATE TRIGGER redline_records_notify
        AFTER INSERT ON redline_records REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION redline_notify_saves();
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
