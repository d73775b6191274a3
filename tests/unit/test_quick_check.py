"""The quick check of a record's JSON (the first open's): it says yes to every record the
models accept as they are written, and never to one the models reject; where it says no,
the models' own verdict and message stand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from redline.schema import Annotation, SuggestedBy
from redline.schema.quick_check import RecordKeys, quick_keys, validated_keys
from redline.schema.record_structs import struct_of
from tests.support.data import jsonl_line, make_record, relation, span

TEXT = "Hun Sen met Nguyễn Phú Trọng in Hà Nội 😀 on Monday."


def _record(**fields: Any) -> Annotation:
    spans = [span("s1", 0, 7), span("s2", 12, 28, "PERSON", "model", None)]
    return make_record(
        "doc-1",
        TEXT,
        spans=spans,
        relations=[relation("r1", "s1", "s2")],
        rejected=[span("x1", 32, 38, "GPE", "model", None)],
        rejected_relations=[relation("r2", "s1", "x1")],
        meta={"source": "news", "n": 3, "tags": ["a", {"deep": [1.5, None, True]}]},
        foreign={"prodigy": {"_input_hash": 12, "tokens": []}},
        note="checked twice",
        flagged=True,
        seconds=12.5,
        suggested_by=SuggestedBy(
            model="en_core_web_sm", model_version="3.8.0", schema_name="news", schema_hash="ab"
        ),
        **fields,
    )


VALID = {
    "every field": jsonl_line(_record()),
    "plain": jsonl_line(make_record("plain", "x")),
    "empty text": jsonl_line(make_record("empty text", "")),
    "the model's, rejected": jsonl_line(_record(answer="reject", annotator="model:en_core_web_sm")),
    "every default left out": (
        b'{"doc_id":"minimal","text":"ab","text_sha1":"da23614e02469a0d7c7bd1bdab5c9c474b1904dc",'
        b'"annotator":"bob"}'
    ),
    "spaces around a colon": jsonl_line(_record()).replace(b'"note":"', b'"note"  :  "'),
    "the last of two texts counts": jsonl_line(_record()).replace(
        b'"text":', b'"text":"the last one counts","text":'
    ),
}


def _keys(raw: bytes) -> RecordKeys:
    record = Annotation.model_validate_json(raw)
    return RecordKeys(record.doc_id, record.text_sha1, record.annotator)


@pytest.mark.parametrize("raw", VALID.values(), ids=VALID.keys())
def test_a_valid_record_passes_the_quick_check(raw: bytes) -> None:
    assert quick_keys(raw) == _keys(raw)


def _changed(path: list[str | int], value: Any) -> bytes:
    record = orjson.loads(jsonl_line(_record()))
    inner = record
    for step in path[:-1]:
        inner = inner[step]
    inner[path[-1]] = value
    return orjson.dumps(record)


def _without(path: list[str | int]) -> bytes:
    record = orjson.loads(jsonl_line(_record()))
    inner = record
    for step in path[:-1]:
        inner = inner[step]
    del inner[path[-1]]
    return orjson.dumps(record)


INVALID = {
    "span end before start": _changed(["spans", 0, "end"], 0),
    "span outside the text": _changed(["spans", 1, "end"], 999),
    "span id twice": _changed(["rejected", 0, "id"], "s1"),
    "relation to a rejected span": _changed(["relations", 0, "child"], "x1"),
    "relation to no span": _changed(["rejected_relations", 0, "head"], "nope"),
    "relation id twice": _changed(["rejected_relations", 0, "id"], "r1"),
    "negative start": _changed(["spans", 0, "start"], -1),
    "empty label": _changed(["spans", 0, "label"], ""),
    "unknown origin": _changed(["spans", 0, "origin"], "guess"),
    "unknown edit": _changed(["relations", 0, "edit"], "moved"),
    "annotators not strings": _changed(["spans", 0, "annotators"], [1]),
    "unknown span field": _changed(["spans", 0, "colour"], "red"),
    "unknown field": _changed(["colour"], "red"),
    "no doc_id": _without(["doc_id"]),
    "no span id": _without(["spans", 0, "id"]),
    "empty doc_id": _changed(["doc_id"], ""),
    "text changed after hashing": _changed(["text"], TEXT + "!"),
    "hash in capitals": _changed(["text_sha1"], _record().text_sha1.upper()),
    "hash with a newline": _changed(["text_sha1"], _record().text_sha1 + "\n"),
    "naive time": _changed(["created_at"], "2026-12-07T10:00:00"),
    "not a time": _changed(["created_at"], "Monday"),
    "negative seconds": _changed(["seconds"], -1.0),
    "format from the future": _changed(["format_version"], 2),
    "unknown answer": _changed(["answer"], "maybe"),
    "meta too big to write": jsonl_line(_record()).replace(b'"n":3', b'"n":%d' % 2**70),
    "spans null": _changed(["spans"], None),
    "suggested_by without a field": _without(["suggested_by", "model"]),
    "not an object": b"[1, 2]",
    "not JSON": b'{"doc_id": ',
    "seconds infinite": jsonl_line(_record()).replace(b'"seconds":12.5', b'"seconds":1e999'),
    "seconds NaN": jsonl_line(_record()).replace(b'"seconds":12.5', b'"seconds":NaN'),
    "a lone surrogate": jsonl_line(_record()).replace(b'"note":"', b'"note":"\\ud800'),
    "the last of two ends wins": jsonl_line(_record()).replace(b'"end":7', b'"end":7,"end":0'),
    "the last of two texts wins": jsonl_line(_record()).replace(
        b'"text_sha1":', b'"text":"a","text_sha1":'
    ),
}


@pytest.mark.parametrize("raw", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_record_is_left_to_the_models(raw: bytes) -> None:
    assert quick_keys(raw) is None
    with pytest.raises(ValidationError) as expected:
        Annotation.model_validate_json(raw)
    with pytest.raises(ValidationError) as found:
        validated_keys(raw)
    assert str(found.value) == str(expected.value)


LAX = {
    "a float for an integer": _changed(["spans", 0, "start"], 0.0),
    "a boolean for an integer": _changed(["format_version"], True),
    "a number in a string": _changed(["spans", 0, "end"], "7"),
    "a time with an offset": _changed(["created_at"], "2026-12-07T12:00:00+02:00"),
}


@pytest.mark.parametrize("raw", LAX.values(), ids=LAX.keys())
def test_what_only_the_models_read_is_read_by_them(raw: bytes) -> None:
    assert validated_keys(raw) == _keys(raw)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)  # what orjson writes (more: a hand-made case)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
KEYS = st.sampled_from(
    ["id", "start", "end", "label", "origin", "edit", "annotators", "head", "child", "doc_id",
     "text", "text_sha1", "meta", "spans", "answer", "flagged", "seconds", "created_at",
     "format_version", "suggested_by", "model", "other"]
)  # fmt: skip


def _places(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _places(inner, (*path, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            found += _places(inner, (*path, n))
    return found


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_the_quick_check_never_passes_what_the_models_reject(data: st.DataObject) -> None:
    record = orjson.loads(jsonl_line(_record()))
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(_places(record)))
        inner = record
        for step in place[:-1]:
            inner = inner[step]
        target = inner if not place else inner[place[-1]]
        change = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if change == "add" and isinstance(target, dict):
            target[data.draw(KEYS)] = data.draw(JSON_VALUES)
        elif change == "delete" and place:
            del inner[place[-1]]
        elif place:
            inner[place[-1]] = data.draw(JSON_VALUES | st.sampled_from([0, 7, 38, "s1", "x1"]))
    raw = orjson.dumps(record)
    quick = quick_keys(raw)
    try:
        expected = _keys(raw)
    except ValidationError:
        assert quick is None
    else:
        assert quick in (None, expected)


class _Later(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: datetime
    weight: float = 0.0


class _Before(BaseModel):
    name: str

    @field_validator("name", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class _Loose(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str


def test_a_field_msgspec_cannot_read_alike_is_read_by_pydantic() -> None:
    struct = struct_of(_Later)
    read = msgspec.json.decode(b'{"when": "2026-12-07T10:00:00Z", "weight": 1}', type=struct)
    assert read.when == datetime.fromisoformat("2026-12-07T10:00:00+00:00")
    assert read.weight == 1.0


@pytest.mark.parametrize("model", [_Before, _Loose])
def test_a_model_the_quick_check_cannot_follow_is_refused_when_it_is_built(
    model: type[BaseModel],
) -> None:
    with pytest.raises(TypeError):
        struct_of(model)
