"""ArticleView: wrapping, literal text, minimal repaints, mouse messages and mark styles.

pytest-asyncio is not available, so each async scenario runs under `asyncio.run` inside
a plain test function.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from rich.cells import cell_len
from rich.color import Color as RichColor
from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.message import Message
from textual.strip import Strip

from redline.tui.article import ArticleView
from redline.tui.marks import Mark
from redline.tui.wrap import display_text, wrap_lines

Scenario = Callable[["Host", ArticleView, Any], Awaitable[None]]


def tokenize(text: str) -> list[tuple[int, int]]:
    """Whitespace tokens: enough for layout tests, no spaCy needed."""
    return [match.span() for match in re.finditer(r"\S+", text)]


class Host(App[None]):
    """Tiny host: one ArticleView filling the screen, recording the view's messages."""

    def __init__(self, text: str, tokens: Sequence[tuple[int, int]] | None = None) -> None:
        super().__init__()
        self.text = text
        self.tokens = tokenize(text) if tokens is None else list(tokens)
        self.received: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ArticleView()

    def on_mount(self) -> None:
        self.query_one(ArticleView).set_document(self.text, self.tokens)

    def on_article_view_token_clicked(self, message: ArticleView.TokenClicked) -> None:
        self.received.append(message)

    def on_article_view_selection_dragged(self, message: ArticleView.SelectionDragged) -> None:
        self.received.append(message)


def run(text: str, scenario: Scenario, size: tuple[int, int] = (40, 10), **kw: Any) -> None:
    async def main() -> None:
        app = Host(text, **kw)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, app.query_one(ArticleView), pilot)

    asyncio.run(main())


def rows(view: ArticleView) -> list[str]:
    """Text of every visual line (the view is never scrolled when this is used)."""
    return [view.render_line(y).text.rstrip() for y in range(view.line_count)]


def count_builds(view: ArticleView) -> list[int]:
    """Spy on the expensive strip builder; returns the list of rebuilt line indices."""
    built: list[int] = []
    original = view._build_strip

    def spy(index: int) -> Strip:
        built.append(index)
        return original(index)

    view._build_strip = spy  # type: ignore[method-assign]
    return built


def style_of(view: ArticleView, line: int, word: str) -> Any:
    """The rich Style of the segment drawing `word` on visual `line`."""
    for segment in view._build_strip(line):
        if segment.text == word:
            return segment.style
    raise AssertionError(f"{word!r} not drawn as one segment on line {line}")


# ---------------------------------------------------------------- pure functions


def test_display_text_replaces_controls_one_for_one() -> None:
    raw = "a\x1b[31mb\x1b]0;title\x07c\td\x7fe\x85f\x9bg\nh\x00"
    shown = display_text(raw)
    assert len(shown) == len(raw)
    assert shown == "a␛[31mb␛]0;title␇c␉d␡e�f�g\nh␀"
    assert all(ch == "\n" or ch.isprintable() for ch in shown)


def test_display_text_leaves_markup_and_unicode_alone() -> None:
    raw = "[bold]Hà Nội[/] 北京 😀"
    assert display_text(raw) == raw


def test_wrap_breaks_on_word_boundaries() -> None:
    text = "alpha beta gamma delta epsilon"
    lines = wrap_lines(text, 12)
    assert [text[line.start : line.end] for line in lines] == [
        "alpha beta",
        "gamma delta",
        "epsilon",
    ]
    assert all(line.cells <= 12 for line in lines)


def test_wrap_hard_splits_only_overlong_words() -> None:
    text = "ab abcdefghijkl cd"
    assert [text[s:e] for s, e, _ in wrap_lines(text, 5)] == ["ab", "abcde", "fghij", "kl cd"]


def test_wrap_keeps_paragraphs_and_blank_rows() -> None:
    text = "one two\n\nthree\n"
    assert [text[s:e] for s, e, _ in wrap_lines(text, 20)] == ["one two", "", "three", ""]


def test_wrap_counts_wide_characters_as_two_cells() -> None:
    text = "北京欢迎你北京 ab"
    lines = wrap_lines(text, 10)
    assert [text[s:e] for s, e, _ in lines] == ["北京欢迎你", "北京 ab"]
    assert [cells for _, _, cells in lines] == [10, 7]


# ---------------------------------------------------------------- widget layout

ARTICLE = (
    "Hun Sen met Nguyễn Phú Trọng in Hà Nội on Tuesday to discuss the Mekong river "
    "dams and a supercalifragilisticexpialidociousandthensome deal.\n\n"
    "北京欢迎你北京欢迎你北京欢迎你北京欢迎你北京欢迎你 said officials."
)


def test_widget_wraps_to_content_width() -> None:
    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        width = view.scrollable_content_region.width
        assert width == 39  # 40 columns minus the one-cell scrollbar gutter
        texts = rows(view)
        assert all(cell_len(row) <= width for row in texts)
        assert "" in texts  # the paragraph break is an empty row
        for start, end in app.tokens:
            first, last = view._layout.line_of_char(start), view._layout.line_of_char(end - 1)
            if cell_len(app.text[start:end]) <= width:
                assert first == last, app.text[start:end]
        assert any(row.startswith("北京欢迎你") and cell_len(row) == 38 for row in texts)

    run(ARTICLE, scenario)


def test_resize_rewraps() -> None:
    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        narrow = view.line_count
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        assert view.scrollable_content_region.width == 79
        assert view.line_count < narrow
        assert all(cell_len(row) <= 79 for row in rows(view))

    run(ARTICLE, scenario)


def test_markup_and_escapes_are_shown_literally() -> None:
    text = "[bold]x[/] \x1b[31mred\x1b[0m \x1b]0;title\x07 tab\there \x9b2J del\x7f"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        shown = "".join(rows(view))
        assert "[bold]x[/]" in shown
        assert "␛[31mred␛[0m" in shown
        assert "␛]0;title␇" in shown
        assert "tab␉here" in shown
        assert "�2J" in shown
        assert "del␡" in shown
        for y in range(view.line_count):
            for segment in view.render_line(y):
                assert all(ch.isprintable() for ch in segment.text), segment.text

    run(text, scenario, size=(60, 6))


# ---------------------------------------------------------------- geometry helpers


def test_token_geometry_helpers() -> None:
    text = "alpha beta gamma delta epsilon zeta"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        # width 14 -> "alpha beta", "gamma delta", "epsilon zeta"
        assert rows(view) == ["alpha beta", "gamma delta", "epsilon zeta"]
        assert [view.line_of_token(i) for i in range(6)] == [0, 0, 1, 1, 2, 2]
        assert view.token_at(Offset(7, 0)) == 1
        assert view.token_at(Offset(5, 0)) is None  # the space between tokens
        assert view.token_at(Offset(12, 0)) is None  # past the line's end
        assert view.token_at(Offset(0, 5)) is None
        assert view.token_x(3) == 6
        assert view.token_on_line(1, view.token_x(1)) == 3
        assert view.token_on_line(2, 0) == 4
        assert view.lines_per_page == 4

    run(text, scenario, size=(15, 4))


def test_token_on_line_skips_blank_rows() -> None:
    text = "one two\n\nthree four"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        assert rows(view) == ["one two", "", "three four"]
        assert view.token_on_line(1, 4, direction=-1) == 1  # "two"
        assert view.token_on_line(1, 0, direction=1) == 2

    run(text, scenario)


def test_cursor_scrolls_into_view() -> None:
    text = " ".join(f"w{i}" for i in range(300))

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        view.set_cursor(299)
        await pilot.pause()
        line = view.line_of_token(299)
        assert view.scroll_y <= line < view.scroll_y + view.lines_per_page
        view.set_cursor(0)
        await pilot.pause()
        assert view.scroll_y == 0

    run(text, scenario, size=(20, 5))


# ---------------------------------------------------------------- minimal repaints


def test_cursor_and_selection_repaint_only_changed_lines() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        built = count_builds(view)
        view.set_cursor(1)  # same line as token 0
        await pilot.pause()
        assert built == [0]
        built.clear()
        view.set_cursor(4)  # line 0 -> line 2
        await pilot.pause()
        assert sorted(built) == [0, 2]
        built.clear()
        view.set_selection((2, 8))  # lines 1..3
        await pilot.pause()
        assert sorted(built) == [1, 2, 3]
        built.clear()
        view.set_selection((2, 9))  # only the end edge moved, within line 3
        await pilot.pause()
        assert sorted(built) == [3]
        built.clear()
        view.set_selection((2, 10))  # end edge crosses the break onto line 4
        await pilot.pause()
        assert sorted(built) == [4]
        built.clear()
        view.set_selection((3, 10))  # start edge moves within line 1
        await pilot.pause()
        assert sorted(built) == [1]
        built.clear()
        view.set_selection(None)
        await pilot.pause()
        assert sorted(built) == [1, 2, 3, 4]

    run(text, scenario, size=(15, 8))


def test_large_article_cursor_moves_rebuild_one_or_two_lines() -> None:
    """Benchmark-like: counts strip builds, not time, on 10,000 tokens and 1,000 marks."""
    words = [f"tok{i}" for i in range(10_000)]
    text = " ".join(words)
    tokens = tokenize(text)
    marks = [
        Mark(*tokens[i], label="PERSON", kind="confirmed" if i % 20 else "suggested")
        for i in range(0, 10_000, 10)
    ]

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        view.set_marks(marks)
        await pilot.pause()
        built = count_builds(view)
        for target in (1, 2, 3, 4, 5, 6, 7, 8):
            built.clear()
            view.set_cursor(target)
            await pilot.pause()
            assert 1 <= len(built) <= 2
            assert set(built) <= {view.line_of_token(target - 1), view.line_of_token(target)}
        built.clear()
        view.set_marks([*marks[:-1], Mark(*tokens[9_990], label="ORG", kind="rejected")])
        await pilot.pause()
        assert built == []  # the changed mark is off screen: nothing visible to rebuild
        view.set_marks([Mark(*tokens[3], label="ORG", kind="confirmed"), *marks[1:]])
        await pilot.pause()
        assert built == [0]

    run(text, scenario, size=(80, 24), tokens=tokens)


# ---------------------------------------------------------------- mouse


def test_click_posts_token_clicked() -> None:
    text = "alpha beta gamma delta"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        await pilot.click(ArticleView, offset=(12, 0))  # inside "gamma"
        await pilot.pause()
        assert [type(m) for m in app.received] == [ArticleView.TokenClicked]
        assert app.received[0].token == 2

    run(text, scenario)


def test_drag_posts_selection_dragged() -> None:
    text = "alpha beta gamma delta epsilon"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        await pilot.mouse_down(ArticleView, offset=(7, 0))  # "beta"
        await pilot.hover(ArticleView, offset=(12, 0))  # "gamma"
        await pilot.hover(ArticleView, offset=(18, 0))  # "delta"
        await pilot.mouse_up(ArticleView, offset=(18, 0))
        await pilot.pause()
        dragged = [m for m in app.received if isinstance(m, ArticleView.SelectionDragged)]
        assert [(m.start, m.end) for m in dragged] == [(1, 4)]
        assert not [m for m in app.received if isinstance(m, ArticleView.TokenClicked)]
        assert view.selection == (1, 4)  # live feedback while dragging

    run(text, scenario)


def test_backward_drag_normalises_range() -> None:
    text = "alpha beta gamma delta epsilon"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        await pilot.mouse_down(ArticleView, offset=(24, 0))  # "epsilon"
        await pilot.hover(ArticleView, offset=(1, 0))  # "alpha"
        await pilot.mouse_up(ArticleView, offset=(1, 0))
        await pilot.pause()
        assert [(m.start, m.end) for m in app.received] == [(0, 5)]

    run(text, scenario)


# ---------------------------------------------------------------- styles


def test_suggested_confirmed_rejected_styles_differ() -> None:
    text = "Alice met Bob near Paris with Carol"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        view.set_label_colors({"PER": "#ff0000", "LOC": "#00aa00"})
        view.set_marks(
            [
                Mark(0, 5, "PER", "confirmed"),
                Mark(10, 13, "PER", "suggested"),
                Mark(19, 24, "LOC", "rejected"),
                Mark(30, 35, "PER", "confirmed", focused=True),
            ]
        )
        view.set_cursor(3)  # park the cursor on "near", away from the marks
        red = RichColor.parse("#ff0000")
        confirmed = style_of(view, 0, "Alice")
        suggested = style_of(view, 0, "Bob")
        rejected = style_of(view, 0, "Paris")
        focused = style_of(view, 0, "Carol")
        plain = style_of(view, 0, " met ")
        assert confirmed.bgcolor == red
        assert confirmed.color != red
        assert suggested.color == red
        assert suggested.underline
        assert suggested.bgcolor != red
        assert suggested.bgcolor == plain.bgcolor
        assert rejected.strike
        assert rejected.dim
        assert focused.bold
        assert focused.reverse
        assert len({confirmed, suggested, rejected, focused, plain}) == 5

    run(text, scenario, size=(60, 4))


def test_a_nested_span_is_painted_over_its_outer_span_and_underlined() -> None:
    text = "the Vermont Air National Guard arrived"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        view.set_label_colors({"Org": "#ff0000", "Place": "#0000ff"})
        view.set_marks(
            [
                Mark(0, 30, "Org", "confirmed"),  # the Vermont Air National Guard
                Mark(4, 11, "Place", "confirmed"),  # Vermont
                Mark(12, 30, "Org", "confirmed"),  # Air National Guard: same label inside
            ]
        )
        view.set_cursor(5)  # on "arrived"
        outer = style_of(view, 0, "the ")
        place = style_of(view, 0, "Vermont")
        same_label = style_of(view, 0, "Air National Guard")
        assert outer.bgcolor == RichColor.parse("#ff0000")
        assert not outer.underline
        assert place.bgcolor == RichColor.parse("#0000ff")
        assert place.underline
        assert same_label.bgcolor == outer.bgcolor
        assert same_label.underline

    run(text, scenario, size=(60, 4))


def test_cursor_selection_and_relation_end_styles() -> None:
    text = "Alice met Bob near Paris"

    async def scenario(app: Host, view: ArticleView, pilot: Any) -> None:
        view.set_marks([Mark(19, 24, "LOC", "confirmed", relation_end=True)])
        view.set_selection((1, 3))
        plain = style_of(view, 0, " near ")
        assert style_of(view, 0, "Alice").reverse  # cursor on token 0
        selected = style_of(view, 0, "met Bob")  # one run, including the gap
        assert selected.bgcolor != plain.bgcolor
        relation_end = style_of(view, 0, "Paris")
        assert (
            relation_end.bgcolor
            == view.get_component_rich_style("article--relation-end", partial=True).bgcolor
        )

    run(text, scenario, size=(60, 4))


def test_set_document_rejects_bad_tokens() -> None:
    view = ArticleView()
    with pytest.raises(ValueError, match="bad token"):
        view.set_document("abc", [(2, 3), (0, 1)])
    with pytest.raises(ValueError, match="bad token"):
        view.set_document("abc", [(0, 4)])
