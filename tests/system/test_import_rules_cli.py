"""``redline import`` says what the import rules did: one summary counting records (imported,
unchanged, skipped), a ``warning:`` line per merge or repeated doc_id, a ``problem:`` line per
problem, and ``--id-key``. The real command, on real files in tmp_path."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from redline.schema import Annotation
from tests.support.cli import run_redline
from tests.support.data import NEWS_SCHEMA, jsonl_line, make_record, span

HUN_SEN = (0, 7)


def _import(capsys: pytest.CaptureFixture[str], tmp_path: Path, source: Path, *options: str):
    return run_redline(capsys, "import", str(source), "--dataset", "imp", "--annotator", "bob",
                       "--schema", str(NEWS_SCHEMA), "--root", str(tmp_path / "annotations"),
                       *options)  # fmt: skip


def _stored(tmp_path: Path) -> list[Annotation]:
    path = tmp_path / "annotations" / "imp" / "bob.jsonl"
    return [Annotation.model_validate_json(line) for line in path.read_bytes().splitlines()]


def test_the_summary_counts_records_skipped_and_unchanged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "in.jsonl"
    bad = make_record("d3", spans=[span("a", *HUN_SEN, "WIZARD"), span("b", 12, 28, "ELF")])
    path.write_bytes(jsonl_line(make_record("d1")) + jsonl_line(make_record("d2")) + b"{\n"
                     + jsonl_line(bad))  # fmt: skip
    log = tmp_path / "annotations" / "imp" / "bob.jsonl"
    refused = _import(capsys, tmp_path, path, "--format", "jsonl")
    assert refused.code == 1
    assert len(refused.notices("problem")) == 3
    assert refused.notices("error") == [
        f"3 problem(s) in 2 record(s) of {path}; nothing was written (fix them, or pass "
        "--skip-invalid to import the other 2 record(s) without them)"
    ]
    assert not log.exists()
    done = _import(capsys, tmp_path, path, "--format", "jsonl", "--skip-invalid")
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"imported 2 record(s) into {log}; 2 skipped (problems above)"
    ]
    again = _import(capsys, tmp_path, path, "--format", "jsonl", "--skip-invalid")
    assert again.stdout.splitlines() == [
        f"imported 0 record(s) into {log}; 2 unchanged (already stored); 2 skipped (problems above)"
    ]
    assert [r.doc_id for r in _stored(tmp_path)] == ["d1", "d2"]


def test_merges_and_repeated_ids_are_warning_lines_and_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "in.jsonl"
    twice = make_record("d1", spans=[span("a", *HUN_SEN), span("b", *HUN_SEN)])
    path.write_bytes(jsonl_line(twice) + jsonl_line(make_record("d2")) + jsonl_line(twice))
    done = _import(capsys, tmp_path, path, "--format", "jsonl")
    assert done.code == 0, done.stderr
    assert done.notices("warning") == [
        f"{path}:1: 1 duplicate span(s) (same start, end and label) kept once",
        f"{path}:3: 1 duplicate span(s) (same start, end and label) kept once",
        f"{path}:3: doc_id 'd1' on lines 1 and 3: the later is stored as the newer version",
    ]
    assert done.notices("problem") == []
    assert [(r.doc_id, len(r.spans)) for r in _stored(tmp_path)] == [
        ("d1", 1),
        ("d2", 0),
        ("d1", 1),
    ]


def test_id_key_names_the_documents_of_a_jsonl_corpus_and_is_refused_for_brat(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(orjson.dumps({"text": "Hun Sen spoke.", "meta": {"url": "u/1"}}) + b"\n")
    done = _import(capsys, tmp_path, corpus, "--format", "text", "--id-key", "meta.url")
    assert done.code == 0, done.stderr
    assert [r.doc_id for r in _stored(tmp_path)] == ["u/1"]
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("Hun Sen spoke.", encoding="utf-8")
    refused = _import(capsys, tmp_path, folder, "--format", "brat", "--id-key", "meta.url")
    assert refused.code == 1
    assert refused.notices("error") == [
        f"{folder}: brat names each document by its file, so the id key 'meta.url' has nothing "
        "to name; it is for records that are JSON lines (prodigy, jsonl, text from a JSONL file)"
    ]


def test_id_key_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_redline(capsys, "import", "--help")
    assert "--id-key" in shown.stdout
    assert "meta.id" in shown.stdout


def test_a_txt_with_a_mark_is_the_same_text_as_text_and_as_a_corpus_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = "Hun Sen met Tô Lâm."
    txt = tmp_path / "a.txt"
    txt.write_bytes(b"\xef\xbb\xbf" + text.encode())
    lines = tmp_path / "corpus.jsonl"
    lines.write_bytes(orjson.dumps({"id": "b", "text": "\ufeff" + text}) + b"\n")
    for source in (txt, lines):
        assert _import(capsys, tmp_path, source, "--format", "text").code == 0
    [a, b] = _stored(tmp_path)
    assert a.text == b.text == text
    assert a.text_sha1 == b.text_sha1
