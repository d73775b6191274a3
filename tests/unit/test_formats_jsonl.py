"""Writing our records to a JSONL file: all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.formats.jsonl import write_records
from redline.schema import Annotation
from tests.support.data import make_record


def test_writes_every_record_it_passes_on(tmp_path: Path) -> None:
    records = [make_record(f"d{n}") for n in range(3)]
    target = tmp_path / "out" / "records.jsonl"
    passed = list(write_records(target, records))
    assert passed == records
    lines = target.read_bytes().splitlines()
    assert [Annotation.model_validate_json(line) for line in lines] == records


def test_a_failure_midway_leaves_the_old_file_and_no_partial_one(tmp_path: Path) -> None:
    target = tmp_path / "records.jsonl"
    target.write_bytes(b"old contents\n")

    def failing() -> Iterator[Annotation]:
        yield make_record("d0")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        list(write_records(target, failing()))
    assert target.read_bytes() == b"old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]
