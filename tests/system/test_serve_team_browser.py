"""`redline serve --team` on PostgreSQL in a real browser: the page asks for a token, a wrong
one opens nothing, the member's token opens their queue, and their save is a row on the
server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.support.browser import PageTerminal, chromium, free_port, wait_until_listening
from tests.support.cli import run_redline
from tests.support.data import NEWS_SCHEMA, seed_copies, subprocess_env

pytestmark = pytest.mark.slow


def test_a_member_signs_in_with_a_token_annotates_and_the_save_is_in_postgresql(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc_ids = seed_copies(tmp_path, 2, "d")
    assert run_redline(capsys, "store", "migrate", "--store", postgres_url).code == 0
    copied = run_redline(capsys, "store", "copy", str(tmp_path / "annotations"), postgres_url)
    assert copied.code == 0, copied.stderr  # the cached suggestions, so no model is loaded
    added = run_redline(capsys, "team", "add", "ana", "--dataset", "d", "--store", postgres_url)
    token = added.stdout.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "redline", "serve", str(tmp_path / "corpus"), "--dataset", "d",
         "--team", "--schema", str(NEWS_SCHEMA), "--port", str(port)],
        cwd=tmp_path, env={**subprocess_env(), "REDLINE_STORE": postgres_url},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        with chromium() as driver:
            wait_until_listening(port, lambda: server.poll() is None, timeout=20)
            driver.get(f"http://127.0.0.1:{port}/")
            terminal = PageTerminal(driver)
            terminal.wait_for("sign in with the token", timeout=20)
            terminal.focus()
            ActionChains(driver).send_keys("wrong-token", Keys.ENTER).perform()
            terminal.wait_for("does not sign anyone in")
            ActionChains(driver).send_keys(token, Keys.ENTER).perform()
            terminal.wait_for(f"doc 1/2 · {doc_ids[0]}", timeout=20)
            ActionChains(driver).send_keys(Keys.ENTER).perform()
            terminal.wait_for(f"saved {doc_ids[0]} (accept)")
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        output, _ = server.communicate(timeout=10)
    assert "Traceback" not in output, output
    with psycopg.connect(postgres_url) as connection:
        rows = connection.execute(
            "SELECT annotator, doc_id, answer FROM redline_records WHERE annotator = 'ana'"
        ).fetchall()
    assert rows == [("ana", doc_ids[0], "accept")]
    assert token not in output
