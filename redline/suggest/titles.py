"""A person's title names what the person leads or belongs to: the title constructions.

News puts the title next to the name, before it ("CPP President Hun Sen", "President of the
Senate Say Chhum", coordinated: "CPP Vice President and President of the Senate Say Chhum")
or after it ("Hun Sen, President of the CPP", "Men Sam An, who is also President of ...",
"X is a member of ..."), and leaders in a participle ("the CPV, headed by General Secretary
Tô Lâm"). Which relation a title gives is the schema's: each relation with the ``title``
construction lists its titles in ``nouns``, and the first title of a coordinated part decides
("vice" before "president" makes a member). A part whose body is a sub-unit of the named
organisation ("head of the CPV Central Committee's Commission for ...") makes the person a
member of the organisation, not its leader.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from redline.schema.labels import RelationType
from redline.suggest.constructions import (
    POSSESSIVE,
    Context,
    Proposal,
    title_table,
)

_SPLITS = {"and", ",", "cum", "&"}
_COPULAS = {"be", "become", "remain"}
_DETERMINERS = {"the", "a", "an"}
_MAX_CHAIN = 30


def titles(ctx: Context, rule: RelationType, title_rules: list[RelationType]) -> Iterator[Proposal]:
    """LEADER_OF/MEMBER_OF-like proposals from the titles standing next to each person."""
    table = title_table(title_rules)
    member = next((r for r in title_rules if "member" in r.nouns), None)
    for index, entity in enumerate(ctx.entities):
        if entity.label_ != "PERSON":
            continue
        for chain in (_chain_before(ctx, entity), _chain_after(ctx, entity)):
            for part in _split(ctx, chain):
                yield from _part(ctx, index, part, table, member)


def led_by(ctx: Context, rule: RelationType, title_rules: list[RelationType]) -> Iterator[Proposal]:
    """ "<ORG>, led by (title) <PERSON>": the person leads the organisation."""
    doc = ctx.doc
    verbs = {t.lower() for t in rule.triggers}
    for index, entity in enumerate(ctx.entities):
        if entity.label_ not in rule.child:
            continue
        i = _skip_acronym(ctx, entity.end)
        if i < len(doc) and doc[i].text == ",":
            i += 1
        if i + 1 >= len(doc) or doc[i].tag_ != "VBN" or doc[i].lemma_.lower() not in verbs:
            continue
        if doc[i + 1].lower_ != "by":
            continue
        j = i + 2
        while j < len(doc) and j - i < 12 and not ctx.is_person(j) and ctx.in_chain(doc[j]):
            if doc[j].text == ",":
                break
            j += 1
        person = ctx.entity(j) if j < len(doc) and ctx.is_person(j) else None
        if person is not None:
            yield person, index, rule.label


def _chain_before(ctx: Context, person: SpacySpan) -> list[Token]:
    """The title-chain tokens right before a name, back to the first word that is not one."""
    start = ctx.sentence(person.start)[0]
    i = person.start - 1
    while i >= start and person.start - i <= _MAX_CHAIN and ctx.in_chain(ctx.doc[i]):
        i -= 1
    return list(ctx.doc[i + 1 : person.start])


def _chain_after(ctx: Context, person: SpacySpan) -> list[Token]:
    """The apposition or predicate after a name: ", President of the CPP", ", who is also
    ...", " is a member of ...". Empty when it runs into another name: then it is that
    name's title ("Hun Sen, CPP Honorary President and ... Heng Samrin")."""
    doc, end = ctx.doc, ctx.sentence(person.start)[1]
    i = person.end
    if i < end and doc[i].text == ",":
        i += 1
        if i < end and doc[i].lower_ in {"and", "or", "but"}:
            return []  # ", and ...": the next item of a list, not an apposition
        if i < end and doc[i].lower_ in {"who", "which"}:
            i += 1
            if i >= end or doc[i].lemma_ not in _COPULAS:
                return []
            i += 1
    elif i < end and doc[i].lemma_ in _COPULAS:
        i += 1
    else:
        return []
    if i < end and doc[i].lower_ == "also":
        i += 1
    if i < end and doc[i].lower_ in _DETERMINERS:
        i += 1
    first = i
    while i < end and i - first < _MAX_CHAIN and doc[i].text != ",":
        if ctx.is_person(i):
            return []
        if not ctx.in_chain(doc[i]):
            break
        i += 1
    return list(doc[first:i])


def _split(ctx: Context, chain: Sequence[Token]) -> list[list[Token]]:
    """A chain's coordinated parts: "CPP Vice President" and "President of the Senate"."""
    parts: list[list[Token]] = [[]]
    for token in chain:
        if token.lower_ in _SPLITS and ctx.entity(token.i) is None:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


def _part(
    ctx: Context,
    person: int,
    part: list[Token],
    table: list[tuple[tuple[str, ...], RelationType]],
    member: RelationType | None,
) -> Iterator[Proposal]:
    """The relations one coordinated part gives: its first title names the relation, the
    organisation before the title ("CPP President") or after "of" ("President of the CPP")
    is the child."""
    found: list[tuple[int, int, RelationType]] = []
    p = 0
    while p < len(part):
        if ctx.entity(part[p].i) is None:
            for words, rule in table:
                n = ctx.spells(part[p].i, words, part[-1].i + 1)
                if n:
                    found.append((p, p + n, rule))
                    p += n - 1
                    break
        p += 1
    if not found:
        return
    rule = found[0][2]
    title_start, title_end = found[0][0], found[-1][1]
    targets: list[tuple[int, bool]] = []
    prefix = _prefix_entities(ctx, part[:title_start])
    targets.extend((index, sub_unit) for index, sub_unit in prefix)
    rest = part[title_end:]
    if rest and rest[0].lower_ == "of":
        targets.extend(_of_entities(ctx, rest[1:]))
    for index, sub_unit in targets:
        chosen = member if sub_unit and member is not None else rule
        yield person, index, chosen.label


def _prefix_entities(ctx: Context, tokens: list[Token]) -> list[tuple[int, bool]]:
    """The organisation right before a title, with its acronym in brackets, and whether a
    possessive sub-unit stands between them ("CPV Central Committee's Commission head")."""
    i = len(tokens) - 1
    sub_unit = False
    while i >= 0 and ctx.entity(tokens[i].i) is None:
        if tokens[i].text in POSSESSIVE and i + 1 < len(tokens):
            sub_unit = sub_unit or tokens[i + 1].text[:1].isupper()
        if tokens[i].text not in POSSESSIVE | {"(", ")"} and not tokens[i].text[:1].isupper():
            return []
        i -= 1
    if i < 0:
        return []
    nearest = ctx.entity(tokens[i].i)
    assert nearest is not None
    found = [(nearest, sub_unit)]
    start = ctx.entities[nearest].start
    if start >= 2 and ctx.doc[start - 1].text == "(":
        outer = ctx.entity(start - 2)
        if outer is not None and ctx.entities[outer].start >= tokens[0].i:
            found.append((outer, sub_unit))
    return found


def _of_entities(ctx: Context, tokens: list[Token]) -> list[tuple[int, bool]]:
    """The first organisation after "of" (and its acronym in brackets); a sub-unit when a
    possessive follows it ("head of the CPV Central Committee's Commission")."""
    n = 0
    while n < len(tokens) and ctx.entity(tokens[n].i) is None:
        if tokens[n].lower_ not in _DETERMINERS and tokens[n].lower_ not in {"ruling"}:
            return []
        n += 1
    if n >= len(tokens):
        return []
    first = ctx.entity(tokens[n].i)
    assert first is not None
    found = [first]
    after = _skip_acronym(ctx, ctx.entities[first].end)
    if after != ctx.entities[first].end:
        acronym = ctx.entity(ctx.entities[first].end + 1)
        if acronym is not None:
            found.append(acronym)
    sub_unit = any(t.text in POSSESSIVE for t in tokens if t.i >= after)
    return [(index, sub_unit) for index in found]


def _skip_acronym(ctx: Context, i: int) -> int:
    """The token after "(ACRONYM)" at ``i``, or ``i`` when there is none."""
    doc = ctx.doc
    if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and i + 1 in ctx.owner:
        return i + 3
    return i
