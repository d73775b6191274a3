"""Prodigy tasks: the exact shape written, plain tasks read, and every unreadable task named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from redline.errors import InputError, Location
from redline.formats.importing import import_file
from redline.formats.prodigy import from_prodigy, to_prodigy
from redline.formats.prodigy_hashes import input_hash
from redline.schema import Annotation, LabelSchema
from tests.support.data import make_record, relation, span

TEXT = "Hun Sen met Nguyễn Phú Trọng in Hà Nội."
WHERE = Location("tasks.jsonl", 3)


def _record() -> Annotation:
    return make_record(
        "vn-kh",
        TEXT,
        spans=[
            span("s1", 0, 7),
            span("s2", 12, 28),
            span("s3", 32, 38, "GPE", origin="model", edit="accepted"),
        ],
        relations=[relation("r1", "s1", "s2")],
        rejected=[span("x1", 32, 38, "ORG", origin="model", edit=None)],
        meta={"title": "Talks"},
        note="check the name",
    )


def test_a_record_becomes_a_prodigy_task() -> None:
    task = to_prodigy(_record())
    assert task["text"] == TEXT
    assert task["tokens"][:2] == [
        {"text": "Hun", "start": 0, "end": 3, "id": 0, "ws": True},
        {"text": "Sen", "start": 4, "end": 7, "id": 1, "ws": True},
    ]
    assert task["tokens"][-2:] == [
        {"text": "Nội", "start": 35, "end": 38, "id": 8, "ws": False},
        {"text": ".", "start": 38, "end": 39, "id": 9, "ws": False},
    ]
    hun_sen = {
        "start": 0,
        "end": 7,
        "token_start": 0,
        "token_end": 1,
        "label": "PERSON",
        "id": "s1",
    }
    trong = {
        "start": 12,
        "end": 28,
        "token_start": 3,
        "token_end": 5,
        "label": "PERSON",
        "id": "s2",
    }
    assert task["spans"] == [
        hun_sen,
        trong,
        {"start": 32, "end": 38, "token_start": 7, "token_end": 8, "label": "GPE", "id": "s3"},
    ]
    assert task["relations"] == [
        {
            "head": 1,  # token_end is inclusive: "Sen" is token 1
            "child": 5,
            "head_span": hun_sen,
            "child_span": trong,
            "label": "MEETS",
            "id": "r1",
        }
    ]
    assert task["answer"] == "accept"
    assert task["_annotator_id"] == "alice"
    assert task["meta"] == {"title": "Talks", "doc_id": "vn-kh"}
    extra = task["_redline"]
    assert extra["doc_id"] == "vn-kh"
    assert extra["note"] == "check the name"
    assert extra["rejected"][0]["label"] == "ORG"
    assert extra["spans"]["s3"]["origin"] == "model"


def test_hashes_are_deterministic_signed_32_bit_ints() -> None:
    record = _record()
    task = to_prodigy(record)
    for key in ("_input_hash", "_task_hash"):
        assert isinstance(task[key], int)
        assert -(2**31) <= task[key] < 2**31
    assert task == to_prodigy(record)
    assert task["_input_hash"] == input_hash({"text": TEXT})
    fewer = to_prodigy(make_record("vn-kh", TEXT, spans=[span("s1", 0, 7)]))
    assert fewer["_input_hash"] == task["_input_hash"]
    assert fewer["_task_hash"] != task["_task_hash"]


def test_a_task_comes_back_as_the_same_record() -> None:
    record = _record()
    task = orjson.loads(orjson.dumps(to_prodigy(record)))
    assert from_prodigy(task, "alice", WHERE) == record


def test_a_span_relabelled_in_prodigy_comes_back_as_relabeled() -> None:
    task = to_prodigy(_record())
    task["spans"][2]["label"] = "ORG"
    task["spans"][0]["end"] = 3
    back = from_prodigy(task, "alice", WHERE)
    assert (back.spans[2].label, back.spans[2].origin, back.spans[2].edit) == (
        "ORG",
        "model",
        "relabeled",
    )
    # the annotator's own span stays "added" whatever happens to it
    assert (back.spans[0].end, back.spans[0].edit) == (3, "added")


def test_a_plain_prodigy_task_is_read() -> None:
    task: dict[str, Any] = {
        "text": TEXT,
        "meta": {"id": "article-7", "source": "vna"},
        "_input_hash": 123,
        "spans": [
            {"start": 0, "end": 7, "token_start": 0, "token_end": 1, "label": "PERSON"},
            {"start": 12, "end": 28, "label": "PERSON"},  # no token indices: computed
        ],
        # relations by token index only (older Prodigy versions)
        "relations": [{"head": 1, "child": 5, "label": "MEETS"}],
        "answer": "accept",
    }
    record = from_prodigy(task, "carol", WHERE)
    assert record.doc_id == "article-7"
    assert record.meta == {"id": "article-7", "source": "vna"}
    assert record.annotator == "carol"
    assert [(s.id, s.start, s.end, s.origin, s.edit) for s in record.spans] == [
        ("s1", 0, 7, "annotator", "added"),
        ("s2", 12, 28, "annotator", "added"),
    ]
    assert [(r.id, r.head, r.child, r.label) for r in record.relations] == [
        ("r1", "s1", "s2", "MEETS")
    ]


def test_a_plain_task_without_meta_id_uses_its_input_hash() -> None:
    assert from_prodigy({"text": TEXT, "_input_hash": -42}, "c", WHERE).doc_id == "-42"
    assert len(from_prodigy({"text": TEXT}, "c", WHERE).doc_id) == 16


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.pop("text"), 'no "text" field'),
        (lambda t: t["spans"][0].pop("start"), "spans[0] has no character offsets"),
        (lambda t: t["spans"][1].pop("label"), "spans[1] [12, 28) has no label"),
        (lambda t: t["spans"][0].update(end=400), "outside the text"),
        (lambda t: t.update(answer="maybe"), "answer 'maybe'"),
        (
            lambda t: t["relations"][0].update(
                head=7, head_span={"start": 29, "end": 31, "label": None}
            ),
            "relations[0]: the head [29, 31) is not one of the spans",
        ),
        (lambda t: t.update(text=TEXT + " Changed."), "text_sha1 does not match the text"),
        (lambda t: t["_redline"].update(format_version=99), "format_version 99"),
    ],
)
def test_what_a_record_cannot_express_is_an_error_naming_the_place(
    change: Any, message: str
) -> None:
    task = orjson.loads(orjson.dumps(to_prodigy(_record())))
    change(task)
    with pytest.raises(InputError) as raised:
        from_prodigy(task, "alice", WHERE)
    assert str(raised.value).startswith("tasks.jsonl:3: ")
    assert message in str(raised.value)


def test_a_relation_by_token_to_no_span_is_an_error() -> None:
    task = {"text": TEXT, "spans": [{"start": 0, "end": 7, "label": "PERSON"}]}
    task["relations"] = [{"head": 1, "child": 6, "label": "MEETS"}]
    with pytest.raises(InputError, match=r"relations\[0\]: the child at token 6 is not one"):
        from_prodigy(task, "alice", WHERE)


def test_import_reports_each_bad_line_and_keeps_the_good_ones(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    good = to_prodigy(_record())
    unknown_label = to_prodigy(make_record("other", TEXT, spans=[span("s1", 0, 7, "WIZARD")]))
    loose = {"text": TEXT, "spans": [{"start": 0, "end": 4, "label": "PERSON"}]}
    lines = [
        orjson.dumps(good),
        b"{not json",
        b"[1, 2]",
        b"",
        orjson.dumps({"spans": []}),
        orjson.dumps(unknown_label),
        orjson.dumps(loose),
    ]
    path = tmp_path / "tasks.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = import_file(path, "prodigy", "dave", news_schema)
    assert [r.doc_id for r in result.records] == ["vn-kh"]
    assert result.records[0].annotator == "dave"
    shown = str(path)
    where = [str(p.location) for p in result.problems]
    assert where == [f"{shown}:2", f"{shown}:3", f"{shown}:5", f"{shown}:6", f"{shown}:7"]
    messages = [p.message for p in result.problems]
    assert "invalid JSON" in messages[0]
    assert "expected a JSON object, got list" in messages[1]
    assert 'no "text" field' in messages[2]
    assert "'WIZARD'" in messages[3]
    assert "'Hun ' begins or ends with whitespace" in messages[4]
    assert all(m.endswith("skipped") for m in messages)
