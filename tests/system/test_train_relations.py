"""A relation model trained with enough gold: re3d's news releases (read where they are, in
../shared/corpora) through `train_model`, then the pipeline suggests relations with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpora import CORPORA, load_re3d, missing_reason
from redline.store import open_dataset
from redline.suggest import Suggester
from redline.suggest.suggester import RELATION_MODEL_DIR
from redline.training.entities import TrainOptions, train_model

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "present"),
]


@pytest.mark.longest(seconds=12)
def test_enough_gold_relations_make_a_relation_model_that_suggests(tmp_path: Path):
    corpus = load_re3d(CORPORA / "re3d")
    train, held = corpus.gold[:30], corpus.documents[40:]
    dataset = open_dataset("re3d", tmp_path)
    with dataset.open("gold", write=True) as log:
        log.append_many(train)
    result = train_model(dataset, corpus.schema, TrainOptions(dev=0, max_steps=2))
    assert result.relation_note is None
    relations_meta = result.meta["redline"]["relations"]
    assert "CO_LOCATED" in relations_meta["labels"]  # re3d's most frequent relation
    assert all(relations_meta["training_pairs"][label] >= 20 for label in relations_meta["labels"])
    assert (result.model_dir / RELATION_MODEL_DIR / "relations.json").is_file()

    suggester = Suggester(corpus.schema, str(result.model_dir))
    assert suggester.relation_model is not None
    records = list(suggester.suggest(held))
    origins = {r.origin for record in records for r in record.relations}
    assert origins == {"model"}  # re3d's schema has no rules: every relation is the model's
    for record in records:
        labels = {s.id: s.label for s in record.spans}
        for relation in record.relations:
            rule = corpus.schema.relation(relation.label)
            assert rule is not None
            assert rule.fits(labels[relation.head], labels[relation.child])
