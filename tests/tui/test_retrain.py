"""``annotate --retrain-every``: the UI answers keys while a model trains in the background, and
suggests with the new model once it is kept (the header and the status line say so).

The real app, the real en_core_web_sm, and the real training child process
(``python -m redline.training.background``) on a copy of the shipped dataset."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.suggest import Suggester
from redline.training.background import Retrainer
from redline.tui.annotate import AnnotateScreen
from redline.tui.app import RedlineApp
from redline.tui.header import DocumentHeader
from redline.tui.status_line import StatusLine
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, REPO, SEEDS
from tests.support.tui import DATASET as CACHED_DATASET

DATASET = "seeds-demo"
NEW_MODEL = "seeds-demo-v1"
MODEL_CACHE = "model:en_core_web_sm.jsonl"


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float) -> bool:
    for _ in range(int(timeout / 0.5)):
        if condition():
            return True
        await pilot.pause(0.5)
    return condition()


def header_model(screen: AnnotateScreen) -> str:
    return str(screen.query_one(DocumentHeader).query_one("#model", Label).render())


@pytest.mark.slow
async def test_keys_are_answered_while_a_retrain_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached_root: Path
):
    root = tmp_path / "annotations"
    shutil.copytree(REPO / "annotations" / DATASET, root / DATASET)
    # the seeds' suggestions for this schema, cached: each document opens with them at once
    shutil.copy(cached_root / CACHED_DATASET / MODEL_CACHE, root / DATASET / MODEL_CACHE)
    monkeypatch.chdir(tmp_path)  # the training child runs in the current directory
    schema = load_schema(NEWS_SCHEMA)
    worklist = Worklist(
        Corpus(SEEDS), open_dataset(DATASET, root), "zed", schema, Suggester(schema)
    )
    # dev 0: no dev score to compare, so the new model is always kept
    worklist.retrainer = Retrainer(
        DATASET, root, "zed", every=2, schema=str(NEWS_SCHEMA), max_steps=3, dev=0.0
    )
    retrainer = worklist.retrainer
    app = RedlineApp(worklist)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnnotateScreen)
        status = screen.query_one(StatusLine)
        assert header_model(screen).startswith("en_core_web_sm")
        assert screen.session.live_spans, "the cached suggestions are on screen"

        await pilot.press("enter")  # one save: not yet due
        assert not retrainer.running
        await pilot.press("enter")  # the second: training starts in the background
        assert status.message.startswith("saved 001_6faee6a37c422e27 (accept)")
        assert await wait_until(pilot, lambda: retrainer.running, timeout=10)

        # keys are answered while the child trains
        before = screen.cursor
        await pilot.press("tab")  # to the next span
        await pilot.pause(0.1)
        after_tab = screen.cursor
        assert after_tab != before
        await pilot.press("right")
        await pilot.pause(0.1)
        assert screen.cursor == after_tab + 1
        await pilot.press("h")
        await pilot.pause(0.1)
        assert status.message == "showing rejected suggestions"
        assert retrainer.running, "the keys were answered while the retrain ran"

        def finished() -> bool:
            return any(line.startswith(("now suggesting", "retrain")) for line in status.history)

        assert await wait_until(pilot, finished, timeout=120), list(status.history)
        await pilot.pause()
        assert not retrainer.running
        assert status.message.startswith(f"now suggesting with {NEW_MODEL}"), status.message
        assert "trained in" in status.message
        assert header_model(screen).startswith(NEW_MODEL)
        assert "trained on 2 docs" in header_model(screen)
        assert worklist.suggester is not None
        assert worklist.suggester.model.name == NEW_MODEL

        # the next document gets the new model's suggestions
        await pilot.press("escape", "enter")
        assert screen.session.document.doc_id == "003_f45e83077dafc3a1"

        def suggested_by_new_model() -> bool:
            record = worklist.cached_suggestions(screen.position)
            by = None if record is None else record.suggested_by
            return by is not None and by.model == NEW_MODEL

        assert await wait_until(pilot, suggested_by_new_model, timeout=60)

    models = orjson.loads((root / DATASET / "models.json").read_bytes())["models"]
    assert [entry["name"] for entry in models] == [NEW_MODEL]
    assert models[0]["path"] == f"models/{NEW_MODEL}"
    assert models[0]["documents"]["train"] == 2
    assert (root / DATASET / "models" / NEW_MODEL / "meta.json").is_file()
    saved = (root / DATASET / "zed.jsonl").read_bytes().splitlines()
    assert len(saved) == 3
