"""Merging annotators' versions into agreed parts and conflicts, and building gold records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from redline.errors import RedlineError
from redline.review import (
    AutoReviewResult,
    RelationConflict,
    SpanConflict,
    Vote,
    auto_review,
    gold_record,
    merge_dataset,
    merge_versions,
    unanimous_gold,
)
from redline.schema.keys import GOLD_ANNOTATOR, RelationKey, SpanKey
from redline.schema.records import Annotation, Relation, Span
from redline.store import JsonlDataset, open_dataset
from tests.support.data import DEFAULT_TEXT, make_record, relation, span

# DEFAULT_TEXT = "Hun Sen met Nguyễn Phú Trọng in Hà Nội 😀."
HUN_SEN = SpanKey(0, 7, "PERSON")
TRONG = SpanKey(12, 28, "PERSON")
HANOI = SpanKey(32, 38, "GPE")


def _version(annotator: str, *parts: Span | Relation, **fields: Any) -> Annotation:
    spans = [p for p in parts if isinstance(p, Span)]
    relations = [p for p in parts if isinstance(p, Relation)]
    return make_record(spans=spans, relations=relations, annotator=annotator, **fields)


def _people(annotator: str, prefix: str = "s", **fields: Any) -> Annotation:
    """Hun Sen, Trọng and Hà Nội, with Hun Sen -MEETS-> Trọng; ids differ by prefix."""
    return _version(
        annotator,
        span(f"{prefix}1", 0, 7),
        span(f"{prefix}2", 12, 28),
        span(f"{prefix}3", 32, 38, "GPE"),
        relation(f"{prefix}r1", f"{prefix}1", f"{prefix}2"),
        **fields,
    )


def _dataset(tmp_path: Path, records: dict[str, list[Annotation]]) -> JsonlDataset:
    dataset = open_dataset("news", tmp_path)
    for annotator, saved in records.items():
        with dataset.open(annotator, write=True) as log:
            log.append_many(saved)
    return dataset


# -- merge_versions ----------------------------------------------------------------------------


@pytest.mark.parametrize("names", [("alice", "bob"), ("alice", "bob", "carol")])
def test_unanimous(names: tuple[str, ...]) -> None:
    # Span ids differ per annotator: spans are compared by extent and label only.
    versions = {name: _people(name, prefix=name[0]) for name in names}
    merge = merge_versions(versions)
    assert merge.doc_id == "doc-1"
    assert merge.document.text == DEFAULT_TEXT
    assert merge.annotators == names
    assert merge.agreed_spans == [(HUN_SEN, names), (TRONG, names), (HANOI, names)]
    assert merge.agreed_relations == [(RelationKey(HUN_SEN, TRONG, "MEETS"), names)]
    assert merge.span_conflicts == []
    assert merge.relation_conflicts == []
    assert merge.not_accepted == {}
    assert not merge.has_conflicts
    assert merge.unanimous


def test_boundary_conflict() -> None:
    merge = merge_versions(
        {
            "alice": _version("alice", span("a1", 12, 28), span("a2", 32, 38, "GPE")),
            "bob": _version("bob", span("b1", 23, 28), span("b2", 32, 38, "GPE")),
        }
    )
    assert merge.agreed_spans == [(HANOI, ("alice", "bob"))]
    assert merge.span_conflicts == [
        SpanConflict(
            start=12,
            end=28,
            votes=[Vote(("alice",), TRONG), Vote(("bob",), SpanKey(23, 28, "PERSON"))],
        )
    ]
    assert merge.has_conflicts
    assert not merge.unanimous


def test_label_conflict_votes_sorted_by_support() -> None:
    merge = merge_versions(
        {
            "alice": _version("alice", span("a1", 32, 38, "ORG")),
            "bob": _version("bob", span("b1", 32, 38, "GPE")),
            "carol": _version("carol", span("c1", 32, 38, "GPE")),
        }
    )
    assert merge.agreed_spans == []
    assert merge.span_conflicts == [
        SpanConflict(
            start=32,
            end=38,
            votes=[Vote(("bob", "carol"), HANOI), Vote(("alice",), SpanKey(32, 38, "ORG"))],
        )
    ]


def test_missing_span_is_a_vote_for_nothing() -> None:
    merge = merge_versions(
        {
            "alice": _version("alice", span("a1", 0, 7), span("a2", 12, 28)),
            "bob": _version("bob", span("b1", 0, 7)),
            "carol": _version("carol", span("c1", 0, 7), span("c2", 12, 28)),
        }
    )
    assert merge.agreed_spans == [(HUN_SEN, ("alice", "bob", "carol"))]
    assert merge.span_conflicts == [
        SpanConflict(
            start=12, end=28, votes=[Vote(("alice", "carol"), TRONG), Vote(("bob",), None)]
        )
    ]


def test_conflict_groups_overlaps_transitively_but_not_touching_spans() -> None:
    # [0,7) overlaps [4,11) which overlaps [8,28): one group though [0,7) and [8,28) do not
    # overlap; [28,31) only touches [8,28) and stands alone.
    merge = merge_versions(
        {
            "alice": _version("alice", span("a1", 0, 7), span("a2", 8, 28)),
            "bob": _version("bob", span("b1", 4, 11), span("b2", 28, 31, "GPE")),
        }
    )
    assert [(c.start, c.end) for c in merge.span_conflicts] == [(0, 28), (28, 31)]
    first, second = merge.span_conflicts
    assert first.votes == [
        Vote(("alice",), SpanKey(0, 7, "PERSON")),
        Vote(("bob",), SpanKey(4, 11, "PERSON")),
        Vote(("alice",), SpanKey(8, 28, "PERSON")),
    ]
    assert second.votes == [Vote(("bob",), SpanKey(28, 31, "GPE")), Vote(("alice",), None)]


def test_relation_one_annotator_lacks() -> None:
    alice = _people("alice")
    bob = _version("bob", span("b1", 0, 7), span("b2", 12, 28), span("b3", 32, 38, "GPE"))
    merge = merge_versions({"alice": alice, "bob": bob})
    assert merge.span_conflicts == []
    assert merge.agreed_relations == []
    assert merge.relation_conflicts == [
        RelationConflict(RelationKey(HUN_SEN, TRONG, "MEETS"), ("alice",), ("bob",))
    ]
    assert merge.has_conflicts
    assert not merge.unanimous


def test_relation_with_different_labels() -> None:
    alice = _people("alice")
    bob = _version(
        "bob",
        span("b1", 0, 7),
        span("b2", 12, 28),
        span("b3", 32, 38, "GPE"),
        relation("br1", "b1", "b2", "ALLY_OF"),
    )
    merge = merge_versions({"alice": alice, "bob": bob})
    assert merge.relation_conflicts == [
        RelationConflict(RelationKey(HUN_SEN, TRONG, "ALLY_OF"), ("bob",), ("alice",)),
        RelationConflict(RelationKey(HUN_SEN, TRONG, "MEETS"), ("alice",), ("bob",)),
    ]


def test_relations_compare_their_ends_exactly() -> None:
    alice = _people("alice")
    bob = _version(
        "bob",
        span("b1", 0, 3),
        span("b2", 12, 28),
        span("b3", 32, 38, "GPE"),
        relation("br1", "b1", "b2"),
    )
    merge = merge_versions({"alice": alice, "bob": bob})
    assert [c.key.head for c in merge.relation_conflicts] == [SpanKey(0, 3, "PERSON"), HUN_SEN]


@pytest.mark.parametrize("answer", ["reject", "ignore"])
def test_an_annotator_not_accepting_the_document(answer: str) -> None:
    merge = merge_versions(
        {
            "alice": _people("alice"),
            "bob": _people("bob"),
            "carol": _version("carol", span("c1", 32, 38, "ORG"), answer=answer),
        }
    )
    assert merge.not_accepted == {"carol": answer}
    assert merge.annotators == ("alice", "bob", "carol")
    assert merge.accepting == ("alice", "bob")
    # carol's spans do not count, and her lack of the others is no conflict either.
    assert merge.agreed_spans == [(k, ("alice", "bob")) for k in (HUN_SEN, TRONG, HANOI)]
    assert merge.span_conflicts == []
    assert not merge.has_conflicts
    assert not merge.unanimous
    with pytest.raises(RedlineError, match="not unanimous"):
        unanimous_gold(merge, "rita")


def test_text_mismatch_raises() -> None:
    with pytest.raises(RedlineError, match=r"'doc-1'.*alice.*bob, carol"):
        merge_versions(
            {
                "alice": make_record(text="Hun Sen met Trọng.", annotator="alice"),
                "bob": make_record(annotator="bob"),
                "carol": make_record(annotator="carol"),
            }
        )


def test_different_documents_or_none_raise() -> None:
    with pytest.raises(RedlineError, match="different documents"):
        merge_versions({"alice": make_record("a"), "bob": make_record("b", annotator="bob")})
    with pytest.raises(RedlineError, match="no versions"):
        merge_versions({})


# -- merge_dataset -----------------------------------------------------------------------------


def test_merge_dataset_order_single_annotator_docs_and_models(tmp_path: Path) -> None:
    dataset = _dataset(
        tmp_path,
        {
            "alice": [make_record("d2"), make_record("only-alice"), make_record("d1")],
            "bob": [
                make_record("d1", annotator="bob", note="old"),
                make_record("d3", annotator="bob"),
                make_record("d2", annotator="bob"),
                make_record("d1", annotator="bob", note="new"),
            ],
            "carol": [make_record("d3", annotator="carol")],
            "model:en_core_web_sm": [make_record("only-alice", annotator="model:en_core_web_sm")],
            GOLD_ANNOTATOR: [make_record("d4", annotator=GOLD_ANNOTATOR)],
        },
    )
    (tmp_path / "news" / "dave.jsonl").write_bytes(b"")  # an annotator with nothing saved
    merges = list(merge_dataset(dataset))
    assert [m.doc_id for m in merges] == ["d2", "d1", "d3"]
    assert [m.annotators for m in merges] == [("alice", "bob"), ("alice", "bob"), ("bob", "carol")]
    assert merges[1].versions["bob"].note == "new"  # the newest version
    with_models = list(merge_dataset(dataset, include_models=True))
    assert [m.doc_id for m in with_models] == ["d2", "only-alice", "d1", "d3"]
    assert with_models[1].annotators == ("alice", "model:en_core_web_sm")
    chosen = list(merge_dataset(dataset, annotators=["carol", "bob"]))
    assert [m.doc_id for m in chosen] == ["d3"]
    assert list(merge_dataset(dataset, annotators=["alice"])) == []


def test_merge_dataset_closes_its_logs(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path, {"alice": [_people("alice")], "bob": [_people("bob")]})
    opened = []
    original = dataset.open

    def spy(annotator: str, *, write: bool = False):  # type: ignore[no-untyped-def]
        assert not write
        log = original(annotator, write=write)
        opened.append(log)
        return log

    dataset.open = spy  # type: ignore[method-assign]
    merges = merge_dataset(dataset)
    assert next(merges).unanimous
    merges.close()  # abandoned half-way: the logs are closed all the same
    assert len(opened) == 2
    assert all(log._fd is None for log in opened)


# -- gold records ------------------------------------------------------------------------------


def test_gold_record_annotators_ids_and_provenance() -> None:
    merge = merge_versions(
        {
            "alice": _people("alice"),
            "bob": _version(
                "bob", span("b1", 0, 7), span("b2", 23, 28), relation("br1", "b1", "b2")
            ),
        }
    )
    trong_short = SpanKey(23, 28, "PERSON")
    met = SpanKey(8, 11, "EVENT")  # the reviewer's own span
    record = gold_record(
        merge,
        "rita",
        [HANOI, TRONG, HUN_SEN, met, TRONG],
        [RelationKey(HUN_SEN, TRONG, "MEETS"), RelationKey(met, HANOI, "LOCATED_IN")],
        note="settled",
        seconds=12.5,
    )
    assert record.annotator == GOLD_ANNOTATOR
    assert record.meta == {"reviewer": "rita"}
    assert record.answer == "accept"
    assert record.suggested_by is None
    assert (record.note, record.seconds) == ("settled", 12.5)
    assert record.text_sha1 == merge.document.text_sha1
    assert [(s.id, s.start, s.end, s.label, s.edit, s.annotators) for s in record.spans] == [
        ("g1", 0, 7, "PERSON", "accepted", ["alice", "bob"]),
        ("g2", 8, 11, "EVENT", "added", []),
        ("g3", 12, 28, "PERSON", "accepted", ["alice"]),
        ("g4", 32, 38, "GPE", "accepted", ["alice"]),
    ]
    assert {s.origin for s in record.spans} == {"annotator"}
    assert [(r.id, r.head, r.child, r.label, r.edit, r.annotators) for r in record.relations] == [
        ("gr1", "g1", "g3", "MEETS", "accepted", ["alice"]),
        ("gr2", "g2", "g4", "LOCATED_IN", "added", []),
    ]
    assert trong_short not in {SpanKey(s.start, s.end, s.label) for s in record.spans}


def test_gold_record_refuses_relations_to_missing_spans_and_bad_spans() -> None:
    merge = merge_versions({"alice": _people("alice"), "bob": _people("bob")})
    with pytest.raises(RedlineError, match=r"needs span \[12, 28\) PERSON"):
        gold_record(merge, "rita", [HUN_SEN], [RelationKey(HUN_SEN, TRONG, "MEETS")])
    with pytest.raises(RedlineError, match="not a non-empty range"):
        gold_record(merge, "rita", [SpanKey(30, 99, "GPE")], [])


def test_unanimous_gold_keeps_the_documents_meta() -> None:
    meta = {"source": "seeds/a.txt", "reviewer": "someone-else"}
    merge = merge_versions({"alice": _people("alice", meta=meta), "bob": _people("bob", meta=meta)})
    record = unanimous_gold(merge, "rita")
    assert record.meta == {"source": "seeds/a.txt", "reviewer": "rita"}
    assert [s.annotators for s in record.spans] == [["alice", "bob"]] * 3
    assert [(r.head, r.child, r.annotators) for r in record.relations] == [
        ("g1", "g2", ["alice", "bob"])
    ]


# -- auto_review -------------------------------------------------------------------------------


def test_auto_review_writes_only_unanimous_documents_and_is_idempotent(tmp_path: Path) -> None:
    dataset = _dataset(
        tmp_path,
        {
            "alice": [
                _people("alice", doc_id="same"),
                _people("alice", doc_id="differ"),
                _people("alice", doc_id="rejected"),
                _people("alice", doc_id="done"),
                _people("alice", doc_id="alone"),
            ],
            "bob": [
                _people("bob", doc_id="same"),
                _version("bob", span("b1", 0, 7), doc_id="differ"),
                _people("bob", doc_id="rejected", answer="reject"),
                _people("bob", doc_id="done"),
            ],
            GOLD_ANNOTATOR: [make_record("done", annotator=GOLD_ANNOTATOR, note="by hand")],
        },
    )
    result = auto_review(dataset, "rita")
    assert result == AutoReviewResult(merged=1, conflicts=2, skipped_existing=1)
    with dataset.open(GOLD_ANNOTATOR) as gold:
        assert gold.doc_ids() == ["done", "same"]
        assert gold.newest("done").note == "by hand"  # type: ignore[union-attr]
        written = gold.newest("same")
        assert written is not None
        assert written.meta["reviewer"] == "rita"
        assert [s.id for s in written.spans] == ["g1", "g2", "g3"]
    size = dataset.path_of(GOLD_ANNOTATOR).stat().st_size

    again = auto_review(dataset, "rita")
    assert again == AutoReviewResult(merged=0, conflicts=2, skipped_existing=2)
    assert dataset.path_of(GOLD_ANNOTATOR).stat().st_size == size
