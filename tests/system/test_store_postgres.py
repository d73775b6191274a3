"""The PostgreSQL store as a team meets it: migrate, copy a JSONL dataset in, read it with the
usual commands; the rows cannot be changed; a password is never shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from redline.store.postgres import shown_url, unavailable
from tests.support.cli import run_redline
from tests.support.data import REPO


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
