"""Which relation types can join two spans, the most likely first: what the relation picker
lists once the annotator has picked a relation's other end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from redline.schema.labels import LabelSchema


@dataclass(frozen=True, slots=True)
class RelationChoice:
    label: str
    reversed: bool
    """The span picked second is the head: only that direction fits the types."""
    score: float | None = None
    """The relation model's probability for this label and direction, when there is one."""


def relation_choices(
    schema: LabelSchema,
    first_label: str,
    second_label: str,
    scores: Mapping[tuple[str, bool], float] | None = None,
) -> list[RelationChoice]:
    """The types that fit a relation from the span picked first to the one picked second, or
    the other way round where only that fits (a PERSON leads an ORG whichever was picked
    first). Ordered by the model's score where there is one, then as the schema lists them."""
    scores = scores or {}
    choices: list[RelationChoice] = []
    for relation in schema.relations:
        if relation.fits(first_label, second_label):
            reverse = False
        elif relation.fits(second_label, first_label):
            reverse = True
        else:
            continue
        choices.append(
            RelationChoice(relation.label, reverse, scores.get((relation.label, reverse)))
        )
    order = {choice.label: n for n, choice in enumerate(choices)}
    return sorted(
        choices,
        key=lambda c: (c.score is None, -(c.score or 0.0), order[c.label]),
    )


def joinable(schema: LabelSchema, first_label: str, second_label: str) -> bool:
    """Whether any relation type joins the two labels, in either direction."""
    return any(
        r.fits(first_label, second_label) or r.fits(second_label, first_label)
        for r in schema.relations
    )
