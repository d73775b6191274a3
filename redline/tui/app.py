"""The Textual application: screens, the keymap, and a command palette with every action."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from redline.review import ReviewWorklist
from redline.tui.annotate import AnnotateScreen
from redline.tui.bindings import key_table
from redline.tui.review import ReviewScreen
from redline.worklist import Worklist


class RedlineApp(App[None]):
    """``redline annotate``: one screen per task, keys remappable, every action in ctrl+p."""

    TITLE = "redline"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        worklist: Worklist | ReviewWorklist,
        *,
        start: int | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.worklist = worklist
        self.start = start
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        if isinstance(self.worklist, ReviewWorklist):
            self.push_screen(ReviewScreen(self.worklist, self.start))
        else:
            self.push_screen(AnnotateScreen(self.worklist, self.start))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every binding of the current screen by its description, then Textual's own."""
        for action, keys, text in key_table(screen, self.get_key_display):
            yield SystemCommand(
                text, f"key: {keys}", partial(self._run_screen_action, screen, action)
            )
        yield from super().get_system_commands(screen)

    async def _run_screen_action(self, screen: Screen, action: str) -> None:
        await screen.run_action(action)

    def on_unmount(self) -> None:
        self.worklist.close()


def app_css_path() -> Path:
    return Path(__file__).with_name("app.tcss")
