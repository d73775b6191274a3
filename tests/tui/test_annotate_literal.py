"""Article text is shown literally: markup, ANSI/OSC escapes and control characters are never
interpreted and never reach the terminal, and saved offsets still match the original text.

(The names stand apart from the markup: glued to it, "[bold]Hun" is one spaCy token and a span
snaps to whole tokens.)"""

from __future__ import annotations

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.tui.app import RedlineApp
from redline.tui.article import ArticleView
from redline.tui.side_panel import SidePanel
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA

HOSTILE = (
    "[bold] Hun Sen [/] met \x1b[31m Tô Lâm \x1b[0m in Hà Nội.\x07 [link=https://x.test]click[/link]\n"
    "\x1b]0;pwned\x07 Title set? \x1b[2J Screen cleared? \x9b6n C1 CSI. Tab\there, DEL\x7f, "
    "NUL-free \x0b vertical tab, and :smile: [/] [red on white] Việt Nam [/red on white]."
)


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def test_hostile_text_renders_literally_and_offsets_hold(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    schema = load_schema(NEWS_SCHEMA)
    worklist = Worklist(Corpus(folder), open_dataset("lit", tmp_path), "alice", schema)
    app = RedlineApp(worklist)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        shown = "\n".join(view.render_line(y).text for y in range(view.line_count))
        for control in ("\x1b", "\x07", "\x9b", "\x7f", "\t", "\x0b"):
            assert control not in shown
        for literal in (
            "[bold] Hun Sen [/]",
            "␛[31m Tô Lâm ␛[0m",
            "␛]0;pwned␇",
            "[/link]",
            "␡",
            "␋",
        ):
            assert literal in shown
        assert "[red on white] Việt Nam [/red on white]" in " ".join(
            line.rstrip() for line in shown.splitlines()
        )
        # label the marked-up name and the name inside escapes, then save
        await pilot.press("slash", *typed("Hun Sen"), "enter", "1")
        await pilot.press("slash", *typed("Tô Lâm"), "enter", "1")
        await pilot.press("slash", *typed("Việt Nam"), "enter", "3")
        panel_text = str(app.screen.query_one(SidePanel).query_one("#spans").render_line(0).text)
        assert "\x1b" not in panel_text
        await pilot.press("enter")
        await pilot.pause()
    (record,) = worklist.dataset.open("alice").iter_newest()
    assert record.text == HOSTILE
    assert {(HOSTILE[s.start : s.end], s.label) for s in record.spans} == {
        ("Hun Sen", "PERSON"),
        ("Tô Lâm", "PERSON"),
        ("Việt Nam", "GPE"),
    }
