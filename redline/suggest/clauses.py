"""Verb constructions: who meets whom ("X received Y", "X held talks with Y") and who joins what.

The verb (or a light verb with its noun: "hold talks with", "pay a courtesy visit to") is one
of the relation's triggers. Its participants are read two ways, because en_core_web_sm parses
long title chains badly: first as the coordinated group of names next to the verb over
title-chain tokens ("CPP President Hun Sen and National Assembly President Khuon Sudary
welcomed ..."), else from the parse (the subject of the clause, climbing out of "while
meeting with" and "is scheduled to meet"). A coordination distributes: "X and Y met Z" is two
meetings, X-Z and Y-Z; "X and Y met" is one, X-Y. A name followed by 's is a possessor ("X
received Y's letter"), and a verb that is not a trigger proposes nothing ("X sent a message
to party leader Y").
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from redline.schema.labels import RelationType
from redline.suggest.constructions import Context, Proposal, person_groups

LIGHT_VERBS = {"hold", "have", "pay", "make", "conduct"}
"""Verbs whose object noun carries the meeting: "hold talks", "pay a visit", "make a call"."""
RECIPROCAL = {"meet", "talk", "meeting"}
"""Triggers whose coordinated subjects meet each other when there is no object."""
_OBJECT_PREPOSITIONS = {"with", "to", "on", "by"}
_CLIMB = {"advcl", "xcomp", "conj"}
_TIME_PREPOSITIONS = {"after", "before", "during", "upon", "on", "when", "while"}
_GROUP_REACH = 40


def meeting(
    ctx: Context, rule: RelationType, title_rules: list[RelationType]
) -> Iterator[Proposal]:
    """MEETS-like proposals between the persons on either side of a meeting trigger."""
    triggers = {t.lower() for t in rule.triggers}
    for i, lemma in enumerate(ctx.lemma):
        if lemma not in triggers or ctx.entity(i) is not None:
            continue
        token = ctx.doc[i]
        if token.pos_ in {"VERB", "AUX"}:
            verb, needs_preposition = token, False
        elif (
            token.pos_ == "NOUN"
            and token.dep_ == "dobj"
            and token.head.lemma_.lower() in LIGHT_VERBS
        ):
            verb, needs_preposition = token.head, True
        else:
            continue
        objects = _objects(ctx, token, needs_preposition)
        subjects = _subjects(ctx, verb)
        if not objects and lemma in RECIPROCAL and len(subjects) > 1:
            for n, head in enumerate(subjects):
                for child in subjects[n + 1 :]:
                    yield head, child, rule.label
            continue
        for head in subjects:
            for child in objects:
                if head != child:
                    yield head, child, rule.label


def joined(ctx: Context, rule: RelationType, title_rules: list[RelationType]) -> Iterator[Proposal]:
    """ "X joined the <ORG>": a verb trigger whose object is the organisation."""
    doc = ctx.doc
    triggers = {t.lower() for t in rule.triggers}
    for n, lemma in enumerate(ctx.lemma):
        token = doc[n]
        if lemma not in triggers or token.pos_ != "VERB":
            continue
        i = token.i + 1
        if i < len(doc) and doc[i].lower_ in {"the", "a", "an"}:
            i += 1
        target = ctx.entity_starting(i) if i < len(doc) else None
        if target is None or ctx.label(target) not in rule.child:
            continue
        for person in _subjects(ctx, token):
            yield person, target, rule.label


def _objects(ctx: Context, trigger: Token, needs_preposition: bool) -> list[int]:
    """The persons the trigger's object names: the group right after it (after "with",
    "to", "on", "by"), else the parse's object and its conjuncts."""
    doc = ctx.doc
    i = trigger.i + 1
    has_preposition = i < len(doc) and doc[i].lower_ in _OBJECT_PREPOSITIONS
    if has_preposition:
        i += 1
    elif needs_preposition:
        return []
    group = person_groups(ctx, i, +1, _GROUP_REACH) if i < len(doc) else []
    if group:
        return group
    for child in trigger.children:
        if child.dep_ in {"dobj", "dative"}:
            return _dep_persons(ctx, child)
        if child.dep_ in {"prep", "agent"} and child.lower_ in _OBJECT_PREPOSITIONS:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return _dep_persons(ctx, pobj)
    return []


def _subjects(ctx: Context, verb: Token) -> list[int]:
    """The persons doing the verb: the group right before it (past auxiliaries and
    adverbs), else the parse's subject, climbing out of subordinate and infinitive clauses."""
    i = verb.i - 1
    start = ctx.sentence(verb.i)[0]
    while i >= start and ctx.doc[i].pos_ in {"AUX", "ADV", "PART"}:
        i -= 1
    if i >= start:
        group = person_groups(ctx, i, -1, _GROUP_REACH)
        if group:
            return group
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                if child.lower_ in {"who", "that"} and node.dep_ == "relcl":
                    return _dep_persons(ctx, node.head)
                return _dep_persons(ctx, child)
        if node.dep_ in _CLIMB:
            node = node.head
        elif node.dep_ == "pcomp" and node.head.lower_ in _TIME_PREPOSITIONS:
            node = node.head.head
        else:
            break
    return []


def _dep_persons(ctx: Context, token: Token) -> list[int]:
    """The person a parse node names, with those coordinated or in apposition with it."""
    found: list[int] = []
    stack = [token]
    while stack:
        node = stack.pop()
        index = ctx.entity(node.i)
        if index is not None and ctx.label(index) == "PERSON" and index not in found:
            found.append(index)
        stack.extend(c for c in node.children if c.dep_ in {"conj", "appos"})
    return sorted(found)
