"""A Prodigy task is kept whole: the fields, tokens, span and relation fields redline does not
model go back out unchanged, hashes are Prodigy's, and edits made in redline still show."""

from __future__ import annotations

import copy
from typing import Any

import spacy

from redline.errors import Location
from redline.formats.prodigy import to_prodigy
from redline.formats.prodigy_hashes import input_hash
from redline.formats.prodigy_tasks import from_prodigy
from redline.schema import Span
from tests.support.data import make_record, span

WHERE = Location("tasks.jsonl", 1)
TEXT = "Hun Sen met Nguyen Phu Trong in Ha Noi."


def _task() -> dict[str, Any]:
    words = [(0, 3), (4, 7), (8, 11), (12, 18), (19, 22), (23, 28), (29, 31), (32, 34),
             (35, 38), (38, 39)]  # fmt: skip
    tokens = [
        {"text": TEXT[s:e], "start": s, "end": e, "id": i, "ws": TEXT[e : e + 1] == " "}
        | ({"disabled": True} if TEXT[s:e] == "met" else {})
        for i, (s, e) in enumerate(words)
    ]
    hun_sen = {"start": 0, "end": 7, "token_start": 0, "token_end": 1, "label": "Person",
               "source": "en_core_web_sm", "input_hash": 77}  # fmt: skip
    trong = {"start": 12, "end": 28, "token_start": 3, "token_end": 5, "label": "Person"}
    return {
        "text": TEXT,
        "tokens": tokens,
        "spans": [hun_sen, trong],
        "relations": [
            {
                "head": 1,
                "child": 5,
                "head_span": hun_sen,
                "child_span": trong,
                "label": "meets",
                "color": "#ffd882",
            },
        ],
        "answer": "accept",
        "_input_hash": 1234,
        "_task_hash": -5678,
        "_view_id": "relations",
        "_timestamp": 1_699_999_999,
        "_session_id": "news-alice",
        "_annotator_id": "news-alice",
        "batch": {"week": 7},
        "meta": {"id": "a-1", "source": "wire"},
    }


def test_an_unchanged_task_is_written_back_exactly() -> None:
    task = _task()
    record = from_prodigy(copy.deepcopy(task), "alice", WHERE)
    assert record.doc_id == "a-1"
    assert to_prodigy(record) == task  # no _redline: nothing to add


def test_a_span_added_in_redline_keeps_every_other_field_and_the_hashes() -> None:
    task = _task()
    record = from_prodigy(copy.deepcopy(task), "alice", WHERE)
    added = Span(id="new", start=32, end=38, label="Place", origin="annotator", edit="added")
    back = to_prodigy(record.model_copy(update={"spans": [*record.spans, added]}))
    assert (back["_input_hash"], back["_task_hash"]) == (1234, -5678)
    for key in ("_view_id", "_timestamp", "_session_id", "_annotator_id", "batch", "meta"):
        assert back[key] == task[key]
    assert back["tokens"] == task["tokens"]  # "disabled" and all
    assert back["spans"][:2] == task["spans"]
    assert back["spans"][2] | {"id": "new"} == {
        "start": 32, "end": 38, "token_start": 7, "token_end": 8, "label": "Place", "id": "new"
    }  # fmt: skip
    assert back["relations"] == task["relations"]  # its colour kept
    assert "_redline" not in back  # the task alone says it all: an annotator's added span


def test_what_the_task_cannot_say_goes_under_redline() -> None:
    record = from_prodigy(_task(), "alice", WHERE)
    suggestion = Span(id="m1", start=32, end=38, label="Place", origin="model", edit="accepted")
    edited = record.model_copy(update={"spans": [*record.spans, suggestion], "note": "check"})
    back = to_prodigy(edited)
    assert back["_redline"]["prodigy_task"] is True
    again = from_prodigy(back, "alice", WHERE)
    assert again.model_copy(update={"created_at": edited.created_at}) == edited.model_copy(
        update={"foreign": again.foreign}
    )
    assert again.note == "check"
    assert again.foreign["prodigy"]["task"]["_task_hash"] == -5678


def test_a_span_inside_a_token_cuts_only_that_token() -> None:
    task = _task()
    record = from_prodigy(copy.deepcopy(task), "alice", WHERE)
    inner = Span(id="n", start=35, end=36, label="Initial", origin="annotator", edit="added")
    back = to_prodigy(record.model_copy(update={"spans": [*record.spans, inner]}))
    assert [t["text"] for t in back["tokens"]][-3:] == ["N", "oi", "."]
    assert back["tokens"][:8] == task["tokens"][:8]


def test_a_record_made_in_redline_gets_prodigy_hashes() -> None:
    back = to_prodigy(make_record("r-1", TEXT, spans=[span("s1", 0, 7)]))
    assert back["_input_hash"] == input_hash({"text": TEXT})
    assert isinstance(back["_task_hash"], int)


def test_a_byte_order_mark_before_the_text_is_dropped_and_offsets_follow() -> None:
    task = _task()
    task["text"] = "\ufeff" + TEXT
    for item in (*task["spans"], *task["tokens"]):
        item["start"] += 1
        item["end"] += 1
    record = from_prodigy(task, "alice", WHERE)
    assert record.text == TEXT
    assert [record.span_text(s) for s in record.spans] == ["Hun Sen", "Nguyen Phu Trong"]


def test_the_id_key_picks_where_the_doc_id_comes_from() -> None:
    record = from_prodigy(_task(), "alice", WHERE, id_key="_session_id")
    assert record.doc_id == "news-alice"


def test_a_record_made_in_redline_is_tokenized_in_the_schemas_language() -> None:
    text = "Vamos a 120 km/h, etc."
    record = make_record("es", text, spans=[span("s1", 8, 11, "CANTIDAD")])
    task = to_prodigy(record, lang="es")
    spanish = [t.text for t in spacy.blank("es").make_doc(text) if not t.is_space]
    assert [t["text"] for t in task["tokens"]] == spanish


def test_a_task_gets_no_field_it_did_not_have() -> None:
    task = {"text": TEXT, "label": "POLITICS", "answer": "accept", "_input_hash": 1}
    assert to_prodigy(from_prodigy(copy.deepcopy(task), "alice", WHERE)) == task
