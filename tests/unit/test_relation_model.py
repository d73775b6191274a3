"""The relation model trained on the shipped gold: what it learns, that it comes back from
disk unchanged (the same answers on every candidate pair of every seed document), and that a
bad file or bad training data is one clear error."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import orjson
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from redline.errors import RedlineError
from redline.schema import Annotation, load_schema
from redline.schema.labels import LabelSchema
from redline.store import open_dataset
from redline.suggest import Suggester, resolve_model
from redline.suggest.relation_model import (
    MODEL_FILE,
    NONE_LABEL,
    RelationModel,
    candidate_pairs,
    featurize,
)
from redline.suggest.suggester import RELATION_MODEL_DIR
from redline.training.relations import aligned_entities, parse, train_relation_model
from tests.support.data import NEWS_SCHEMA, REPO

pytestmark = pytest.mark.slow  # loads the real en_core_web_sm once for the module


@pytest.fixture(scope="module")
def schema() -> LabelSchema:
    return load_schema(NEWS_SCHEMA)


@pytest.fixture(scope="module")
def nlp() -> Language:
    target = resolve_model("en_core_web_sm").load_target
    assert target is not None, "en_core_web_sm is not installed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return spacy.load(target)


@pytest.fixture(scope="module")
def gold() -> list[Annotation]:
    with open_dataset("seeds-demo", REPO / "annotations").open("gold") as log:
        records = list(log.iter_newest())
    assert len(records) == 5
    return records


@pytest.fixture(scope="module")
def model(nlp: Language, gold: list[Annotation], schema: LabelSchema) -> RelationModel:
    # the shipped gold has a dozen relations: every label is kept (min_pairs=1) to test them
    return train_relation_model(nlp, gold, schema, min_pairs=1)


@pytest.fixture(scope="module")
def parsed(nlp: Language, gold: list[Annotation]) -> list[Doc]:
    return parse(nlp, gold)


def test_it_learns_the_gold_relation_labels(model: RelationModel, schema: LabelSchema):
    gold_labels = {"LEADER_OF", "LOCATED_IN", "MEETS"}  # what the shipped gold has
    assert model.labels == gold_labels
    assert model.labels <= schema.relation_labels
    assert NONE_LABEL in model.classes
    assert set(model.training_pairs) == {*gold_labels, NONE_LABEL}
    # most candidate pairs of a news text are no relation at all
    assert model.training_pairs[NONE_LABEL] > sum(
        n for label, n in model.training_pairs.items() if label != NONE_LABEL
    )
    assert model.schema_hash == schema.hash
    assert len(model.weights) == len(model.intercepts) == len(model.classes)
    assert all(len(row) == len(model.features) for row in model.weights)


def test_training_twice_gives_the_same_model(
    nlp: Language, gold: list[Annotation], schema: LabelSchema, model: RelationModel
):
    assert train_relation_model(nlp, gold, schema, min_pairs=1) == model


def test_from_disk_gives_back_the_same_model(
    tmp_path: Path,
    model: RelationModel,
    gold: list[Annotation],
    parsed: list[Doc],
    schema: LabelSchema,
):
    model.to_disk(tmp_path / "relations")
    assert (tmp_path / "relations" / MODEL_FILE).is_file()
    loaded = RelationModel.from_disk(tmp_path / "relations")
    assert loaded == model
    assert loaded.labels == model.labels
    compared_pairs = 0
    predicted = 0
    for doc, record in zip(parsed, gold, strict=True):
        entities, _ = aligned_entities(doc, record.spans)
        assert loaded.predict(doc, entities, schema) == model.predict(doc, entities, schema)
        predicted += len(model.predict(doc, entities, schema))
        for h, c, _allowed in candidate_pairs(entities, schema):
            features = featurize(doc, entities, (h, c), model.groups)
            assert loaded.probabilities(features) == model.probabilities(features)
            compared_pairs += 1
    assert compared_pairs == sum(model.training_pairs.values())
    assert predicted >= 1, "trained on these documents, it should find some relations again"


def test_predictions_fit_the_schema(
    model: RelationModel, gold: list[Annotation], parsed: list[Doc], schema: LabelSchema
):
    for doc, record in zip(parsed, gold, strict=True):
        entities, _ = aligned_entities(doc, record.spans)
        pairs = set()
        for h, c, label, probability in model.predict(doc, entities, schema):
            assert (h, c) not in pairs, "at most one relation per pair"
            pairs.add((h, c))
            rule = schema.relation(label)
            assert rule is not None
            assert rule.fits(entities[h].label_, entities[c].label_)
            assert model.threshold < probability <= 1.0


def test_a_suggester_loads_the_model_saved_in_the_pipeline_folder(
    tmp_path: Path, nlp: Language, model: RelationModel, schema: LabelSchema
):
    pipeline = tmp_path / "pipeline"
    nlp.to_disk(pipeline)
    assert Suggester(schema, str(pipeline)).relation_model is None  # a cold start: rules
    model.to_disk(pipeline / RELATION_MODEL_DIR)
    assert Suggester(schema, str(pipeline)).relation_model == model


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path):
    with pytest.raises(RedlineError, match="no relation model there") as refused:
        RelationModel.from_disk(tmp_path)
    assert str(tmp_path / MODEL_FILE) in str(refused.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not a relation model"),
        (b"", "not a relation model"),
        (b"[1, 2]", "not a relation model of format 1"),
        (orjson.dumps({"format": 99}), "not a relation model of format 1"),
        (orjson.dumps({"format": 1, "features": ["bias"]}), "damaged relation model"),
    ],
    ids=["not-json", "empty", "a-list", "other-format", "fields-missing"],
)
def test_a_damaged_file_is_an_error_naming_it(tmp_path: Path, content: bytes, problem: str):
    (tmp_path / MODEL_FILE).write_bytes(content)
    with pytest.raises(RedlineError, match=problem) as refused:
        RelationModel.from_disk(tmp_path)
    assert str(tmp_path / MODEL_FILE) in str(refused.value)


def test_a_truncated_model_file_is_an_error(tmp_path: Path, model: RelationModel):
    model.to_disk(tmp_path)
    path = tmp_path / MODEL_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(RedlineError, match="not a relation model") as refused:
        RelationModel.from_disk(tmp_path)
    assert MODEL_FILE in str(refused.value)


def test_a_damaged_model_beside_a_pipeline_is_an_error_when_suggesting(
    tmp_path: Path, nlp: Language, schema: LabelSchema
):
    pipeline = tmp_path / "pipeline"
    nlp.to_disk(pipeline)
    (pipeline / RELATION_MODEL_DIR).mkdir()
    (pipeline / RELATION_MODEL_DIR / MODEL_FILE).write_bytes(b"garbage")
    with pytest.raises(RedlineError, match="not a relation model") as refused:
        _ = Suggester(schema, str(pipeline)).relation_model
    assert str(pipeline / RELATION_MODEL_DIR / MODEL_FILE) in str(refused.value)


def test_records_without_relations_are_a_clear_error(
    nlp: Language, gold: list[Annotation], schema: LabelSchema
):
    bare = [record.model_copy(update={"relations": []}) for record in gold]
    with pytest.raises(RedlineError, match="nothing to learn relations from") as refused:
        train_relation_model(nlp, bare, schema)
    assert "none of the 5 record(s) has a relation" in str(refused.value)


def test_rejected_records_teach_no_relation(
    nlp: Language, gold: list[Annotation], schema: LabelSchema
):
    """Only accepted records count: the gold all rejected leaves nothing to learn from."""
    rejected = [record.model_copy(update={"answer": "reject"}) for record in gold]
    with pytest.raises(RedlineError, match="nothing to learn relations from"):
        train_relation_model(nlp, rejected, schema)


def test_no_records_is_a_clear_error(nlp: Language, schema: LabelSchema):
    with pytest.raises(RedlineError, match="nothing to learn relations from"):
        train_relation_model(nlp, [], schema)


def test_training_pairs_that_are_not_an_object_are_a_damaged_model(
    tmp_path: Path, model: RelationModel
):
    model.to_disk(tmp_path)
    path = tmp_path / MODEL_FILE
    data = orjson.loads(path.read_bytes())
    data["training_pairs"] = [1, 2]
    path.write_bytes(orjson.dumps(data))
    with pytest.raises(RedlineError, match="damaged relation model") as refused:
        RelationModel.from_disk(tmp_path)
    assert str(path) in str(refused.value)


def test_labels_seen_too_rarely_are_left_to_the_rules(
    nlp: Language, gold: list[Annotation], schema: LabelSchema, model: RelationModel
):
    # the shipped gold's dozen relations are below the default: no model is made from them
    with pytest.raises(RedlineError, match=r"too few relations to learn from .*needs 20"):
        train_relation_model(nlp, gold, schema)
    rare = min(model.labels, key=lambda label: model.training_pairs[label])
    stricter = dataclasses.replace(model, min_pairs=model.training_pairs[rare] + 1)
    assert rare not in stricter.labels
    assert stricter.labels < model.labels
