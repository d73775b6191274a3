"""The annotate screen, driven through the real app with Textual's Pilot; assertions are on
the JSONL records the store holds after saving."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from rich.console import Console
from textual import events
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from redline.editing import SpanState
from redline.schema.records import Annotation
from redline.tui.annotate import AnnotateScreen
from redline.tui.article import ArticleView
from redline.tui.header import DocumentHeader
from redline.tui.hints import HintScreen
from redline.tui.modals import (
    ConfirmScreen,
    FlagScreen,
    HelpScreen,
    RelationLabelScreen,
)
from redline.tui.side_panel import SidePanel
from redline.tui.status_line import StatusLine
from tests.support.tui import make_app, saved, spans_of

SIZE = (120, 40)
DOC1 = "000_317a0d864143cfa9"
DOC2 = "001_6faee6a37c422e27"
DOC3 = "002_c1af4d8a964d5a10"
DOC4 = "003_f45e83077dafc3a1"
# the relations the rules suggest on DOC1, each right by the article: Hun Sen is "Cambodian
# People’s Party (CPP) President and Prime Minister of Cambodia", and "the Cambodian Government
# led by Samdech Techo Hun Sen" (the second Hun Sen)
HUN_SEN_LEADS = {
    ("Hun Sen", "LEADER_OF", "Cambodian People’s Party", "accepted"),
    ("Hun Sen", "LEADER_OF", "CPP", "accepted"),
    ("Hun Sen", "LEADER_OF", "Cambodia", "accepted"),
    ("Hun Sen", "LEADER_OF", "Cambodian Government", "accepted"),
}
PHNOM_PENH_IN_CAMBODIA = ("Phnom Penh", "LOCATED_IN", "Cambodia", "accepted")
DOC1_RELATIONS = {*HUN_SEN_LEADS, PHNOM_PENH_IN_CAMBODIA}


def kept(relations: set[tuple[str, str, str, str]]) -> set[tuple[str, str, str, str]]:
    """``relations`` saved without being looked at: edit ``kept`` instead of ``accepted``."""
    return {(head, label, child, "kept") for head, label, child, _ in relations}


def screen_of(app) -> AnnotateScreen:
    screen = app.screen
    assert isinstance(screen, AnnotateScreen)
    return screen


# -- helpers: positions come from the document text, not from hard-coded offsets ----------


def status(app) -> str:
    return screen_of(app).query_one(StatusLine).message


def header_state(screen: AnnotateScreen) -> str:
    """The header's word on the open document: unsaved, flagged, how many not looked at."""
    return str(screen.query_one(DocumentHeader).query_one("#state", Label).content)


def nth(text: str, word: str, n: int = 1) -> int:
    """Character offset of the n-th (1-based) occurrence of ``word`` in ``text``."""
    at = -1
    for _ in range(n):
        at = text.index(word, at + 1)
    return at


def cursor_text(screen: AnnotateScreen) -> str:
    start, end = screen.session.tokens.tokens[screen.cursor]
    return screen.session.document.text[start:end]


def focused_text(screen: AnnotateScreen) -> str | None:
    focused = screen.focused_span()
    return None if focused is None else screen.session.text_of(focused)


def put_cursor(pilot: Pilot, word: str, n: int = 1) -> SpanState | None:
    """Set-up, not under test: the cursor straight onto the n-th ``word`` (the keys and the
    mouse that move it are tested on their own; each key press costs a repaint)."""
    screen = screen_of(pilot.app)
    start = nth(screen.session.document.text, word, n)
    screen.move_cursor(screen.session.tokens.token_at(start))
    return screen.focused_span()


async def save(pilot: Pilot, key: str = "enter") -> None:
    """Save (enter accepts; R rejects and I ignores, each once its question is answered y):
    the record is appended before it returns."""
    await pilot.press(key)
    if key != "enter":
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 3.0) -> None:
    """For what a worker does in the background (the command palette's search)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out")


def texts(record: Annotation, group: str = "spans") -> list[str]:
    return [record.text[s.start : s.end] for s in getattr(record, group)]


def relations_of(record: Annotation, group: str = "relations") -> set[tuple[str, str, str, str]]:
    spans = {s.id: record.text[s.start : s.end] for s in [*record.spans, *record.rejected]}
    return {(spans[r.head], r.label, spans[r.child], r.edit or "") for r in getattr(record, group)}


def cell_of(view: ArticleView, token: int) -> tuple[int, int]:
    """Offset, relative to the view's region, of the first cell of ``token`` on screen."""
    scroll_x, scroll_y = view.scroll_offset
    content, region = view.scrollable_content_region, view.region
    return (
        content.x - region.x + view.token_x(token) - scroll_x,
        content.y - region.y + view.line_of_token(token) - scroll_y,
    )


# -- opening and saving ----------------------------------------------------------------------


async def test_opens_on_first_document_and_saves_unseen_suggestions_as_kept(cached_root, tmp_path):
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
    # never looked at (the cursor was never on it): kept, not accepted
    assert ("Việt Nam", "GPE", "kept") in spans_of(record)
    assert {edit for _, _, edit in spans_of(record)} == {"kept"}
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


# -- cursor ----------------------------------------------------------------------------------


async def test_cursor_by_token_and_tab_shift_tab_wrap_around(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        words = screen.session.document.text.split()
        await pilot.press("left")  # already on the first token: stays
        assert screen.cursor == 0
        await pilot.press("right", "right", "left")
        assert cursor_text(screen) == words[1] == "block"
        assert screen.query_one(ArticleView).cursor == screen.cursor  # the view follows
        await pilot.press("4")  # a one-token span where nothing was suggested
        await pilot.press("tab", "tab")
        assert focused_text(screen) == "Cambodia"
        await pilot.press("shift+tab")
        assert focused_text(screen) == "Phnom Penh"
        await pilot.press("x")
        put_cursor(pilot, "block")
        await pilot.press("shift+tab")  # nothing live before "block"
        assert focused_text(screen) == "VNS"  # wrapped to the last span
        await pilot.press("x")
        await pilot.press("tab")  # wraps to the first live span (Phnom Penh is hidden)
        assert focused_text(screen) == "block"
        await save(pilot)
    (record,) = saved(tmp_path)
    assert ("block", "NORP", "added") in spans_of(record)
    assert texts(record, "rejected") == ["Phnom Penh", "VNS"]
    # the suggested relation from the rejected span went with it; the others stay
    assert relations_of(record, "rejected_relations") == {PHNOM_PENH_IN_CAMBODIA}
    assert relations_of(record) == kept(HUN_SEN_LEADS)  # never focused: kept
    # tab went onto Cambodia: looked at, so accepted
    assert ("Cambodia", "GPE", "accepted") in spans_of(record)


async def check_line_and_page_keys(pilot: Pilot) -> None:
    """up/down keep the column and skip blank lines; pageup/pagedown go one page."""
    screen = screen_of(pilot.app)
    view = screen.query_one(ArticleView)
    await pilot.press("right")  # "block"
    column = view.token_x(screen.cursor)
    await pilot.press("down")  # line 1, same column: inside the suggestion "April 18"
    assert view.line_of_token(screen.cursor) == 1
    assert view.token_x(screen.cursor) == column == len("Authorities ")
    assert focused_text(screen) == "April 18"
    await pilot.press("6")  # relabels the suggestion under the cursor
    await pilot.press("down")  # line 2 is blank: skipped
    assert view.line_span(2)[0] == view.line_span(2)[1]
    assert view.line_of_token(screen.cursor) == 3
    assert cursor_text(screen) == "Party"  # "HÀ NỘI — Party": covers that column
    await pilot.press("2")
    await pilot.press("up")  # back over the blank line, nearest the column of "Party"
    assert view.line_of_token(screen.cursor) == 1
    assert cursor_text(screen) == "on"
    await pilot.press("up", "up")  # stops at the first line
    assert view.line_of_token(screen.cursor) == 0
    step = view.lines_per_page - 1
    await pilot.press("pagedown")
    line = min(step, view.line_count - 1)
    assert view.line_of_token(screen.cursor) == line
    assert screen.session.tokens.tokens[screen.cursor][0] == view.line_span(line)[0]
    await pilot.press("5")
    await pilot.press("pagedown", "pagedown")  # clamped to the last line
    assert view.line_of_token(screen.cursor) == view.line_count - 1
    await pilot.press("pageup")
    assert view.line_of_token(screen.cursor) == max(0, view.line_count - 1 - step)
    await pilot.press("pageup", "pageup")
    assert screen.cursor == 0
    assert view.scroll_offset.y == 0
    await save(pilot)


def check_line_and_page_record(record: Annotation, first_on_page_2: int) -> None:
    labelled = spans_of(record)
    assert ("April 18", "EVENT", "relabeled") in labelled
    party = nth(record.text, "Party")
    assert [(s.label, s.edit) for s in record.spans if s.start == party] == [("ORG", "added")]
    assert [s.label for s in record.spans if s.start == first_on_page_2] == ["DATE"]


async def test_cursor_by_line_and_page_when_the_article_fits_the_view(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=(120, 60)) as pilot:
        view = screen_of(app).query_one(ArticleView)
        assert view.line_count <= view.lines_per_page  # nothing to scroll
        first_on_page_2 = view.line_span(view.line_count - 1)[0]
        await check_line_and_page_keys(pilot)
    (record,) = saved(tmp_path)
    check_line_and_page_record(record, first_on_page_2)


async def test_cursor_by_line_and_page_in_a_long_article(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = screen_of(app).query_one(ArticleView)
        assert view.line_count > view.lines_per_page
        first_on_page_2 = view.line_span(view.lines_per_page - 1)[0]
        await check_line_and_page_keys(pilot)
    (record,) = saved(tmp_path)
    check_line_and_page_record(record, first_on_page_2)


# -- selection and new spans -----------------------------------------------------------------


async def test_grow_and_shrink_selection_then_label(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        text = screen.session.document.text
        await pilot.press("right", "shift+left")  # Authorities block
        await pilot.press("shift+right", "shift+right", "shift+right")  # through the anchor
        assert "selected “block roads in”" in status(app)
        await pilot.press("escape")
        assert screen.selection is None
        await pilot.press("3")  # no selection: labels the token under the cursor ("in")

        put_cursor(pilot, "Techo")
        await pilot.press("shift+right", "shift+right", "shift+right")  # Techo Hun Sen over
        await pilot.press("shift+left")
        start, end = screen.session.tokens.chars(*screen.selection)
        assert text[start:end] == "Techo Hun Sen"
        await pilot.press("1")
        assert screen.selection is None
        assert status(app) == "added PERSON “Techo Hun Sen”"
        await save(pilot)
    (record,) = saved(tmp_path)
    labelled = spans_of(record)
    assert ("in", "GPE", "added") in labelled
    assert not [t for t in texts(record) if "block" in t]
    assert ("Techo Hun Sen", "PERSON", "added") in labelled
    # the pending suggestion it overlaps was rejected in its favour
    assert texts(record, "rejected") == ["Hun Sen"]


async def test_mouse_click_and_drag_select(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        view = screen.query_one(ArticleView)
        text = screen.session.document.text
        tokens = screen.session.tokens

        # a click on the wrongly suggested NORP "Trọng" puts the cursor there
        trong = tokens.token_at(nth(text, "Trọng wrote"))
        assert await pilot.click(view, cell_of(view, trong))
        assert screen.cursor == trong
        assert focused_text(screen) == "Trọng"
        assert screen.focused_span().label == "NORP"  # suggested wrongly: it is a PERSON
        await pilot.press("1")
        assert status(app) == "NORP -> PERSON “Trọng”"

        # drag right to left across "Samdech Techo Hun Sen"
        samdech = tokens.token_at(nth(text, "Samdech"))
        sen = tokens.token_at(nth(text, "Hun Sen") + len("Hun "))
        assert await pilot.mouse_down(view, cell_of(view, sen))
        await pilot.hover(view, cell_of(view, sen - 2))
        assert view.selection == (sen - 2, sen + 1)  # previewed while dragging
        await pilot.mouse_up(view, cell_of(view, samdech))
        await pilot.pause()
        assert screen.selection == (samdech, sen + 1)
        await pilot.press("1")

        # scrolled down: drag "Chol Chnam Thmey"
        put_cursor(pilot, "prosperity")
        await pilot.pause()
        assert view.scroll_offset.y > 0
        chol = tokens.token_at(nth(text, "Chol"))
        thmey = tokens.token_at(nth(text, "Thmey"))
        await pilot.mouse_down(view, cell_of(view, chol))
        await pilot.hover(view, cell_of(view, chol + 1))
        await pilot.mouse_up(view, cell_of(view, thmey))
        await pilot.pause()
        assert screen.selection == (chol, thmey + 1)
        await pilot.press("6")
        await save(pilot)
    (record,) = saved(tmp_path)
    labelled = spans_of(record)
    assert ("Trọng", "PERSON", "relabeled") in labelled
    assert ("Samdech Techo Hun Sen", "PERSON", "added") in labelled
    assert ("Chol Chnam Thmey", "EVENT", "added") in labelled


# -- span edits ------------------------------------------------------------------------------


async def test_reject_moves_a_suggestion_to_rejected_and_deletes_an_added_span(
    cached_root, tmp_path
):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        put_cursor(pilot, "ANN")
        await pilot.press("x")
        assert status(app) == "rejected ORG “ANN”"
        assert screen.focused_span() is None
        await pilot.press("x")  # nothing live under the cursor any more
        assert status(app) == "refused: no span under the cursor"
        await pilot.press("1")  # a new span on the same token
        added = screen.focused_span()
        assert added is not None
        assert added.origin == "annotator"
        await pilot.press("x")  # an added span is simply deleted
        await save(pilot)
    (record,) = saved(tmp_path)
    assert texts(record, "rejected") == ["ANN"]
    assert all(s.origin != "annotator" for s in [*record.spans, *record.rejected])
    assert "ANN" not in texts(record)


async def test_accept_and_accept_all_confirm_so_an_overlapping_span_is_refused(
    cached_root, tmp_path
):
    """A pending suggestion gives way to an overlapping selection; an accepted one does not."""
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        put_cursor(pilot, "Hun Sen")
        await pilot.press("a")
        assert status(app) == "accepted PERSON “Hun Sen”"
        assert screen.focused_span().status == "accepted"
        await pilot.press("left", "shift+right", "shift+right", "1")  # Techo Hun Sen
        assert status(app).startswith("refused: overlaps PERSON “Hun Sen”")

        count = screen.session.pending
        await pilot.press("A")
        assert status(app) == f"accepted {count} remaining suggestion(s) (u undoes)"
        assert screen.session.pending == 0
        put_cursor(pilot, "Hun Sen", 2)
        await pilot.press("left", "shift+right", "shift+right", "1")
        assert status(app).startswith("refused: overlaps PERSON “Hun Sen”")
        await pilot.press("u")  # undoes accept-all: the suggestions are pending again
        assert screen.session.pending == count
        # the second Hun Sen is pending again: the same selection replaces it
        await pilot.press("1")
        assert status(app) == "added PERSON “Techo Hun Sen”"
        await save(pilot)
    (record,) = saved(tmp_path)
    added = [s.start for s in record.spans if record.text[s.start : s.end] == "Techo Hun Sen"]
    assert added == [nth(record.text, "Techo Hun Sen", 2)]
    assert [s.start for s in record.rejected] == [nth(record.text, "Hun Sen", 2)]
    first = nth(record.text, "Hun Sen")
    assert [(s.label, s.edit) for s in record.spans if s.start == first] == [("PERSON", "accepted")]
    # the relation suggested from the second Hun Sen went with it; the first one's stay
    # (accept-all was undone and none was focused: kept)
    led = ("Hun Sen", "LEADER_OF", "Cambodian Government", "accepted")
    assert relations_of(record) == kept(DOC1_RELATIONS - {led})
    assert relations_of(record, "rejected_relations") == {led}


async def test_boundary_keys_resize(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        put_cursor(pilot, "Hun Sen")
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert status(app) == "resized PERSON “Techo Hun Sen” -> “Samdech Techo Hun Sen”"
        await pilot.press("left_curly_bracket")
        assert focused_text(screen) == "Techo Hun Sen"
        put_cursor(pilot, "Phnom Penh Post")
        await pilot.press("right_curly_bracket")
        assert focused_text(screen) == "Phnom Penh"
        put_cursor(pilot, "Nguyễn Phú Trọng")
        await pilot.press("right_square_bracket")
        assert focused_text(screen) == "Nguyễn Phú Trọng has"
        put_cursor(pilot, "Cambodia")  # one token: cannot shrink
        await pilot.press("right_curly_bracket")
        assert status(app) == "refused: a span keeps at least one token; reject it to remove it"
        await pilot.press("left_square_bracket", "left_square_bracket")  # "," then "Penh"
        assert status(app).startswith("refused: would overlap GPE “Phnom Penh”")
        await save(pilot)
    (record,) = saved(tmp_path)
    labelled = spans_of(record)
    assert ("Techo Hun Sen", "PERSON", "resized") in labelled
    assert ("Phnom Penh", "ORG", "resized") in labelled
    assert ("Nguyễn Phú Trọng has", "PERSON", "resized") in labelled
    assert (", Cambodia", "GPE", "resized") in labelled  # the first [ went through


# -- relations -------------------------------------------------------------------------------


async def test_relations_added_and_refused_by_the_type_constraint(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        # a DATE can be in no relation: no hint mode, said at once
        put_cursor(pilot, "April 18")
        await pilot.press("r")
        assert app.screen is screen
        assert status(app) == "refused: no span here can be in a relation with DATE"
        assert screen.relation_head is None
        # "General Secretary Trọng said, affirming that the Vietnamese Party and State ...":
        # Trọng (PERSON) -LEADER_OF-> Vietnamese Party (ORG) fits, and was not suggested
        put_cursor(pilot, "Trọng said, affirming")
        await pilot.press("r")  # hint mode over the spans that can be its other end
        assert isinstance(app.screen, HintScreen)
        assert screen.relation_head == screen.focused_span().id
        await pilot.press("enter")  # no hint: leaves hint mode, then enter on the head itself
        assert app.screen is screen
        assert status(app) == "refused: move the cursor onto another span, then press enter"
        assert screen.relation_head == screen.focused_span().id
        await pilot.press("tab")
        assert focused_text(screen) == "Vietnamese Party"
        await pilot.press("enter")
        modal = app.screen
        assert isinstance(modal, RelationLabelScreen)
        # only the types that fit PERSON -> ORG
        assert [(c.label, c.reversed) for c in modal.choices] == [
            ("LEADER_OF", False),
            ("MEMBER_OF", False),
        ]
        await pilot.press("l")
        assert app.screen is screen
        assert status(app) == (
            "added “Trọng” PERSON -LEADER_OF-> “Vietnamese Party” ORG (o reverses it)"
        )

        # from Vietnamese Party (ORG) to Trọng (PERSON): LEADER_OF and MEMBER_OF fit only the
        # other way round (listed reversed); MEETS (PERSON to PERSON) fits neither way
        await pilot.press("r", "shift+tab", "enter")  # shift+tab leaves hint mode and moves
        modal = app.screen
        assert isinstance(modal, RelationLabelScreen)
        assert [(c.label, c.reversed) for c in modal.choices] == [
            ("LEADER_OF", True),
            ("MEMBER_OF", True),
        ]
        await pilot.press("e")
        assert app.screen is modal  # still open: the refusal is explained in place
        refusal = str(modal.query_one("#refusal", Label).content)
        assert refusal == "refused: MEETS goes from PERSON to PERSON, not from ORG to PERSON"
        await pilot.press("escape")
        assert status(app) == "relation cancelled"
        assert screen.relation_head is None

        # a suggested relation: focus it (with none in focus, . goes to the first relation
        # from the cursor on) and accept it
        put_cursor(pilot, "Phnom Penh")
        await pilot.press("full_stop")
        relation = screen.session.relation(screen.focused_relation)
        assert (relation.label, relation.status) == ("LOCATED_IN", "pending")
        assert status(app) == (
            "“Phnom Penh” GPE -LOCATED_IN-> “Cambodia” GPE · pending (a accepts, x rejects)"
        )
        await pilot.press("a")
        assert status(app) == "accepted Phnom Penh -LOCATED_IN-> Cambodia"
        assert screen.session.relation(relation.id).status == "accepted"
        await save(pilot)
    (record,) = saved(tmp_path)
    assert relations_of(record) == {
        *kept(HUN_SEN_LEADS),  # never focused
        PHNOM_PENH_IN_CAMBODIA,
        ("Trọng", "LEADER_OF", "Vietnamese Party", "added"),
    }
    assert ("Vietnamese Party", "LEADER_OF", "Trọng", "added") not in relations_of(record)
    spans = {s.id: s.start for s in record.spans}
    assert [(spans[r.head], spans[r.child]) for r in record.relations if r.edit == "added"] == [
        (nth(record.text, "Trọng said, affirming"), nth(record.text, "Vietnamese Party and State"))
    ]
    assert record.rejected_relations == []


async def test_focus_relations_and_delete_a_suggested_one(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("X")
        assert status(app) == "refused: no relation is focused (. and , move between relations)"
        # "wished Hun Sen, the CPP leadership": not suggested. The relations go in text order
        # (by head, then child): Phnom Penh's suggestion, the first Hun Sen's three, the
        # second one's, then the added one
        put_cursor(pilot, "Hun Sen", 3)
        await pilot.press("r", "escape")  # escape leaves hint mode, the relation is kept
        assert app.screen is screen
        assert screen.relation_head == screen.focused_span().id
        put_cursor(pilot, "CPP", 5)
        await pilot.press("enter", "l")  # Hun Sen -LEADER_OF-> CPP, in focus once made
        added = screen.focused_relation
        assert screen.session.relation(added).origin == "annotator"
        await pilot.press("comma")  # the suggestion before it
        assert status(app) == (
            "“Hun Sen” PERSON -LEADER_OF-> “Cambodian Government” ORG · pending "
            "(a accepts, x rejects)"
        )
        assert screen.session.relation(screen.focused_relation).origin == "rule"
        await pilot.press("full_stop")  # and forward to the added one
        assert screen.focused_relation == added
        await pilot.press("full_stop")  # the last relation: wraps to the first
        assert status(app) == (
            "“Phnom Penh” GPE -LOCATED_IN-> “Cambodia” GPE · pending (a accepts, x rejects)"
        )
        await pilot.press("X")
        assert status(app) == "removed relation “Phnom Penh” GPE -LOCATED_IN-> “Cambodia” GPE"
        await pilot.press("x")  # right after: not the span under the cursor
        assert status(app) == "refused: that relation is removed; move the cursor to reject a span"
        await pilot.press("comma")  # nothing in focus, none before the cursor: the last one
        assert status(app).startswith("“Hun Sen” PERSON -LEADER_OF-> “CPP” ORG · accepted")
        assert screen.focused_relation == added
        await save(pilot)
    (record,) = saved(tmp_path)
    government = ("Hun Sen", "LEADER_OF", "Cambodian Government", "accepted")  # focused
    assert relations_of(record) == {
        *kept(HUN_SEN_LEADS - {government}),
        government,
        ("Hun Sen", "LEADER_OF", "CPP", "added"),
    }
    assert relations_of(record, "rejected_relations") == {PHNOM_PENH_IN_CAMBODIA}
    # deleting a relation leaves its spans alone
    assert {"Phnom Penh", "Cambodia"} <= set(texts(record))
    assert record.rejected == []


async def test_delete_an_added_relation(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        view = screen.query_one(ArticleView)
        text = screen.session.document.text
        put_cursor(pilot, "Hun Sen")
        await pilot.press("r")  # hint mode: every span that can be the other end has a hint
        assert isinstance(app.screen, HintScreen)
        hints = view.hints
        party = nth(text, "Cambodian People’s Party")
        assert party in hints
        assert nth(text, "April 18") not in hints  # a DATE joins no PERSON
        await pilot.press(*hints[party])  # typing the hint picks it and opens the picker
        assert isinstance(app.screen, RelationLabelScreen)
        assert view.hints == {}
        await pilot.press("m")  # MEMBER_OF (a slip: he leads it), in focus once made
        assert status(app) == (
            "added “Hun Sen” PERSON -MEMBER_OF-> “Cambodian People’s Party” ORG (o reverses it)"
        )
        await pilot.press("X")
        assert status(app) == (
            "removed relation “Hun Sen” PERSON -MEMBER_OF-> “Cambodian People’s Party” ORG"
        )
        await save(pilot)
    (record,) = saved(tmp_path)
    # an added relation is deleted, not kept as negative evidence; the suggested ones stay
    assert relations_of(record) == kept(DOC1_RELATIONS)
    assert record.rejected_relations == []


# -- undo and redo ---------------------------------------------------------------------------


async def test_undo_and_redo_several_edits(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("u")
        assert status(app) == "refused: nothing to undo"
        await pilot.press("ctrl+y")
        assert status(app) == "refused: nothing to redo"
        await pilot.press("tab", "x")  # 1: reject Phnom Penh (and its relation)
        await pilot.press("tab", "4")  # 2: Cambodia -> NORP
        await pilot.press("tab", "5")  # 3: COVID-19 -> DATE
        await pilot.press("tab", "left_square_bracket")  # 4: "on April 18"
        await pilot.press("u", "ctrl+z", "u", "ctrl+z")
        assert not screen.session.dirty
        await pilot.press("ctrl+z")
        assert status(app) == "refused: nothing to undo"
        await pilot.press("U", "ctrl+y", "U")  # redo 1, 2, 3
        assert status(app) == "redid: EVENT -> DATE “COVID-19”"  # the edit's own message
        await pilot.press("u")  # undo 3 again
        assert status(app) == "undid: EVENT -> DATE “COVID-19”"
        await save(pilot)
    (record,) = saved(tmp_path)
    assert texts(record, "rejected") == ["Phnom Penh"]
    assert relations_of(record, "rejected_relations") == {
        ("Phnom Penh", "LOCATED_IN", "Cambodia", "accepted")
    }
    labelled = spans_of(record)
    assert ("Cambodia", "NORP", "relabeled") in labelled
    assert nth(record.text, "COVID-19") in [s.start for s in record.spans if s.label == "EVENT"]
    assert ("April 18", "DATE", "accepted") in labelled
    assert ("on April 18", "DATE", "resized") not in labelled


# -- saving, flags and moving between documents ----------------------------------------------


async def test_save_accept_reject_ignore_open_the_next_document(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await save(pilot, "enter")
        assert screen.session.document.doc_id == DOC2
        assert status(app).startswith(f"saved {DOC1} (accept) to ")
        await pilot.press("R")  # asks first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing saved, the document stays open
        assert app.screen is screen
        assert screen.session.document.doc_id == DOC2
        await save(pilot, "R")
        assert screen.session.document.doc_id == DOC3
        await save(pilot, "I")
        assert screen.session.document.doc_id == DOC4
        await pilot.press("n")  # document 4 left without saving
        last = len(screen.worklist) - 1
        assert screen.position == last
        last_id = screen.session.document.doc_id
        await save(pilot, "enter")  # the last document: back to the first one not saved yet
        assert screen.session.document.doc_id == DOC4
        assert status(app).endswith("· back to document 4, the first not saved")
        await save(pilot, "enter")  # document 4: the next is the last, saved already
        assert screen.position == last
        await save(pilot, "enter")  # the same answer, no edit: nothing to append
        assert status(app) == (
            f"{last_id} is unchanged since saved: nothing appended · all {last + 1} documents done"
        )
    records = saved(tmp_path)
    assert [(r.doc_id, r.answer) for r in records] == [
        (DOC1, "accept"),
        (DOC2, "reject"),
        (DOC3, "ignore"),
        (last_id, "accept"),
        (DOC4, "accept"),
    ]
    assert all(r.annotator == "alice" and not r.flagged for r in records)


async def test_flag_with_a_note_then_unflag(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("F")
        assert isinstance(app.screen, FlagScreen)
        await pilot.press(*"Techo?", "enter")
        assert app.screen is screen
        assert status(app) == "flagged: “Techo?”"
        assert header_state(screen).startswith("● unsaved · ⚑ flagged: Techo?")
        await pilot.press("F")  # flagged: the same dialog, with the note to edit
        assert isinstance(app.screen, FlagScreen)
        assert app.screen.query_one(Input).value == "Techo?"
        await pilot.press("escape")  # leaves it as it is
        assert screen.session.note == "Techo?"
        await save(pilot)  # doc 1 flagged
        await pilot.press("F", "x", "enter", "F")  # flag, then F again: the dialog
        assert isinstance(app.screen, FlagScreen)
        await pilot.press("ctrl+u")  # unflags
        assert app.screen is screen
        assert status(app) == "unflagged"
        await save(pilot)
    first, second = saved(tmp_path)
    assert (first.flagged, first.note) == (True, "Techo?")
    assert (second.flagged, second.note) == (False, "")


async def test_next_previous_and_jump(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("n")
        assert screen.session.document.doc_id == DOC2
        await pilot.press("p")
        assert screen.session.document.doc_id == DOC1
        await pilot.press("p")  # there is nothing before the first
        assert status(app) == "refused: there is no document 0 (1 to 5)"
        await pilot.press("g", "3", "enter")
        assert screen.session.document.doc_id == DOC3
        await save(pilot, "I")  # doc 3, opens doc 4
        await pilot.press("g")  # by id: pasted (a bracketed paste from the terminal)
        app.screen.query_one(Input).post_message(events.Paste(DOC2))
        await pilot.press("enter")
        assert screen.session.document.doc_id == DOC2
        await save(pilot, "R")  # doc 2
        await pilot.press("g", "9", "enter")
        assert status(app) == "refused: there is no document 9 (1 to 5)"
        assert screen.session.document.doc_id == DOC3
        await pilot.press("g", *DOC4[:6], "enter")  # the start of an id, if only one has it
        assert screen.session.document.doc_id == DOC4
    assert [(r.doc_id, r.answer) for r in saved(tmp_path)] == [(DOC3, "ignore"), (DOC2, "reject")]


async def test_saved_document_reopens_in_its_saved_version_and_saves_history(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        put_cursor(pilot, "Cambodia")
        await pilot.press("x")
        put_cursor(pilot, "COVID-19")
        await pilot.press("2")
        await save(pilot)
        await pilot.press("p")
        assert screen.session.document.doc_id == DOC1
        assert screen.opened.source == "saved"
        assert status(app) == f"{DOC1}: your saved version (saving again adds a new version)"
        assert not screen.session.dirty
        # what was kept without being looked at is still to review; the rest is accepted
        (first,) = saved(tmp_path)
        unseen = [s for s in [*first.spans, *first.relations] if s.edit == "kept"]
        assert unseen
        assert screen.session.pending == len(unseen)
        assert header_state(screen) == f"{len(unseen)} unseen"
        put_cursor(pilot, "HÀ NỘI")
        await pilot.press("x")
        await save(pilot, "R")
    first, second = saved(tmp_path)
    assert first.doc_id == second.doc_id == DOC1
    assert (first.answer, second.answer) == ("accept", "reject")
    assert texts(first, "rejected") == ["Cambodia"]
    assert texts(second, "rejected") == ["Cambodia", "HÀ NỘI"]
    # the first version's edits survive the round trip through the store
    assert ("COVID-19", "ORG", "relabeled") in spans_of(second)
    assert spans_of(first) - spans_of(second) == {("HÀ NỘI", "GPE", "kept")}
    assert second.seconds >= first.seconds
    assert relations_of(second, "rejected_relations") == relations_of(first, "rejected_relations")

    # a new session resumes at the first document without a saved version
    again = make_app(tmp_path, tmp_path)
    async with again.run_test(size=SIZE):
        assert screen_of(again).session.document.doc_id == DOC2


async def test_quit_with_unsaved_edits_asks_first(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "x")
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep working
        assert isinstance(app.screen, AnnotateScreen)
        assert app.return_code is None  # still running
        await save(pilot)
        await pilot.press("tab", "x", "q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app._exit
    assert app.return_code == 0
    (record,) = saved(tmp_path)  # the second document's edit was dropped, as agreed
    assert record.doc_id == DOC1
    assert texts(record, "rejected") == ["Phnom Penh"]


async def test_leaving_a_document_with_unsaved_edits_asks_first(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("tab", "x")
        await pilot.press("n")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no: stay, with the edit
        assert screen.session.document.doc_id == DOC1
        assert screen.session.dirty
        await pilot.press("g", "2", "enter", "y")  # yes: the edit is dropped
        assert screen.session.document.doc_id == DOC2
        await pilot.press("p")  # nothing to lose on doc 2: no question
        assert screen.session.document.doc_id == DOC1
        assert screen.opened.source == "suggested"
        await save(pilot)
    (record,) = saved(tmp_path)
    assert record.doc_id == DOC1
    assert record.rejected == []


# -- search, view, help, palette, keymap -----------------------------------------------------


async def test_search_selects_the_match_then_label_it(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        text = screen.session.document.text
        tokens = screen.session.tokens
        await pilot.press("slash", *"hun sen", "enter")  # case-insensitive
        # the match is selected and the cursor is on its last token (shift+→ grows it)
        assert screen.cursor == tokens.token_at(nth(text, "Hun Sen", 1) + len("Hun "))
        await pilot.press("slash")  # the prompt offers the last term: enter finds the next
        assert app.screen.query_one(Input).value == "hun sen"
        await pilot.press("enter")
        assert screen.cursor == tokens.token_at(nth(text, "Hun Sen", 2) + len("Hun "))
        await pilot.press("x")  # rejects the suggestion under the cursor
        await pilot.press("slash", "ctrl+u", *"l chnam t", "enter")
        start, end = tokens.chars(*screen.selection)  # snapped to whole tokens
        assert text[start:end] == "Chol Chnam Thmey"
        # the status names the text found, as the article writes it
        assert status(app) == "found “l Chnam T” · a label key labels it, / searches again"
        await pilot.press("6")
        await save(pilot)
    (record,) = saved(tmp_path)
    assert ("Chol Chnam Thmey", "EVENT", "added") in spans_of(record)
    assert [s.start for s in record.rejected] == [nth(record.text, "Hun Sen", 2)]


async def test_search_ignores_accents(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        text = screen.session.document.text
        await pilot.press("slash", *"viet nam", "enter")  # finds “Việt Nam”
        start, end = screen.session.tokens.chars(*screen.selection)
        assert (start, text[start:end]) == (nth(text, "Việt Nam"), "Việt Nam")
        assert status(app).startswith("found “Việt Nam”")


async def test_search_match_grows_with_shift_right(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("slash", *"chol ch", "enter")  # selects "Chol Chnam"
        await pilot.press("shift+right")
        start, end = screen.session.tokens.chars(*screen.selection)
        assert screen.session.document.text[start:end] == "Chol Chnam Thmey"
        await pilot.press("6")
        await save(pilot)
    (record,) = saved(tmp_path)
    assert ("Chol Chnam Thmey", "EVENT", "added") in spans_of(record)


async def test_show_and_hide_rejected(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        view = screen.query_one(ArticleView)
        await pilot.press("tab", "tab", "x")  # reject Cambodia
        assert [m.kind for m in view.marks].count("rejected") == 0
        assert screen.focused_span() is None
        await pilot.press("h")
        assert status(app) == "showing rejected suggestions"
        rejected = [m for m in view.marks if m.kind == "rejected"]
        assert [(m.label, view.text[m.start : m.end]) for m in rejected] == [("GPE", "Cambodia")]
        assert focused_text(screen) == "Cambodia"
        await pilot.press("a")  # shown, but still rejected
        assert status(app).startswith("refused: GPE “Cambodia” is rejected")
        await pilot.press("shift+tab", "tab")  # tab visits shown rejected spans
        assert focused_text(screen) == "Cambodia"
        await pilot.press("h")
        assert status(app) == "hiding rejected"
        assert all(m.kind != "rejected" for m in view.marks)
        await pilot.press("shift+tab", "tab")
        assert focused_text(screen) == "COVID-19"
        await save(pilot)
    (record,) = saved(tmp_path)
    assert texts(record, "rejected") == ["Cambodia"]
    assert nth(record.text, "Cambodia") not in [s.start for s in record.spans]


async def test_help_lists_keys_and_the_guideline(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {text: key for key, text in help_screen.keys}
        assert keys["Accept the span (or relation) in focus"] == "a"
        assert keys["Undo the last edit"] == "u, ^z"
        keys["Command palette: every action by name"] = "ctrl+p"
        console = Console(width=200, record=True, file=io.StringIO())
        for static in help_screen.query(Static):
            console.print(static.content)
        shown = console.export_text()
        assert keys["Cursor to the next span"] == "tab"  # not in the footer, still here
        for description in (
            "Accept the span (or relation) in focus",
            "Accept every remaining suggestion (u undoes)",
            "Save as accepted, go to the next document",
            "Span start one token left",
            "Span start one character left",
            "Next suggestion not looked at",
            "Command palette: every action by name",
        ):
            key = keys[description]
            assert re.search(rf"^ *{re.escape(key)} +{re.escape(description)}", shown, re.M)
        assert re.search(r"^ *1 +PERSON +A person's name only: no title or honorific", shown, re.M)
        assert re.search(r"LEADER_OF +PERSON → ORG\|GPE", shown)
        await pilot.press("x", "A")  # keys of the screen below do nothing while help is up
        await pilot.press("escape")
        assert isinstance(app.screen, AnnotateScreen)
        await save(pilot)
    (record,) = saved(tmp_path)
    assert record.rejected == []


async def test_footer_shows_the_everyday_keys_in_order(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [(key.key_display, key.description) for key in screen_of(app).query("FooterKey")]
        # tab (next) and A (all) are no longer there: still bound, in help and the palette
        assert shown == [
            ("?", "help"), ("q", "quit"), ("f", "hint"), ("j", "unseen"), ("a", "accept"),
            ("x", "reject"), ("r", "relation"), ("u", "undo"), ("⏎", "save"), ("^p", "palette"),
        ]  # fmt: skip


async def test_command_palette_lists_actions_and_runs_accept_all(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("ctrl+p")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        commands = palette.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count > 20)  # searched in a worker

        listed = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        for description in (
            "Accept every remaining suggestion",
            "Relation from the span in focus: its other end's hint, then the label",
            "Cursor to the next span",
            "Undo the last edit",
            "Label the selection or the span in focus PERSON",
        ):
            assert any(description in row for row in listed), description
        await pilot.press(*"Accept every")

        def top() -> str:
            return str(commands.get_option_at_index(0).prompt) if commands.option_count else ""

        await wait_until(pilot, lambda: top().startswith("Accept every remaining suggestion"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.session.pending == 0
        put_cursor(pilot, "Hun Sen")
        await pilot.press("left", "shift+right", "shift+right", "1")  # refused: all accepted
        await save(pilot)
    (record,) = saved(tmp_path)
    assert "Techo Hun Sen" not in texts(record)
    assert ("Hun Sen", "PERSON", "accepted") in spans_of(record)


async def test_remapped_keys(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path, keymap={"span.accept": "k", "span.reject": "j"})
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot.press("tab", "j")  # reject Phnom Penh with the new key
        span = put_cursor(pilot, "Hun Sen")
        await pilot.press("a", "x")  # the old keys do nothing now
        assert screen.session.span(span.id).status == "pending"
        await pilot.press("k")
        assert screen.session.span(span.id).status == "accepted"
        await pilot.press("left", "shift+right", "shift+right", "1")  # refused: accepted
        await save(pilot)
    (record,) = saved(tmp_path)
    assert texts(record, "rejected") == ["Phnom Penh"]
    assert "Techo Hun Sen" not in texts(record)


async def test_remapped_keys_are_shown_in_help(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path, keymap={"span.accept": "k"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        keys = {text: key for key, text in app.screen.keys}
        assert keys["Accept the span (or relation) in focus"] == "k"
        await pilot.press("escape")
        await save(pilot)
    (record,) = saved(tmp_path)
    assert record.answer == "accept"


# -- keys of "a day at the keyboard" ---------------------------------------------------------


async def test_j_and_k_go_to_the_suggestions_not_looked_at(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        unseen = len(screen.session.unreviewed())
        await pilot.press("j")  # the first from the cursor on
        assert focused_text(screen) == "Phnom Penh"
        assert status(app) == (
            f"GPE “Phnom Penh” · suggested · {unseen - 1} more not looked at (j, k)"
        )
        assert header_state(screen) == f"{unseen - 1} unseen"
        await pilot.press("j")  # the relation from it, not looked at either
        assert status(app) == (
            "“Phnom Penh” GPE -LOCATED_IN-> “Cambodia” GPE · suggested · "
            f"{unseen - 2} more not looked at (j, k)"
        )
        await pilot.press("k")  # nothing unseen before the cursor: wraps to the last
        assert focused_text(screen) == "VNS"
        await pilot.press("A", "j")
        assert status(app) == "every suggestion has been looked at"
        await pilot.press("u")  # accept-all undone: pending, and not looked at, again
        await save(pilot)
    (record,) = saved(tmp_path)
    labelled = spans_of(record)
    assert {("Phnom Penh", "GPE", "accepted"), ("VNS", "ORG", "accepted")} <= labelled
    assert ("Cambodia", "GPE", "kept") in labelled
    assert relations_of(record) == {*kept(HUN_SEN_LEADS), PHNOM_PENH_IN_CAMBODIA}


async def test_character_boundaries_reverse_and_side_panel(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        put_cursor(pilot, "Hun Sen")
        await pilot.press("less_than_sign")  # end one character left
        assert status(app) == "resized PERSON “Hun Sen” -> “Hun Se”"
        await pilot.press("greater_than_sign")  # and back
        assert focused_text(screen) == "Hun Sen"
        await pilot.press("right_parenthesis")  # start one character right
        assert status(app) == "resized PERSON “Hun Sen” -> “un Sen”"
        await pilot.press("left_parenthesis")  # and back
        assert focused_text(screen) == "Hun Sen"
        await pilot.press("1")  # PERSON already
        assert status(app) == "nothing to change: it is like that already"
        put_cursor(pilot, "Phnom Penh")
        await pilot.press("full_stop", "o")  # reverse the relation in focus
        assert status(app) == "reversed: “Cambodia” GPE -LOCATED_IN-> “Phnom Penh” GPE"
        side = screen.query_one(SidePanel)
        await pilot.press("b")
        assert (status(app), side.display) == ("side panel hidden (b shows it)", False)
        await pilot.press("b")
        assert (status(app), side.display) == ("side panel shown", True)
        await save(pilot)
    (record,) = saved(tmp_path)
    # the span is where it started: its moves came back to it
    first = nth(record.text, "Hun Sen")
    assert [(s.end, s.edit) for s in record.spans if s.start == first] == [
        (first + len("Hun Sen"), "accepted")
    ]
    assert ("Cambodia", "LOCATED_IN", "Phnom Penh", "added") in relations_of(record)
    assert relations_of(record, "rejected_relations") == {PHNOM_PENH_IN_CAMBODIA}


async def test_span_and_token_hints_then_ctrl_q_and_ctrl_c_ask_first(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        view = screen.query_one(ArticleView)
        text = screen.session.document.text
        await pilot.press("f")  # a hint on every span on screen, the nearest the shortest
        assert isinstance(app.screen, HintScreen)
        assert view.hints[nth(text, "Phnom Penh")] == "a"
        await pilot.press(*view.hints[nth(text, "Cambodia")])
        assert app.screen is screen
        assert focused_text(screen) == "Cambodia"
        await pilot.press("t")  # a hint on every token
        assert isinstance(app.screen, HintScreen)
        assert nth(text, "block") in view.hints
        await pilot.press(*view.hints[nth(text, "block")])
        assert app.screen is screen
        assert cursor_text(screen) == "block"
        assert view.hints == {}
        await pilot.press("4")  # NORP: an unsaved edit
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert app.return_code is None
        await pilot.press("ctrl+c")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app._exit
    assert saved(tmp_path) == []  # the edit was dropped, as agreed
