"""spaCy DocBin and CoNLL IOB2 exports: worked examples, overlaps, splits by document."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from redline.errors import RedlineError
from redline.formats.conll import export_conll
from redline.formats.export import export_records
from redline.formats.spacy_docbin import from_docbin, to_docbin
from redline.formats.split import split_by_document
from redline.schema import LabelSchema
from tests.support.data import make_record, relation, span

TEXT = "Hun Sen met Nguyễn Phú Trọng in Hà Nội. Both praised the CPP."


def _record(doc_id: str = "vn-kh", **fields):
    return make_record(
        doc_id,
        TEXT,
        spans=[span("a", 0, 7), span("b", 12, 28), span("c", 32, 38, "GPE")],
        relations=[relation("r1", "a", "b")],
        rejected=[span("x", 57, 60, "NORP", origin="model", edit=None)],
        **fields,
    )


def _docs(docbin: DocBin) -> list:
    return list(docbin.get_docs(spacy.blank("en").vocab))


def test_spans_become_entities_and_rejected_suggestions_do_not() -> None:
    [doc] = _docs(DocBin(store_user_data=True).from_bytes(to_docbin([_record()]).to_bytes()))
    assert doc.text == TEXT
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Hun Sen", "PERSON"),
        ("Nguyễn Phú Trọng", "PERSON"),
        ("Hà Nội", "GPE"),
    ]
    assert [(s.text, s.label_, s.id_) for s in doc.spans["sc"]] == [
        ("Hun Sen", "PERSON", "a"),
        ("Nguyễn Phú Trọng", "PERSON", "b"),
        ("Hà Nội", "GPE", "c"),
    ]
    assert [(s.text, s.label_) for s in doc.spans["incorrect_spans"]] == [("CPP", "NORP")]
    assert doc.user_data["redline"]["doc_id"] == "vn-kh"


def test_overlapping_spans_are_all_in_sc_and_the_longest_is_the_entity() -> None:
    record = make_record(
        "o", TEXT, spans=[span("a", 4, 7), span("b", 0, 7), span("c", 32, 34, "GPE")]
    )
    [doc] = _docs(to_docbin([record]))
    assert [s.text for s in doc.spans["sc"]] == ["Sen", "Hun Sen", "Hà"]
    assert [e.text for e in doc.ents] == ["Hun Sen", "Hà"]


def test_docbin_round_trip(tmp_path: Path, news_schema: LabelSchema) -> None:
    record = _record(answer="ignore")
    [path] = export_records([record], "spacy", tmp_path, news_schema)
    assert path == tmp_path / "train.spacy"
    [back] = from_docbin(path)
    assert back.doc_id == "vn-kh"
    assert back.answer == "ignore"
    assert back.annotator == "alice"
    assert back.spans == record.spans
    assert back.rejected == record.rejected
    assert from_docbin(path, annotator="zoe")[0].annotator == "zoe"


def test_a_docbin_made_elsewhere_is_read_from_its_entities(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Hun Sen met Trọng.")
    doc.ents = [doc.char_span(0, 7, "PERSON")]
    path = tmp_path / "other.spacy"
    DocBin(docs=[doc]).to_disk(path)
    [record] = from_docbin(path)
    assert record.doc_id == "other-1"
    assert record.annotator == "spacy"
    assert [(s.id, s.start, s.end, s.label, s.edit) for s in record.spans] == [
        ("s1", 0, 7, "PERSON", "added")
    ]


def test_a_file_that_is_not_a_docbin_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.spacy"
    path.write_bytes(b"not a docbin")
    with pytest.raises(RedlineError, match=r"junk.spacy: not a .spacy file"):
        from_docbin(path)


def test_the_split_is_by_document_and_the_same_for_the_same_seed(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    records = [_record(f"d{n}") for n in range(10)]
    records.append(_record("d3", annotator="bob"))  # a second version of d3 stays with d3
    train, dev = split_by_document(records, 0.2, seed=7)
    assert len({r.doc_id for r in dev}) == 2
    assert len(train) + len(dev) == 11
    assert {r.doc_id for r in train}.isdisjoint({r.doc_id for r in dev})
    assert split_by_document(list(reversed(records)), 0.2, seed=7)[1] != []
    assert {r.doc_id for r in split_by_document(reversed(records), 0.2, seed=7)[1]} == {
        r.doc_id for r in dev
    }
    splits = {frozenset(r.doc_id for r in split_by_document(records, 0.2, s)[1]) for s in range(5)}
    assert len(splits) > 1
    paths = export_records(records, "spacy", tmp_path, news_schema, dev_fraction=0.2, seed=7)
    assert paths == [tmp_path / "train.spacy", tmp_path / "dev.spacy"]
    assert [r.doc_id for r in from_docbin(paths[1])] == [r.doc_id for r in dev]
    with pytest.raises(ValueError, match="dev_fraction"):
        split_by_document(records, 1.0, 0)


def test_conll_worked_example(tmp_path: Path) -> None:
    second = make_record("two", "Việt Nam won.", spans=[span("v", 0, 8, "GPE")])
    out = export_conll([_record(), second], tmp_path / "gold.conll")
    assert out.read_text(encoding="utf-8").split("\n") == [
        "-DOCSTART- -X- -X- O",
        "",
        "Hun\tB-PERSON",
        "Sen\tI-PERSON",
        "met\tO",
        "Nguyễn\tB-PERSON",
        "Phú\tI-PERSON",
        "Trọng\tI-PERSON",
        "in\tO",
        "Hà\tB-GPE",
        "Nội\tI-GPE",
        ".\tO",
        "",
        "Both\tO",
        "praised\tO",
        "the\tO",
        "CPP\tO",  # a rejected suggestion is not an entity
        ".\tO",
        "",
        "-DOCSTART- -X- -X- O",
        "",
        "Việt\tB-GPE",
        "Nam\tI-GPE",
        "won\tO",
        ".\tO",
        "",
        "",
    ]


def test_conll_skips_whitespace_tokens(tmp_path: Path) -> None:
    record = make_record("ws", "Hà\nNội  is\tbig.", spans=[span("h", 0, 6, "GPE")])
    lines = export_conll([record], tmp_path / "ws.conll").read_text(encoding="utf-8").split("\n")
    assert lines[2:7] == ["Hà\tB-GPE", "Nội\tI-GPE", "is\tO", "big\tO", ".\tO"]


def test_export_records_splits_file_formats_beside_the_target(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    records = [_record(f"d{n}") for n in range(4)]
    for fmt, name in (("conll", "gold.conll"), ("jsonl", "gold.jsonl"), ("prodigy", "p.jsonl")):
        out = tmp_path / name
        paths = export_records(records, fmt, out, news_schema, dev_fraction=0.25, seed=1)
        stem, suffix = name.split(".")
        assert paths == [tmp_path / f"{stem}.train.{suffix}", tmp_path / f"{stem}.dev.{suffix}"]
        assert all(p.stat().st_size > 0 for p in paths)
    assert export_records(records, "conll", tmp_path / "all.conll", news_schema) == [
        tmp_path / "all.conll"
    ]
    assert export_records(records, "spacy", tmp_path / "sp", news_schema) == [
        tmp_path / "sp" / "train.spacy"
    ]
