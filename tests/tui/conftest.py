"""What the UI tests share: the seeds with their suggestions cached once per run, so the real
app opens at once (each test copies the dataset folder it needs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tui import prepare_suggestions


@pytest.fixture(scope="session")
def cached_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp() / "cached-suggestions"
    if not (root / "ready").exists():
        root.mkdir(exist_ok=True)
        prepare_suggestions(root)
        (root / "ready").touch()
    return root
