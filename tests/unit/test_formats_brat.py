"""brat standoff: the exact lines written, annotation.conf, and every unreadable line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.formats.brat import annotation_conf, export_brat, import_brat
from redline.formats.importing import import_file
from redline.schema import LabelSchema
from tests.support.data import make_record, relation, span

TEXT = "Hun Sen met Nguyễn Phú Trọng in Hà Nội.\nPhnom Penh hosted the CPP."


def _record():
    return make_record(
        "vn-kh",
        TEXT,
        spans=[span("a", 0, 7), span("b", 12, 28), span("c", 32, 38, "GPE")],
        relations=[relation("r1", "a", "b")],
        rejected=[span("x", 32, 38, "ORG", origin="model", edit=None)],
        note="names checked\nagainst VNA",
    )


def test_export_writes_txt_ann_and_conf(tmp_path: Path, news_schema: LabelSchema) -> None:
    written = export_brat([_record()], tmp_path, news_schema)
    assert sorted(p.name for p in written) == ["annotation.conf", "vn-kh.ann", "vn-kh.txt"]
    assert (tmp_path / "vn-kh.txt").read_bytes() == TEXT.encode("utf-8")
    assert (tmp_path / "vn-kh.ann").read_text(encoding="utf-8").split("\n") == [
        "T1\tPERSON 0 7\tHun Sen",
        "T2\tPERSON 12 28\tNguyễn Phú Trọng",
        "T3\tGPE 32 38\tHà Nội",
        "R1\tMEETS Arg1:T1 Arg2:T2",
        "#1\tAnnotatorNotes T1\tnames checked against VNA",
        "",
    ]
    # no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


def test_annotation_conf_follows_the_schema(news_schema: LabelSchema) -> None:
    conf = annotation_conf(news_schema).split("\n")
    assert conf[:8] == ["[entities]", "PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT", ""]
    assert conf[8] == "[relations]"
    assert "LEADER_OF\tArg1:PERSON, Arg2:ORG|GPE" in conf
    assert "LOCATED_IN\tArg1:GPE|ORG, Arg2:GPE" in conf
    assert conf[-5:] == ["", "[events]", "", "[attributes]", ""]


def test_a_span_across_a_line_break_is_written_in_fragments_and_read_whole(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    text = "They met in Hà\nNội today."
    record = make_record("multi", text, spans=[span("a", 12, 18, "GPE")])
    export_brat([record], tmp_path, news_schema)
    assert (tmp_path / "multi.ann").read_text(encoding="utf-8") == "T1\tGPE 12 14;15 18\tHà Nội\n"
    records, problems = import_brat(tmp_path, "bob", news_schema)
    assert problems == []
    assert [(s.start, s.end, s.label) for s in records[0].spans] == [(12, 18, "GPE")]


def test_import_reads_spans_relations_and_notes(tmp_path: Path, news_schema: LabelSchema) -> None:
    export_brat([_record()], tmp_path, news_schema)
    records, problems = import_brat(tmp_path, "bob", news_schema)
    assert problems == []
    [record] = records
    assert record.doc_id == "vn-kh"
    assert record.annotator == "bob"
    assert [(s.id, s.start, s.end, s.label, s.origin, s.edit) for s in record.spans] == [
        ("T1", 0, 7, "PERSON", "annotator", "added"),
        ("T2", 12, 28, "PERSON", "annotator", "added"),
        ("T3", 32, 38, "GPE", "annotator", "added"),
    ]
    assert [(r.id, r.head, r.child, r.label) for r in record.relations] == [
        ("R1", "T1", "T2", "MEETS")
    ]
    assert record.note == "names checked against VNA"


BAD_LINES = [
    ("T4\tGPE 40 45;51 57\tPhnom hosted", "discontinuous span ' Penh ' left out"),
    ("E1\tMEET:T1 Agent:T2", "E1: brat events have no place in a record"),
    ("A1\tNegated T1", "A1: brat attributes have no place in a record"),
    ("N1\tReference T1 Wikipedia:534366\tHun Sen", "normalizations"),
    ("X1\tsomething", "unknown line type 'X1'"),
    ("T5\tGPE 40 46\tHanoi", "the offsets give 'Phnom ', not 'Hanoi'"),
    ("T6\tGPE 60 500\tx", "not a range inside the text"),
    ("T7\tPERSON 3 7\t Sen", "[3, 7) ' Sen' begins or ends with whitespace"),
    ("T8\tWIZARD 40 45\tPhnom", "label 'WIZARD' is not in schema 'news'"),
    ("T9\tGPE 0 3\tHun", "overlaps T1 [0, 7)"),
    ("R2\tMEETS Arg1:T1 Arg2:T99", "Arg2 T99 is not in this file"),
    ("R3\tMEETS Arg1:T1 Arg2:T4", "Arg2 T4 was skipped"),
    ("R4\tLEADER_OF Arg1:T3 Arg2:T1", "LEADER_OF goes from PERSON to ORG|GPE, not from GPE"),
    ("R5\tMEETS T1 T2", "expected 'R1<TAB>LABEL Arg1:T1 Arg2:T2'"),
    ("T1\tPERSON 0 7\tHun Sen", "id T1 is used twice"),
]


def test_import_names_file_and_line_of_what_cannot_be_expressed(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    export_brat([_record()], tmp_path, news_schema)
    ann = tmp_path / "vn-kh.ann"
    good = ann.read_text(encoding="utf-8").splitlines()
    ann.write_text("\n".join(good + [line for line, _ in BAD_LINES]) + "\n", encoding="utf-8")
    (tmp_path / "orphan.ann").write_text("T1\tGPE 0 3\tabc\n", encoding="utf-8")
    records, problems = import_brat(tmp_path, "bob", news_schema)
    [record] = records
    assert len(record.spans) == 3
    assert len(record.relations) == 1
    shown = str(ann)
    assert str(problems[0]) == f"{tmp_path / 'orphan.ann'}: no .txt beside this .ann; skipped"
    assert len(problems) == 1 + len(BAD_LINES)
    for number, (problem, (_, message)) in enumerate(
        zip(problems[1:], BAD_LINES, strict=True), start=len(good) + 1
    ):
        assert str(problem.location) == f"{shown}:{number}"
        assert message in problem.message


def test_without_a_schema_any_label_is_read(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("Hun Sen spoke.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tLEADER 0 7\tHun Sen\n", encoding="utf-8")
    records, problems = import_brat(tmp_path, "bob")
    assert problems == []
    assert records[0].spans[0].label == "LEADER"


def test_a_txt_without_ann_is_a_document_without_annotations(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    (tmp_path / "plain.txt").write_text("Nothing here.", encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(b"caf\xe9\n")
    result = import_file(tmp_path, "brat", "bob", news_schema)
    assert [(r.doc_id, r.spans) for r in result.records] == [("plain", [])]
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'broken.txt'}:1: invalid UTF-8; skipped"
    ]


def test_two_records_for_one_file_are_refused(tmp_path: Path, news_schema: LabelSchema) -> None:
    with pytest.raises(ValueError, match=r"both be written to a_b\.ann"):
        export_brat([make_record("a/b"), make_record("a b")], tmp_path, news_schema)
