"""re3d (Dstl's defence and security news, the two public-domain subsets) as redline records.

Source: github:dstl/re3d, ``US State Department/`` and ``CENTCOM/`` (public domain, see each
folder's LICENSE and ATTRIBUTION). Each folder holds mongoexport JSON lines: documents,
entities (character offsets into the text) and relations (the offsets of their two ends).

Choices, so that the gold fits a redline schema with ``allow_overlap = false``:

- entity types become upper-case labels (``MilitaryPlatform`` -> ``MILITARY_PLATFORM``);
  ``DocumentReference`` (9 mentions) and ``CommsIdentifier`` (4) are dropped: too rare to
  measure and en_core_web_sm has nothing that suggests them;
- offsets are trimmed of whitespace; duplicates dropped; overlaps resolved by
  :func:`~bench.corpora_common.resolve_overlaps` (the longer span wins);
- a relation's ends are the entities at its source and target offsets; a relation whose end
  was dropped (overlap, dropped type) is dropped and counted (``relations_end_dropped``);
- each relation's head and child types are the types seen on each side in the kept gold.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from bench.corpora_common import (
    Candidate,
    Corpus,
    build_schema,
    gold_record,
    relation_constraints,
    resolve_overlaps,
    trimmed,
)
from redline.schema.records import Annotation, Document

SUBSETS = ("US State Department", "CENTCOM")

DROPPED_TYPES = frozenset({"DocumentReference", "CommsIdentifier"})

ENTITIES: list[tuple[str, str]] = [
    ("ORGANISATION", "An organisation, including a state acting as one (The United States)."),
    ("LOCATION", "A place: country, city, region, facility, area."),
    ("PERSON", "A person, or a group of people named by what they are (mourners)."),
    ("NATIONALITY", "A nationality or group adjective (Syrian, Kurdish)."),
    ("TEMPORAL", "A date, time or period (October 25, the following day)."),
    ("QUANTITY", "A number or amount of something (two, 18,000 square kilometers)."),
    ("MONEY", "An amount of money."),
    ("WEAPON", "A weapon (IED, artillery)."),
    ("MILITARY_PLATFORM", "A military platform (aircraft, ships, drones)."),
    ("VEHICLE", "A vehicle (truck, car)."),
]

RELATIONS: list[tuple[str, str]] = [
    ("CO_LOCATED", "The head is at the place of the child (U.S. service members in Syria)."),
    ("FIGHTING_AGAINST", "The head fights or attacks the child."),
    ("BELONGS_TO", "The head is part of or belongs to the child."),
    ("HAS_ATTR_OF", "The head has the child as an attribute (a quantity, a nationality)."),
    ("IN_CHARGE_OF", "The head commands or controls the child."),
    ("IS_SYNONYM_OF", "The head and the child name the same thing."),
    ("COMM_WITH", "The head communicates or works with the child (advises, assists)."),
    ("LIKES", "The head supports or favours the child."),
    ("ALLIES_OF", "The head is an ally of the child."),
    ("DISLIKES", "The head opposes or condemns the child."),
    ("APART", "The head is away from, or left, the child (a place)."),
]

LABEL_MAP = {
    "PERSON": "PERSON",
    "ORG": "ORGANISATION",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "NORP": "NATIONALITY",
    "DATE": "TEMPORAL",
    "TIME": "TEMPORAL",
    "CARDINAL": "QUANTITY",
    "QUANTITY": "QUANTITY",
    "MONEY": "MONEY",
}


def label_of(corpus_type: str) -> str:
    """``MilitaryPlatform`` -> ``MILITARY_PLATFORM``, ``CoLocated`` -> ``CO_LOCATED``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", corpus_type).upper()


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def load_re3d(folder: Path) -> Corpus:
    """Both public subsets of ``folder`` (the ``re3d/`` folder), documents by source then id."""
    notes: Counter[str] = Counter()
    documents: list[Document] = []
    gold: list[Annotation] = []
    for subset in SUBSETS:
        where = folder / subset
        texts = {d["_id"]: d for d in _lines(where / "documents.json")}
        entities: dict[str, list[dict[str, Any]]] = {}
        for entity in _lines(where / "entities.json"):
            entities.setdefault(entity["documentId"], []).append(entity)
        relations: dict[str, list[dict[str, Any]]] = {}
        for relation in _lines(where / "relations.json"):
            relations.setdefault(relation["documentId"], []).append(relation)
        for doc_id in sorted(texts):
            raw = texts[doc_id]
            document = Document.from_text(
                f"re3d-{doc_id}",
                raw["text"],
                {"corpus": "re3d", "source": subset, "title": raw.get("title", "")},
            )
            documents.append(document)
            record = _gold(document, entities.get(doc_id, []), relations.get(doc_id, []), notes)
            gold.append(record)
    constraints = relation_constraints(gold)
    schema = build_schema(
        "re3d",
        "re3d entity and relation types (Dstl), on US State Department and CENTCOM releases.",
        ENTITIES,
        RELATIONS,
        constraints,
        LABEL_MAP,
    )
    return Corpus("re3d", schema, documents, gold, dict(sorted(notes.items())))


def _gold(
    document: Document,
    entities: list[dict[str, Any]],
    relations: list[dict[str, Any]],
    notes: Counter[str],
) -> Annotation:
    """One document's gold: resolved entities, and the relations between kept ones."""
    text = document.text
    by_offsets: dict[tuple[int, int], list[Candidate]] = {}
    candidates: list[Candidate] = []
    for entity in entities:
        if entity["type"] in DROPPED_TYPES:
            notes[f"spans_dropped_type_{entity['type']}"] += 1
            continue
        start, end = trimmed(text, int(entity["begin"]), int(entity["end"]))
        if start >= end:
            notes["spans_empty"] += 1
            continue
        candidate = Candidate(
            start, end, label_of(entity["type"]), float(entity.get("confidence", 1.0))
        )
        candidates.append(candidate)
        by_offsets.setdefault((int(entity["begin"]), int(entity["end"])), []).append(candidate)
    kept = resolve_overlaps(candidates, notes)
    index = {(c.start, c.end, c.label): n for n, c in enumerate(kept)}

    def end_of(begin: int, end: int) -> int | None:
        """The kept span the corpus's offsets point to (one at most: kept spans never
        overlap, so at most one of the entities on those offsets survived)."""
        for candidate in by_offsets.get((begin, end), []):
            found = index.get((candidate.start, candidate.end, candidate.label))
            if found is not None:
                return found
        return None

    links: list[tuple[int, int, str]] = []
    for relation in relations:
        head = end_of(int(relation["sourceBegin"]), int(relation["sourceEnd"]))
        child = end_of(int(relation["targetBegin"]), int(relation["targetEnd"]))
        if head is None or child is None:
            notes["relations_end_dropped"] += 1
            continue
        if head == child:
            notes["relations_self"] += 1
            continue
        links.append((head, child, label_of(relation["type"])))
    notes["relations_duplicate"] += len(links) - len(set(links))
    return gold_record(document, kept, links)
