"""Other people's saves reach an open screen without a restart: the annotate header counts
them, the review screen says they are there and ctrl+r reads them in."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Label

from redline.corpus import Corpus
from redline.review import ReviewWorklist
from redline.schema import Annotation, load_schema
from redline.store import DatasetStore, is_postgres_url, open_dataset, open_store
from redline.tui.app import RedlineApp
from redline.tui.bindings import key_table
from redline.tui.header import DocumentHeader
from redline.tui.review import ReviewScreen
from redline.tui.status_line import StatusLine
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, REPO, SEEDS, make_record
from tests.support.tui import DATASET, make_app

SIZE = (120, 40)
PATIENCE = 20.0
"""Seconds a test waits at most for a save to show (a loaded machine is slow)."""
DEMO = REPO / "annotations" / "seeds-demo"


async def _until(pilot: Pilot[None], shown: Callable[[], object]) -> bool:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if shown():
            return True
        await pilot.pause(0.2)
    return bool(shown())


def _team(app: RedlineApp) -> Label:
    return app.screen.query_one(DocumentHeader).query_one("#team", Label)


def _status(app: RedlineApp) -> str:
    return app.screen.query_one(StatusLine).message


def _annotate(cached_root: Path, tmp_path: Path, where: str) -> tuple[RedlineApp, DatasetStore]:
    """alice's annotate app, on the seeds with their suggestions or (PostgreSQL) none."""
    if is_postgres_url(where):
        dataset = open_store(DATASET, store=where)
        worklist = Worklist(Corpus(SEEDS), dataset, "alice", load_schema(NEWS_SCHEMA), None)
        return RedlineApp(worklist), dataset
    return make_app(cached_root, tmp_path), open_dataset(DATASET, tmp_path)


async def test_the_annotate_header_shows_another_annotators_save(cached_root, tmp_path, where):
    app, dataset = _annotate(cached_root, tmp_path, where)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not _team(app).display  # alone (the model's suggestions are no one)
        with dataset.open("ben", write=True) as log:
            log.append(make_record("elsewhere-1", "Ben saved this.", annotator="ben"))
            log.append(make_record("elsewhere-2", "And this.", annotator="ben"))
        assert await _until(
            pilot,
            lambda: _team(app).display and "team: 1 other · 2 saved" in str(_team(app).render()),
        ), str(_team(app).render())
        await pilot.press("enter")  # alice saves: her own save is not the team's
        assert await _until(pilot, lambda: "alice" in dataset.annotators())
        await pilot.pause(1.5)
        assert "team: 1 other · 2 saved" in str(_team(app).render())


def _review(tmp_path: Path) -> tuple[RedlineApp, ReviewWorklist, Path]:
    folder = tmp_path / "seeds-demo"
    folder.mkdir()
    for name in ("ana.jsonl", "ben.jsonl"):
        shutil.copy(DEMO / name, folder / name)
    worklist = ReviewWorklist.start(
        open_dataset("seeds-demo", tmp_path), "rita", load_schema(NEWS_SCHEMA)
    )
    return RedlineApp(worklist), worklist, folder


def _ben_disagrees(folder: Path, worklist: ReviewWorklist) -> str:
    """Ben saves a new version of a document everyone agreed on: it is in conflict now."""
    dataset = open_dataset("seeds-demo", folder.parent)
    with dataset.open("ben") as log:
        agreed = next(d for d in log.doc_ids() if d not in worklist.index.doc_ids)
        record = log.newest(agreed)
    assert isinstance(record, Annotation)
    assert record.spans, "a document with spans to drop"
    changed = record.model_copy(update={"spans": [], "relations": []})
    with dataset.open("ben", write=True) as log:
        log.append(changed)
    return agreed


async def test_review_says_new_versions_came_and_ctrl_r_reads_them_in(tmp_path):
    app, worklist, folder = _review(tmp_path)
    assert len(worklist) == 2
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        listed = {action: keys for action, keys, _ in key_table(screen, app.get_key_display)}
        assert listed["reload"] == app.get_key_display(Binding("ctrl+r", "reload"))  # help, ctrl+p
        await pilot.press("n")  # the reviewer is on the second document
        here = screen.session.document.doc_id
        position = screen.position
        agreed = _ben_disagrees(folder, worklist)
        assert await _until(pilot, lambda: "new save(s) by ben" in _status(app)), _status(app)
        assert "ctrl+r" in _status(app)
        assert len(worklist) == 2  # nothing changes under the reviewer by itself
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(worklist) == 3
        assert worklist.index.doc_ids[-1] == agreed
        assert (screen.position, screen.session.document.doc_id) == (position, here)
        assert "reloaded the versions (new saves by ben)" in _status(app)
        await pilot.press("g")  # go to the document ben disagrees on now
        await pilot.pause()
        await pilot.press("3", "enter")
        await pilot.pause()
        assert screen.session.document.doc_id == agreed
        assert screen.review.versions(screen.position) == ["ana", "ben"]


async def test_ctrl_r_waits_for_the_open_documents_edits(tmp_path):
    app, worklist, folder = _review(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("c", "v")  # take a side: an unsaved edit
        assert screen.session.dirty
        _ben_disagrees(folder, worklist)
        assert await _until(pilot, lambda: "new save(s) by ben" in _status(app))
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "has unsaved edits" in _status(app)
        assert len(worklist) == 2
        assert screen.session.dirty  # the edit is still there
