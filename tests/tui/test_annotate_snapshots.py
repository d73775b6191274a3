"""Snapshots of the annotate UI (pytest-textual-snapshot) at 80x24, the smallest terminal it
is made for (and the main screen at 120x40): the main screen, hint mode, the help screen and
the relation picker with a relation refused by the schema. Regenerate with
``pytest --snapshot-update`` and look at the SVGs before committing them.

Nothing in these screens varies between runs: the header shows no clock or elapsed time
(seconds are only saved), the progress bar has no ETA, no Input (blinking cursor) is shown,
and the status line shows the document's message, not a timing.
"""

from __future__ import annotations

from textual.widgets import Label

from redline.tui.annotate import AnnotateScreen
from redline.tui.modals import HelpScreen, RelationLabelScreen
from tests.support.tui import make_app

SIZE = (80, 24)


def test_main_screen_at_120_columns(cached_root, tmp_path, snap_compare):
    app = make_app(cached_root, tmp_path)
    assert snap_compare(app, press=["tab"], terminal_size=(120, 40))


def test_hint_mode_on_the_spans(cached_root, tmp_path, snap_compare):
    app = make_app(cached_root, tmp_path)
    assert snap_compare(app, press=["tab", "f"], terminal_size=SIZE)


def test_main_screen_on_the_first_document(cached_root, tmp_path, snap_compare):
    app = make_app(cached_root, tmp_path)

    async def ready(pilot) -> None:
        await pilot.pause()
        assert isinstance(pilot.app.screen, AnnotateScreen)
        assert pilot.app.screen.session.document.doc_id == "000_317a0d864143cfa9"

    # tab: the cursor on the first suggestion, so the focused mark shows too
    assert snap_compare(app, press=["tab"], terminal_size=SIZE, run_before=ready)


def test_help_screen(cached_root, tmp_path, snap_compare):
    app = make_app(cached_root, tmp_path)

    async def open_help(pilot) -> None:
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def test_refused_relation(cached_root, tmp_path, snap_compare):
    """Phnom Penh (GPE) -LEADER_OF-> Cambodia (GPE): the modal says why not."""
    app = make_app(cached_root, tmp_path)

    async def refuse(pilot) -> None:
        await pilot.press("tab", "r", "tab", "enter", "l")  # tab leaves the hints
        modal = pilot.app.screen
        assert isinstance(modal, RelationLabelScreen)
        refusal = str(modal.query_one("#refusal", Label).content)
        assert refusal == "refused: LEADER_OF goes from PERSON to ORG|GPE, not from GPE to GPE"

    assert snap_compare(app, terminal_size=SIZE, run_before=refuse)
