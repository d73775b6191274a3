"""The label schema: which entity and relation types exist, and how suggestions are made.

A schema is written in TOML (``schema/news.toml``, read by :mod:`.loading`) so a team can
change its guideline without touching code. Everything that decides what the suggester
proposes (model, label map, patterns, clean-up, relation rules) lives here, and the schema's
hash is part of the suggestion cache key.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Protocol, TypeVar

import orjson
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from redline.errors import RedlineError
from redline.schema.records import Annotation
from redline.schema.token_patterns import check_token_patterns

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
ENTITY_KEYS = "1234567890cdeilmsvwyz"
"""Keys given to entity labels whose schema names none: the digits, then the letters the
annotate screen leaves free. Labels after these have no key; the command palette has them."""
RELATION_KEYS = "abcdefghijklmnopqrstuvwxyz1234567890"
"""Keys given to relation labels whose schema names none (they are typed in the picker)."""
Construction = Literal["title", "led_by", "joined", "meeting", "body_of", "place_in"]


class _SchemaPart(BaseModel):
    """Built when first validated (``defer_build``), as the records are."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def label_refusal(label: str) -> str | None:
    """Why ``label`` cannot be a label, or None. Any name brat, Prodigy, CoNLL or spaCy take
    is one (any case, hyphens, dots, digits: ``Merge-org``, ``c``, ``B.1``); whitespace and
    control characters are refused, since every format cuts its lines at them."""
    if not label:
        return "a label must not be empty"
    for char in label:
        if char.isspace() or unicodedata.category(char).startswith("C"):
            return f"{label!r} holds {char!r}: a label has no whitespace or control characters"
    return None


def _check_label(label: str) -> str:
    refusal = label_refusal(label)
    if refusal:
        raise ValueError(refusal)
    return label


LabelName = Annotated[str, AfterValidator(_check_label)]


class _LabelType(_SchemaPart):
    label: LabelName
    key: str = Field(default="", max_length=20, pattern=r"^\S*$")
    """The key that applies the label; none given: the next free one (:data:`ENTITY_KEYS`)."""
    color: str = ""
    """#rrggbb; none given: the UI takes the next colour of a colour-blind-safe palette."""
    description: str = ""

    @field_validator("color")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if value and not HEX_COLOUR.fullmatch(value):
            raise ValueError(f"{value!r} is not a colour of the form #rrggbb")
        return value.lower()


class EntityType(_LabelType):
    """An entity label; its description is the annotation guideline shown in the UI."""


class RelationType(_LabelType):
    """A relation label with its type constraint and the rules that suggest it."""

    head: list[LabelName] = Field(min_length=1, description="Entity labels the head may have.")
    child: list[LabelName] = Field(min_length=1, description="Entity labels the child may have.")
    triggers: list[str] = Field(
        default_factory=list,
        description="Lemmas that, on the dependency path between two entities, suggest it.",
    )
    paths: list[str] = Field(
        default_factory=list,
        description="Dependency paths (e.g. '<appos' or '>prep >pobj') that suggest it alone.",
    )
    max_path: int = Field(default=4, ge=1, le=12)
    symmetric: bool = False
    constructions: list[Construction] = Field(default_factory=list)
    """Phrase shapes that suggest it; given, they replace the trigger-on-path rule."""
    nouns: list[Annotated[str, Field(pattern=r"^[^\sA-Z]+( [^\sA-Z]+)*$")]] = Field([])
    """Lower-case titles (prime minister), body nouns (ministry) or place nouns (capital)."""

    @field_validator("paths")
    @classmethod
    def _path_syntax(cls, paths: list[str]) -> list[str]:
        for path in paths:
            for step in path.split():
                if len(step) < 2 or step[0] not in "<>":
                    raise ValueError(
                        f"path {path!r}: each step is '<dep' (up to the head) or '>dep' (down)"
                    )
        return paths

    def fits(self, head_label: str, child_label: str) -> bool:
        return head_label in self.head and child_label in self.child


class PatternSet(_SchemaPart):
    """Entity-ruler patterns for one label."""

    phrases: list[str] = Field(
        default_factory=list, description="Matched case-insensitively, with and without diacritics."
    )
    cased: list[str] = Field(default_factory=list, description="Matched exactly as written.")
    tokens: list[list[dict[str, Any]]] = Field(
        default_factory=list, description="spaCy Matcher token patterns."
    )

    @field_validator("cased")
    @classmethod
    def _cased_not_empty(cls, phrases: list[str]) -> list[str]:
        for index, phrase in enumerate(phrases):
            if not phrase:
                raise ValueError(f"[{index}] is empty: a pattern needs at least one token")
        return phrases

    @field_validator("tokens")
    @classmethod
    def _spacy_accepts(cls, patterns: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        """spaCy checks a token pattern only when the suggester is built: check each one here,
        so that `schema check` finds what would otherwise stop `suggest` with a traceback."""
        check_token_patterns(patterns)
        return patterns


class ModelConfig(_SchemaPart):
    name: str = Field(default="en_core_web_sm", description="spaCy pipeline name or path.")
    label_map: dict[str, str] = Field(
        default_factory=dict,
        description="Model label -> schema label; model labels not listed are dropped.",
    )


class Cleanup(_SchemaPart):
    """What is trimmed off suggested spans so that a span holds the name only."""

    determiners: list[str] = Field(default_factory=lambda: ["the", "a", "an"])
    possessives: list[str] = Field(default_factory=lambda: ["'s", "’s", "'", "’"])
    titles: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per label, words or phrases stripped from the front (titles, honorifics).",
    )
    not_entities: list[str] = Field(
        default_factory=list,
        description="Texts that are never an entity on their own (e.g. a bare 'Party').",
    )
    capitalised: list[str] = Field(
        default_factory=list,
        description="Labels whose names have a capital letter; an all-lowercase one is dropped.",
    )


class LabelSchema(_SchemaPart):
    name: str = Field(min_length=1)
    description: str = ""
    lang: str = Field(default="en", pattern=r"^[a-z]{2,3}$")
    """The language whose spaCy tokenizer cuts texts (import checks, the UI, every export)."""
    allow_overlap: bool = Field(
        default=False, validation_alias=AliasChoices("allow_overlap", "overlap")
    )
    """Whether entity spans may overlap and nest (``overlap = true`` in TOML)."""
    model: ModelConfig = Field(default_factory=ModelConfig)
    entities: list[EntityType] = Field(min_length=1)
    relations: list[RelationType] = Field(default_factory=list)
    patterns: dict[str, PatternSet] = Field(default_factory=dict)
    cleanup: Cleanup = Field(default_factory=Cleanup)

    @model_validator(mode="before")
    @classmethod
    def _assign_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for section, keys in (("entities", ENTITY_KEYS), ("relations", RELATION_KEYS)):
                if isinstance(data.get(section), list):
                    data[section] = assign_keys(data[section], keys)
        return data

    @field_validator("lang")
    @classmethod
    def _spacy_has_language(cls, lang: str) -> str:
        if lang != "en":
            from spacy.util import get_lang_class

            try:
                get_lang_class(lang)
            except ImportError:
                raise ValueError(f"spaCy has no language {lang!r}") from None
        return lang

    @model_validator(mode="after")
    def _references_resolve(self) -> LabelSchema:
        entity_labels = self.entity_labels
        _unique("entities", "label", [e.label for e in self.entities])
        _unique("entities", "key", [e.key for e in self.entities if e.key])
        _unique("relations", "label", [r.label for r in self.relations])
        _unique("relations", "key", [r.key for r in self.relations if r.key])
        for index, relation in enumerate(self.relations):
            for side in ("head", "child"):
                for label in getattr(relation, side):
                    if label not in entity_labels:
                        raise ValueError(
                            f"relations[{index}] ({relation.label}).{side}: unknown entity label "
                            f"{label!r} (known: {', '.join(sorted(entity_labels))})"
                        )
        for model_label, label in self.model.label_map.items():
            if label not in entity_labels:
                raise ValueError(f"model.label_map.{model_label}: unknown entity label {label!r}")
        for label in self.patterns:
            if label not in entity_labels:
                raise ValueError(f"patterns.{label}: unknown entity label {label!r}")
        for label in self.cleanup.titles:
            if label not in entity_labels:
                raise ValueError(f"cleanup.titles.{label}: unknown entity label {label!r}")
        for label in self.cleanup.capitalised:
            if label not in entity_labels:
                raise ValueError(f"cleanup.capitalised: unknown entity label {label!r}")
        return self

    @property
    def entity_labels(self) -> set[str]:
        return {e.label for e in self.entities}

    @property
    def relation_labels(self) -> set[str]:
        return {r.label for r in self.relations}

    def entity(self, label: str) -> EntityType | None:
        return next((e for e in self.entities if e.label == label), None)

    def relation(self, label: str) -> RelationType | None:
        return next((r for r in self.relations if r.label == label), None)

    @property
    def hash(self) -> str:
        """Short content hash: part of the suggestion cache key and of ``suggested_by``. An
        English schema hashes as it did before ``lang`` existed, so no cache goes stale."""
        content = self.model_dump(mode="json")
        if content["lang"] == "en":
            del content["lang"]
        canonical = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha1(canonical).hexdigest()[:12]

    def require_entity_labels(self, labels: Iterable[str]) -> list[str]:
        """``labels``, after checking the schema has each: a label it does not have is a typo,
        and a measure restricted to it would be silently empty."""
        wanted = list(labels)
        known = self.entity_labels
        unknown = [label for label in wanted if label not in known]
        if unknown:
            have = ", ".join(sorted(known))
            raise RedlineError(f"label(s) {', '.join(unknown)} not in the schema (it has: {have})")
        return wanted

    def relation_refusal(
        self, relation_label: str, head_label: str, child_label: str
    ) -> str | None:
        """Why a relation may not join these two entity types, or None when it may."""
        relation = self.relation(relation_label)
        if relation is None:
            return f"unknown relation label {relation_label!r}"
        if not relation.fits(head_label, child_label):
            return (
                f"{relation_label} goes from {'|'.join(relation.head)} to "
                f"{'|'.join(relation.child)}, not from {head_label} to {child_label}"
            )
        return None

    def record_problems(self, record: Annotation) -> list[str]:
        """What in a record this schema does not allow; empty when the record fits."""
        problems: list[str] = []
        labels = self.entity_labels
        spans_by_id = {s.id: s for s in [*record.spans, *record.rejected]}
        for where, spans in (("spans", record.spans), ("rejected", record.rejected)):
            for span in spans:
                if span.label not in labels:
                    problems.append(
                        f"{where}: span {span.id} has label {span.label!r}, "
                        f"which schema {self.name!r} does not have"
                    )
        for where, relations in (
            ("relations", record.relations),
            ("rejected_relations", record.rejected_relations),
        ):
            for relation in relations:
                head, child = spans_by_id[relation.head], spans_by_id[relation.child]
                refusal = self.relation_refusal(relation.label, head.label, child.label)
                if refusal:
                    problems.append(f"{where}: relation {relation.id}: {refusal}")
        if not self.allow_overlap:
            for left, right in overlapping_neighbours(record.spans):
                problems.append(
                    f"spans: {left.id} [{left.start}, {left.end}) and {right.id} "
                    f"[{right.start}, {right.end}) overlap, and schema {self.name!r} "
                    "does not allow overlapping spans"
                )
        return problems


class _Extent(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


Extent = TypeVar("Extent", bound=_Extent)


def overlapping_neighbours(spans: Iterable[Extent]) -> list[tuple[Extent, Extent]]:
    """Pairs of spans, neighbours in text order, that share characters."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    return [(left, right) for left, right in itertools.pairwise(ordered) if right.start < left.end]


def assign_keys(items: list[Any], keys: str) -> list[Any]:
    """``items`` (label tables or label types), each without a key given the next of
    ``keys`` that no other item has; when they run out, the rest stay without."""

    def given(item: Any) -> str:
        return (
            str(item.get("key") or "") if isinstance(item, dict) else str(getattr(item, "key", ""))
        )

    taken = {given(item) for item in items}
    free = iter(k for k in keys if k not in taken)
    assigned: list[Any] = []
    for item in items:
        if given(item) or not isinstance(item, dict | _LabelType):
            assigned.append(item)
            continue
        key = next(free, "")
        assigned.append(
            {**item, "key": key} if isinstance(item, dict) else item.model_copy(update={"key": key})
        )
    return assigned


def _unique(section: str, field: str, values: list[str]) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ValueError(f"{section}[{index}].{field}: {value!r} is used twice")
        seen.add(value)
