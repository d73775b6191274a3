"""`redline serve` in a real browser: keys typed into the page annotate, and the tab asks
before it is left while the app runs.

The real command serves a corpus of two seed articles (their suggestions cached, so no model
is loaded); headless Chromium opens the page, and the keys go in as a user's would, through
the browser's keyboard into the page's terminal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from redline.schema import Annotation
from tests.support.browser import (
    PageTerminal,
    Prompts,
    chromium,
    free_port,
    leave,
    wait_until,
    wait_until_listening,
)
from tests.support.data import NEWS_SCHEMA, seed_copies, subprocess_env

pytestmark = pytest.mark.slow


def test_keys_in_the_browser_save_a_span_and_leaving_the_tab_asks(tmp_path: Path) -> None:
    doc_ids = seed_copies(tmp_path, 2, "d")
    port = free_port()
    page = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "redline", "serve", str(tmp_path / "corpus"), "--dataset", "d",
         "--annotator", "ana", "--schema", str(NEWS_SCHEMA),
         "--root", str(tmp_path / "annotations"), "--port", str(port)],
        cwd=tmp_path, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        with chromium() as driver:
            prompts = Prompts(driver)
            wait_until_listening(port, lambda: server.poll() is None, timeout=20)
            driver.get(page)
            terminal = PageTerminal(driver)
            terminal.wait_for(f"doc 1/2 · {doc_ids[0]}", timeout=20)

            # The cursor starts on the first token: shift+right selects it and the next,
            # "Authorities block"; 1 labels the selection PERSON; enter saves.
            terminal.focus()
            keys = ActionChains(driver)
            keys.key_down(Keys.SHIFT).send_keys(Keys.ARROW_RIGHT).key_up(Keys.SHIFT)
            keys.send_keys("1", Keys.ENTER).perform()
            terminal.wait_for(f"saved {doc_ids[0]} (accept)")
            lines = (tmp_path / "annotations" / "d" / "ana.jsonl").read_bytes().splitlines()
            assert len(lines) == 1
            record = Annotation.model_validate_json(lines[0])
            assert (record.doc_id, record.answer, record.annotator) == (doc_ids[0], "accept", "ana")
            added = [
                (record.text[s.start : s.end], s.label, s.edit)
                for s in record.spans
                if s.origin == "annotator"
            ]
            assert added == [("Authorities block", "PERSON", "added")]

            # Leaving while the app runs: the browser asks; "stay" keeps the session.
            terminal.wait_for(f"doc 2/2 · {doc_ids[1]}")
            leave(driver)
            prompt = prompts.wait_for_one()
            assert prompt.type == "beforeunload"
            prompts.answer(prompt, accept=False)
            assert driver.current_url == page
            assert not driver.execute_script("return document.body.classList.contains('-closed')")

            # Once the app has quit, the tab goes without a question.
            ActionChains(driver).send_keys("q").perform()
            wait_until(
                lambda: driver.execute_script("return document.body.classList.contains('-closed')"),
                timeout=10,
                what="the session ends when the app quits",
            )
            leave(driver)
            wait_until(lambda: driver.current_url == "about:blank", timeout=10, what="left")
            assert prompts.opened() == []
    finally:
        # The group: the server and the app process it started for the page, if still there.
        os.killpg(server.pid, signal.SIGKILL)
        output, _ = server.communicate(timeout=10)
    assert "Traceback" not in output, output
