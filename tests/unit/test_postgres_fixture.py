"""The PostgreSQL the store's tests run against: each test gets a database of its own, and the
throwaway cluster (used when REDLINE_TEST_POSTGRES is not set) really starts, answers, and is
gone, folder and port, once its process exits."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import psycopg
import pytest

from tests.support.data import REPO, subprocess_env
from tests.support.postgres import ENV_VAR, find_binaries, fresh_database, server_url, skip_reason


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return sorted(row[0] for row in rows)


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_test_gets_an_empty_database_of_its_own(postgres_url: str, turn: str) -> None:
    # Both turns create the same table: whichever runs second would find the other's table if
    # they shared a database (and CREATE TABLE would fail), whatever the order or the worker.
    assert _tables(postgres_url) == []
    with psycopg.connect(postgres_url) as connection:
        connection.execute("CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)")
        connection.execute("INSERT INTO notes VALUES (1, %s)", [f"{turn}: Nguyễn Phú Trọng"])
    assert _tables(postgres_url) == ["notes"]


def test_two_fresh_databases_do_not_share_tables_and_are_dropped_after() -> None:
    url = server_url()
    if url is None:
        pytest.skip(skip_reason())
    with fresh_database(url) as one, fresh_database(url) as other:
        assert one != other
        with psycopg.connect(one) as connection:
            connection.execute("CREATE TABLE notes (id integer)")
            name = connection.execute("SELECT current_database()").fetchone()
        assert _tables(one) == ["notes"]
        assert _tables(other) == []
        # A connection the test forgot to close does not stop the drop (WITH (FORCE)).
        left_open = psycopg.connect(other)
    assert name is not None
    with psycopg.connect(url) as connection:
        still_there = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [name[0]]
        ).fetchone()
    assert still_there == (0,)
    assert _is_gone(left_open)
    left_open.close()


def _is_gone(connection: psycopg.Connection) -> bool:
    try:
        connection.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


def test_no_initdb_is_no_binaries() -> None:
    assert find_binaries(path="", globs=()) is None


# The child starts the throwaway cluster, uses a fresh database on it, and reports where the
# server lives; it exits normally, so its atexit handler stops and removes the cluster.
CHILD = textwrap.dedent(
    """
    import socket, sys
    import orjson, psycopg
    from tests.support.postgres import fresh_database, server_url

    url = server_url()
    assert url is not None
    with psycopg.connect(url) as connection:
        data, port = connection.execute(
            "SELECT current_setting('data_directory'), current_setting('port')::int"
        ).fetchone()
    with fresh_database(url) as database, psycopg.connect(database) as connection:
        connection.execute("CREATE TABLE notes (body text)")
        connection.execute("INSERT INTO notes VALUES ('Hà Nội 😀')")
        (body,) = connection.execute("SELECT upper(body) FROM notes").fetchone()
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    sys.stdout.buffer.write(orjson.dumps({"url": url, "data": data, "port": port, "body": body}))
    """
)


@pytest.mark.slow
def test_the_throwaway_cluster_starts_answers_and_is_gone_after_exit() -> None:
    if find_binaries() is None:
        pytest.skip("initdb was not found: there is no throwaway cluster to start")
    env = {key: value for key, value in subprocess_env().items() if key != ENV_VAR}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    report = orjson.loads(done.stdout)
    # Its own server, not the system's on 5432, in a folder of its own under the temp folder.
    assert report["port"] != 5432
    assert report["url"] == f"postgresql://postgres@127.0.0.1:{report['port']}/postgres"
    data = Path(report["data"])
    assert data.parent.name.startswith("redline-pg-")
    assert report["body"] == "HÀ NỘI 😀"
    # Gone with the process: the folder and the server listening on the port.
    assert not data.parent.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", report["port"]), timeout=5).close()
