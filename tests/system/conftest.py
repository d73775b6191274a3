"""Fixtures of the system tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.data import REPO


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped dataset, schema and seeds, as the current directory."""
    shutil.copytree(REPO / "annotations" / "seeds-demo", tmp_path / "annotations" / "seeds-demo")
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path
