"""Relation suggestions against hand-made gold: precision, recall and F1 of the schema's rules.

Three gold sets, each scored twice where it can be: with the gold entity spans given to the
rules (what the rules can do when the entities are right) and with the model's own entities
(what an annotator actually sees).

- ``shipped``: the relations in ``annotations/seeds-demo/gold.jsonl`` (15 of them, matched by
  character offsets; MEETS is unordered);
- ``seeds by eye``: the relations a reader finds in seeds/*.txt (``SEED_GOLD`` below, judged
  by hand; it disagrees with the shipped gold where that is wrong or incomplete), matched as
  (head text, label, child text) per document;
- ``own news``: the news sentences with expected relations kept in
  tests/unit/test_relation_rules.py (``NEWS_CASES``, written with the rules), model entities;
- ``held-out news``: ``NEWS_HELDOUT`` there, written after the rules and not tuned on.

Usage: python -m bench.relation_rules
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import orjson
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from redline.schema import load_schema
from redline.schema.labels import LabelSchema
from redline.suggest import Suggester
from redline.suggest.relations import suggest_relations
from tests.unit.test_relation_rules import NEWS_CASES, NEWS_HELDOUT

REPO = Path(__file__).resolve().parent.parent
Triple = tuple[str, str, str]

SEED_GOLD: dict[str, set[Triple]] = {
    "000_317a0d864143cfa9": {
        ("Phnom Penh", "LOCATED_IN", "Cambodia"),
        ("Hun Sen", "LEADER_OF", "Cambodian People’s Party"),
        ("Hun Sen", "LEADER_OF", "CPP"),
        ("Hun Sen", "LEADER_OF", "Cambodia"),
        ("Hun Sen", "LEADER_OF", "Cambodian Government"),
    },
    "001_6faee6a37c422e27": {
        ("Hun Sen", "LEADER_OF", "Cambodian People’s Party"),
        ("Hun Sen", "LEADER_OF", "CPP"),
        ("Heng Samrin", "MEMBER_OF", "CPP"),
        ("Heng Samrin", "LEADER_OF", "National Assembly"),
        ("Say Chhum", "MEMBER_OF", "CPP"),
        ("Say Chhum", "LEADER_OF", "Senate of Cambodia"),
        ("Lê Hoài Trung", "MEMBER_OF", "Communist Party of Vietnam"),
        ("Lê Hoài Trung", "MEMBER_OF", "CPV"),
        ("Hun Sen", "MEETS", "Lê Hoài Trung"),
        ("Heng Samrin", "MEETS", "Lê Hoài Trung"),
        ("Say Chhum", "MEETS", "Lê Hoài Trung"),
        ("Trọng", "LEADER_OF", "CPV"),
        ("Trung", "MEETS", "Men Sam An"),
        ("Men Sam An", "MEMBER_OF", "CPP"),
        ("Men Sam An", "LEADER_OF", "Cambodia-Vietnam Friendship Association"),
        ("Vietnamese Embassy", "LOCATED_IN", "Cambodia"),
    },
    "002_c1af4d8a964d5a10": {
        ("Tô Lâm", "LEADER_OF", "CPV"),
        ("Tô Lâm", "LEADER_OF", "Communist Party of Việt Nam"),
        ("Tô Lâm", "MEETS", "Norodom Sihamoni"),
    },
    "003_f45e83077dafc3a1": {
        ("Nguyễn Phú Trọng", "MEETS", "Hun Sen"),
        ("Hun Sen", "LEADER_OF", "Cambodian People’s Party"),
        ("Hun Sen", "LEADER_OF", "CPP"),
        ("Nguyễn Phú Trọng", "LEADER_OF", "Vietnamese Communist Party"),
    },
    "004_e6856780379e1273": {
        ("Nguyen Phu Trong", "MEETS", "Say Chhum"),
        ("Say Chhum", "LEADER_OF", "Cambodian Senate"),
        ("Say Chhum", "MEMBER_OF", "Cambodian People's Party"),
        ("Say Chhum", "MEMBER_OF", "CPP"),
    },
}


def normal(triple: Triple, schema: LabelSchema) -> Triple:
    """A symmetric relation's two ends in a fixed order, so either order matches."""
    head, label, child = triple
    rule = schema.relation(label)
    if rule is not None and rule.symmetric and child < head:
        return child, label, head
    return triple


def triples(
    doc: Doc, entities: Sequence[SpacySpan], schema: LabelSchema
) -> tuple[set[Triple], set[tuple[int, int, int, int, str]]]:
    """The suggestions as text triples and as character-offset tuples."""
    texts: set[Triple] = set()
    offsets: set[tuple[int, int, int, int, str]] = set()
    for h, c, label in suggest_relations(doc, entities, schema):
        head, child = entities[h], entities[c]
        texts.add(normal((head.text, label, child.text), schema))
        ends = [(head.start_char, head.end_char), (child.start_char, child.end_char)]
        rule = schema.relation(label)
        if rule is not None and rule.symmetric:
            ends.sort()
        offsets.add((*ends[0], *ends[1], label))
    return texts, offsets


class Score:
    """Counts of true and false positives and false negatives over documents."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, predicted: Iterable[object], gold: Iterable[object]) -> None:
        p, g = set(predicted), set(gold)
        self.tp += len(p & g)
        self.fp += len(p - g)
        self.fn += len(g - p)

    def row(self, name: str) -> str:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (
            f"{name:<34} {self.tp:>4} {self.fp:>4} {self.fn:>4}"
            f" {precision:>6.2f} {recall:>6.2f} {f1:>6.2f}"
        )


def model_entities(doc: Doc, schema: LabelSchema) -> list[SpacySpan]:
    return [e for e in doc.ents if e.label_ in schema.entity_labels]


def gold_entities(doc: Doc, spans: list[dict[str, object]]) -> list[SpacySpan]:
    found: list[SpacySpan] = []
    for span in spans:
        start, end, label = span["start"], span["end"], span["label"]
        assert isinstance(start, int)
        assert isinstance(end, int)
        assert isinstance(label, str)
        made = doc.char_span(start, end, label=label, alignment_mode="expand")
        if made is not None:
            found.append(made)
    return found


def score_seeds(nlp: Language, schema: LabelSchema, verbose: bool) -> dict[str, Score]:
    scores = {name: Score() for name in ("shipped/gold", "shipped/model", "eye/gold", "eye/model")}
    path = REPO / "annotations" / "seeds-demo" / "gold.jsonl"
    for line in path.read_bytes().splitlines():
        record = orjson.loads(line)
        doc = nlp(record["text"])
        by_id = {s["id"]: s for s in record["spans"]}
        shipped = set()
        for relation in record["relations"]:
            head, child = by_id[relation["head"]], by_id[relation["child"]]
            ends = [(head["start"], head["end"]), (child["start"], child["end"])]
            rule = schema.relation(relation["label"])
            if rule is not None and rule.symmetric:
                ends.sort()
            shipped.add((*ends[0], *ends[1], relation["label"]))
        eye = {normal(t, schema) for t in SEED_GOLD.get(record["doc_id"], set())}
        for source, entities in (
            ("gold", gold_entities(doc, record["spans"])),
            ("model", model_entities(doc, schema)),
        ):
            texts, offsets = triples(doc, entities, schema)
            scores[f"shipped/{source}"].add(offsets, shipped)
            scores[f"eye/{source}"].add(texts, eye)
            if verbose and source == "model":
                for t in sorted(texts - eye):
                    print(f"  FP {record['doc_id'][:3]} {t}")
                for t in sorted(eye - texts):
                    print(f"  FN {record['doc_id'][:3]} {t}")
    return scores


def score_news(
    nlp: Language,
    schema: LabelSchema,
    verbose: bool,
    cases: list[tuple[str, set[Triple]]],
) -> Score:
    score = Score()
    for text, expected in cases:
        doc = nlp(text)
        texts, _ = triples(doc, model_entities(doc, schema), schema)
        gold = {normal(t, schema) for t in expected}
        score.add(texts, gold)
        if verbose:
            for t in sorted(texts - gold):
                print(f"  FP news {t}")
            for t in sorted(gold - texts):
                print(f"  FN news {t}")
    return score


def main() -> None:
    import sys

    verbose = "-v" in sys.argv
    schema = load_schema(REPO / "schema" / "news.toml")
    nlp = Suggester(schema).nlp
    seeds = score_seeds(nlp, schema, verbose)
    news = score_news(nlp, schema, verbose, NEWS_CASES)
    held_out = score_news(nlp, schema, verbose, NEWS_HELDOUT)
    print(f"{'gold set / entities':<34} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}")
    print(seeds["shipped/gold"].row("shipped gold.jsonl / gold spans"))
    print(seeds["shipped/model"].row("shipped gold.jsonl / model spans"))
    print(seeds["eye/gold"].row("seeds by eye / gold spans"))
    print(seeds["eye/model"].row("seeds by eye / model spans"))
    print(news.row(f"own news ({len(NEWS_CASES)} sents) / model spans"))
    print(held_out.row(f"held-out news ({len(NEWS_HELDOUT)}) / model spans"))


if __name__ == "__main__":
    main()
