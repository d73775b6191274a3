"""A schema's token patterns are checked by spaCy's Matcher once, then remembered: loading
the same schema again does not import spaCy, and a pattern spaCy refuses is refused every
time (nothing is remembered for it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from redline.schema.token_patterns import check_token_patterns
from tests.support.data import REPO, subprocess_env

LOAD = (
    "import sys; from redline.schema.loading import load_schema; "
    "load_schema(sys.argv[1]); print('spacy' in sys.modules)"
)


def _imports_spacy(schema: Path, cache: Path) -> bool:
    env = {**subprocess_env(), "REDLINE_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", LOAD, str(schema)], env=env, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    return out.strip() == "True"


def test_patterns_that_passed_are_not_checked_again(tmp_path: Path) -> None:
    schema = REPO / "schema" / "news.toml"
    assert "tokens" in schema.read_text(encoding="utf-8")  # it has token patterns to check
    assert _imports_spacy(schema, tmp_path)  # the first load checks them with spaCy
    assert list((tmp_path / "checked-patterns").iterdir())
    assert not _imports_spacy(schema, tmp_path)  # the second remembers they passed


def test_a_refused_pattern_is_refused_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path))
    for _ in range(2):
        with pytest.raises(ValueError, match=r"\[0\] is not a spaCy token pattern"):
            check_token_patterns([[{"NOT_AN_ATTRIBUTE": "x"}]])
    assert not (tmp_path / "checked-patterns").exists()
