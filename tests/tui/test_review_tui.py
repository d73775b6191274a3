"""The review screen on the shipped two-annotator demo: take sides, take a whole version,
edit, save; assertions on the gold.jsonl the store holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.binding import Binding

from redline.review import ReviewWorklist
from redline.schema import Annotation, load_schema
from redline.store import open_dataset
from redline.tui.app import RedlineApp
from redline.tui.bindings import key_table, load_keymap
from redline.tui.modals import PromptScreen
from redline.tui.review import ReviewScreen
from tests.support.data import NEWS_SCHEMA, REPO

DEMO = REPO / "annotations" / "seeds-demo"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds-demo"
    folder.mkdir()
    for name in ("ana.jsonl", "ben.jsonl"):
        shutil.copy(DEMO / name, folder / name)
    return tmp_path


def gold(root: Path) -> list[Annotation]:
    path = root / "seeds-demo" / "gold.jsonl"
    return [Annotation.model_validate_json(line) for line in path.read_bytes().splitlines()]


def make(root: Path) -> tuple[RedlineApp, ReviewWorklist]:
    worklist = ReviewWorklist.start(
        open_dataset("seeds-demo", root), "rita", load_schema(NEWS_SCHEMA)
    )
    return RedlineApp(worklist), worklist


def texts(record: Annotation) -> dict[tuple[str, str], list[str] | None]:
    return {(record.text[s.start : s.end], s.label): s.annotators for s in record.spans}


async def test_unanimous_documents_merge_without_asking(root):
    app, worklist = make(root)
    assert worklist.auto.merged == 3
    assert len(worklist) == 2
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    merged = gold(root)
    assert len(merged) == 3
    for record in merged:
        assert all(s.annotators == ["ana", "ben"] for s in record.spans)
        assert record.meta["reviewer"] == "rita"


async def test_take_each_side_of_a_conflict_then_save(root):
    app, _ = make(root)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert screen.session.document.doc_id == "000_317a0d864143cfa9"
        await pilot.press("c")  # the COVD-19 conflict: ana says EVENT, ben says nothing
        await pilot.press("v")
        await pilot.press("enter")  # refused or saved: see below
        await pilot.pause()
    records = gold(root)
    doc = next(r for r in records if r.doc_id == "000_317a0d864143cfa9")
    assert ("COVD-19", "EVENT") in texts(doc)
    assert texts(doc)[("COVD-19", "EVENT")] == ["ana"]


async def test_review_as_the_command_runs_it_text_first(root):
    """As `redline review` runs it (``text_first``): the text is shown first, the document
    is opened in a worker, and keys typed at once reach it (the pty test of annotate,
    tests/system/test_annotate_type_ahead.py, types them while spaCy is still loading)."""
    _, worklist = make(root)
    app = RedlineApp(worklist, text_first=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c", "v", "enter")  # as in the test above, typed at once
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.session.document.doc_id == "001_6faee6a37c422e27"
    doc = next(r for r in gold(root) if r.doc_id == "000_317a0d864143cfa9")
    assert texts(doc)[("COVD-19", "EVENT")] == ["ana"]


async def test_other_side_and_whole_version_and_a_free_edit(root):
    app, _ = make(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c", "v", "v")  # second side: ben's (no span)
        await pilot.press("enter")
        await pilot.pause()
        # document 001: take ben's whole version, then relabel one span by hand
        assert app.screen.session.document.doc_id == "001_6faee6a37c422e27"
        await pilot.press("W", "2", "enter")
        await pilot.pause()
        await pilot.press("1")  # the span under the cursor (the first) becomes PERSON
        await pilot.press("enter")
        await pilot.pause()
    by_doc = {r.doc_id: r for r in gold(root)}
    assert not any(t == "COVD-19" for t, _ in texts(by_doc["000_317a0d864143cfa9"]))
    doc = by_doc["001_6faee6a37c422e27"]
    spans = texts(doc)
    assert spans[("Senate", "ORG")] == ["ben"]
    assert ("Senate of Cambodia", "ORG") not in spans
    first = min(doc.spans, key=lambda s: s.start)
    assert first.label == "PERSON"
    assert first.annotators == []  # nobody had it: the reviewer's own


async def test_saving_with_overlapping_sides_left_is_refused(root):
    app, _ = make(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.session.document.doc_id == "001_6faee6a37c422e27"
        await pilot.press("enter")
        await pilot.pause()
        message = app.screen.query_one("#status").message
        assert "still overlap" in message
    assert [r.doc_id for r in gold(root)] == [
        r.doc_id for r in gold(root) if r.doc_id[:3] in {"002", "003", "004"}
    ]


async def test_every_review_key_is_in_help_and_the_palette_and_can_be_remapped(root, tmp_path):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"review.version" = "ctrl+w"\n', encoding="utf-8")
    worklist = ReviewWorklist.start(
        open_dataset("seeds-demo", root), "rita", load_schema(NEWS_SCHEMA)
    )
    app = RedlineApp(worklist, keymap=load_keymap(keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listed = {text: keys for _, keys, text in key_table(app.screen, app.get_key_display)}
        for text in (
            "Take the next side of the conflict here",
            "Cursor to the next conflict",
            "Cursor to the previous conflict",
            "Take one annotator's whole version",
        ):
            assert text in listed, text
        assert listed["Take one annotator's whole version"] == app.get_key_display(
            Binding("ctrl+w", "take_version")
        )
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # "Take whose version?"
