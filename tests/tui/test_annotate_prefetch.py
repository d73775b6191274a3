"""The first document shows before the model has loaded; suggestions for it and the next ones
are computed in a background worker and cached, so moving on never waits for spaCy."""

from __future__ import annotations

import time

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.suggest import Suggester
from redline.tui.app import RedlineApp
from redline.tui.status_line import StatusLine
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS


async def test_first_document_before_the_model_then_prefetched_suggestions(tmp_path):
    schema = load_schema(NEWS_SCHEMA)
    suggester = Suggester(schema)
    worklist = Worklist(Corpus(SEEDS), open_dataset("fresh", tmp_path), "alice", schema, suggester)
    app = RedlineApp(worklist)
    started = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        shown_after = time.monotonic() - started
        assert screen.session.document.doc_id == "000_317a0d864143cfa9"
        await app.workers.wait_for_complete()
        await pilot.pause()
        told = list(screen.query_one(StatusLine).history)
        # shown at once without suggestions, then filled in when the worker had them
        assert told[0] == "000_317a0d864143cfa9: computing suggestions…"
        assert told[-1].startswith("000_317a0d864143cfa9: ")
        assert told[-1].endswith(" to review")
        assert len(screen.session.live_spans) > 40, "suggestions arrive when the model is ready"
        assert "nlp" in suggester.__dict__
        # the next documents were prefetched into the cache: moving on is instant
        for position in (1, 2, 3):
            assert worklist.cached_suggestions(position) is not None
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.document.doc_id == "001_6faee6a37c422e27"
        assert len(screen.session.live_spans) > 30
    print(f"\nfirst document on screen after {shown_after:.2f} s, before the model loaded")
    with open_dataset("fresh", tmp_path).open("model:en_core_web_sm") as cache:
        assert len(cache) >= 4
