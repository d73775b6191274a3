"""Real data made by other tools comes in and goes back out unchanged: re3d's annotations as a
brat folder with its annotation.conf and as Prodigy tasks, and a Spanish Prodigy task with its
own tokens (the acceptance of "Bring your own data")."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from bench.corpora_common import missing_reason
from tests.support.cli import run_redline
from tests.support.re3d import load_documents, write_brat, write_prodigy

needs_corpus = pytest.mark.skipif(
    missing_reason() is not None, reason=missing_reason() or "corpora present"
)

TSpan = tuple[str, str, str]
"""A T line without its id: label, offsets, text."""


def _ann_lines(folder: Path) -> dict[str, tuple[Counter[TSpan], Counter[tuple[str, TSpan, TSpan]]]]:
    """Per document, its T lines and R lines with the ids replaced by what they point at."""
    found: dict[str, tuple[Counter[TSpan], Counter[tuple[str, TSpan, TSpan]]]] = {}
    for ann in sorted(folder.glob("*.ann")):
        spans: dict[str, TSpan] = {}
        relations: list[tuple[str, TSpan, TSpan]] = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("T"):
                label, offsets = parts[1].split(" ", 1)
                spans[parts[0]] = (label, offsets, parts[2])
            elif line.startswith("R"):
                label, arg1, arg2 = parts[1].split()
                relations.append((label, spans[arg1[5:]], spans[arg2[5:]]))
        found[ann.stem] = (Counter(spans.values()), Counter(relations))
    return found


@needs_corpus
def test_brat_from_re3d_comes_back_with_the_same_t_and_r_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./schema here: the brat folder's annotation.conf is used
    documents = load_documents()
    source = write_brat(tmp_path / "re3d-brat", documents)
    imported = run_redline(
        capsys, "import", str(source), "--format", "brat", "--dataset", "re3d",
        "--annotator", "ann", "--root", str(tmp_path / "store"),
    )  # fmt: skip
    assert imported.code == 0, imported.stderr
    assert f"imported {len(documents)} record(s)" in imported.stdout
    same_extent = sum(
        sum(n - 1 for n in Counter((s, e) for s, e, _ in d.entities).values()) for d in documents
    )
    assert same_extent > 0  # re3d gives one extent two types: both are kept
    schema = run_redline(capsys, "schema", "from-brat", str(source / "annotation.conf"),
                         "--out", str(tmp_path / "re3d.toml"))  # fmt: skip
    assert schema.code == 0, schema.stderr
    exported = run_redline(
        capsys, "export", str(tmp_path / "out"), "--format", "brat", "--dataset", "re3d",
        "--source", "ann", "--schema", str(tmp_path / "re3d.toml"),
        "--root", str(tmp_path / "store"),
    )  # fmt: skip
    assert exported.code == 0, exported.stderr

    before, after = _ann_lines(source), _ann_lines(tmp_path / "out")
    assert before.keys() == after.keys()
    nested = 0
    for doc_id, (spans, relations) in before.items():
        assert set(after[doc_id][0]) == set(spans), doc_id
        assert set(after[doc_id][1]) == set(relations), doc_id
        assert max(after[doc_id][0].values(), default=1) == 1  # each span once
        nested += sum(1 for a in spans for b in spans if a != b and _inside(a[1], b[1]))
    assert nested > 0  # nested spans were in the data and came back
    kept_labels = {label for spans, _ in after.values() for label, _, _ in spans}
    assert {"Organisation", "MilitaryPlatform"} <= kept_labels
    assert (tmp_path / "out" / "annotation.conf").read_text().count("Organisation") >= 1


def _inside(inner: str, outer: str) -> bool:
    def extent(offsets: str) -> tuple[int, int]:
        numbers = [int(n) for n in offsets.replace(";", " ").split()]
        return numbers[0], numbers[-1]

    (a, b), (c, d) = extent(inner), extent(outer)
    return c <= a and b <= d and (a, b) != (c, d)


@needs_corpus
def test_prodigy_tasks_from_re3d_come_back_field_by_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tasks_file = write_prodigy(tmp_path / "re3d.jsonl", load_documents())
    tasks = [orjson.loads(line) for line in tasks_file.read_bytes().splitlines()]
    assert sum(len(t["relations"]) for t in tasks) > 0
    made = run_redline(capsys, "schema", "from-prodigy", str(tasks_file), "--out", "re3d.toml")
    assert made.code == 0, made.stderr
    root = str(tmp_path / "store")
    imported = run_redline(
        capsys, "import", str(tasks_file), "--format", "prodigy", "--dataset", "re3d",
        "--annotator", "ann", "--schema", "re3d.toml", "--root", root,
    )  # fmt: skip
    assert imported.code == 0, imported.stderr
    exported = run_redline(
        capsys, "export", "back.jsonl", "--format", "prodigy", "--dataset", "re3d",
        "--source", "ann", "--schema", "re3d.toml", "--root", root,
    )  # fmt: skip
    assert exported.code == 0, exported.stderr
    back = [orjson.loads(line) for line in (tmp_path / "back.jsonl").read_bytes().splitlines()]
    assert len(back) == len(tasks)
    by_id = {t["meta"]["id"]: t for t in back}
    for task in tasks:
        again = by_id[task["meta"]["id"]]
        for key in task.keys() | again.keys():
            assert again.get(key) == task.get(key), (task["meta"]["id"], key)

    # imported again, the same file is nothing new
    repeated = run_redline(
        capsys, "import", str(tasks_file), "--format", "prodigy", "--dataset", "re3d",
        "--annotator", "ann", "--schema", "re3d.toml", "--root", root,
    )  # fmt: skip
    assert repeated.code == 0, repeated.stderr
    assert f"{len(tasks)} unchanged" in repeated.stdout


SPANISH = "El coche iba a 120\u00a0km/h por la A-6, etc. Lo vio María-José."


def _spanish_task() -> dict[str, Any]:
    words = ["El", "coche", "iba", "a", "120", "km/h", "por", "la", "A-6", ",", "etc.", "Lo",
             "vio", "María-José", "."]  # fmt: skip
    tokens: list[dict[str, Any]] = []
    at = 0
    for i, word in enumerate(words):
        start = SPANISH.index(word, at)
        at = start + len(word)
        tokens.append({"text": word, "start": start, "end": at, "id": i,
                       "ws": SPANISH[at : at + 1] == " "})  # fmt: skip
    speed = SPANISH.index("120")
    road = SPANISH.index("A-6")
    person = SPANISH.index("María-José")
    return {
        "text": SPANISH,
        "tokens": tokens,
        "spans": [
            {
                "start": speed,
                "end": speed + 8,
                "token_start": 4,
                "token_end": 5,
                "label": "velocidad",
            },
            {"start": road, "end": road + 3, "token_start": 8, "token_end": 8, "label": "vía"},
            {
                "start": person,
                "end": person + 10,
                "token_start": 13,
                "token_end": 13,
                "label": "persona",
            },
        ],
        "answer": "accept",
        "_input_hash": 1912831107,
        "_task_hash": -1540316467,
        "_view_id": "ner_manual",
        "meta": {"id": "es-1"},
    }


SPANISH_SCHEMA = """\
name = "es"
lang = "es"
[[entities]]
label = "velocidad"
[[entities]]
label = "vía"
[[entities]]
label = "persona"
"""


def test_a_spanish_task_with_its_own_tokens_keeps_its_token_indices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "es.toml").write_text(SPANISH_SCHEMA, encoding="utf-8")
    task = _spanish_task()
    (tmp_path / "es.jsonl").write_bytes(orjson.dumps(task) + b"\n")
    root = str(tmp_path / "store")
    imported = run_redline(
        capsys, "import", "es.jsonl", "--format", "prodigy", "--dataset", "es",
        "--annotator", "ana", "--schema", "es.toml", "--root", root,
    )  # fmt: skip
    assert imported.code == 0, imported.stderr
    exported = run_redline(
        capsys, "export", "back.jsonl", "--format", "prodigy", "--dataset", "es",
        "--source", "ana", "--schema", "es.toml", "--root", root,
    )  # fmt: skip
    assert exported.code == 0, exported.stderr
    (back,) = [orjson.loads(line) for line in (tmp_path / "back.jsonl").read_bytes().splitlines()]
    assert back == task
    assert [t["text"] for t in back["tokens"]][4:6] == ["120", "km/h"]
