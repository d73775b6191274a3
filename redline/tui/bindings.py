"""Every key of the annotate screen, with an id so users can remap it from a keymap file.

A keymap is a TOML file (``~/.config/redline/keymap.toml`` or ``--keymap FILE``) whose
``[keymap]`` table maps binding ids to keys, e.g. ``"span.accept" = "a,space"``.
"""

# ruff: noqa: E501 (the key table reads best one key per line)
from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from redline.errors import InputError, Location, display_path
from redline.schema.labels import EntityType
from redline.tui.textual_private import remapped_bindings

DEFAULT_KEYMAP_PATH = Path("~/.config/redline/keymap.toml").expanduser()

# (id, key, action, footer text or "" when not in the footer, full description)
_KEYS: list[tuple[str, str, str, str, str]] = [
    # the footer shows these in this order: help and quit first, so that 80 columns keep them
    ("app.help", "question_mark", "help", "help", "All keys and the annotation guideline"),
    ("app.quit", "q", "quit_app", "quit", "Quit (asks first if there are unsaved edits)"),
    ("span.hint", "f", "hint_span", "hint", "Hints on every span on screen: type one to go there"),
    (
        "token.hint",
        "t",
        "hint_token",
        "",
        "Hints on every token on screen: type one to start a span there",
    ),
    ("span.unreviewed", "j", "next_unreviewed(1)", "unseen", "Next suggestion not looked at"),
    ("span.unreviewed_prev", "k", "next_unreviewed(-1)", "", "Previous suggestion not looked at"),
    ("cursor.left", "left", "cursor(-1)", "", "Cursor one token left"),
    ("cursor.right", "right", "cursor(1)", "", "Cursor one token right"),
    ("cursor.up", "up", "cursor_line(-1)", "", "Cursor one line up"),
    ("cursor.down", "down", "cursor_line(1)", "", "Cursor one line down"),
    ("cursor.page_up", "pageup", "cursor_page(-1)", "", "Cursor one page up"),
    ("cursor.page_down", "pagedown", "cursor_page(1)", "", "Cursor one page down"),
    ("select.left", "shift+left", "select(-1)", "", "Grow/shrink the selection to the left"),
    ("select.right", "shift+right", "select(1)", "", "Grow/shrink the selection to the right"),
    ("select.clear", "escape", "cancel", "", "Clear the selection, cancel a relation"),
    ("span.next", "tab", "next_span(1)", "", "Cursor to the next span"),
    ("span.prev", "shift+tab", "next_span(-1)", "", "Cursor to the previous span"),
    ("span.accept", "a", "accept", "accept", "Accept the span (or relation) in focus"),
    ("span.reject", "x", "reject", "reject", "Reject the span (or relation) in focus"),
    ("span.accept_all", "A", "accept_all", "", "Accept every remaining suggestion (u undoes)"),
    ("span.start_left", "left_square_bracket", "boundary('start', -1)", "", "Span start one token left"),
    ("span.start_right", "left_curly_bracket", "boundary('start', 1)", "", "Span start one token right"),
    ("span.end_right", "right_square_bracket", "boundary('end', 1)", "", "Span end one token right"),
    ("span.end_left", "right_curly_bracket", "boundary('end', -1)", "", "Span end one token left"),
    ("span.start_char_left", "left_parenthesis", "boundary_char('start', -1)", "", "Span start one character left"),
    ("span.start_char_right", "right_parenthesis", "boundary_char('start', 1)", "", "Span start one character right"),
    ("span.end_char_left", "less_than_sign", "boundary_char('end', -1)", "", "Span end one character left (“Sen.” -> “Sen”)"),
    ("span.end_char_right", "greater_than_sign", "boundary_char('end', 1)", "", "Span end one character right"),
    ("relation.start", "r", "relation", "relation", "Relation from the span in focus: its other end's hint, then the label"),
    ("relation.next", "full_stop", "next_relation(1)", "", "Focus the next relation"),
    ("relation.prev", "comma", "next_relation(-1)", "", "Focus the previous relation"),
    ("relation.reverse", "o", "reverse_relation", "", "Reverse the relation in focus (head and child swap)"),
    ("relation.delete", "X", "delete_relation", "", "Delete the relation in focus"),
    ("edit.undo", "u,ctrl+z", "undo", "undo", "Undo the last edit"),
    ("edit.redo", "U,ctrl+y", "redo", "", "Redo"),
    ("doc.accept", "enter", "save('accept')", "save", "Save as accepted, go to the next document"),
    ("doc.reject", "R", "save('reject')", "", "Save as rejected, go to the next document (asks)"),
    ("doc.ignore", "I", "save('ignore')", "", "Save as ignored, go to the next document (asks)"),
    ("doc.flag", "F", "flag", "", "Flag the document with a note, or edit the note"),
    ("doc.next", "n", "goto_relative(1)", "", "Next document, without saving"),
    ("doc.prev", "p", "goto_relative(-1)", "", "Previous document (opens its saved version)"),
    ("doc.jump", "g", "jump", "", "Go to a document by number, id or the start of an id"),
    ("text.search", "slash", "search", "", "Search the text (case and accents ignored)"),
    ("view.rejected", "h", "toggle_rejected", "", "Show or hide rejected suggestions"),
    ("view.side", "b", "toggle_side", "", "Show or hide the side panel"),
]  # fmt: skip


# The review screen's keys, on top of the annotate screen's.
_REVIEW_KEYS: list[tuple[str, str, str, str, str]] = [
    ("review.side", "v", "take_side", "side", "Take the next side of the conflict here"),
    ("review.next_conflict", "c", "next_conflict(1)", "conflict", "Cursor to the next conflict"),
    ("review.prev_conflict", "C", "next_conflict(-1)", "", "Cursor to the previous conflict"),
    ("review.version", "W", "take_version", "", "Take one annotator's whole version"),
    ("review.reload", "ctrl+r", "reload", "", "Reload the annotators' new versions"),
]


def _bindings(keys: list[tuple[str, str, str, str, str]]) -> list[BindingType]:
    """The footer shows the short text; help and the command palette the full one (tooltip)."""
    return [
        Binding(key, action, short or full, show=bool(short), tooltip=full, id=binding_id)
        for binding_id, key, action, short, full in keys
    ]


def annotate_bindings() -> list[BindingType]:
    return _bindings(_KEYS)


def review_bindings() -> list[BindingType]:
    return _bindings(_REVIEW_KEYS)


def label_binding(entity: EntityType) -> Binding:
    """The key of one entity label of the schema (``label.<LABEL>`` in a keymap)."""
    return Binding(
        entity.key,
        f"label({entity.label!r})",
        f"Label {entity.label}",
        show=False,
        tooltip=f"Label the selection or the span in focus {entity.label}",
        id=f"label.{entity.label}",
    )


def describe(binding: Binding) -> str:
    return binding.tooltip or binding.description


def key_table(node: DOMNode, key_display: Callable[[Binding], str]) -> list[tuple[str, str, str]]:
    """(action, keys, description) for redline's own keys on a screen, as remapped by the
    app's keymap, keys of the same action joined: for help and the command palette."""
    rows: dict[str, tuple[list[str], str]] = {}
    for _, binding in remapped_bindings(node):
        if not binding.description or binding.id is None:
            continue
        keys, _ = rows.setdefault(binding.action, ([], describe(binding)))
        shown = key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [(action, ", ".join(keys), text) for action, (keys, text) in rows.items()]


def load_keymap(path: Path | None) -> dict[str, str]:
    """Binding id -> keys from a keymap file; the default file is optional, a given one not."""
    target = path or DEFAULT_KEYMAP_PATH
    if path is None and not target.is_file():
        return {}
    shown = display_path(target)
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Location(shown), "keymap file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(Location(shown), f"invalid keymap: {error}") from None
    keymap = data.get("keymap", {})
    known = {binding_id for binding_id, *_ in [*_KEYS, *_REVIEW_KEYS]}
    if not isinstance(keymap, dict):
        raise InputError(Location(shown, field="keymap"), "must be a table of id = keys")
    for binding_id, keys in keymap.items():
        if not binding_id.startswith("label.") and binding_id not in known:
            raise InputError(
                Location(shown, field=f"keymap.{binding_id}"),
                f"no key has this id (ids: {', '.join(sorted(known))}, label.<LABEL>)",
            )
        if not isinstance(keys, str) or not keys.strip():
            raise InputError(Location(shown, field=f"keymap.{binding_id}"), "keys must be a string")
    return dict(keymap)
