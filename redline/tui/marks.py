"""What the article pane paints over the text and how it looks: the marks (spans), the
cursor and the selection as component classes with their default CSS, each mark's label
colour, and a line of text cut into styled segments."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color, ColorParseError

__all__ = [
    "COMPONENTS",
    "COMPONENT_CSS",
    "KIND_ORDER",
    "NESTED",
    "OKABE_ITO",
    "Mark",
    "MarkKind",
    "MarkStyles",
    "fallback_color",
    "in_paint_order",
    "label_colors",
    "mark_overlays",
    "nested_marks",
    "selection_color",
    "selection_style",
    "styled_segments",
    "with_hints",
]

MarkKind = Literal["suggested", "confirmed", "rejected"]
"""Review state of a mark; each state gets its own component class."""

KIND_ORDER: dict[MarkKind, int] = {"rejected": 0, "suggested": 1, "confirmed": 2}
"""Paint order where marks overlap: a confirmed span is drawn over a suggestion."""

NESTED = Style(underline=True)
"""Added to a span inside another (a schema with ``overlap = true``): even of the same label
and colour, where it starts and ends shows."""

COMPONENTS = frozenset(
    {
        "article--cursor",
        "article--selection",
        "article--suggested",
        "article--confirmed",
        "article--rejected",
        "article--focused",
        "article--relation-end",
        "article--relation-child",
        "article--hint",
    }
)
"""The article view's component classes: one per mark kind, the focus, the cursor..."""

COMPONENT_CSS = """
    ArticleView > .article--cursor {
        text-style: reverse;
    }
    ArticleView > .article--selection {
        background: $primary-darken-1;
        color: $foreground;
    }
    ArticleView > .article--suggested {
        text-style: underline;
    }
    ArticleView > .article--confirmed {
        text-style: bold;
    }
    ArticleView > .article--rejected {
        text-style: dim strike;
    }
    ArticleView > .article--focused {
        text-style: bold reverse;
    }
    ArticleView > .article--relation-end {
        background: $warning;
        color: $background;
        text-style: bold italic;
    }
    ArticleView > .article--relation-child {
        background: $warning-darken-3;
        color: $foreground;
        text-style: italic underline;
    }
    ArticleView > .article--hint {
        background: $error;
        color: $background;
        text-style: bold;
    }
    """
"""Their default styles (part of the view's DEFAULT_CSS; a theme or app CSS may override)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """One span to paint over the text, in character offsets (end exclusive).

    Frozen (hashable) so `set_marks` can diff old and new mark sets and repaint only
    the lines whose marks actually changed.
    """

    start: int
    end: int
    label: str
    kind: MarkKind
    focused: bool = False
    relation_end: bool = False
    """The head of the relation in focus (or being made)."""
    relation_child: bool = False
    """The child of the relation in focus: styled apart from the head, so its direction
    shows."""


OKABE_ITO = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#999999",
)
"""Okabe and Ito's palette, told apart with every common colour-vision deficiency (grey for
their black, which a dark terminal would hide)."""

_SELECTION_CANDIDATES = ("#ffffff", "#ff00ff", "#5f00d7", "#00ffff", "#ff5f87", "#8a8a8a")


def fallback_color(label: str) -> str:
    """A stable colour for a label no schema knows (crc32, not the per-process `hash`)."""
    return OKABE_ITO[zlib.crc32(label.encode("utf-8")) % len(OKABE_ITO)]


def label_colors(entities: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each (label, colour or "") its colour: a schema's own, else the next of Okabe-Ito's."""
    return {
        label: colour or OKABE_ITO[n % len(OKABE_ITO)] for n, (label, colour) in enumerate(entities)
    }


def selection_color(colors: Iterable[str]) -> str:
    """The candidate furthest (in RGB) from every label colour, so a selection never looks
    like a span."""

    def distance(a: str, b: str) -> float:
        ca, cb = Color.parse(a), Color.parse(b)
        return float(((ca.r - cb.r) ** 2 + (ca.g - cb.g) ** 2 + (ca.b - cb.b) ** 2) ** 0.5)

    taken = list(colors)
    return max(
        _SELECTION_CANDIDATES, key=lambda c: min((distance(c, t) for t in taken), default=0.0)
    )


def selection_style(colors: Iterable[str]) -> Style:
    """The selection's colours: :func:`selection_color` with a text colour that reads on it."""
    background = Color.parse(selection_color(colors))
    return Style(bgcolor=background.rich_color, color=background.get_contrast_text(1.0).rich_color)


def in_paint_order(marks: Iterable[Mark]) -> list[Mark]:
    """By kind (:data:`KIND_ORDER`), then an outer span before the spans nested in it, which
    are painted over it."""
    return sorted(marks, key=lambda m: (KIND_ORDER[m.kind], m.start, -m.end, m.label))


def mark_overlays(
    marks: list[Mark], style_of: Callable[[Mark], Style]
) -> list[tuple[int, int, Style]]:
    """Each mark's style over its characters, in order, and :data:`NESTED` over a nested one."""
    overlays = [(m.start, m.end, style_of(m)) for m in marks]
    return overlays + [(m.start, m.end, NESTED) for m in nested_marks(marks)]


def nested_marks(marks: Iterable[Mark]) -> list[Mark]:
    """The marks that lie inside another, not rejected, mark (the same extent is not nested)."""
    live = [m for m in marks if m.kind != "rejected"]
    return [
        m
        for m in live
        if any(
            o.start <= m.start and m.end <= o.end and (o.start, o.end) != (m.start, m.end)
            for o in live
        )
    ]


def with_hints(
    shown: str, start: int, end: int, hints: Mapping[int, str]
) -> tuple[str, list[tuple[int, int]]]:
    """``shown`` with each hint written over the characters from its offset, within the line
    ``[start, end)``, and where the hints are (a wide character is left as it is: a letter in
    its place would shift the line)."""
    placed = [(at, hint) for at, hint in hints.items() if start <= at < end]
    if not placed:
        return shown, []
    chars = list(shown[start:end])
    where = []
    for at, hint in placed:
        for n, letter in enumerate(hint[: end - at]):
            if cell_len(chars[at - start + n]) == 1:
                chars[at - start + n] = letter
        where.append((at, min(end, at + len(hint))))
    return shown[:start] + "".join(chars) + shown[end:], where


def styled_segments(
    shown: str, start: int, end: int, base: Style, overlays: Iterable[tuple[int, int, Style]]
) -> list[Segment]:
    """`shown[start:end]` cut wherever an overlay begins or ends; each piece has the base style
    plus, in order, every overlay covering it (later overlays win)."""
    clipped = [
        (max(start, a), min(end, b), style) for a, b, style in overlays if a < end and b > start
    ]
    cuts = sorted({start, end, *(a for a, _, _ in clipped), *(b for _, b, _ in clipped)})
    segments: list[Segment] = []
    for left, right in pairwise(cuts):
        style = base
        for a, b, overlay in clipped:
            if a <= left and right <= b:
                style += overlay
        segments.append(Segment(shown[left:right], style))
    return segments


class MarkStyles:
    """How each mark looks: its kind's component style (``article--<kind>``) combined with its
    label's colour, cached per (kind, label) until the theme or the colours change."""

    def __init__(self, component_style: Callable[[str], Style]) -> None:
        self._component_style = component_style
        self._colors: dict[str, str] = {}
        self._cache: dict[tuple[str, str], Style] = {}

    @property
    def colors(self) -> dict[str, str]:
        """A copy of the label -> "#rrggbb" map."""
        return dict(self._colors)

    def set_colors(self, colors: dict[str, str]) -> set[str]:
        """Set the label colours; returns the labels whose colour changed."""
        old = self._colors
        self._colors = dict(colors)
        self._cache.clear()
        return {
            label for label in old.keys() | colors.keys() if old.get(label) != colors.get(label)
        }

    def clear(self) -> None:
        """Forget the cached styles (the theme or the CSS changed)."""
        self._cache.clear()

    def style(self, mark: Mark) -> Style:
        """Component style combined with the label colour, cached per (kind, label)."""
        key = (mark.kind, mark.label)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        component = self._component_style(f"article--{mark.kind}")
        color = self._label_color(mark.label)
        if mark.kind == "confirmed":
            label_style = Style(
                bgcolor=color.rich_color, color=color.get_contrast_text(1.0).rich_color
            )
            style = component + label_style
        elif mark.kind == "suggested":
            style = component + Style(color=color.rich_color, underline=True)
        else:
            style = Style(color=color.rich_color, dim=True, strike=True) + component
        self._cache[key] = style
        return style

    def _label_color(self, label: str) -> Color:
        """The label's configured colour, or a stable fallback so unknown labels still show."""
        try:
            return Color.parse(self._colors.get(label) or fallback_color(label))
        except ColorParseError:  # a malformed colour in a schema must not break painting
            return Color.parse(fallback_color(label))
