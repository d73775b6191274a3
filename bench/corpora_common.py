"""What the corpus loaders share: the :class:`Corpus`, overlap resolution and schema building.

The public corpora annotate nested and repeated entities; redline's schemas for them say
``allow_overlap = false`` (what an annotator in redline would produce), so each loader turns
its entities into candidates and :func:`resolve_overlaps` picks a non-overlapping set the
same way for both corpora.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redline.schema.keys import GOLD_ANNOTATOR
from redline.schema.labels import LabelSchema
from redline.schema.loading import schema_from_dict
from redline.schema.records import Annotation, Document, Relation, Span

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
"""``../shared/corpora`` beside the checkout: read there, never copied into the repository."""

GOLD_TIME = datetime(2024, 1, 1, tzinfo=UTC)
"""A fixed ``created_at``, so two loads of a corpus give equal records."""

_COLOURS = [
    "#e5c07b", "#61afef", "#98c379", "#c678dd", "#f1fa8c", "#e06c75", "#56b6c2", "#d19a66",
    "#be5046", "#ff79c6", "#8be9fd", "#50fa7b", "#bd93f9", "#ffb86c", "#7ec699", "#a0a1a7",
]  # fmt: skip
_ENTITY_KEYS = "1234567890"
_RELATION_KEYS = "abcdefghijklmnopqrstuvwxyz"


def missing_reason(folder: Path = CORPORA) -> str | None:
    """Why the corpora cannot be read (for a skip message), or None when they are there."""
    if not folder.is_dir():
        return f"the public corpora are not at {folder} (../shared/corpora beside the checkout)"
    return None


@dataclass
class Corpus:
    """A corpus as redline records: its schema, its texts and one gold record per text.

    ``notes`` counts what the loader dropped or changed (duplicates, overlaps, relations
    whose ends were dropped, cross-sentence relations...), so a benchmark can say so.
    """

    name: str
    schema: LabelSchema
    documents: list[Document]
    gold: list[Annotation]
    notes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """One entity mention as the corpus gives it, before overlaps are resolved."""

    start: int
    end: int
    label: str
    confidence: float = 1.0

    @property
    def length(self) -> int:
        return self.end - self.start


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets without surrounding whitespace (a span holds the name only); may be empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def resolve_overlaps(candidates: Iterable[Candidate], notes: Counter[str]) -> list[Candidate]:
    """A non-overlapping subset, in text order, chosen the same way on every run.

    Exact duplicates (same offsets and label) are dropped first. Then the longest span wins
    an overlap (a nested mention loses to the phrase around it, which carries the most
    text); between equally long ones, the higher confidence, then the earlier start, then the
    label's alphabetical order (so two labels on the same offsets resolve deterministically).
    """
    unique: dict[tuple[int, int, str], Candidate] = {}
    for candidate in candidates:
        key = (candidate.start, candidate.end, candidate.label)
        if key in unique:
            notes["spans_duplicate"] += 1
            if candidate.confidence > unique[key].confidence:
                unique[key] = candidate
        else:
            unique[key] = candidate
    order = sorted(unique.values(), key=lambda c: (-c.length, -c.confidence, c.start, c.label))
    kept: list[Candidate] = []
    for candidate in order:
        if any(candidate.start < k.end and k.start < candidate.end for k in kept):
            notes["spans_overlapping"] += 1
        else:
            kept.append(candidate)
    return sorted(kept, key=lambda c: (c.start, c.end))


def gold_record(
    document: Document, spans: Sequence[Candidate], relations: Iterable[tuple[int, int, str]]
) -> Annotation:
    """The gold record: ``spans`` in order (ids s1, s2...), ``relations`` as (head index,
    child index, label) into ``spans``, duplicates and self-links left out."""
    records = [
        Span(id=f"s{n}", start=c.start, end=c.end, label=c.label, origin="annotator", edit="added")
        for n, c in enumerate(spans, start=1)
    ]
    seen: set[tuple[int, int, str]] = set()
    links: list[Relation] = []
    for head, child, label in relations:
        if head == child or (head, child, label) in seen:
            continue
        seen.add((head, child, label))
        links.append(
            Relation(
                id=f"r{len(links) + 1}",
                head=records[head].id,
                child=records[child].id,
                label=label,
                origin="annotator",
                edit="added",
            )
        )
    return Annotation.of(
        document,
        spans=records,
        relations=links,
        annotator=GOLD_ANNOTATOR,
        answer="accept",
        created_at=GOLD_TIME,
    )


def relation_constraints(gold: Iterable[Annotation]) -> dict[str, tuple[list[str], list[str]]]:
    """Per relation label, the entity labels seen at its head and at its child in ``gold``:
    the schema's type constraint, so every gold relation fits it by construction."""
    heads: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)
    for record in gold:
        by_id = {span.id: span.label for span in record.spans}
        for relation in record.relations:
            heads[relation.label].add(by_id[relation.head])
            children[relation.label].add(by_id[relation.child])
    return {label: (sorted(heads[label]), sorted(children[label])) for label in sorted(heads)}


def build_schema(
    name: str,
    description: str,
    entities: Sequence[tuple[str, str]],
    relations: Sequence[tuple[str, str]],
    constraints: dict[str, tuple[list[str], list[str]]],
    label_map: dict[str, str],
) -> LabelSchema:
    """A schema for en_core_web_sm and the corpus's labels: ``entities`` and ``relations``
    as (label, description); relations absent from ``constraints`` (never seen) are left
    out. No triggers or paths: the rules suggest no relations, the corpus's gold has them."""
    data: dict[str, Any] = {
        "name": name,
        "description": description,
        "allow_overlap": False,
        "model": {"name": "en_core_web_sm", "label_map": label_map},
        "entities": [
            {"label": label, "key": key, "color": colour, "description": text}
            for (label, text), key, colour in zip(entities, _ENTITY_KEYS, _COLOURS, strict=False)
        ],
        "relations": [],
    }
    if len(entities) > len(_ENTITY_KEYS):
        raise ValueError(f"{name}: at most {len(_ENTITY_KEYS)} entity labels have a key")
    seen = [(label, text) for label, text in relations if label in constraints]
    for n, (label, text) in enumerate(seen):
        head, child = constraints[label]
        data["relations"].append(
            {
                "label": label,
                "key": _RELATION_KEYS[n],
                "color": _COLOURS[n % len(_COLOURS)],
                "description": text,
                "head": head,
                "child": child,
            }
        )
    return schema_from_dict(data, f"<bench.corpora: {name}>")
