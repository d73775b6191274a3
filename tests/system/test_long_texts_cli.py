"""Texts over spaCy's 1,000,000-character ``max_length`` through the real commands.

The long texts here are mostly whitespace between real sentences, so the real model parses
them in well under a second: what is tested is the cutting and the offsets, not the model.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.support.cli import redline_process, run_redline
from tests.support.data import NEWS_SCHEMA

SENTENCE = "Prime Minister Hun Sen met Tô Lâm in Hà Nội on Monday."
LIMIT = 1_000_000


def _long_text() -> str:
    """1,000,001+ characters: the sentence, 400,000 spaces, again, and again."""
    pad = " " * 400_000
    text = f"{SENTENCE}\n\n{pad}\n\n{SENTENCE}\n\n{pad}\n\n{SENTENCE}"
    return text + " " * max(0, LIMIT + 1 - len(text))


def _records(path: Path) -> dict[str, dict]:
    return {r["doc_id"]: r for r in map(orjson.loads, path.read_bytes().splitlines())}


def test_import_text_then_agreement_on_a_text_over_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Hun Sen met Tô Lâm. " * 50_000 + "x"
    assert len(text) > LIMIT
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    root = str(tmp_path / "annotations")
    for name in ("ana", "ben"):
        imported = run_redline(capsys, "import", str(tmp_path / "long.txt"), "--format", "text",
                               "--dataset", "big", "--annotator", name, "--schema",
                               str(NEWS_SCHEMA), "--root", root)  # fmt: skip
        assert imported.code == 0, imported.stderr
    shown = run_redline(capsys, "agreement", "--dataset", "big", "--root", root, "--json",
                        "--schema", str(NEWS_SCHEMA))  # fmt: skip
    assert shown.code == 0, shown.stderr
    data = orjson.loads(shown.stdout)
    assert data["documents"] == 1
    assert data["token_cohen_kappa"]["ana|ben"]["units"] == 6 * 50_000 + 1


def test_suggest_analyses_a_text_over_the_limit_in_pieces(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = _long_text()
    (corpus / "long.txt").write_text(text, encoding="utf-8")
    (corpus / "short.txt").write_text(SENTENCE, encoding="utf-8")
    root = tmp_path / "annotations"
    out = tmp_path / "out.jsonl"
    run = redline_process("suggest", str(corpus), "--dataset", "big", "--schema",
                          str(NEWS_SCHEMA), "--root", str(root), "--out", str(out))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    records = _records(out)
    assert set(records) == {"long", "short"}
    long = records["long"]
    assert long["text"] == text
    people = [(s["start"], s["end"]) for s in long["spans"] if s["label"] == "PERSON"]
    starts = [text.find(SENTENCE), text.find(SENTENCE, 100), text.rfind(SENTENCE)]
    assert starts[2] > 800_000  # the third sentence is past the first cut
    expected = {
        (start + SENTENCE.index(name), start + SENTENCE.index(name) + len(name))
        for start in starts
        for name in ("Hun Sen", "Tô Lâm")
    }
    assert set(people) == expected
    assert all(text[s:e] in ("Hun Sen", "Tô Lâm") for s, e in people)
    assert len({s["id"] for s in long["spans"]}) == len(long["spans"])


@pytest.mark.parametrize("processes", ["1", "2"])
def test_suggest_refuses_an_uncuttable_text_in_one_line_and_keeps_the_others(
    tmp_path: Path, processes: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (corpus / "blob.txt").write_text("x" * (LIMIT + 1), encoding="utf-8")
    (corpus / "c.txt").write_text("Tô Lâm visited Phnom Penh.", encoding="utf-8")
    root = tmp_path / "annotations"
    result = redline_process(
        "suggest", str(corpus), "--dataset", "big", "--schema", str(NEWS_SCHEMA),
        "--root", str(root), "--n-process", processes,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("problem:")]
    assert len(problems) == 1, result.stderr
    assert "'blob'" in problems[0]
    assert "1,000,000 characters" in problems[0]
    saved = _records(root / "big" / "model:en_core_web_sm.jsonl")
    assert set(saved) == {"a", "c"}
    assert "error: 1 document(s) could not be analysed" in result.stderr
