"""A dataset of 3 annotators x N documents of news words for the agreement tests: overlapping
spans, spans that end inside a token, relations, rejected and ignored documents and
documents someone skipped."""

from __future__ import annotations

import random

from redline.schema import Annotation, Span, text_sha1
from redline.schema.records import Relation
from redline.store import DatasetStore
from redline.tokens import tokenize

WORDS = "Hun Sen met the U.S. delegation in Phnom Penh on Monday , said Say Chhum (CPP) .".split()  # noqa: SIM905
LABELS = ["PERSON", "ORG", "GPE", "DATE"]
ANNOTATORS = ["ana", "ben", "cai"]


def fill_news(dataset: DatasetStore, seed: int = 7, docs: int = 40) -> None:
    rng = random.Random(seed)
    logs = {name: dataset.open(name, write=True) for name in ANNOTATORS}
    for n in range(docs):
        text = " ".join(rng.choices(WORDS, k=rng.randint(3, 30)))
        tokens = tokenize(text)
        base = []
        for _ in range(rng.randint(0, 6)):
            i = rng.randrange(len(tokens))
            start, end = tokens[i][0], tokens[min(len(tokens) - 1, i + rng.randint(0, 2))][1]
            if rng.random() < 0.2 and end - start > 2:
                end -= 1  # ends inside a token
            base.append((start, end, rng.choice(LABELS)))
        for name in ANNOTATORS:
            if rng.random() < 0.15:
                continue  # not done by this annotator
            spans = [
                Span(id=f"s{k}", start=s, end=e, origin="annotator", edit="added",
                     label=label if rng.random() > 0.15 else rng.choice(LABELS))
                for k, (s, e, label) in enumerate(base)
                if rng.random() > 0.1
            ]  # fmt: skip
            relations = []
            if len(spans) >= 2:
                head, child = rng.sample(spans, 2)
                relations.append(Relation(id="r1", head=head.id, child=child.id,
                                          label="LEADER_OF", origin="annotator"))  # fmt: skip
            answer = rng.choices(["accept", "reject", "ignore"], [0.8, 0.15, 0.05])[0]
            logs[name].append(
                Annotation(doc_id=f"d{n:03d}", text=text, text_sha1=text_sha1(text),
                           spans=spans, relations=relations, annotator=name, answer=answer)
            )  # fmt: skip
    for log in logs.values():
        log.close()
