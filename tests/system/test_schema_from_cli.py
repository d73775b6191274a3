"""``redline schema from-brat`` and ``from-prodigy`` as a user runs them, on real files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import orjson
import pytest

from redline.formats.brat_conf import schema_from_brat_conf
from redline.schema.loading import load_schema
from tests.support.cli import run_redline

CONF = (
    "[entities]\nPerson\nOrganization\n\tMerge-org\nLocation\n\n[relations]\n"
    "Located\tArg1:Person|Organization, Arg2:Location\n"
    "Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive\n\n"
    "[events]\nAttack\tAttacker:Person\nDie\tVictim:Person\nMarry\tA:Person, B:Person\n\n"
    "[attributes]\nNegation\tArg:<EVENT>\n"
)


@pytest.fixture
def brat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news").mkdir()
    conf = tmp_path / "news" / "annotation.conf"
    conf.write_text(CONF, encoding="utf-8")
    return conf


def test_from_brat_prints_toml_that_loads_back_and_warns_once_per_kind(
    brat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_redline(capsys, "schema", "from-brat", "news/annotation.conf")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("# redline label schema made by `redline schema from-brat`")
    data = tomllib.loads(result.stdout)
    assert [e["label"] for e in data["entities"]] == [
        "Person",
        "Organization",
        "Merge-org",
        "Location",
    ]
    (tmp_path / "printed.toml").write_text(result.stdout, encoding="utf-8")
    expected, _ = schema_from_brat_conf(brat)
    assert load_schema(tmp_path / "printed.toml") == expected
    assert result.notices("warning") == [
        "annotation.conf: [events] (3 types: Attack, Die, Marry) are not supported and are "
        "left out",
        "annotation.conf: [attributes] (1 type: Negation) are not supported and are left out",
        "annotation.conf: transitive relations (Equiv) are kept as symmetric; redline does "
        "not infer the transitive ones",
    ]


def test_from_brat_writes_the_file_and_takes_a_folder(
    brat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_redline(capsys, "schema", "from-brat", "news", "--out", "schema/news.toml")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "wrote schema/news.toml"
    assert len(result.notices("warning")) == 3
    schema = load_schema(tmp_path / "schema" / "news.toml")
    assert schema == schema_from_brat_conf(brat)[0]
    assert schema.allow_overlap
    assert [p.name for p in (tmp_path / "schema").iterdir()] == ["news.toml"]  # no .part left
    checked = run_redline(capsys, "schema", "check", "--schema", "schema/news.toml")
    assert checked.code == 0, checked.stderr
    assert "Merge-org" in checked.stdout
    (tmp_path / "empty").mkdir()
    missing = run_redline(capsys, "schema", "from-brat", "empty")
    assert missing.code == 1
    assert missing.notices("error") == ["empty: no annotation.conf here or in the folder above"]


def test_from_brat_names_the_line_of_an_error(
    brat: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    brat.write_text("[entities]\nPerson\n[relations]\nLives\tArg1:Person, Arg2:City\n", "utf-8")
    result = run_redline(capsys, "schema", "from-brat", "news/annotation.conf")
    assert result.code == 1
    assert result.stdout == ""
    assert result.notices("error") == [
        "news/annotation.conf:4: relation Lives: Arg2 names 'City', which is not a type in "
        "[entities]"
    ]


def _task(text: str, spans: list[tuple[int, int, str]], relations: list[tuple[int, int, str]]):
    span_dicts = [
        {"start": s, "end": e, "label": label, "token_start": n, "token_end": n}
        for n, (s, e, label) in enumerate(spans)
    ]
    return {
        "text": text,
        "spans": span_dicts,
        "relations": [
            {"head": h, "child": c, "head_span": span_dicts[h], "child_span": span_dicts[c]}
            | {"label": label}
            for h, c, label in relations
        ],
        "answer": "accept",
    }


def test_from_prodigy_takes_the_labels_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    tasks = [
        _task("Hun Sen met Acme.", [(0, 7, "Person"), (12, 16, "Org")], [(0, 1, "meets")]),
        _task("Tô Lâm led the CPV.", [(0, 6, "Person"), (15, 18, "Org")], [(0, 1, "leads")]),
        _task("Acme Corp", [(0, 4, "Org"), (0, 9, "Org-name")], [(1, 0, "meets")]),
        {"text": "no spans here"},
    ]
    relation_by_token = {"text": "a b", "spans": [{"start": 0, "end": 1, "label": "Person",
                         "token_end": 0}, {"start": 2, "end": 3, "label": "Org", "token_end": 1}],
                         "relations": [{"head": 1, "child": 0, "label": "leads"}]}  # fmt: skip
    lines = [orjson.dumps(task) for task in [*tasks, relation_by_token]]
    (tmp_path / "tasks.jsonl").write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n\n")
    result = run_redline(capsys, "schema", "from-prodigy", "tasks.jsonl", "--out", "s.toml")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "wrote s.toml"
    schema = load_schema(tmp_path / "s.toml")
    assert schema.name == "tasks"
    assert [e.label for e in schema.entities] == ["Person", "Org", "Org-name"]
    assert [(r.label, r.head, r.child) for r in schema.relations] == [
        ("meets", ["Person", "Org-name"], ["Org"]),
        ("leads", ["Person", "Org"], ["Org", "Person"]),
    ]
    assert schema.allow_overlap  # the third task has nested spans
    assert schema.model.label_map == {"PERSON": "Person", "ORG": "Org"}
    printed = run_redline(capsys, "schema", "from-prodigy", "tasks.jsonl")
    (tmp_path / "printed.toml").write_text(printed.stdout, encoding="utf-8")
    assert load_schema(tmp_path / "printed.toml") == schema
    assert printed.stderr == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object, got list"),
        (b'{"text": "a", "spans": [{"start": 0, "end": 1}]}', "spans[0] has no label"),
        (b'{"text": "a", "spans": [{"label": "has space"}]}', "holds ' '"),
        (
            b'{"text": "a", "spans": [], "relations": [{"head": 3, "child": 0, "label": "x"}]}',
            "relations[0].head: no span ends at token 3",
        ),
    ],
)
def test_from_prodigy_names_the_file_and_line_of_a_bad_task(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    line: bytes,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    good = orjson.dumps(_task("Hun Sen", [(0, 7, "Person")], []))
    (tmp_path / "tasks.jsonl").write_bytes(good + b"\n\n" + line + b"\n")
    result = run_redline(capsys, "schema", "from-prodigy", "tasks.jsonl", "--out", "s.toml")
    assert result.code == 1
    [error] = result.notices("error")
    assert error.startswith("tasks.jsonl:3: ")
    assert message in error
    assert not (tmp_path / "s.toml").exists()
