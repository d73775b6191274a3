"""The annotate screen, driven through the real app with Textual's Pilot; assertions are on
the JSONL records the store holds after saving."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import make_app, prepare_suggestions, saved, spans_of

from redline.tui.annotate import AnnotateScreen

SIZE = (120, 40)


@pytest.fixture(scope="session")
def cached_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cached")
    prepare_suggestions(root)
    return root


def screen_of(app) -> AnnotateScreen:
    screen = app.screen
    assert isinstance(screen, AnnotateScreen)
    return screen


async def test_opens_on_first_document_and_saves_suggestions_as_accepted(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert screen.session.document.doc_id == "000_317a0d864143cfa9"
        assert len(screen.session.live_spans) > 40
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.document.doc_id == "001_6faee6a37c422e27"
    (record,) = saved(tmp_path)
    assert record.doc_id == "000_317a0d864143cfa9"
    assert record.answer == "accept"
    assert ("Việt Nam", "GPE", "accepted") in spans_of(record)
    assert record.seconds > 0


async def test_tab_accept_reject_and_label_keys(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab", "x")  # Phnom Penh, then Cambodia: reject Cambodia
        await pilot.press("tab", "2")  # COVID-19 relabelled ORG (wrongly, on purpose)
        await pilot.press("enter")
        await pilot.pause()
    (record,) = saved(tmp_path)
    assert ("COVID-19", "ORG", "relabeled") in spans_of(record)
    assert [record.text[s.start : s.end] for s in record.rejected] == ["Cambodia"]
