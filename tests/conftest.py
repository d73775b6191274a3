"""Fixtures every test may use; the helpers themselves live in :mod:`tests.support`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.schema.labels import LabelSchema
from redline.schema.loading import load_schema
from redline.store.migrations import migrate
from redline.store.postgres_connection import connect
from tests.support.data import NEWS_SCHEMA
from tests.support.postgres import fresh_database, server_url, skip_reason


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests go first: a parallel run hands out tests in collection order, and one
    of a few minutes started last would keep the whole run waiting on it alone."""

    def seconds(item: pytest.Item) -> float:
        marker = item.get_closest_marker("longest")
        return 0.0 if marker is None else float(marker.kwargs["seconds"])

    items.sort(key=seconds, reverse=True)


@pytest.fixture
def news_schema() -> LabelSchema:
    return load_schema(NEWS_SCHEMA)


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Indexes of big corpora go to a cache folder of the test run, not the user's ~/.cache
    (child processes inherit it through the environment)."""
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a database of its own on a real PostgreSQL server (``REDLINE_TEST_POSTGRES``,
    or a throwaway cluster of this worker), dropped after the test; skips when there is none."""
    url = server_url()
    if url is None:
        pytest.skip(skip_reason())
    with fresh_database(url) as database:
        yield database


@pytest.fixture(params=["jsonl", "postgres"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the datasets are, for a test that must hold on both stores: a folder, or a
    migrated PostgreSQL database of its own."""
    if request.param == "jsonl":
        return str(tmp_path / "annotations")
    url: str = request.getfixturevalue("postgres_url")
    with connect(url) as connection:
        migrate(connection)
    return url
