"""The spaCy export is usable as it is: `python -m spacy train` runs on the shipped gold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.data import REPO


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_gold_exports_to_docbin_that_spacy_trains_on(tmp_path: Path):
    shutil.copytree(REPO / "annotations" / "seeds-demo", tmp_path / "annotations" / "seeds-demo")
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    exported = run(
        sys.executable, "-m", "redline", "export", "corpus", "--dataset", "seeds-demo",
        "--format", "spacy", "--split", "0.4", "--seed", "1", cwd=tmp_path,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "corpus" / "train.spacy").is_file()
    assert (tmp_path / "corpus" / "dev.spacy").is_file()
    config = run(
        sys.executable, "-m", "spacy", "init", "config", "config.cfg", "--lang", "en",
        "--pipeline", "ner", "--optimize", "efficiency", "--force", cwd=tmp_path,
    )  # fmt: skip
    assert config.returncode == 0, config.stderr
    trained = run(
        sys.executable, "-m", "spacy", "train", "config.cfg", "--output", "model",
        "--paths.train", "corpus/train.spacy", "--paths.dev", "corpus/dev.spacy",
        "--training.max_epochs", "1", "--training.max_steps", "10",
        "--training.eval_frequency", "5", cwd=tmp_path,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stdout + trained.stderr
    assert (tmp_path / "model" / "model-last" / "meta.json").is_file()
    labels = (tmp_path / "model" / "model-last" / "ner" / "moves").read_bytes()
    for label in (b"PERSON", b"ORG", b"GPE"):
        assert label in labels
