"""Textual's private API that redline uses (all of it in :mod:`redline.tui.textual_private`) is
still there and still means the same: these fail first when a Textual release changes it,
before the UI breaks in some roundabout way. Textual is pinned (textual>=8.2,<8.3) for it."""

from __future__ import annotations

import inspect
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingsMap, BindingType
from textual.screen import Screen

from redline.tui.bindings import key_table
from redline.tui.textual_private import add_binding, remapped_bindings


class Tiny(Screen[None], inherit_bindings=False):
    """Only its own keys (not Screen's tab and copy), to compare them whole."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "ping('a')", "Ping", id="tiny.ping"),
        Binding("u,ctrl+z", "ping('u')", "Undo", id="tiny.undo"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pings: list[str] = []

    def action_ping(self, key: str) -> None:
        self.pings.append(key)


class TinyApp(App[None]):
    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.tiny = Tiny()
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        self.push_screen(self.tiny)


def keys_of(bindings: BindingsMap) -> dict[str, list[str]]:
    return {key: [b.action for b in found] for key, found in bindings.key_to_bindings.items()}


async def test_a_node_s_own_bindings_are_a_bindings_map_made_per_node():
    app = TinyApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.tiny
        assert app.screen is screen
        own = vars(screen)["_bindings"]  # an attribute of the instance, not of the class
        assert isinstance(own, BindingsMap)
        assert own is not Tiny()._bindings
        assert isinstance(own.key_to_bindings, dict)
        # in the order declared, "a,b" keys unrolled, the key first in each pair
        assert keys_of(own) == {"a": ["ping('a')"], "u": ["ping('u')"], "ctrl+z": ["ping('u')"]}
        assert all(isinstance(k, str) and isinstance(b, Binding) for k, b in own)
        copy = own.copy()
        assert isinstance(copy, BindingsMap)
        assert copy is not own
        assert copy.key_to_bindings is not own.key_to_bindings


async def test_the_app_s_keymap_is_what_set_keymap_was_given_normalised():
    app = TinyApp(keymap={"tiny.ping": "b,?"})
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app._keymap == {"tiny.ping": "b,question_mark"}
        keymap = inspect.signature(BindingsMap.apply_keymap).parameters
        assert list(keymap) == ["self", "keymap"]
        copy = app.tiny._bindings.copy()
        result = copy.apply_keymap(app._keymap)
        assert result.clashed_bindings == set()
        assert keys_of(copy) == {
            "u": ["ping('u')"],
            "ctrl+z": ["ping('u')"],
            "b": ["ping('a')"],
            "question_mark": ["ping('a')"],
        }
        assert "a" in app.tiny._bindings.key_to_bindings  # the node's own map is left alone


async def test_a_key_added_to_one_screen_fires_and_is_listed_with_the_screen_s_keys():
    app = TinyApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.tiny
        add_binding(screen, Binding("z", "ping('z')", "Zed", id="tiny.zed"))
        add_binding(screen, Binding("a,?", "ping('again')", "Again", id="tiny.again"))
        await pilot.press("z", "question_mark")
        assert screen.pings == ["z", "again"]
        await pilot.press("a")  # "a" keeps its first binding, which handles it
        assert screen.pings == ["z", "again", "a"]
        assert key_table(screen, app.get_key_display) == [
            ("ping('a')", "a", "Ping"),
            ("ping('again')", "a, ?", "Again"),  # "a" is listed first: its actions first
            ("ping('u')", "u, ^z", "Undo"),
            ("ping('z')", "z", "Zed"),
        ]
        # only on that screen: the class's bindings (shared lists included) are untouched
        assert keys_of(Tiny()._bindings) == {
            "a": ["ping('a')"],
            "u": ["ping('u')"],
            "ctrl+z": ["ping('u')"],
        }
        assert keys_of(Tiny._merged_bindings or BindingsMap()) == keys_of(Tiny()._bindings)


async def test_an_added_key_is_remapped_by_the_keymap_like_the_others():
    app = TinyApp(keymap={"tiny.zed": "y", "tiny.ping": "p"})
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.tiny
        add_binding(screen, Binding("z", "ping('z')", "Zed", id="tiny.zed"))
        await pilot.press("z", "a")  # the keys they had before the keymap do nothing
        assert screen.pings == []
        await pilot.press("y", "p")
        assert screen.pings == ["z", "a"]
        remapped = remapped_bindings(screen)
        assert "y" in remapped.key_to_bindings
        assert "z" not in remapped.key_to_bindings
        assert ("ping('z')", "y", "Zed") in key_table(screen, app.get_key_display)
        assert ("ping('a')", "p", "Ping") in key_table(screen, app.get_key_display)
