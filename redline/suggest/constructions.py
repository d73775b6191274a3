"""News constructions that state a relation outright, read off the tokens and the parse.

The trigger-on-path rule (redline.suggest.relations) asks "is there a relation word between
these two names?"; news says who leads, belongs to, meets and is part of what in a handful of
set phrases ("CPP President Hun Sen", "X received Y", "Vietnam's Ministry of Health"). Each
phrase shape is a construction; a relation type in the schema names the constructions that
suggest it and the words (titles, body and place nouns) they look for, so a schema that
names none gets none. en_core_web_sm parses long title chains badly ("Say" as a verb in "...
Senate Say Chhum"), so the title and place constructions read token sequences and entity
boundaries; the verb constructions use the parse where it is reliable (subjects, objects).

This module holds what the constructions share: the entity index of each token, the token
classes of a title chain and the coordinated groups of names; redline.suggest.relations runs
each relation's constructions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from redline.schema.labels import LabelSchema, RelationType

Proposal = tuple[int, int, str]
"""(head entity index, child entity index, relation label)."""

CONNECTORS = {"of", "the", "and", ",", "(", ")", "'s", "’s", "'", "’", "-", "–", "cum"}
"""Tokens that join the parts of a title chain ("President of the Senate and ...")."""
FILLERS = {"party", "state", "ruling", "senior", "permanent", "acting", "incumbent", "foreign"}
"""Lower-case words that may stand inside a title ("Party General Secretary")."""
POSSESSIVE = {"'s", "’s", "'", "’"}
_FINAL = {".", "!", "?", "\n", ":", ";", "—", "–"}


@dataclass
class Context:
    """A document's tokens, sentences and entities as the constructions read them."""

    doc: Doc
    entities: Sequence[SpacySpan]
    schema: LabelSchema
    owner: dict[int, int] = field(default_factory=dict)
    title_words: set[str] = field(default_factory=set)
    lower: list[str] = field(default_factory=list)
    lemma: list[str] = field(default_factory=list)
    bounds: list[tuple[int, int]] = field(default_factory=list)
    """Per token, its sentence's (start, end): the parser's sentences, rejoined where one
    does not end in sentence-final punctuation (a long title chain often splits one)."""

    def __post_init__(self) -> None:
        self.lower = [t.lower_ for t in self.doc]
        self.lemma = [t.lemma_.lower() for t in self.doc]
        sentences: list[list[int]] = []
        for sent in self.doc.sents:
            ends_clause = sentences and self.doc[sentences[-1][1] - 1].text[-1:] in _FINAL
            if sentences and not ends_clause and "\n" not in self.doc[sent.start - 1].whitespace_:
                sentences[-1][1] = sent.end
            else:
                sentences.append([sent.start, sent.end])
        for start, end in sentences:
            self.bounds.extend([(start, end)] * (end - start))
        for index, entity in enumerate(self.entities):
            for i in range(entity.start, entity.end):
                self.owner.setdefault(i, index)
        for rule in self.schema.relations:
            if "title" in rule.constructions:
                self.title_words.update(w for noun in rule.nouns for w in noun.split())

    def sentence(self, i: int) -> tuple[int, int]:
        """The (start, end) token offsets of the sentence token ``i`` is in."""
        return self.bounds[i]

    def spells(self, start: int, words: tuple[str, ...], end: int | None = None) -> int:
        """How many tokens from ``start`` (before ``end``) spell ``words``, word or lemma,
        hyphens skipped ("secretary-general"), or 0."""
        end = len(self.lower) if end is None else end
        n, position = start, 0
        while position < len(words):
            if n >= end:
                return 0
            if self.lower[n] in {"-", "–"} and n > start:
                n += 1
                continue
            if words[position] != self.lower[n] and words[position] != self.lemma[n]:
                return 0
            position += 1
            n += 1
        return n - start

    def longest(
        self, start: int, phrases: Sequence[tuple[str, ...]], end: int | None = None
    ) -> int:
        """The length of the longest of ``phrases`` spelt from ``start``, or 0."""
        return max((self.spells(start, words, end) for words in phrases), default=0)

    def entity(self, i: int) -> int | None:
        """The index of the entity token ``i`` is in, if any."""
        return self.owner.get(i)

    def label(self, index: int) -> str:
        return self.entities[index].label_

    def is_person(self, i: int) -> bool:
        index = self.owner.get(i)
        return index is not None and self.label(index) == "PERSON"

    def entity_starting(self, i: int) -> int | None:
        index = self.owner.get(i)
        return index if index is not None and self.entities[index].start == i else None

    def in_chain(self, token: Token) -> bool:
        """Whether a token can stand in a title chain: a title word, a connector, a filler,
        a non-person entity or another capitalised word (an honorific, "Central Committee")."""
        if self.is_person(token.i):
            return False
        if token.i in self.owner or token.lower_ in CONNECTORS or token.lower_ in FILLERS:
            return True
        if token.lower_ in self.title_words:
            return True
        return token.text[:1].isupper() and token.pos_ in {"PROPN", "NOUN", "ADJ"}


def title_table(rules: Sequence[RelationType]) -> list[tuple[tuple[str, ...], RelationType]]:
    """Each rule's titles as word tuples, longest first (so "prime minister" beats
    "minister" and "vice president" beats "president")."""
    table = [(tuple(noun.split()), rule) for rule in rules for noun in rule.nouns]
    return sorted(table, key=lambda item: -len(item[0]))


def person_groups(ctx: Context, start: int, step: int, limit: int) -> list[int]:
    """The PERSON entities of a coordinated group read from token ``start`` outwards
    (``step`` -1 to the left, +1 to the right) over title-chain tokens: "A, B and C" is
    three, "A, said B" is one. A person followed by 's is a possessor, not a participant."""
    found: list[int] = []
    joins: list[str] = []
    between: set[str] = set()
    i = start
    doc = ctx.doc
    while 0 <= i < len(doc) and abs(i - start) <= limit:
        index = ctx.entity(i)
        if index is not None and ctx.label(index) == "PERSON":
            entity = ctx.entities[index]
            if entity.end < len(doc) and doc[entity.end].text in POSSESSIVE:
                break
            if found:
                joins.append("and" if "and" in between else ",")
            found.append(index)
            between = set()
            i = entity.start - 1 if step < 0 else entity.end
            continue
        if not ctx.in_chain(doc[i]):
            break
        between.add(doc[i].lower_)
        i += step
    if len(found) < 2:
        return found
    if step < 0:  # "A, B and C met": outwards from the verb the first join is "and"
        return found if joins[0] == "and" else found[:1]
    last_and = max((n for n, join in enumerate(joins) if join == "and"), default=-1)
    return found[: last_and + 2] if last_and >= 0 else found[:1]
