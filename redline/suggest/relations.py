"""Relation suggestions from the schema's rules, over spaCy's dependency parse.

For each ordered pair of entities in one sentence whose types fit a relation's constraint,
the relation is suggested when one of its trigger lemmas lies on the dependency path between
the two entities (and any verb on the path is itself a trigger: "X sent a message to the
party leader Y" does not make X a leader), or the path is one the rule names. Per pair, the
first relation in schema order that fires wins, so an annotator sees one proposal to accept
or reject, not a menu.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from redline.schema.labels import LabelSchema, RelationType

_CLAUSE_HEADS = {"VERB", "AUX"}


@dataclass(frozen=True)
class DependencyPath:
    """The steps from one token to another: ``<dep`` climbs to a head, ``>dep`` descends."""

    steps: tuple[str, ...]
    between: tuple[Token, ...]

    def __str__(self) -> str:
        return " ".join(self.steps)

    def __len__(self) -> int:
        return len(self.steps)


def dependency_path(source: Token, target: Token) -> DependencyPath | None:
    """The shortest path in the parse tree; None when the tokens are in different trees."""
    up_chain = [source, *source.ancestors]
    positions = {token.i: n for n, token in enumerate(up_chain)}
    down_chain: list[Token] = []
    node: Token | None = target
    while node is not None and node.i not in positions:
        down_chain.append(node)
        node = node.head if node.head.i != node.i else None
    if node is None:
        return None
    meeting = positions[node.i]
    climbed = up_chain[:meeting]
    steps = [f"<{t.dep_}" for t in climbed] + [f">{t.dep_}" for t in reversed(down_chain)]
    between = tuple(up_chain[1 : meeting + 1]) + tuple(reversed(down_chain[1:]))
    if between and between[-1].i == target.i:
        between = between[:-1]
    return DependencyPath(tuple(steps), tuple(t for t in between if t.i != source.i))


def _fires(rule: RelationType, path: DependencyPath, head: SpacySpan, child: SpacySpan) -> bool:
    if len(path) > rule.max_path:
        return False
    if str(path) in rule.paths:
        return True
    triggers = {t.lower() for t in rule.triggers}
    fired = False
    for token in path.between:
        if head.start <= token.i < head.end or child.start <= token.i < child.end:
            continue
        is_trigger = token.lemma_.lower() in triggers
        if token.pos_ in _CLAUSE_HEADS and not is_trigger:
            return False
        fired = fired or is_trigger
    return fired


def suggest_relations(
    doc: Doc, entities: Sequence[SpacySpan], schema: LabelSchema
) -> list[tuple[int, int, str]]:
    """(head index, child index, label) triples over ``entities`` (indices into it)."""
    if not schema.relations or not doc.has_annotation("DEP"):
        return []
    found: list[tuple[int, int, str]] = []
    by_sentence: dict[int, list[int]] = {}
    for index, entity in enumerate(entities):
        by_sentence.setdefault(entity.sent.start, []).append(index)
    for members in by_sentence.values():
        for h in members:
            for c in members:
                if h == c:
                    continue
                head, child = entities[h], entities[c]
                path: DependencyPath | None = None
                for rule in schema.relations:
                    if not rule.fits(head.label_, child.label_):
                        continue
                    if rule.symmetric and child.start < head.start:
                        continue
                    if path is None:
                        path = dependency_path(head.root, child.root)
                        if path is None:
                            break
                    if _fires(rule, path, head, child):
                        found.append((h, c, rule.label))
                        break
    return found
