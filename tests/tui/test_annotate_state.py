"""The annotate screen's state as reactives (one repaint per key, however much it changes),
and errors nobody expected: raised in a key's action, a worker, a prompt's answer or a message
handler, each is said in the status line and the UI goes on (the next save still lands)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widget import Widget

from redline.tui.annotate import AnnotateScreen
from redline.tui.article import ArticleView
from redline.tui.modals import FlagScreen
from redline.tui.status_line import StatusLine
from tests.support.tui import make_app, saved

SIZE = (120, 40)
DOC1 = "000_317a0d864143cfa9"


def screen_of(pilot: Pilot) -> AnnotateScreen:
    screen = pilot.app.screen
    assert isinstance(screen, AnnotateScreen)
    return screen


def status_of(screen: AnnotateScreen) -> StatusLine:
    return screen.query_one(StatusLine)


def count_repaints(screen: AnnotateScreen) -> list[int]:
    """Spy on the repaint; returns the list it appends to on every repaint."""
    counted: list[int] = []
    repaint = screen.repaint

    def spy() -> None:
        counted.append(1)
        repaint()

    screen.repaint = spy  # type: ignore[method-assign]
    return counted


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


# -- state ------------------------------------------------------------------------------------


async def test_one_repaint_per_key_whatever_it_changes(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(pilot)
        repaints = count_repaints(screen)
        # cursor, anchor, selection; an edit and the selection cleared; the focused relation
        for key in ("right", "shift+right", "shift+right", "1", "u", "full_stop", "tab", "h"):
            repaints.clear()
            await pilot.press(key)
            await pilot.pause()
            assert repaints == [1], key
        view = screen.query_one(ArticleView)
        assert view.cursor == screen.cursor
        assert view.selection == screen.selection


async def test_state_set_from_outside_repaints_the_view(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(pilot)
        view = screen.query_one(ArticleView)
        repaints = count_repaints(screen)
        screen.cursor = 5
        screen.selection = (5, 7)
        screen.selection_anchor = 5
        await pilot.pause()
        assert (view.cursor, view.selection) == (5, (5, 7))
        assert repaints == [1]
        screen.show_rejected = True
        await pilot.pause()
        assert repaints == [1, 1]
        # the selection's anchor is its own name: Widget.anchor stays Textual's method
        assert AnnotateScreen.anchor is Widget.anchor


# -- errors nobody expected ----------------------------------------------------------------------


async def test_an_exception_in_an_action_is_said_and_the_ui_goes_on(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(pilot)
        screen.session.accept = boom  # type: ignore[method-assign]
        await pilot.press("tab", "a")
        await pilot.pause()
        status = status_of(screen)
        assert status.message == "error: RuntimeError: boom"
        assert status.has_class("-error")
        assert app.is_running
        assert app.return_code is None
        assert app.screen is screen
        await pilot.press("x")  # the other keys still work
        assert status.message == "rejected GPE “Phnom Penh” and its 1 relation(s)"
        await pilot.press("enter")
        await pilot.pause()
        assert "saved" in status.message
    (record,) = saved(tmp_path)
    assert record.doc_id == DOC1
    assert [record.text[s.start : s.end] for s in record.rejected] == ["Phnom Penh"]


async def test_an_exception_in_the_command_palette_s_action_is_said_too(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(pilot)
        screen.session.accept_all = boom  # type: ignore[method-assign]
        await screen.run_action("accept_all")  # what the palette runs
        await pilot.pause()
        assert status_of(screen).message == "error: RuntimeError: boom"
        assert app.is_running


async def test_an_exception_in_a_worker_is_said_and_the_ui_goes_on(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)

    def model_fails(position: int) -> None:
        raise RuntimeError(f"the model failed on document {position + 1}")

    app.worklist.suggest = model_fails  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = screen_of(pilot)
        status = status_of(screen)
        assert status.message == "error: RuntimeError: the model failed on document 1"
        assert status.has_class("-error")
        assert app.is_running
        assert screen.session.document.doc_id == DOC1  # on screen, its suggestions cached
        assert len(screen.session.live_spans) > 40
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        told = list(status.history)
        assert any(m.startswith(f"saved {DOC1} (accept)") for m in told)
        assert told[-1] == "error: RuntimeError: the model failed on document 2"  # and again
        assert screen.session.document.doc_id != DOC1
    assert [r.doc_id for r in saved(tmp_path)] == [DOC1]


async def test_an_exception_in_a_prompt_s_answer_is_said_and_the_ui_goes_on(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(pilot)
        screen.session.set_flag = boom  # type: ignore[method-assign]
        await pilot.press("F")
        assert isinstance(app.screen, FlagScreen)
        await pilot.press(*"why", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert status_of(screen).message == "error: RuntimeError: boom"
        assert app.is_running


async def test_an_exception_in_a_message_handler_is_said_and_the_ui_goes_on(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(pilot)
        screen.move_cursor = boom  # type: ignore[method-assign]
        screen.post_message(ArticleView.TokenClicked(3))  # a click on the fourth token
        await pilot.pause()
        assert status_of(screen).message == "error: RuntimeError: boom"
        assert app.is_running
