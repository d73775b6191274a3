"""Bodies of states and parties, and places in places: the PART_OF and LOCATED_IN constructions.

A body is part of what names it: "Vietnam's Ministry of Health", "the CPV Central Committee"
(two names side by side), "the National Assembly of Cambodia", "the Central Committee of
the CPV". Only a name with one of the relation's body nouns (ministry, committee, ...) is
taken for a body, so "Vietnam's Vingroup" proposes nothing. A place is in the place that
follows it after a comma ("Siem Reap, Cambodia"), unless the two are items of a list
("Vietnam, Laos and Cambodia"); an organisation or place is in the place its own "in"
phrase names ("the Vietnamese Embassy in Phnom Penh"); and a place is in the country it is
the capital, city or province of ("Vientiane, the capital of Laos", "Cambodia's capital
Phnom Penh").
"""

from __future__ import annotations

from collections.abc import Iterator

from redline.schema.labels import RelationType
from redline.suggest.constructions import POSSESSIVE, Context, Proposal

_LIST_WORDS = {",", "and", "or", "&", "between", "/"}
_DETERMINERS = {"the", "a", "an"}
_COMPASS = {"north", "south", "east", "west", "central", "northern", "southern", "eastern"}


def body_of(
    ctx: Context, rule: RelationType, title_rules: list[RelationType]
) -> Iterator[Proposal]:
    """ "<GPE|ORG>'s <body>", "<GPE|ORG> <body>", "<body> of (the) <GPE|ORG>"."""
    doc = ctx.doc
    words = [tuple(noun.split()) for noun in rule.nouns]
    for index, entity in enumerate(ctx.entities):
        if entity.label_ not in rule.head or not _has_noun(ctx, entity.start, entity.end, words):
            continue
        before = entity.start - 1
        if before >= 0 and doc[before].text in POSSESSIVE:
            before -= 1
        owner = ctx.entity(before) if before >= 0 else None
        if owner is not None and ctx.entities[owner].end == before + 1:
            yield index, owner, rule.label
        i = entity.end
        if i < len(doc) and doc[i].lower_ == "of":
            i += 1
            if i < len(doc) and doc[i].lower_ == "the":
                i += 1
            whole = ctx.entity_starting(i) if i < len(doc) else None
            if whole is not None:
                end = ctx.entities[whole].end
                if end >= len(doc) or doc[end].text not in POSSESSIVE:
                    yield index, whole, rule.label


def place_in(
    ctx: Context, rule: RelationType, title_rules: list[RelationType]
) -> Iterator[Proposal]:
    """ "<GPE>, <GPE>" (not a list), "<ORG|GPE> in <GPE>", "<GPE>, the capital of <GPE>",
    "<GPE>'s capital <GPE>"."""
    doc = ctx.doc
    words = [tuple(noun.split()) for noun in rule.nouns]
    for index, entity in enumerate(ctx.entities):
        if entity.label_ not in rule.head:
            continue
        i = entity.end
        if i >= len(doc):
            continue
        if doc[i].text == ",":
            other = ctx.entity_starting(i + 1) if i + 1 < len(doc) else None
            if other is not None and entity.label_ == "GPE" and not _in_list(ctx, index, other):
                yield index, other, rule.label
            j = _skip_modifiers(ctx, i + 1)
            n = ctx.longest(j, words) if j < len(doc) else 0
            if n and j + n < len(doc) and doc[j + n].lower_ in {"of", "in"}:
                target = _place_after(ctx, j + n + 1)
                if target is not None:
                    yield index, target, rule.label
        elif doc[i].lower_ == "in" and entity.start <= doc[i].head.i < entity.end:
            target = _place_after(ctx, i + 1)
            if target is not None:
                yield index, target, rule.label
        elif doc[i].text in POSSESSIVE:
            n = ctx.longest(i + 1, words) if i + 1 < len(doc) else 0
            j = i + 1 + n
            if n and j < len(doc) and doc[j].text == ",":
                j += 1
            capital = ctx.entity_starting(j) if n and j < len(doc) else None
            if capital is not None:
                yield capital, index, rule.label


def _has_noun(ctx: Context, start: int, end: int, words: list[tuple[str, ...]]) -> bool:
    return any(ctx.longest(p, words, end) for p in range(start, end))


def _skip_modifiers(ctx: Context, i: int) -> int:
    """Past a determiner and a few adjectives ("a province in north-western ...")."""
    doc = ctx.doc
    if i < len(doc) and doc[i].lower_ in _DETERMINERS:
        i += 1
    for _ in range(4):
        if i >= len(doc) or ctx.entity(i) is not None:
            break
        token = doc[i]
        if token.pos_ == "ADJ" or token.text in {"-", "–"} or token.lower_ in _COMPASS:
            i += 1
    return i


def _place_after(ctx: Context, i: int) -> int | None:
    """The place named at ``i`` (past "the" and adjectives), unless it is a possessor."""
    i = _skip_modifiers(ctx, i)
    place = ctx.entity_starting(i) if i < len(ctx.doc) else None
    if place is None or ctx.label(place) != "GPE":
        return None
    end = ctx.entities[place].end
    if end < len(ctx.doc) and ctx.doc[end].text in POSSESSIVE:
        return None
    return place


def _in_list(ctx: Context, first: int, second: int) -> bool:
    """Whether "<first>, <second>" are items of a list ("Vietnam, Laos and Cambodia")
    rather than a place and the place it is in."""
    doc = ctx.doc
    head, tail = ctx.entities[first], ctx.entities[second]
    if ctx.label(second) != "GPE" or head.text == tail.text:
        return True
    if tail.root.dep_ != "appos" or not head.start <= tail.root.head.i < head.end:
        return True  # the parse does not read it as "<place>, <the place it is in>"
    if tail.end < len(doc) and doc[tail.end].text in POSSESSIVE:
        return True
    if head.start > 0 and doc[head.start - 1].lower_ in _LIST_WORDS:
        return True
    after = tail.end
    if after < len(doc) and doc[after].lower_ in _LIST_WORDS - {","}:
        return True
    if after + 1 < len(doc) and doc[after].text == ",":
        following = doc[after + 1]
        return following.lower_ in _LIST_WORDS or ctx.entity_starting(after + 1) is not None
    return False
