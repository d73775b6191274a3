"""The suggester on the real seeds with the real en_core_web_sm pipeline."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from redline.corpus import Corpus
from redline.schema import Annotation, Document, load_schema
from redline.schema.loading import schema_from_dict
from redline.store import open_dataset
from redline.suggest import Suggester, cached_suggestions, resolve_model, suggest_documents

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
NEWS = REPO / "schema" / "news.toml"


@pytest.fixture(scope="module")
def schema():
    return load_schema(NEWS)


@pytest.fixture(scope="module")
def suggester(schema):
    return Suggester(schema)


@pytest.fixture(scope="module")
def seed_records(suggester) -> list[Annotation]:
    return list(suggester.suggest(Corpus(SEEDS)))


def _covering(record: Annotation, start: int, end: int):
    return [s for s in record.spans if s.start == start and s.end == end]


def test_model_name_resolves_to_installed_package():
    choice = resolve_model("en_core_web_sm")
    assert choice.statistical
    assert choice.name == "en_core_web_sm"
    assert choice.version == "3.8.0"
    assert choice.warning is None


def test_every_viet_nam_is_gpe_and_covid_is_event(seed_records):
    """Each mention is its own GPE/EVENT span, unless it is part of a longer name such as
    "Communist Party of Việt Nam" (spans do not overlap in the news schema)."""
    checked = {"Việt Nam": 0, "COVID-19": 0}
    nested = []
    for record in seed_records:
        for name, label in (("Việt Nam", "GPE"), ("COVID-19", "EVENT")):
            for match in re.finditer(re.escape(name), record.text):
                context = record.text[max(0, match.start() - 40) : match.end() + 40]
                exact = _covering(record, match.start(), match.end())
                around = [
                    s
                    for s in record.spans
                    if s.start <= match.start() and match.end() <= s.end and s not in exact
                ]
                if around:
                    nested.append(record.span_text(around[0]))
                    continue
                assert [s.label for s in exact] == [label], (record.doc_id, context)
                checked[name] += 1
    assert checked["Việt Nam"] >= 20
    assert checked["COVID-19"] >= 7
    assert nested == ["Communist Party of Việt Nam"]


def test_spans_hold_the_name_only(seed_records, schema):
    titles = {t for t in schema.cleanup.titles["PERSON"]}
    for record in seed_records:
        for span in record.spans:
            text = record.span_text(span)
            assert text == text.strip()
            assert not re.match(r"(?i)(the|a|an)\s", text), text
            assert not text.endswith(("'s", "’s")), text
            assert text not in schema.cleanup.not_entities, text
            if span.label == "PERSON":
                first_words = {text.split()[0], " ".join(text.split()[:2])}
                assert not first_words & titles, text


def test_honorifics_are_trimmed_from_people(seed_records):
    people = {
        record.span_text(s) for record in seed_records for s in record.spans if s.label == "PERSON"
    }
    assert "Hun Sen" in people
    assert "Say Chhum" in people
    assert not any("Samdech" in p or "Techo" in p for p in people)


def test_nationality_plus_body_is_one_org(seed_records):
    orgs = {
        record.span_text(s) for record in seed_records for s in record.spans if s.label == "ORG"
    }
    assert {"Cambodian Government", "Vietnamese National Assembly", "Cambodian Senate"} <= orgs
    assert "Communist Party of Việt Nam" in orgs


def test_records_fit_the_schema_and_carry_origin(seed_records, schema, suggester):
    origins = set()
    for record in seed_records:
        assert schema.record_problems(record) == []
        assert record.annotator == "model:en_core_web_sm"
        assert record.suggested_by == suggester.suggested_by
        origins.update(s.origin for s in record.spans)
        assert {r.origin for r in record.relations} <= {"rule"}
        assert all(s.edit is None for s in record.spans)
    assert origins == {"model", "rule"}


def test_relation_rules_find_located_in_and_respect_constraints(seed_records, schema):
    found = set()
    for record in seed_records:
        by_id = {s.id: s for s in record.spans}
        for relation in record.relations:
            head, child = by_id[relation.head], by_id[relation.child]
            rule = schema.relation(relation.label)
            assert rule is not None
            assert head.label in rule.head
            assert child.label in rule.child
            found.add((record.span_text(head), relation.label, record.span_text(child)))
    assert ("Phnom Penh", "LOCATED_IN", "Cambodia") in found
    assert ("Tô Lâm", "LEADER_OF", "CPV") in found


def test_cache_makes_second_run_skip_the_model(tmp_path, schema):
    dataset = open_dataset("seeds", tmp_path)
    corpus = Corpus(SEEDS)
    first = Suggester(schema)
    run = suggest_documents(lambda: corpus, dataset, first)
    assert (run.documents, run.computed, run.cached) == (5, 5, 0)

    second = Suggester(schema)
    run = suggest_documents(lambda: corpus, dataset, second)
    assert (run.documents, run.computed, run.cached) == (5, 0, 5)
    assert "nlp" not in second.__dict__, "a fully cached run must not load the pipeline"
    records = list(cached_suggestions(corpus, dataset, second))
    assert [r.doc_id for r in records] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    with dataset.open("model:en_core_web_sm") as log:
        assert log.line_count == 5


def test_schema_change_misses_cache_and_keeps_history(tmp_path, schema):
    dataset = open_dataset("seeds", tmp_path)
    corpus = Corpus(SEEDS)
    suggest_documents(lambda: corpus, dataset, Suggester(schema))
    changed = schema.model_copy(update={"description": "a new guideline"})
    assert changed.hash != schema.hash
    run = suggest_documents(lambda: corpus, dataset, Suggester(changed))
    assert run.computed == 5
    with dataset.open("model:en_core_web_sm") as log:
        history = log.history("000_317a0d864143cfa9")
    assert [r.suggested_by.schema_hash for r in history] == [schema.hash, changed.hash]


def test_same_text_under_another_id_comes_from_cache(tmp_path, schema):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEEDS / "004_e6856780379e1273.txt", folder / "a.txt")
    dataset = open_dataset("d", tmp_path)
    suggest_documents(lambda: Corpus(folder), dataset, Suggester(schema))
    shutil.copy(SEEDS / "004_e6856780379e1273.txt", folder / "b.txt")
    suggester = Suggester(schema)
    run = suggest_documents(lambda: Corpus(folder), dataset, suggester)
    assert (run.computed, run.cached) == (0, 2)
    records = {r.doc_id: r for r in cached_suggestions(Corpus(folder), dataset, suggester)}
    assert records["a"].spans == records["b"].spans


def test_without_a_statistical_model_the_rules_run_alone(tmp_path):
    data = load_schema(NEWS).model_dump()
    data["model"]["name"] = "en_core_web_not_installed"
    schema = schema_from_dict(data, "test")
    suggester = Suggester(schema)
    assert suggester.warning
    assert "en_core_web_not_installed" in suggester.warning
    document = Document.from_text("x", "HÀ NỘI — Việt Nam and Cambodia fight COVID-19 together.")
    (record,) = suggester.suggest([document])
    found = {(record.span_text(s), s.label, s.origin) for s in record.spans}
    assert found == {
        ("HÀ NỘI", "GPE", "rule"),
        ("Việt Nam", "GPE", "rule"),
        ("Cambodia", "GPE", "rule"),
        ("COVID-19", "EVENT", "rule"),
    }
    assert record.annotator == "model:blank:en"
    run = suggest_documents(lambda: [document], open_dataset("d", tmp_path), suggester)
    assert suggester.warning in run.warnings


def test_two_processes_give_the_same_records(suggester, seed_records):
    documents = list(Corpus(SEEDS))
    parallel = list(suggester.suggest(documents, n_process=2, batch_size=2))
    strip = lambda r: r.model_dump(exclude={"created_at"})  # noqa: E731
    assert [strip(r) for r in parallel] == [strip(r) for r in seed_records]
