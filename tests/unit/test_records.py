"""The record format: validation of one record, JSON round trips, and the JSON Schema."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from redline.schema.records import (
    FORMAT_VERSION,
    Annotation,
    Document,
    Relation,
    Span,
    SuggestedBy,
    annotation_json_schema,
    text_sha1,
)
from redline.store import JsonlAnnotatorLog
from tests.support.data import jsonl_line, make_record, relation, span

# -- text_sha1 -------------------------------------------------------------------------------


def test_text_sha1_is_hex_sha1_of_utf8() -> None:
    assert text_sha1("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d"
    text = "Việt Nam 😀"
    assert text_sha1(text) == hashlib.sha1(text.encode("utf-8")).hexdigest()
    assert text_sha1("Viet Nam") != text_sha1("Việt Nam")


# -- Span / Relation -------------------------------------------------------------------------


def test_span_valid_and_frozen() -> None:
    s = span("s1", 0, 3)
    assert (s.start, s.end, s.label, s.origin, s.edit) == (0, 3, "PERSON", "annotator", "added")
    with pytest.raises(ValidationError):
        s.start = 1  # type: ignore[misc]


def test_span_edit_defaults_to_none() -> None:
    s = Span(id="s", start=0, end=1, label="ORG", origin="model")
    assert s.edit is None


@pytest.mark.parametrize(("start", "end"), [(3, 3), (5, 2), (0, 0)])
def test_span_end_must_be_after_start(start: int, end: int) -> None:
    with pytest.raises(ValidationError, match=r"must be greater than start|greater than or equal"):
        span("s1", start, end)


@pytest.mark.parametrize(
    "changes",
    [
        {"start": -1},
        {"id": ""},
        {"label": ""},
        {"origin": "human"},
        {"edit": "deleted"},
        {"colour": "red"},
        {"start": "zero"},
    ],
)
def test_span_rejects_bad_fields(changes: dict[str, Any]) -> None:
    data = {"id": "s", "start": 0, "end": 2, "label": "ORG", "origin": "rule", **changes}
    with pytest.raises(ValidationError):
        Span.model_validate(data)


@pytest.mark.parametrize(
    "changes", [{"head": ""}, {"child": ""}, {"origin": "x"}, {"edit": "x"}, {"extra": 1}]
)
def test_relation_rejects_bad_fields(changes: dict[str, Any]) -> None:
    data = {"id": "r", "head": "a", "child": "b", "label": "MEETS", "origin": "rule", **changes}
    with pytest.raises(ValidationError):
        Relation.model_validate(data)


# -- Document ---------------------------------------------------------------------------------


def test_document_from_text() -> None:
    doc = Document.from_text("d1", "Hà Nội", {"source": "x.txt"})
    assert doc.text_sha1 == text_sha1("Hà Nội")
    assert doc.meta == {"source": "x.txt"}
    assert Document.from_text("d1", "x").meta == {}


def test_document_rejects_hash_of_another_text() -> None:
    with pytest.raises(ValidationError, match="text_sha1 does not match"):
        Document(doc_id="d", text="new text", text_sha1=text_sha1("old text"))


@pytest.mark.parametrize("sha", ["", "abc", text_sha1("x").upper(), text_sha1("x") + "0"])
def test_document_rejects_malformed_hash(sha: str) -> None:
    with pytest.raises(ValidationError):
        Document(doc_id="d", text="x", text_sha1=sha)


def test_document_needs_doc_id() -> None:
    with pytest.raises(ValidationError):
        Document.from_text("", "x")


# -- Annotation ---------------------------------------------------------------------------------


def test_annotation_defaults() -> None:
    before = datetime.now(UTC)
    record = make_record()
    assert record.answer == "accept"
    assert record.flagged is False
    assert record.note == ""
    assert record.spans == record.relations == record.rejected == []
    assert record.format_version == FORMAT_VERSION
    assert record.created_at.utcoffset() == timedelta(0)
    assert before <= record.created_at <= datetime.now(UTC)
    assert not record.is_model
    assert make_record(annotator="model:en_core_web_sm").is_model


def test_offsets_are_code_points_not_bytes_or_utf16() -> None:
    text = "😀 Hà Nội"
    record = make_record(text=text, spans=[span("e", 0, 1, "EVENT"), span("g", 2, 8, "GPE")])
    assert record.span_text(record.spans[0]) == "😀"
    assert record.span_text(record.spans[1]) == "Hà Nội"
    with pytest.raises(ValidationError, match="outside the text"):
        make_record(text=text, spans=[span("g", 2, 9, "GPE")])


def test_span_out_of_range_is_rejected_in_spans_and_rejected() -> None:
    with pytest.raises(ValidationError, match=r"spans: span s1 \[0, 4\) is outside the text"):
        make_record(text="abc", spans=[span("s1", 0, 4)])
    with pytest.raises(ValidationError, match="rejected: span s2"):
        make_record(text="abc", rejected=[span("s2", 2, 5)])
    assert make_record(text="abc", spans=[span("s1", 0, 3)]).spans[0].end == 3


def test_span_ids_are_unique_across_spans_and_rejected() -> None:
    with pytest.raises(ValidationError, match="used twice"):
        make_record(text="abcdef", spans=[span("s", 0, 1), span("s", 2, 3)])
    with pytest.raises(ValidationError, match="used twice"):
        make_record(text="abcdef", spans=[span("s", 0, 1)], rejected=[span("s", 2, 3)])


def test_relation_ids_are_unique_across_relations_and_rejected_relations() -> None:
    spans = [span("a", 0, 1), span("b", 2, 3)]
    with pytest.raises(ValidationError, match="relation id 'r' is used twice"):
        make_record(
            text="abcdef",
            spans=spans,
            relations=[relation("r", "a", "b")],
            rejected_relations=[relation("r", "b", "a")],
        )


def test_relation_must_point_to_existing_spans() -> None:
    spans = [span("a", 0, 1), span("b", 2, 3)]
    with pytest.raises(ValidationError, match="points to span 'zz'"):
        make_record(text="abcdef", spans=spans, relations=[relation("r", "a", "zz")])
    with pytest.raises(ValidationError, match="points to span 'zz'"):
        make_record(text="abcdef", spans=spans, relations=[relation("r", "zz", "b")])


def test_accepted_relation_cannot_point_to_rejected_span_but_rejected_relation_can() -> None:
    with pytest.raises(ValidationError, match="which is not in spans"):
        make_record(
            text="abcdef",
            spans=[span("a", 0, 1)],
            rejected=[span("b", 2, 3)],
            relations=[relation("r", "a", "b")],
        )
    record = make_record(
        text="abcdef",
        spans=[span("a", 0, 1)],
        rejected=[span("b", 2, 3)],
        rejected_relations=[relation("r", "a", "b")],
    )
    assert record.rejected_relations[0].child == "b"
    with pytest.raises(ValidationError, match="which is not in the record"):
        make_record(text="abcdef", rejected_relations=[relation("r", "a", "b")])


@pytest.mark.parametrize("version", [0, FORMAT_VERSION + 1, -3])
def test_unknown_format_version_is_rejected(version: int) -> None:
    with pytest.raises(ValidationError, match="format_version"):
        make_record(format_version=version)


@pytest.mark.parametrize(
    "changes",
    [
        {"answer": "maybe"},
        {"seconds": -1.0},
        {"seconds": float("nan")},
        {"annotator": ""},
        {"created_at": datetime(2024, 1, 1, 12, 0)},  # naive: no timezone
        {"unknown_field": 1},
        {"flagged": "perhaps"},
        {"text_sha1": text_sha1("something else")},
    ],
)
def test_annotation_rejects_bad_fields(changes: dict[str, Any]) -> None:
    data = make_record().model_dump(mode="json") | changes
    if isinstance(data.get("created_at"), datetime):
        data["created_at"] = data["created_at"].isoformat()
    with pytest.raises(ValidationError):
        Annotation.model_validate_json(orjson.dumps(data))


def test_to_document_keeps_id_text_hash_meta() -> None:
    record = make_record(meta={"source": "a.txt", "title": "T"})
    doc = record.to_document()
    assert isinstance(doc, Document)
    assert not isinstance(doc, Annotation)
    assert (doc.doc_id, doc.text, doc.text_sha1, doc.meta) == (
        record.doc_id,
        record.text,
        record.text_sha1,
        record.meta,
    )


def test_field_names_are_the_documented_contract() -> None:
    line = orjson.loads(jsonl_line(make_record()))
    assert set(line) == {
        "doc_id",
        "text",
        "text_sha1",
        "meta",
        "spans",
        "relations",
        "rejected",
        "rejected_relations",
        "answer",
        "flagged",
        "note",
        "annotator",
        "created_at",
        "seconds",
        "suggested_by",
        "format_version",
    }
    full = make_record(
        text="abcdef",
        spans=[span("a", 0, 1), span("b", 2, 3)],
        relations=[relation("r", "a", "b")],
        suggested_by=SuggestedBy(
            model="en_core_web_sm", model_version="3.8.0", schema_name="news", schema_hash="x"
        ),
    )
    data = orjson.loads(jsonl_line(full))
    assert set(data["spans"][0]) == {"id", "start", "end", "label", "origin", "edit"}
    assert set(data["relations"][0]) == {"id", "head", "child", "label", "origin", "edit"}
    assert set(data["suggested_by"]) == {"model", "model_version", "schema_name", "schema_hash"}
    assert data["created_at"].endswith("Z") or data["created_at"].endswith("+00:00")


def test_full_record_round_trips_through_one_jsonl_line() -> None:
    record = make_record(
        "d-1",
        'Samdech Hun Sen met Nguyễn Phú Trọng.\n"Quoted" \\ back\u2028slash 👨‍👩‍👧\x00',
        spans=[span("p1", 8, 15), span("p2", 20, 36, edit="relabeled")],
        relations=[relation("r1", "p1", "p2")],
        rejected=[Span(id="x", start=0, end=7, label="PERSON", origin="model")],
        rejected_relations=[relation("r2", "x", "p2", origin="rule")],
        answer="reject",
        flagged=True,
        note="check 'Samdech' ✓",
        created_at=datetime(2024, 5, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=7))),
        seconds=12.75,
        meta={"source": "seeds/a.txt", "nested": {"list": [1, 2.5, None, True, "ệ"]}},
    )
    line = jsonl_line(record)
    assert line.count(b"\n") == 1  # one physical line whatever the text holds
    assert Annotation.model_validate_json(line) == record


# -- JSON Schema ---------------------------------------------------------------------------------


def test_annotation_json_schema() -> None:
    schema = annotation_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "redline annotation record"
    assert f"format_version {FORMAT_VERSION}" in schema["description"]
    assert {"doc_id", "text", "text_sha1", "spans", "relations", "annotator"} <= set(
        schema["properties"]
    )
    assert {"doc_id", "text", "text_sha1", "annotator"} <= set(schema["required"])
    assert schema["additionalProperties"] is False
    orjson.dumps(schema)  # serialisable as it is


# -- regressions: bugs found while writing these tests --------------------------------------


def test_infinite_seconds_are_rejected() -> None:
    with pytest.raises(ValidationError, match="finite"):
        make_record(seconds=float("inf"))


def test_created_at_with_second_offset_round_trips() -> None:
    odd = timezone(timedelta(hours=7, minutes=6, seconds=40))  # Saigon local mean time
    record = make_record(created_at=datetime(2024, 1, 1, tzinfo=odd))
    assert Annotation.model_validate_json(jsonl_line(record)).created_at == record.created_at


# -- property tests ------------------------------------------------------------------------------

_PIECES = [
    "Việt Nam",
    "Viet Nam",
    "HÀ NỘI",
    "Nguyễn Phú Trọng",
    "Samdech Techo Hun Sen",
    "ស្ដេច",
    "😀",
    "👨‍👩‍👧",
    "🇻🇳",
    "e\u0301",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    '"',
    "\\",
    "\x00",
    "\x1b[31m",
    "[bold]",
    " ",
]
_texts = st.lists(
    st.one_of(
        st.sampled_from(_PIECES),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=12,
).map("".join)
_names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=8)
_labels = st.one_of(st.sampled_from(["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]), _names)
_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(codec="utf-8"), max_size=10),
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=5), inner, max_size=3),
    ),
    max_leaves=6,
)
_timezones = st.sampled_from(
    [UTC, timezone(timedelta(hours=7)), timezone(-timedelta(hours=5, minutes=30))]
)


@st.composite
def _spans(draw: st.DrawFn, size: int, ids: list[str]) -> list[Span]:
    result = []
    for span_id in ids:
        start = draw(st.integers(0, size - 1))
        end = draw(st.integers(start + 1, size))
        result.append(
            Span(
                id=span_id,
                start=start,
                end=end,
                label=draw(_labels),
                origin=draw(st.sampled_from(["model", "rule", "annotator"])),
                edit=draw(st.sampled_from([None, "accepted", "relabeled", "resized", "added"])),
            )
        )
    return result


@st.composite
def _relations(draw: st.DrawFn, ids: list[str], span_ids: list[str]) -> list[Relation]:
    if not span_ids:
        return []
    return [
        Relation(
            id=relation_id,
            head=draw(st.sampled_from(span_ids)),
            child=draw(st.sampled_from(span_ids)),
            label=draw(_labels),
            origin=draw(st.sampled_from(["model", "rule", "annotator"])),
            edit=draw(st.sampled_from([None, "accepted", "relabeled", "resized", "added"])),
        )
        for relation_id in ids
    ]


@st.composite
def annotations(
    draw: st.DrawFn,
    annotator: st.SearchStrategy[str] = _names,
    doc_ids: st.SearchStrategy[str] = _names,
) -> Annotation:
    """Random VALID records: spans inside the text, relations between existing span ids."""
    text = draw(_texts)
    span_ids = draw(st.lists(_names, unique=True, max_size=8))
    cut = draw(st.integers(0, len(span_ids)))
    spans = draw(_spans(len(text), span_ids[:cut]))
    rejected = draw(_spans(len(text), span_ids[cut:]))
    relation_ids = draw(st.lists(_names, unique=True, max_size=6))
    cut = draw(st.integers(0, len(relation_ids)))
    relations = draw(_relations(relation_ids[:cut], [s.id for s in spans]))
    rejected_relations = draw(_relations(relation_ids[cut:], span_ids))
    suggested_by = draw(
        st.none()
        | st.builds(
            SuggestedBy, model=_names, model_version=_names, schema_name=_names, schema_hash=_names
        )
    )
    return Annotation(
        doc_id=draw(doc_ids),
        text=text,
        text_sha1=text_sha1(text),
        meta=draw(st.dictionaries(_names, _json_values, max_size=4)),
        spans=spans,
        relations=relations,
        rejected=rejected,
        rejected_relations=rejected_relations,
        answer=draw(st.sampled_from(["accept", "reject", "ignore"])),
        flagged=draw(st.booleans()),
        note=draw(st.text(st.characters(codec="utf-8"), max_size=20)),
        annotator=draw(annotator),
        created_at=draw(
            st.datetimes(
                min_value=datetime(1970, 1, 2),
                max_value=datetime(2200, 1, 1),
                timezones=_timezones,
            )
        ),
        seconds=draw(st.floats(min_value=0, allow_nan=False, allow_infinity=False)),
        suggested_by=suggested_by,
    )


@settings(max_examples=200, deadline=None)
@given(annotations())
def test_property_record_to_jsonl_to_record_is_identity(record: Annotation) -> None:
    line = orjson.dumps(record.model_dump(mode="json"))
    assert b"\n" not in line
    again = Annotation.model_validate_json(line)
    assert again == record
    assert orjson.dumps(again.model_dump(mode="json")) == line


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        annotations(annotator=st.just("alice"), doc_ids=st.sampled_from(["a", "b", "c", "é😀"])),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 6),
)
def test_property_random_records_survive_the_store(records: list[Annotation], cut: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ds" / "alice.jsonl"
        with JsonlAnnotatorLog(path, "alice", write=True) as log:
            for record in records[:cut]:
                log.append(record)
            log.append_many(records[cut:])
        expected_order = list(dict.fromkeys(r.doc_id for r in records))
        for write in (False, True):
            with JsonlAnnotatorLog(path, "alice", write=write) as log:
                assert log.problems == []
                assert log.torn == []
                assert log.doc_ids() == expected_order
                assert log.line_count == len(records)
                for doc_id in expected_order:
                    versions = [r for r in records if r.doc_id == doc_id]
                    assert log.history(doc_id) == versions
                    assert log.newest(doc_id) == versions[-1]
                assert list(log.iter_newest()) == [log.newest(d) for d in expected_order]
                sha = records[0].text_sha1
                assert list(log.with_text(sha)) == [r for r in records if r.text_sha1 == sha][::-1]
        assert path.read_bytes() == b"".join(jsonl_line(r) for r in records)
