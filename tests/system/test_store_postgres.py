"""The PostgreSQL store as a team meets it: migrate, copy a JSONL dataset in, read it with the
usual commands; the rows cannot be changed; a password is never shown."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from redline.store import open_store
from redline.store.migrations import migrate
from redline.store.postgres_connection import connect, shown_url, unavailable
from tests.support.cli import run_redline
from tests.support.data import REPO, SEEDS, make_record, subprocess_env


def test_migrate_copy_and_read_with_the_usual_commands(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "annotations" / "seeds-demo", tmp_path / "ann" / "seeds-demo")
    refused = run_redline(capsys, "stats", "--dataset", "seeds-demo", "--store", postgres_url)
    assert refused.code == 1
    assert "run `redline store migrate`" in refused.stderr
    assert (
        "up to date" not in run_redline(capsys, "store", "migrate", "--store", postgres_url).stdout
    )
    assert "up to date" in run_redline(capsys, "store", "migrate", "--store", postgres_url).stdout
    copied = run_redline(capsys, "store", "copy", str(tmp_path / "ann"), postgres_url)
    assert "copied 20 record(s) of 1 dataset(s)" in copied.stdout
    assert "20 verified" in copied.stdout
    again = run_redline(capsys, "store", "copy", str(tmp_path / "ann"), postgres_url)
    assert "copied 0 record(s)" in again.stdout
    assert "20 already there" in again.stdout
    on_disk = run_redline(capsys, "agreement", "--dataset", "seeds-demo", "--json",
                          "--root", str(tmp_path / "ann"))  # fmt: skip
    on_server = run_redline(capsys, "agreement", "--dataset", "seeds-demo", "--json",
                            "--store", postgres_url)  # fmt: skip
    assert on_server.code == 0, on_server.stderr
    assert on_server.stdout == on_disk.stdout
    back = tmp_path / "back"
    run_redline(capsys, "store", "copy", postgres_url, str(back))
    for name in ("ana", "ben", "gold"):
        assert (back / "seeds-demo" / f"{name}.jsonl").read_bytes() == (
            tmp_path / "ann" / "seeds-demo" / f"{name}.jsonl"
        ).read_bytes()


def test_rows_cannot_be_updated_or_deleted(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_redline(capsys, "store", "migrate", "--store", postgres_url)
    run_redline(capsys, "store", "copy", str(REPO / "annotations"), postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for statement in (
            "UPDATE redline_records SET answer = 'reject'",
            "DELETE FROM redline_records",
            "TRUNCATE redline_records",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                connection.execute(statement)
        (count,) = connection.execute("SELECT count(*) FROM redline_records").fetchone() or (0,)
    assert count == 20


def test_a_password_is_never_shown() -> None:
    url = "postgresql://alice:s3cret-pw@127.0.0.1:1/team"
    assert shown_url(url) == "postgresql://alice@127.0.0.1:1/team"
    try:
        psycopg.connect(url, connect_timeout=2)
    except psycopg.OperationalError as error:
        message = str(unavailable(url, error))
    assert "s3cret-pw" not in message
    assert message.startswith("database unavailable at postgresql://alice@127.0.0.1:1/team")


@pytest.mark.longest(seconds=15)
def test_a_password_in_the_store_url_never_reaches_output_or_the_server_activity(
    postgres_url: str, tmp_path: Path
) -> None:
    """Every command that takes --store, run for real with a password in the URL (the test
    server trusts any password): neither what it prints nor what the server shows of its
    sessions holds the password; an unreachable server's error neither."""
    password = "pw-0f9c1e-never-shown"
    parts = urlsplit(postgres_url)
    netloc = f"{parts.username or 'root'}:{password}@{parts.hostname}:{parts.port or 5432}"
    url = urlunsplit(parts._replace(netloc=netloc))
    dead = f"postgresql://alice:{password}@127.0.0.1:1/team"
    with connect(postgres_url) as connection:
        migrate(connection)
    with open_store("team", store=url).open("a", write=True) as log:
        log.append(make_record("d1", "Hun Sen met Trọng.", annotator="a"))
    commands = [
        ["store", "migrate", "--store", url],
        ["route", str(SEEDS), "--dataset", "team", "--per-doc", "1", "--annotators", "a,b",
         "--store", url],
        ["team", "add", "ann", "--dataset", "team", "--store", url],
        ["store", "copy", url, str(tmp_path / "copy")],
        ["stats", "--dataset", "team", "--store", url],
        ["stats", "--dataset", "team", "--store", dead],
        ["annotate", str(SEEDS), "--dataset", "team", "--annotator", "a", "--store", dead,
         "--no-suggestions"],
    ]  # fmt: skip
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "redline", *command],
            capture_output=True,
            text=True,
            env=subprocess_env(),
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert password not in done.stdout + done.stderr, command
        if dead in command:
            assert "database unavailable at postgresql://alice@127.0.0.1:1/team" in done.stderr
        else:
            assert done.returncode == 0, (command, done.stderr)
    with connect(postgres_url) as watcher, connect(url) as session:
        names = watcher.execute("SELECT application_name FROM pg_stat_activity").fetchall()
        assert session.info.password == password  # the session did use it
    assert not [name for (name,) in names if password in (name or "")]
