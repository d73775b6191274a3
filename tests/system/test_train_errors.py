"""`redline train` on bad input is one clear error and writes nothing; `--no-relations` and
the default (relations) decide whether the pipeline has a relation model beside it.

Every command is the real one in a child process, on a copy of the shipped dataset."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest

from redline.schema import load_schema
from redline.suggest import Suggester
from redline.suggest.suggester import RELATION_MODEL_DIR
from tests.support.cli import redline_process as redline
from tests.support.data import make_record, relation, span

DATASET = "seeds-demo"


def train(*args: str, dataset: str = DATASET) -> subprocess.CompletedProcess[str]:
    return redline("train", "--dataset", dataset, "--max-steps", "2", *args)


def dataset_folder(workspace: Path, dataset: str = DATASET) -> Path:
    return workspace / "annotations" / dataset


def gold_file(workspace: Path, dataset: str = DATASET) -> Path:
    return dataset_folder(workspace, dataset) / "gold.jsonl"


def assert_one_error(run: subprocess.CompletedProcess[str], *expected: str) -> str:
    """Exit code not 0, one ``error: ...`` line on stderr naming the problem, no traceback,
    and no progress bar drawn (the input is checked before training starts)."""
    assert run.returncode != 0, run.stdout
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    [line] = lines
    assert line.startswith("error: "), line
    for part in expected:
        assert part in line, line
    assert "training ner" not in run.stderr
    return line


def assert_nothing_written(workspace: Path, dataset: str = DATASET) -> None:
    folder = dataset_folder(workspace, dataset)
    assert not (folder / "models").exists()
    assert not (folder / "models.json").exists()


@pytest.mark.slow
def test_an_annotator_with_no_records_is_one_error(workspace: Path):
    run = train("--source", "nobody")
    assert_one_error(run, "no 'nobody' records to train on", "ana, ben, gold", "--source")
    assert_nothing_written(workspace)


@pytest.mark.slow
def test_a_dataset_without_gold_is_one_error(workspace: Path):
    gold_file(workspace).unlink()
    run = train()
    assert_one_error(run, "no 'gold' records to train on", "redline review")
    assert_nothing_written(workspace)


@pytest.mark.slow
def test_a_gold_with_no_accepted_record_is_one_error(workspace: Path):
    records = [orjson.loads(line) for line in gold_file(workspace).read_bytes().splitlines()]
    for record in records:
        record["answer"] = "reject"
    gold_file(workspace).write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    run = train()
    assert_one_error(run, "seeds-demo/gold", "no accepted document to train on")
    assert_nothing_written(workspace)


@pytest.mark.slow
def test_one_document_with_the_default_dev_share_is_one_error(workspace: Path):
    first = gold_file(workspace).read_bytes().splitlines()[0]
    gold_file(workspace).write_bytes(first + b"\n")
    run = train()
    assert_one_error(run, "1 document only", "cannot be split", "--dev 0")
    assert_nothing_written(workspace)


def _hand_written_dataset(workspace: Path, *records: bytes) -> str:
    name = "by-hand"
    folder = dataset_folder(workspace, name)
    folder.mkdir(parents=True)
    (folder / "gold.jsonl").write_bytes(b"".join(line + b"\n" for line in records))
    return name


@pytest.mark.slow
def test_a_span_label_outside_the_schema_is_one_error(workspace: Path):
    fine = make_record("doc-1", annotator="gold", spans=[span("s1", 0, 7, "PERSON")])
    weapon = make_record(
        "doc-2", annotator="gold", spans=[span("s1", 0, 7, "PERSON"), span("s2", 32, 38, "WEAPON")]
    )
    name = _hand_written_dataset(
        workspace, fine.model_dump_json().encode(), weapon.model_dump_json().encode()
    )
    run = train(dataset=name)
    line = assert_one_error(run, "document doc-2", "span s2", "'WEAPON'")
    assert "schema 'news' does not have" in line
    assert "PERSON" in line  # the labels it does have
    assert_nothing_written(workspace, name)


@pytest.mark.slow
def test_a_relation_label_outside_the_schema_is_one_error(workspace: Path):
    spans = [span("s1", 0, 7, "PERSON"), span("s2", 12, 28, "PERSON")]
    owns = make_record(
        "doc-1", annotator="gold", spans=spans, relations=[relation("r1", "s1", "s2", "OWNS")]
    )
    name = _hand_written_dataset(workspace, owns.model_dump_json().encode())
    run = train("--dev", "0", dataset=name)
    assert_one_error(run, "document doc-1", "relation r1", "'OWNS'", "schema 'news' does not have")
    assert_nothing_written(workspace, name)


@pytest.mark.slow
def test_no_relations_writes_a_pipeline_without_a_relation_model(workspace: Path):
    run = train("--no-relations", "--dev", "0")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "no relation model: --no-relations" in run.stdout
    folder = dataset_folder(workspace) / "models" / "seeds-demo-v1"
    assert (folder / "meta.json").is_file()
    assert not (folder / RELATION_MODEL_DIR).exists()
    meta = orjson.loads((folder / "meta.json").read_bytes())
    assert "relations" not in meta["redline"]
    assert Suggester(load_schema("schema/news.toml"), str(folder)).relation_model is None


@pytest.mark.slow
def test_too_few_gold_relations_leave_relations_to_the_rules(workspace: Path):
    # the shipped gold has a dozen relations, none of its labels the 20 a model needs
    run = train()
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    folder = dataset_folder(workspace) / "models" / "seeds-demo-v1"
    meta = orjson.loads((folder / "meta.json").read_bytes())
    assert "no relation model: too few relations to learn from (LEADER_OF" in run.stdout
    assert "a label needs 20 examples): the schema's rules suggest relations" in run.stdout
    assert not (folder / RELATION_MODEL_DIR).exists()
    assert "relations" not in meta["redline"]
    assert Suggester(load_schema("schema/news.toml"), str(folder)).relation_model is None
