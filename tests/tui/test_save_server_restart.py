"""The PostgreSQL server restarted during a session: the save in flight says the database is
unavailable, the document stays on screen, keys still answer at once, and the record lands
once (and only once) when the server is back. A server of the test's own (a throwaway
cluster, really stopped and started by pg_ctl), never the shared one."""

from __future__ import annotations

import time

import pytest

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_store
from redline.store.migrations import migrate
from redline.store.postgres_connection import connect
from redline.tui.app import RedlineApp
from redline.tui.document_screen import DocumentScreen
from redline.tui.status_line import StatusLine
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS
from tests.support.postgres import restartable_server


def _status(app: RedlineApp) -> str:
    return app.screen.query_one(StatusLine).message


async def _until(pilot, app: RedlineApp, words: str, seconds: float = 60.0) -> str:
    deadline = time.monotonic() + seconds
    while words not in _status(app):
        assert time.monotonic() < deadline, f"never said {words!r}; said {_status(app)!r}"
        await pilot.pause(0.1)
    return _status(app)


async def test_a_save_while_the_server_is_down_stays_on_screen_and_lands_once() -> None:
    with restartable_server() as server:
        if isinstance(server, str):
            pytest.skip(f"no server of the test's own: {server}")
        url, cluster = server
        with connect(url) as connection:
            migrate(connection)
        dataset = open_store("team", store=url)
        worklist = Worklist(Corpus(SEEDS), dataset, "ana", load_schema(NEWS_SCHEMA), None)
        app = RedlineApp(worklist)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DocumentScreen)
            first = screen.session.document.doc_id
            cluster.halt()
            await pilot.press("enter")  # accept: the save goes out and cannot land
            said = await _until(pilot, app, "database unavailable")
            assert "stays on screen, retrying" in said
            assert "password" not in said
            assert screen.session.document.doc_id == first
            cursor = screen.cursor
            await pilot.press("right")  # a key answers while the save waits on the server
            assert screen.cursor == cursor + 1
            assert screen.saving is not None  # (the save had not landed meanwhile)
            await pilot.press("n")  # leaving is refused: the document stays until it lands
            assert screen.session.document.doc_id == first
            assert "is being saved" in _status(app)
            cluster.restart()
            said = await _until(pilot, app, f"saved {first}")
            assert screen.session.document.doc_id != first  # on to the next
        with connect(url) as connection:
            rows = connection.execute(
                "SELECT count(*) FROM redline_records WHERE doc_id = %s", [first]
            ).fetchone()
        assert rows == (1,)
