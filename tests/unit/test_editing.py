"""The editing model behind the UI's keys: each edit, its refusals, undo/redo, the record."""

from __future__ import annotations

import pytest

from redline.editing import EditRefused, EditSession
from redline.schema import Document, Span
from tests.support.data import make_record, relation, span

TEXT = "Samdech Hun Sen met Tô Lâm of the CPV in Hà Nội on Monday."
# offsets: Hun Sen 8-15, Tô Lâm 20-26, CPV 34-37, Hà Nội 41-47, Monday 51-57


def suggestions(**fields):
    spans = [
        Span(id="s1", start=8, end=15, label="PERSON", origin="model"),
        Span(id="s2", start=20, end=26, label="PERSON", origin="model"),
        Span(id="s3", start=34, end=37, label="GPE", origin="model"),
        Span(id="s4", start=41, end=47, label="GPE", origin="rule"),
    ]
    return make_record(
        "d", TEXT, annotator="model:en_core_web_sm", spans=spans, relations=[], **fields
    )


@pytest.fixture
def session(news_schema) -> EditSession:
    return EditSession(
        Document.from_text("d", TEXT), news_schema, "alice", suggestions=suggestions()
    )


def texts(record):
    return {(record.text[s.start : s.end], s.label, s.edit) for s in record.spans}


def test_untouched_suggestions_are_saved_as_kept(session):
    record = session.to_record("accept")
    assert texts(record) == {
        ("Hun Sen", "PERSON", "kept"),
        ("Tô Lâm", "PERSON", "kept"),
        ("CPV", "GPE", "kept"),
        ("Hà Nội", "GPE", "kept"),
    }
    assert record.annotator == "alice"
    assert record.rejected == []


def test_relabel_reject_resize_add(session):
    session.set_label("s3", "ORG")
    session.reject("s4")
    session.move_boundary("s1", "start", -1)
    added = session.add_span(51, 57, "DATE")
    record = session.to_record("accept", seconds=12.5)
    assert texts(record) == {
        ("Samdech Hun Sen", "PERSON", "resized"),
        ("Tô Lâm", "PERSON", "kept"),
        ("CPV", "ORG", "relabeled"),
        ("Monday", "DATE", "added"),
    }
    assert [(s.id, s.label) for s in record.rejected] == [("s4", "GPE")]
    assert added.origin == "annotator"
    assert record.seconds == 12.5


def test_a_suggestion_looked_at_is_accepted_and_one_never_looked_at_is_kept(session):
    assert [s.id for s in session.unreviewed()] == ["s1", "s2", "s3", "s4"]
    session.mark_seen("s2")
    assert not session.dirty
    assert not session.can_undo
    session.accept("s3")
    assert [s.id for s in session.unreviewed()] == ["s1", "s4"]
    record = session.to_record("accept")
    assert texts(record) == {
        ("Hun Sen", "PERSON", "kept"),
        ("Tô Lâm", "PERSON", "accepted"),
        ("CPV", "GPE", "accepted"),
        ("Hà Nội", "GPE", "kept"),
    }
    # reopened, what was kept is still to review; saving it again unchanged repeats it
    reopened = EditSession(session.document, session.schema, "alice", saved=record)
    assert [s.id for s in reopened.unreviewed()] == ["s1", "s4"]
    assert reopened.same_as_saved("accept")
    assert not reopened.same_as_saved("reject")
    reopened.mark_seen("s1")
    assert not reopened.same_as_saved("accept")


def test_a_boundary_moves_inside_a_token_by_characters(news_schema):
    text = "They met President Hun Sen. He spoke."
    document = Document.from_text("d", text)
    session = EditSession(document, news_schema, "alice")
    added = session.add_span(text.index("Hun"), text.index("Sen.") + 3, "PERSON")
    assert session.text_of(added) == "Hun Sen."  # "Sen." is one token
    moved = session.move_boundary_chars(added.id, "end", -1)
    assert session.text_of(moved) == "Hun Sen"
    # a whole-token move keeps the other end where the annotator put it
    moved = session.move_boundary(added.id, "start", -1)
    assert session.text_of(moved) == "President Hun Sen"
    moved = session.move_boundary_chars(added.id, "start", 1)
    assert session.text_of(moved) == "resident Hun Sen"
    # whitespace is stepped over: "Hun Sen" shrunk from the left by 9 characters is "Hun Sen"
    # without its leading space, never " Hun Sen"
    moved = session.move_boundary_chars(added.id, "start", 8)
    assert session.text_of(moved) == "Hun Sen"
    with pytest.raises(EditRefused, match="at least one character"):
        session.move_boundary_chars(added.id, "end", -7)
    record = session.to_record("accept")
    (saved,) = record.spans
    assert (text[saved.start : saved.end], saved.edit) == ("Hun Sen", "added")


def test_a_selection_snaps_to_tokens_and_replaces_pending_suggestions(session):
    new = session.add_span(36, 44, "ORG")  # "V in Hà" -> "CPV in Hà"
    assert session.text_of(new) == "CPV in Hà"
    assert {s.id for s in session.spans if not s.live} == {"s3", "s4"}


def test_overlapping_a_confirmed_span_is_refused(session):
    session.accept("s3")
    with pytest.raises(EditRefused, match="overlaps GPE “CPV”"):
        session.add_span(30, 37, "ORG")


def test_boundaries_cannot_cross_other_spans_or_empty_a_span(session):
    with pytest.raises(EditRefused, match="would overlap"):
        session.move_boundary("s2", "start", -2)
    with pytest.raises(EditRefused, match="at least one token"):
        session.move_boundary("s3", "end", -1)


def test_relations_respect_type_constraints(session):
    with pytest.raises(EditRefused, match="LEADER_OF goes from PERSON to ORG\\|GPE, not from GPE"):
        session.add_relation("s3", "s1", "LEADER_OF")
    made = session.add_relation("s2", "s3", "LEADER_OF")
    assert made.origin == "annotator"
    with pytest.raises(EditRefused, match="exists already"):
        session.add_relation("s2", "s3", "LEADER_OF")
    with pytest.raises(EditRefused, match="relation LEADER_OF would break"):
        session.set_label("s3", "DATE")
    record = session.to_record("accept")
    assert [(r.head, r.child, r.label, r.edit) for r in record.relations] == [
        ("s2", "s3", "LEADER_OF", "added")
    ]


def test_rejecting_a_span_takes_its_relations_with_it(news_schema):
    record = make_record(
        "d",
        TEXT,
        annotator="model:x",
        spans=[
            span("s1", 8, 15, "PERSON", "model", None),
            span("s2", 20, 26, "PERSON", "model", None),
        ],
        relations=[relation("r1", "s1", "s2", "MEETS", "rule")],
    )
    session = EditSession(Document.from_text("d", TEXT), news_schema, "bob", suggestions=record)
    session.reject("s2")
    saved = session.to_record("accept")
    assert saved.relations == []
    assert [r.id for r in saved.rejected_relations] == ["r1"]
    assert [s.id for s in saved.rejected] == ["s2"]


def test_accept_all_undo_redo(session):
    assert session.pending == 4
    assert session.accept_all() == 4
    assert session.pending == 0
    session.reject("s1")
    assert session.undo()
    assert session.undo()
    assert session.pending == 4
    assert session.redo()
    assert session.pending == 0
    assert session.dirty
    while session.undo():
        pass
    assert not session.dirty


def test_flag_and_note_and_reopening_a_saved_version(news_schema, session):
    session.set_label("s3", "ORG")
    session.reject("s4")
    session.set_flag(True, "CPV is a party, not a place")
    saved = session.to_record("accept")
    session.mark_saved(saved)
    assert not session.dirty

    reopened = EditSession(
        Document.from_text("d", TEXT), news_schema, "alice", saved=saved, suggestions=suggestions()
    )
    again = reopened.to_record("accept")
    assert texts(again) == texts(saved)
    assert again.rejected == saved.rejected
    assert (again.flagged, again.note) == (True, "CPV is a party, not a place")


def test_a_saved_version_of_another_text_is_refused(news_schema):
    saved = make_record("d", "Another text entirely.")
    with pytest.raises(EditRefused, match="different text"):
        EditSession(Document.from_text("d", TEXT), news_schema, "alice", saved=saved)
