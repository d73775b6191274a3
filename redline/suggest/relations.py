"""Relation suggestions from the schema's rules, over spaCy's dependency parse.

For each ordered pair of entities in one sentence whose types fit a relation's constraint,
the relation is suggested when one of its trigger lemmas lies on the dependency path between
the two entities (and any verb on the path is itself a trigger: "X sent a message to the
party leader Y" does not make X a leader), or the path is one the rule names. Per pair, the
first relation in schema order that fires wins, so an annotator sees one proposal to accept
or reject, not a menu.

A relation that names constructions in the schema (redline.suggest.constructions: titles,
meetings, bodies, places) is suggested by those instead: they read the set phrases news
uses and are far more precise than any relation word on a path. Their proposals come first,
and the path rule fills in only pairs they left alone, for the relations without any.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from redline.schema.labels import LabelSchema, RelationType
from redline.suggest.clauses import joined, meeting
from redline.suggest.constructions import Context, Proposal
from redline.suggest.places import body_of, place_in
from redline.suggest.titles import led_by, titles

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


Builder = Callable[[Context, RelationType, list[RelationType]], Iterator[Proposal]]
BUILDERS: dict[str, Builder] = {
    "title": titles,
    "led_by": led_by,
    "joined": joined,
    "meeting": meeting,
    "body_of": body_of,
    "place_in": place_in,
}


def construction_relations(
    doc: Doc, entities: Sequence[SpacySpan], schema: LabelSchema
) -> list[Proposal]:
    """Every construction proposal that fits its relation's type constraint, one per pair
    (schema order first, then text order), symmetric relations with the earlier name as head."""
    ctx = Context(doc, entities, schema)
    title_rules = [r for r in schema.relations if "title" in r.constructions]
    found: list[Proposal] = []
    taken: set[frozenset[int]] = set()
    done: set[str] = set()
    for rule in schema.relations:
        for name in rule.constructions:
            # the title construction decides between all title rules at once
            key = "title" if name == "title" else f"{name}:{rule.label}"
            if key in done:
                continue
            done.add(key)
            for h, c, label in BUILDERS[name](ctx, rule, title_rules):
                chosen = schema.relation(label)
                if (
                    chosen is None
                    or h == c
                    or ctx.sentence(ctx.entities[h].start) != ctx.sentence(ctx.entities[c].start)
                ):
                    continue
                if not chosen.fits(ctx.label(h), ctx.label(c)):
                    continue
                if chosen.symmetric and ctx.entities[c].start < ctx.entities[h].start:
                    h, c = c, h
                pair = frozenset((h, c))
                if pair not in taken:
                    taken.add(pair)
                    found.append((h, c, label))
    return found


def suggest_relations(
    doc: Doc, entities: Sequence[SpacySpan], schema: LabelSchema
) -> list[tuple[int, int, str]]:
    """(head index, child index, label) triples over ``entities`` (indices into it)."""
    if not schema.relations or not doc.has_annotation("DEP"):
        return []
    found = construction_relations(doc, entities, schema)
    taken = {frozenset((h, c)) for h, c, _ in found}
    path_rules = [rule for rule in schema.relations if not rule.constructions]
    if not path_rules:
        return found
    for h, c in sentence_pairs(entities):
        if frozenset((h, c)) in taken:
            continue
        head, child = entities[h], entities[c]
        path: DependencyPath | None = None
        for rule in path_rules:
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
                taken.add(frozenset((h, c)))
                break
    return found


def sentence_pairs(entities: Sequence[SpacySpan]) -> Iterator[tuple[int, int]]:
    """Every ordered pair of distinct entities (indices) of one sentence: the candidates of
    the rules and of the relation model alike."""
    by_sentence: dict[int, list[int]] = {}
    for index, entity in enumerate(entities):
        by_sentence.setdefault(entity.sent.start, []).append(index)
    for members in by_sentence.values():
        for h in members:
            for c in members:
                if h != c:
                    yield h, c
