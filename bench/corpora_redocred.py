"""Re-DocRED's revised dev set (500 Wikipedia openings) as redline records.

Source: github:tonytan48/Re-DocRED, ``dev_revised.json`` (annotations MIT; texts CC BY-SA
3.0). The corpus is pre-tokenised: the text is the tokens joined by single spaces, and the
sentences joined by single spaces, so a mention's characters follow from its token positions.

Choices:

- entity labels are the corpus's own (PER, ORG, LOC, TIME, NUM, MISC), one span per
  mention; overlapping mentions are resolved as for re3d
  (:func:`~bench.corpora_common.resolve_overlaps`, the longer span wins);
- relations hold between entities (``vertexSet`` items, several mentions each), redline's
  between spans: each gold relation becomes ONE relation between the pair of its entities'
  surviving mentions that are in the same sentence if any pair is, else in the closest
  sentences; then the fewest characters apart; then the earliest. The relations with no
  same-sentence pair are counted (``relations_cross_sentence``: a sentence-level model
  cannot find them);
- a relation's head (child) may have the type of any mention of any head (child) entity
  of that property in the whole file;
- only the :data:`TOP_RELATIONS` most frequent properties (over the whole file) are kept, as
  ``P17_COUNTRY`` and the like (upper case: a schema label is ``[A-Z][A-Z0-9_]*``); the
  others are counted (``relations_rare_label``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from bench.corpora_common import (
    Candidate,
    Corpus,
    build_schema,
    gold_record,
    resolve_overlaps,
    trimmed,
)
from redline.schema.records import Annotation, Document

TOP_RELATIONS = 20
"""The 20 most frequent properties hold 13,785 of the dev set's 17,284 relations (80%)."""

ENTITIES: list[tuple[str, str]] = [
    ("PER", "A person (or a fictional character)."),
    ("ORG", "An organisation: company, band, team, party, agency, school."),
    ("LOC", "A place: country, region, city, body of water, building."),
    ("TIME", "A date, year or time."),
    ("NUM", "A number or amount."),
    ("MISC", "Any other name: nationality, event, work, language, product, award."),
]

PROPERTY_NAMES = {
    "P6": "head of government",
    "P17": "country",
    "P19": "place of birth",
    "P20": "place of death",
    "P26": "spouse",
    "P27": "country of citizenship",
    "P30": "continent",
    "P31": "instance of",
    "P36": "capital",
    "P40": "child",
    "P50": "author",
    "P54": "member of sports team",
    "P57": "director",
    "P69": "educated at",
    "P86": "composer",
    "P102": "member of political party",
    "P108": "employer",
    "P112": "founded by",
    "P127": "owned by",
    "P131": "located in the administrative territorial entity",
    "P136": "genre",
    "P150": "contains administrative territorial entity",
    "P155": "follows",
    "P156": "followed by",
    "P159": "headquarters location",
    "P161": "cast member",
    "P170": "creator",
    "P175": "performer",
    "P178": "developer",
    "P205": "basin country",
    "P206": "located in or next to body of water",
    "P264": "record label",
    "P276": "location",
    "P361": "part of",
    "P463": "member of",
    "P495": "country of origin",
    "P527": "has part",
    "P569": "date of birth",
    "P570": "date of death",
    "P571": "inception",
    "P577": "publication date",
    "P580": "start time",
    "P582": "end time",
    "P585": "point in time",
    "P607": "conflict",
    "P674": "characters",
    "P710": "participant",
    "P740": "location of formation",
    "P800": "notable work",
    "P1001": "applies to jurisdiction",
    "P1344": "participant of",
    "P1376": "capital of",
    "P1412": "languages spoken, written or signed",
    "P1441": "present in work",
    "P3373": "sibling",
}

LABEL_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "DATE": "TIME",
    "TIME": "TIME",
    "CARDINAL": "NUM",
    "QUANTITY": "NUM",
    "MONEY": "NUM",
    "PERCENT": "NUM",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "PRODUCT": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}


SHORT_NAMES = {
    "P131": "located in",
    "P150": "contains",
    "P206": "near water",
    "P1001": "jurisdiction",
    "P27": "citizenship",
    "P1412": "languages",
    "P159": "headquarters",
    "P740": "formed in",
}
"""Names too long for a label, shortened (the schema's description keeps the full name)."""


def relation_label(prop: str) -> str:
    """``P17`` -> ``P17_COUNTRY``: the id first (it is what the corpus says), then a name of
    three words at most; an unnamed property is its id alone."""
    name = SHORT_NAMES.get(prop) or PROPERTY_NAMES.get(prop)
    if name is None:
        return prop
    words = "".join(ch if ch.isalnum() else " " for ch in name).split()
    return "_".join([prop, *words[:3]]).upper()


def top_properties(raw: Sequence[dict[str, Any]], count: int = TOP_RELATIONS) -> list[str]:
    """The ``count`` most frequent properties, ties by id: the same set whatever ``limit``."""
    counts = Counter(label["r"] for doc in raw for label in doc["labels"])
    return [p for p, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:count]]


def _constraints(
    raw: Sequence[dict[str, Any]], labels: dict[str, str]
) -> dict[str, tuple[list[str], list[str]]]:
    """Per kept relation label, the types of every mention of its head entities and of its
    child entities over the whole file: the same schema whatever ``limit``, and one that
    every mention pair the loader may pick fits."""
    heads: dict[str, set[str]] = {label: set() for label in labels.values()}
    children: dict[str, set[str]] = {label: set() for label in labels.values()}
    for doc in raw:
        for relation in doc["labels"]:
            label = labels.get(relation["r"])
            if label is not None:
                heads[label].update(m["type"] for m in doc["vertexSet"][relation["h"]])
                children[label].update(m["type"] for m in doc["vertexSet"][relation["t"]])
    return {label: (sorted(heads[label]), sorted(children[label])) for label in heads}


def load_redocred(path: Path, limit: int | None = None) -> Corpus:
    """The documents of ``path`` (``dev_revised.json``) in file order, the first ``limit``."""
    raw: list[dict[str, Any]] = orjson.loads(path.read_bytes())
    kept_properties = top_properties(raw)
    labels = {prop: relation_label(prop) for prop in kept_properties}
    notes: Counter[str] = Counter()
    documents: list[Document] = []
    gold: list[Annotation] = []
    for n, doc in enumerate(raw[:limit] if limit is not None else raw):
        document, record = _document(n, doc, labels, notes)
        documents.append(document)
        gold.append(record)
    relations = [(labels[p], f"Wikidata {p}: {PROPERTY_NAMES.get(p, p)}.") for p in kept_properties]
    schema = build_schema(
        "redocred",
        "Re-DocRED entity types and its most frequent Wikidata properties, one mention pair each.",
        ENTITIES,
        relations,
        _constraints(raw, labels),
        LABEL_MAP,
    )
    return Corpus("redocred", schema, documents, gold, dict(sorted(notes.items())))


def _document(
    n: int, doc: dict[str, Any], labels: dict[str, str], notes: Counter[str]
) -> tuple[Document, Annotation]:
    starts: list[list[int]] = []
    ends: list[list[int]] = []
    pieces: list[str] = []
    offset = 0
    for sentence in doc["sents"]:
        starts.append([])
        ends.append([])
        for token in sentence:
            if pieces:
                pieces.append(" ")
                offset += 1
            starts[-1].append(offset)
            pieces.append(token)
            offset += len(token)
            ends[-1].append(offset)
    text = "".join(pieces)
    document = Document.from_text(
        f"redocred-dev-{n:03d}", text, {"corpus": "redocred", "title": doc.get("title", "")}
    )
    # every mention as a candidate, remembering which entity and sentence it belongs to
    mentions: list[list[tuple[Candidate, int]]] = []
    candidates: list[Candidate] = []
    for entity in doc["vertexSet"]:
        mentions.append([])
        for mention in entity:
            sent = int(mention["sent_id"])
            first, last = int(mention["pos"][0]), int(mention["pos"][1]) - 1
            start, end = trimmed(text, starts[sent][first], ends[sent][last])
            if start >= end:
                notes["spans_empty"] += 1
                continue
            candidate = Candidate(start, end, mention["type"])
            candidates.append(candidate)
            mentions[-1].append((candidate, sent))
    kept = resolve_overlaps(candidates, notes)
    index = {c: i for i, c in enumerate(kept)}
    links: list[tuple[int, int, str]] = []
    for relation in doc["labels"]:
        heads, children = mentions[relation["h"]], mentions[relation["t"]]
        if not any(hs == cs for _, hs in heads for _, cs in children):
            notes["relations_cross_sentence_all"] += 1
        label = labels.get(relation["r"])
        if label is None:
            notes["relations_rare_label"] += 1
            continue
        pair = _closest_pair(
            [(index[c], s) for c, s in heads if c in index],
            [(index[c], s) for c, s in children if c in index],
            kept,
        )
        if pair is None:
            notes["relations_end_dropped"] += 1
            continue
        head, child, same_sentence = pair
        if not same_sentence:
            notes["relations_cross_sentence"] += 1
        links.append((head, child, label))
    notes["relations_duplicate"] += len(links) - len(set(links))
    return document, gold_record(document, kept, links)


def _closest_pair(
    heads: list[tuple[int, int]], children: list[tuple[int, int]], spans: Sequence[Candidate]
) -> tuple[int, int, bool] | None:
    """The (head, child) span indexes to stand for an entity pair, and whether they share a
    sentence: fewest sentences apart, then fewest characters apart, then earliest."""
    best: tuple[tuple[int, int, int, int], int, int, bool] | None = None
    for h, hs in heads:
        for c, cs in children:
            if h == c:
                continue
            a, b = spans[h], spans[c]
            gap = max(a.start, b.start) - min(a.end, b.end)
            rank = (abs(hs - cs), gap, min(a.start, b.start), max(a.start, b.start))
            if best is None or rank < best[0]:
                best = (rank, h, c, hs == cs)
    return None if best is None else (best[1], best[2], best[3])
