"""The `redline` command as a user runs it: a real subprocess in a fresh working folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from redline.cli.schema import render_json_schema
from redline.schema import Annotation
from tests.support.data import jsonl_line, make_record, relation, span

REPO = Path(__file__).resolve().parents[2]


def redline(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "redline", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=300,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    return tmp_path


def test_json_schema_file_is_up_to_date():
    stored = (REPO / "schema" / "annotation.schema.json").read_bytes()
    assert stored == render_json_schema(), "run `redline schema export` and commit the result"


def test_version():
    result = redline("--version", cwd=REPO)
    assert result.returncode == 0
    assert result.stdout.decode().startswith("redline ")


def test_suggest_seeds_then_stats(workdir: Path):
    result = redline("suggest", "seeds/", "--out", "out.jsonl", cwd=workdir)
    assert result.returncode == 0, result.stderr.decode()
    stdout = result.stdout.decode()
    assert "5 documents (5 analysed, 0 from cache)" in stdout
    gpe_row = next(line for line in stdout.splitlines() if "GPE" in line)
    assert "Việt Nam" in gpe_row
    event_row = next(line for line in stdout.splitlines() if "EVENT" in line)
    assert "COVID-19" in event_row
    lines = (workdir / "out.jsonl").read_bytes().splitlines()
    records = [Annotation.model_validate_json(line) for line in lines]
    assert [r.doc_id for r in records] == sorted(p.stem for p in (workdir / "seeds").iterdir())
    assert (workdir / "annotations" / "seeds" / "model:en_core_web_sm.jsonl").is_file()

    again = redline("suggest", "seeds/", cwd=workdir)
    assert "5 documents (0 analysed, 5 from cache)" in again.stdout.decode()

    stats = redline("stats", "--dataset", "seeds", "--source", "seeds/", cwd=workdir)
    assert stats.returncode == 0, stats.stderr.decode()
    row = next(line for line in stats.stdout.decode().splitlines() if "model:" in line)
    assert "5/5" in row


def test_suggest_reads_jsonl_from_stdin(workdir: Path):
    lines = b"\n".join(
        orjson.dumps({"id": f"d{n}", "text": text})
        for n, text in enumerate(["Hun Sen met Tô Lâm in Hà Nội.", "The CPV leads Việt Nam."])
    )
    result = redline(
        "suggest", "-", "--dataset", "piped", "--out", "o.jsonl", cwd=workdir, stdin=lines
    )
    assert result.returncode == 0, result.stderr.decode()
    records = [
        Annotation.model_validate_json(x) for x in (workdir / "o.jsonl").read_bytes().splitlines()
    ]
    assert [r.doc_id for r in records] == ["d0", "d1"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["suggest", "nowhere/"], "nowhere: no such file or folder"),
        (["suggest", "seeds/", "--schema", "missing.toml"], "missing.toml: schema file not found"),
        (["suggest", "seeds/", "--dataset", "../escape"], "invalid dataset name '../escape'"),
        (["stats", "--dataset", "empty"], "dataset 'empty' has no annotations yet"),
    ],
)
def test_bad_invocations_get_one_clear_line(workdir: Path, args: list[str], expected: str):
    result = redline(*args, cwd=workdir)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert "Traceback" not in stderr
    assert expected in stderr
    assert stderr.strip().count("\n") == 0, stderr


def test_schema_error_names_file_and_field(workdir: Path):
    bad = workdir / "schema" / "bad.toml"
    text = (workdir / "schema" / "news.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('color = "#e69f00"', 'color = "yellowish"'), encoding="utf-8")
    result = redline("schema", "check", "--schema", "schema/bad.toml", cwd=workdir)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert "schema/bad.toml: entities[0] (PERSON).color" in stderr
    assert "#rrggbb" in stderr
    assert "Traceback" not in stderr


def test_corpus_problems_are_reported_and_the_rest_suggested(workdir: Path):
    (workdir / "seeds" / "broken.txt").write_bytes(b"caf\xe9 au lait")
    (workdir / "seeds" / "empty.txt").write_bytes(b"")
    result = redline("suggest", "seeds/", cwd=workdir)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "seeds/broken.txt:1: invalid UTF-8" in stderr
    assert "seeds/empty.txt: empty file" in stderr
    assert "2 document(s) skipped" in stderr
    assert "5 documents" in result.stdout.decode()


def test_core_imports_neither_textual_nor_the_cli():
    """Every module of the core, imported in a clean interpreter, leaves the UI and CLI out."""
    code = (
        "import importlib, pkgutil, sys, redline\n"
        "def walk(path, prefix):\n"
        "    for m in pkgutil.iter_modules(path, prefix):\n"
        "        if m.name in ('redline.tui', 'redline.cli', 'redline.__main__'): continue\n"
        "        yield m.name\n"
        "        if m.ispkg:\n"
        "            yield from walk(importlib.import_module(m.name).__path__, m.name + '.')\n"
        "core = list(walk(redline.__path__, 'redline.'))\n"
        "for name in core: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith(('redline.cli', 'redline.tui')))\n"
        "print(len(core), ','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    count, bad = result.stdout.decode().split(" ", 1)
    assert int(count) >= 10
    assert bad.strip() == ""


def test_stats_counts_answers_labels_and_bad_lines(tmp_path: Path):
    folder = tmp_path / "annotations" / "news"
    folder.mkdir(parents=True)
    text = "Hun Sen leads the CPP."
    spans = [span("s1", 0, 7, "PERSON"), span("s2", 18, 21, "ORG")]
    good = make_record(
        "d1",
        text,
        annotator="alice",
        spans=spans,
        relations=[relation("r1", "s1", "s2", "LEADER_OF")],
    )
    rejected = make_record("d2", "Nothing here.", annotator="alice", answer="reject")
    (folder / "alice.jsonl").write_bytes(
        jsonl_line(good) + b'{"doc_id": "broken"\n' + jsonl_line(rejected)
    )
    result = redline("stats", "--dataset", "news", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    header, row = (
        line
        for line in result.stdout.decode().splitlines()
        if "annotator" in line or "alice" in line
    )
    cells = [c.strip() for c in row.strip("│┃ ").split("│")]
    columns = [c.strip() for c in header.strip("│┃ ").split("┃")]
    values = dict(zip(columns, cells, strict=True))
    assert values["done"] == "2/2"
    assert (values["accept"], values["reject"]) == ("1", "1")
    assert (values["PERSON"], values["ORG"], values["LEADER_OF"]) == ("1", "1", "1")
    assert values["bad lines"] == "1"
    assert "annotations/news/alice.jsonl:2: invalid record" in result.stderr.decode()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["serve", "seeds/", "--dataset", "d", "--annotator", "a", "--host", "0.0.0.0"],
         "refusing to serve on 0.0.0.0"),
        (["annotate", "seeds/", "--dataset", "d", "--annotator", "model:x"],
         "is the name of a model's suggestions"),
        (["annotate", "seeds/", "--dataset", "d", "--annotator", "../me"],
         "invalid annotator name"),
        (["annotate", "seeds/", "--dataset", "d", "--annotator", "a", "--start", "nope"],
         "no document 'nope'"),
        (["annotate", "seeds/", "--dataset", "d", "--annotator", "a", "--keymap", "none.toml"],
         "none.toml: keymap file not found"),
        (["annotate", "-", "--dataset", "d", "--annotator", "a"], "give SOURCE as a file"),
    ],
)  # fmt: skip
def test_annotate_and_serve_refuse_bad_arguments(workdir: Path, args: list[str], expected: str):
    result = redline(*args, cwd=workdir)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert expected in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "conll", "brat", "spacy"])
def test_export_each_format_from_the_shipped_gold(workdir: Path, fmt: str):
    shutil.copytree(REPO / "annotations" / "seeds-demo", workdir / "annotations" / "seeds-demo")
    out = "out" if fmt in ("brat", "spacy") else f"out.{fmt}"
    result = redline("export", out, "--dataset", "seeds-demo", "--format", fmt, cwd=workdir)
    assert result.returncode == 0, result.stderr.decode()
    assert "exported 5 gold document(s)" in result.stdout.decode()
    assert (workdir / out).exists()


def test_import_reports_problems_and_writes_nothing_unless_told(workdir: Path):
    folder = workdir / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("Hun Sen met Tô Lâm.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPERSON 0 7\tHun Sen\nT2\tPERSON 12 18\tTô Lâm\n", "utf-8")
    (folder / "b.txt").write_text("Phnom Penh and Hà Nội.", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tGPE 0 5;15 17\tPhnom Hà\nE1\tMeet:T1\n", "utf-8")
    args = ["import", "brat", "--format", "brat", "--dataset", "imp", "--annotator", "zoe"]
    refused = redline(*args, cwd=workdir)
    stderr = refused.stderr.decode()
    assert refused.returncode == 1
    assert "problem: brat/b.ann:1: T1: discontinuous span" in stderr
    assert "warning: brat: brat events (E): 1 in 1 file(s)" in stderr  # said once, not a problem
    assert "1 problem(s) in 1 record(s) of brat; nothing was written" in stderr
    assert not (workdir / "annotations" / "imp" / "zoe.jsonl").exists()
    done = redline(*args, "--skip-invalid", cwd=workdir)
    assert done.returncode == 0, done.stderr.decode()
    lines = (workdir / "annotations" / "imp" / "zoe.jsonl").read_bytes().splitlines()
    records = [Annotation.model_validate_json(line) for line in lines]
    assert [r.doc_id for r in records] == ["a"]  # b, with an invalid line, is left out whole
    assert {records[0].span_text(s) for s in records[0].spans} == {"Hun Sen", "Tô Lâm"}
    assert "imported 1 record(s) into annotations/imp/zoe.jsonl; 1 skipped (problems above)" in (
        done.stdout.decode()
    )


@pytest.fixture
def demo(workdir: Path) -> Path:
    shutil.copytree(REPO / "annotations" / "seeds-demo", workdir / "annotations" / "seeds-demo")
    return workdir


def test_agreement_on_the_demo_tables_and_json(demo: Path):
    shown = redline("agreement", "--dataset", "seeds-demo", "--per-doc", cwd=demo)
    assert shown.returncode == 0, shown.stderr.decode()
    text = shown.stdout.decode()
    for heading in ("Pairwise agreement", "Per label", "Krippendorff", "Label confusion",
                    "lowest agreement first"):  # fmt: skip
        assert heading in text
    as_json = redline("agreement", "--dataset", "seeds-demo", "--json", cwd=demo)
    data = orjson.loads(as_json.stdout)
    assert data["annotators"] == ["ana", "ben"]
    assert data["documents"] == 5
    exact = data["span_f1_exact"]["ana|ben"]
    assert 0.9 < exact["f1"] < 1.0
    assert exact["units"] == exact["tp"] + exact["fp"] + exact["fn"]
    assert data["per_document"][0]["doc_id"] == "001_6faee6a37c422e27"
    assert 0.9 < data["krippendorff_alpha_nominal"]["value"] <= 1.0


def test_evaluate_model_and_annotator_against_gold(demo: Path):
    model = redline("evaluate", "--dataset", "seeds-demo", "--json", cwd=demo)
    assert model.returncode == 0, model.stderr.decode()
    data = orjson.loads(model.stdout)
    assert data["pred"] == "model:en_core_web_sm"
    assert 0.8 < data["entities_exact"]["f1"] < 1.0
    assert data["edits"]["overall"]["rejected"] >= 1
    ana = orjson.loads(
        redline("evaluate", "--dataset", "seeds-demo", "--pred", "ana", "--json", cwd=demo).stdout
    )
    assert ana["entities_exact"]["f1"] > data["entities_exact"]["f1"]
    table = redline("evaluate", "--dataset", "seeds-demo", cwd=demo).stdout.decode()
    assert "How annotators changed the suggestions" in table


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["agreement", "--dataset", "seeds-demo", "--annotators", "ana,zed"],
         "has no annotator 'zed'"),
        (["agreement", "--dataset", "seeds-demo", "--annotators", "ana"],
         "agreement needs two or more annotators"),
        (["agreement", "--dataset", "seeds-demo", "--labels", "PERSON,WHO"],
         "label(s) WHO not in the schema"),
        (["evaluate", "--dataset", "seeds-demo", "--pred", "nobody"], "has no annotator 'nobody'"),
    ],
)  # fmt: skip
def test_agreement_and_evaluate_refuse_bad_input(demo: Path, args: list[str], expected: str):
    result = redline(*args, cwd=demo)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert expected in stderr
    assert "Traceback" not in stderr


def test_review_says_which_annotator_lines_it_could_not_read(demo: Path):
    ben = demo / "annotations" / "seeds-demo" / "ben.jsonl"
    ben.write_bytes(ben.read_bytes() + b'{"doc_id": "half a record"\n')
    before = ben.read_bytes()
    result = redline("review", "--dataset", "seeds-demo", "--reviewer", "rita", "--auto", cwd=demo)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "annotations/seeds-demo/ben.jsonl:6: invalid record, skipped" in " ".join(stderr.split())
    assert ben.read_bytes() == before
