"""The agreement report is counted a batch of documents at a time, and the later documents
of a big dataset in a second process: neither may change a digit of it, on either store.

The dataset: 3 annotators x 40 documents of news words with overlapping spans, spans that
end inside a token, relations, rejected and ignored documents and documents someone skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from redline.metrics.report import agreement_json, agreement_report
from redline.store import DatasetStore, JsonlDataset, open_store
from tests.support.data import subprocess_env
from tests.support.news_dataset import fill_news


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> DatasetStore:
    dataset = open_store("news", tmp_path_factory.mktemp("files"))
    fill_news(dataset)
    return dataset


@pytest.mark.parametrize("answers", ["accept", "all"])
def test_batches_and_a_second_process_change_no_digit(files: DatasetStore, answers: str) -> None:
    whole = agreement_json(agreement_report(files, answers=answers, processes=1))  # type: ignore[arg-type]
    assert whole["documents"] > 15
    assert whole["krippendorff_alpha_nominal"]["value"] is not None  # type: ignore[index]
    for batch in (1, 3, 7):
        batched = agreement_report(files, answers=answers, processes=1, batch=batch)  # type: ignore[arg-type]
        assert agreement_json(batched) == whole
    split = agreement_report(files, answers=answers, processes=2, batch=4)  # type: ignore[arg-type]
    assert agreement_json(split) == whole


def test_progress_is_told_after_each_batch(files: DatasetStore) -> None:
    told: list[tuple[int, int]] = []
    agreement_report(files, processes=1, batch=16, on_progress=lambda *a: told.append(a))
    assert told == [(16, 40), (32, 40), (40, 40)]


def test_the_same_report_from_postgresql(files: DatasetStore, where: str, tmp_path: Path) -> None:
    dataset = open_store("news", store=where)
    fill_news(dataset)
    assert agreement_json(agreement_report(dataset)) == agreement_json(agreement_report(files))


def test_without_its_second_process_the_report_is_counted_here(
    files: DatasetStore, tmp_path: Path
) -> None:
    """A script with no ``if __name__ == "__main__"`` guard cannot start a spawned process
    (the child would run the script again): the later documents are counted in the script's
    own process, and the report is the same."""
    assert isinstance(files, JsonlDataset)
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        "from redline.metrics.report import agreement_json, agreement_report\n"
        "from redline.store import open_store\n"
        "import orjson\n"
        "report = agreement_report(open_store('news', sys.argv[1]), processes=2)\n"
        "sys.stdout.write(orjson.dumps(agreement_json(report)).decode())\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script), str(files.root)],
        capture_output=True, text=True, env=subprocess_env(), check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout) == agreement_json(agreement_report(files, processes=1))
