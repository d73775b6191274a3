"""`redline train` on the shipped gold: a spaCy pipeline that suggests, listed in models.json."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import spacy

from redline.store import open_dataset
from redline.suggest.pipeline import resolve_model
from redline.training.models import latest_model
from tests.support.cli import redline_process as redline


@pytest.mark.longest(seconds=15)
def test_train_writes_a_pipeline_that_suggests(workspace: Path):
    trained = redline("train", "--dataset", "seeds-demo", "--max-steps", "10", "--seed", "1")
    assert trained.returncode == 0, trained.stderr
    assert "Entities on dev" in trained.stdout
    folder = workspace / "annotations" / "seeds-demo" / "models" / "seeds-demo-v1"
    nlp = spacy.load(folder)
    assert "ner" in nlp.pipe_names
    meta = orjson.loads((folder / "meta.json").read_bytes())
    assert meta["name"] == "seeds-demo-v1"
    assert meta["version"].startswith("1.")
    info = meta["redline"]
    assert info["dataset"] == "seeds-demo"
    assert info["source"] == "gold"
    assert info["schema"]["name"] == "news"
    assert len(info["schema"]["hash"]) == 12
    assert info["documents"]["train"] + info["documents"]["dev"] == 5
    assert info["documents"]["dev"] >= 1
    assert info["base"] == "en_core_web_sm"
    assert info["created_at"].endswith("Z")
    scores = info["scores"]["entities"]
    for who in ("base", "trained"):
        assert 0 <= scores[who]["overall"]["f1"] <= 1
        assert "GPE" in scores[who]["per_label"]
    models = orjson.loads((workspace / "annotations" / "seeds-demo" / "models.json").read_bytes())
    [entry] = models["models"]
    assert entry["name"] == "seeds-demo-v1"
    assert entry["path"] == "models/seeds-demo-v1"
    assert entry["documents"] == info["documents"]
    assert "trained" in entry["dev_f1"]
    assert latest_model(open_dataset("seeds-demo")) == Path(
        "annotations/seeds-demo/models/seeds-demo-v1"
    )
    choice = resolve_model(str(folder))
    assert choice.name == "seeds-demo-v1"
    assert choice.description == f"trained on {info['documents']['train']} docs"

    explicit = redline("suggest", "seeds/", "--model", str(folder), "--out", "f.jsonl")
    assert explicit.returncode == 0, explicit.stderr
    records = [orjson.loads(line) for line in Path("f.jsonl").read_bytes().splitlines()]
    assert len(records) == 5
    assert all(r["suggested_by"]["model"] == "seeds-demo-v1" for r in records)
    assert any(r["spans"] for r in records)
    # the dataset's latest model is the default
    default = redline("suggest", "seeds/", "--dataset", "seeds-demo", "--out", "g.jsonl")
    assert default.returncode == 0, default.stderr
    assert "seeds-demo-v1" in default.stdout


def _gold(workspace: Path) -> Path:
    return workspace / "annotations" / "seeds-demo" / "gold.jsonl"
