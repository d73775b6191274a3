"""The only place redline touches Textual's private API; everything else calls these helpers.

Textual is pinned (``textual>=8.2,<8.3`` in pyproject.toml) because of what is used here,
and ``tests/tui/test_textual_private.py`` fails as soon as a Textual release changes it:
check that test first when moving the pin.

What is used, and why there is no public way:

``DOMNode._bindings`` (a :class:`~textual.binding.BindingsMap`, one per node)
    A node's own bindings, in the order they are declared. Help and the command palette list
    every key of the screen in that order; the public ``Screen.active_bindings`` is the chain
    of the focused widget at that moment instead (one binding per key, the app's and the
    widgets' mixed in, keys an input would consume left out). And the label keys come from
    the label schema, known only when the screen is made, so they cannot be in the class's
    ``BINDINGS``: they are added to the screen's own map, which Textual made for it (its
    lists are shared with the class's, so they are replaced, never appended to).
``App._keymap``
    The keymap given to ``App.set_keymap`` (binding id -> keys, normalised), which Textual
    applies to a copy of the bindings each time it looks a key up; listing the keys as the
    annotator remapped them applies it the same way.
"""

from __future__ import annotations

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

__all__ = ["add_binding", "remapped_bindings"]


def add_binding(node: DOMNode, binding: Binding) -> None:
    """Bind a key (or keys: "a,b") on ``node`` alone, as if it were last in its ``BINDINGS``."""
    own = node._bindings.key_to_bindings
    for key, bindings in BindingsMap([binding]).key_to_bindings.items():
        own[key] = [*own.get(key, []), *bindings]


def remapped_bindings(node: DOMNode) -> BindingsMap:
    """A copy of ``node``'s own bindings with the app's keymap applied: its keys as pressed."""
    bindings = node._bindings.copy()
    bindings.apply_keymap(node.app._keymap)
    return bindings
