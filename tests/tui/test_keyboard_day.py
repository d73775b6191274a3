"""A day at the keyboard: one test per promise of the issue, each through the real app."""

from __future__ import annotations

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.tui.app import RedlineApp
from redline.tui.article import ArticleView
from redline.tui.header import DocumentHeader
from redline.tui.hints import HintScreen
from redline.tui.modals import ConfirmScreen
from redline.tui.status_line import StatusLine
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA
from tests.support.tui import DATASET, make_app, saved

SIZE = (120, 40)


def blank_app(tmp_path, texts: dict[str, str]) -> RedlineApp:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in texts.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    schema = load_schema(NEWS_SCHEMA)
    return RedlineApp(Worklist(Corpus(corpus), open_dataset(DATASET, tmp_path), "alice", schema))


def status(app) -> str:
    return app.screen_stack[1].query_one(StatusLine).message


def hint_at(app, offset: int) -> str:
    return app.screen_stack[1].query_one(ArticleView).hints[offset]


async def test_every_way_out_asks_when_edits_are_unsaved(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "x")
        for key in ("ctrl+q", "ctrl+c", "q", "n"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen), key
            await pilot.press("n")  # no: stay
            assert app.is_running
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    assert not app.is_running


async def test_hints_reach_any_span_or_token_on_screen_in_three_keys(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        far = screen.session.live_spans[20]
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, HintScreen)
        hint = hint_at(app, far.start)
        assert 1 <= len(hint) <= 2
        await pilot.press(*hint)
        assert screen.focused_span() == far
        token = screen.session.tokens.token_at(far.end) + 3
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*hint_at(app, screen.session.tokens.starts[token]))
        assert screen.cursor == token
        await pilot.press("f", "1")  # not a hint letter: leaves hint mode and labels
        await pilot.pause()
        assert app.screen is screen
        assert status(app).startswith("added PERSON")


async def test_unreviewed_suggestions_are_kept_apart_and_j_walks_them(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = app.screen.query_one(DocumentHeader)
        total = len(app.screen.session.unreviewed())
        await pilot.press("j", "j")
        assert len(app.screen.session.unreviewed()) == total - 2
        assert f"{total - 2} unseen" in str(header.query_one("#state").content)
        await pilot.press("enter")
        await pilot.pause()
    (record,) = saved(tmp_path)
    edits = [item.edit for item in [*record.spans, *record.relations]]
    assert edits.count("accepted") == 2  # j went to two: spans or relations, in text order
    assert edits.count("kept") == len(edits) - 2


async def test_a_relation_in_four_keys_with_its_direction_from_the_types(cached_root, tmp_path):
    """Cursor on "Cambodian People's Party" (ORG); r, the hint of "Hun Sen" (PERSON), l:
    LEADER_OF fits only from the PERSON, so it is made that way round."""
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        text = screen.session.document.text
        party = next(
            s
            for s in screen.session.live_spans
            if s.label == "ORG" and "People" in text[s.start : s.end]
        )
        hun_sen = next(s for s in screen.session.live_spans if text[s.start : s.end] == "Hun Sen")
        screen.move_cursor(screen.session.tokens.token_at(party.start))
        for relation in [r for r in screen.session.relations if r.live]:
            screen.session.reject_relation(relation.id)  # start from no relations
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*hint_at(app, hun_sen.start), "l")
        await pilot.pause()
        made = screen.session.relations[-1]
        assert (made.head, made.child, made.label) == (hun_sen.id, party.id, "LEADER_OF")
        assert screen.focused_relation == made.id
        marks = {m.start: m for m in screen.query_one(ArticleView).marks}
        assert marks[hun_sen.start].relation_end
        assert marks[party.start].relation_child
        await pilot.press("o")  # reversed: ORG -> PERSON does not fit LEADER_OF
        assert status(app).startswith("refused: LEADER_OF goes from PERSON")


async def test_a_boundary_moves_inside_a_token(tmp_path):
    text = "They met President Hun Sen. He spoke."
    app = blank_app(tmp_path, {"d1": text})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*hint_at(app, text.index("Hun")), "shift+right", "1")
        assert status(app) == "added PERSON “Hun Sen.”"
        await pilot.press("less_than_sign")
        assert status(app) == "resized PERSON “Hun Sen.” -> “Hun Sen”"
        await pilot.press("u")
        assert status(app) == "undid: resized PERSON “Hun Sen.” -> “Hun Sen”"
        await pilot.press("U", "enter")
        await pilot.pause()
    (record,) = saved(tmp_path)
    assert [text[s.start : s.end] for s in record.spans] == ["Hun Sen"]


async def test_x_on_a_relation_never_rejects_a_span(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        live = len(screen.session.live_spans)
        await pilot.press("full_stop", "x", "x")
        assert len(screen.session.live_spans) == live
        assert status(app).startswith("refused: that relation is removed")


async def test_flag_note_is_edited_and_unflagging_is_its_own_key(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = app.screen.session
        await pilot.press("F")
        await pilot.pause()
        await pilot.press(*"odd", "enter")
        assert (session.flagged, session.note) == (True, "odd")
        header = app.screen.query_one(DocumentHeader)
        assert "⚑ flagged: odd" in str(header.query_one("#state").content)
        assert "● unsaved" in str(header.query_one("#state").content)
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("backspace", "backspace", "backspace", *"date?", "enter")
        assert (session.flagged, session.note) == (True, "date?")
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("ctrl+u")
        assert (session.flagged, session.note) == (False, "")


async def test_saving_goes_on_to_the_first_unsaved_and_never_repeats_a_version(tmp_path):
    app = blank_app(tmp_path, {"a1": "One text.", "b2": "Two text.", "c3": "Three."})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("b", "enter")  # a prefix of an id
        await pilot.pause()
        assert app.screen.session.document.doc_id == "b2"
        await pilot.press("enter", "enter")  # b2, then c3: the last
        await pilot.pause()
        assert app.screen.session.document.doc_id == "a1"  # the first not saved
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.document.doc_id == "b2"  # the next one, saved already
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("3", "enter")
        await pilot.pause()
        await pilot.press("enter")  # saved, unchanged: nothing appended; the last, all done
        await pilot.pause()
        assert "unchanged since saved: nothing appended" in status(app)
        assert "all 3 documents done" in status(app)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
    assert [r.doc_id for r in saved(tmp_path)] == ["b2", "c3", "a1"]


async def test_search_ignores_accents(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"viet", "space", *"nam", "enter")
        await pilot.pause()
        start, end = screen.session.tokens.chars(*screen.selection)
        assert screen.session.document.text[start:end] == "Việt Nam"
