"""brat standoff: the exact lines written, annotation.conf, and every unreadable line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.errors import InputError, InputWarning
from redline.formats.brat import (
    MAX_STEM_BYTES,
    annotation_conf,
    export_brat,
    file_stem,
    import_brat,
    read_brat,
)
from redline.formats.brat_conf import schema_from_brat_conf
from redline.formats.importing import import_file
from redline.schema import LabelSchema
from redline.schema.loading import schema_from_dict
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
    # the note is kept with the span it is on, not as the record's own note
    assert record.note == ""
    assert record.foreign == {
        "brat": {
            "notes": [
                {
                    "target": {"start": 0, "end": 7, "label": "PERSON"},
                    "note": "names checked against VNA",
                }
            ]
        }
    }


BAD_LINES = [
    ("T4\tGPE 40 45;51 57\tPhnom hosted", "discontinuous span ' Penh ' left out"),
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
    ("#2\tAnnotatorNotes T4\tcheck", "#2: a note on T4, which was refused"),
    ("#3\tAnnotatorNotes T42\tcheck", "#3: a note on T42, which is not in this file"),
    ("T10\tGPE 40 x\tPhnom", "offsets '40 x' are not 'start end'"),
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
    # a document with a problem is no record: the importer skips it whole
    assert records == []
    shown = str(ann)
    assert str(problems[0]) == f"{tmp_path / 'orphan.ann'}: no .txt beside this .ann; skipped"
    assert len(problems) == 1 + len(BAD_LINES)
    for number, (problem, (_, message)) in enumerate(
        zip(problems[1:], BAD_LINES, strict=True), start=len(good) + 1
    ):
        assert str(problem.location) == f"{shown}:{number}"
        assert message in problem.message
        assert not isinstance(problem, InputWarning)


def test_a_document_whose_lines_are_all_invalid_is_no_record(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    """The defect: with --skip-invalid, such a document was accepted with no spans."""
    (tmp_path / "good.txt").write_text("Hun Sen spoke.", encoding="utf-8")
    (tmp_path / "good.ann").write_text("T1\tPERSON 0 7\tHun Sen\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("Phnom Penh and Hà Nội.", encoding="utf-8")
    (tmp_path / "bad.ann").write_text("T1\tGPE 0 5;15 17\tPhnom Hà\n", encoding="utf-8")
    problems: list[InputError] = []
    read = list(read_brat(tmp_path, "bob", news_schema, problems))
    assert [record.doc_id for record, _ in read] == ["good"]
    assert [str(p.location) for p in problems] == [f"{tmp_path / 'bad.ann'}:1"]
    result = import_file(tmp_path, "brat", "bob", news_schema)
    assert [r.doc_id for r in result.records] == ["good"]


def test_lines_brat_has_and_a_record_does_not_are_one_warning_per_kind(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text("Hun Sen met Tô Lâm.", encoding="utf-8")
        (tmp_path / f"{name}.ann").write_text(
            "T1\tPERSON 0 7\tHun Sen\nT2\tPERSON 12 18\tTô Lâm\nE1\tMeet:T1 Agent:T2\n"
            "E2\tMeet:T2\nA1\tNegated E1\nM1\tConfidence E1 High\n"
            "N1\tReference T1 Wikipedia:534366\tHun Sen\n*\tEquiv T1 T2\n"
            "R1\tCause Arg1:E1 Arg2:T2\n#1\tAnnotatorNotes E1\tcheck\n",
            encoding="utf-8",
        )
    (tmp_path / "c.txt").write_text("Nothing.", encoding="utf-8")
    (tmp_path / "c.ann").write_text("E1\tMeet:T1\n", encoding="utf-8")
    records, problems = import_brat(tmp_path, "bob", news_schema)
    assert [len(r.spans) for r in records] == [2, 2, 0]
    assert all(isinstance(p, InputWarning) for p in problems)
    assert {str(p.location) for p in problems} == {str(tmp_path)}
    assert [p.message.split(" have no place")[0] for p in problems] == [
        "brat events (E): 5 in 3 file(s)",
        "brat normalizations (N): 2 in 2 file(s)",
        "brat equivalences (*): 2 in 2 file(s)",
        "brat attributes (A, M): 4 in 2 file(s)",
        "brat relations and notes on events, attributes, normalizations or equivalences: "
        "4 in 2 file(s)",
    ]
    result = import_file(tmp_path, "brat", "bob", news_schema)
    assert [r.doc_id for r in result.records] == ["a", "b", "c"]


def test_notes_stay_with_their_own_annotation(tmp_path: Path, news_schema: LabelSchema) -> None:
    (tmp_path / "d.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "d.ann").write_text(
        "#1\tAnnotatorNotes R1\tthey met twice\n"
        "T1\tPERSON 0 7\tHun Sen\nT2\tPERSON 12 28\tNguyễn Phú Trọng\n"
        "T3\tGPE 32 38\tHà Nội\nR1\tMEETS Arg1:T1 Arg2:T2\n"
        "#2\tAnnotatorNotes T3\tthe capital\n#3\tAnnotatorNotes T3\tthe capital\n"
        "#4\tAnnotatorNotes T2\tfull name\n",
        encoding="utf-8",
    )
    [record], problems = import_brat(tmp_path, "bob", news_schema)
    assert problems == []
    assert record.note == ""
    hun, trong = (
        {"start": 0, "end": 7, "label": "PERSON"},
        {"start": 12, "end": 28, "label": "PERSON"},
    )
    hanoi = {"start": 32, "end": 38, "label": "GPE"}
    assert record.foreign["brat"]["notes"] == [
        {"target": {"head": hun, "child": trong, "label": "MEETS"}, "note": "they met twice"},
        {"target": hanoi, "note": "the capital"},
        {"target": hanoi, "note": "the capital"},
        {"target": trong, "note": "full name"},
    ]
    # written back on each target's new id; the record's own note on T1, unless it is one
    # of the kept notes; a note whose span was removed goes with it
    edited = record.model_copy(
        update={"spans": [record.spans[1], record.spans[2]], "relations": [], "note": "full name"}
    )
    export_brat([edited], tmp_path / "out", news_schema)
    assert (tmp_path / "out" / "d.ann").read_text(encoding="utf-8").splitlines()[2:] == [
        "#1\tAnnotatorNotes T2\tthe capital",
        "#2\tAnnotatorNotes T2\tthe capital",
        "#3\tAnnotatorNotes T1\tfull name",
    ]
    typed = record.model_copy(update={"note": "typed in redline"})
    export_brat([typed], tmp_path / "again", news_schema)
    [back], problems = import_brat(tmp_path / "again", "bob", news_schema)
    assert problems == []
    assert back.foreign["brat"]["notes"][0] == {"target": hun, "note": "typed in redline"}
    assert back.foreign["brat"]["notes"][1:] == record.foreign["brat"]["notes"]


def test_a_byte_order_mark_is_dropped_and_the_offsets_that_counted_it_shifted(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    (tmp_path / "d.txt").write_bytes("\ufeffHun Sen spoke in Hà Nội.".encode())
    # brat counts the mark: Hun Sen is 1-8
    (tmp_path / "d.ann").write_bytes(
        "\ufeffT1\tPERSON 1 8\tHun Sen\nT2\tGPE 18 24\tHà Nội\n".encode()
    )
    [record], problems = import_brat(tmp_path, "bob", news_schema)
    assert problems == []
    assert record.text == "Hun Sen spoke in Hà Nội."
    assert [record.span_text(s) for s in record.spans] == ["Hun Sen", "Hà Nội"]
    (tmp_path / "d.ann").write_text("T1\tPERSON 0 8\t\ufeffHun Sen\n", encoding="utf-8")
    records, problems = import_brat(tmp_path, "bob", news_schema)
    assert records == []
    assert "offsets 0 8 are not a range inside the text" in problems[0].message


def test_exact_duplicate_spans_are_both_read_and_are_no_overlap(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    (tmp_path / "d.txt").write_text("Hun Sen met Tô Lâm.", encoding="utf-8")
    (tmp_path / "d.ann").write_text(
        "T1\tPERSON 0 7\tHun Sen\nT2\tPERSON 0 7\tHun Sen\nT3\tPERSON 12 18\tTô Lâm\n"
        "R1\tMEETS Arg1:T2 Arg2:T3\n",
        encoding="utf-8",
    )
    [record], problems = import_brat(tmp_path, "bob", news_schema)
    assert problems == []
    assert [(s.id, s.start, s.end) for s in record.spans] == [
        ("T1", 0, 7),
        ("T2", 0, 7),
        ("T3", 12, 18),
    ]
    assert [(r.head, r.child) for r in record.relations] == [("T2", "T3")]


def test_read_brat_takes_id_key_and_keeps_the_file_stem(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    (tmp_path / "doc-7.txt").write_text("Hun Sen spoke.", encoding="utf-8")
    problems: list[InputError] = []
    [(record, location)] = read_brat(tmp_path, "bob", news_schema, problems, id_key="meta.id")
    assert (record.doc_id, problems) == ("doc-7", [])
    assert location.path == str(tmp_path / "doc-7.ann")


def test_file_names_are_safe_short_and_unique(tmp_path: Path, news_schema: LabelSchema) -> None:
    assert file_stem("-rf") == "_-rf"
    assert file_stem(".hidden") == "_.hidden"
    assert file_stem("a/../b") == "a_.._b"
    assert file_stem("") == "_"
    long_a, long_b = "é" * 150 + "a", "é" * 150 + "b"
    stems = [file_stem(long_a), file_stem(long_b)]
    assert all(len(stem.encode("utf-8")) <= MAX_STEM_BYTES for stem in stems)
    assert stems[0] != stems[1]
    assert stems[0].startswith("é" * 90)
    records = [make_record(doc_id) for doc_id in ("-rf", ".hidden", long_a, long_b)]
    written = export_brat(records, tmp_path, news_schema)
    assert {p.name for p in written} >= {"_-rf.ann", "_.hidden.txt", f"{stems[1]}.ann"}
    assert not any(p.name.startswith(("-", ".")) for p in tmp_path.iterdir())
    with pytest.raises(ValueError, match=r"both be written to _-rf\.ann"):
        export_brat([make_record("-rf"), make_record("_-rf")], tmp_path / "x", news_schema)


def test_labels_of_any_case_and_with_hyphens_round_trip(tmp_path: Path) -> None:
    schema = schema_from_dict(
        {
            "name": "odd",
            "overlap": True,
            "entities": [{"label": "Merge-org"}, {"label": "c"}],
            "relations": [{"label": "part-of", "head": ["c"], "child": ["Merge-org"]}],
        },
        "odd.toml",
    )
    text = "Acme and Bolt merged."
    record = make_record(
        "d",
        text,
        spans=[span("a", 0, 4, "c"), span("b", 0, 13, "Merge-org")],
        relations=[relation("r", "a", "b", "part-of")],
    )
    export_brat([record], tmp_path, schema)
    assert "Merge-org\nc\n" in (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    [back], problems = import_brat(tmp_path, "bob", schema)
    assert problems == []
    assert [(s.start, s.end, s.label) for s in back.spans] == [(0, 4, "c"), (0, 13, "Merge-org")]
    assert [r.label for r in back.relations] == ["part-of"]
    # and through annotation.conf: the schema read back has the same labels and constraint
    conf_schema, notes = schema_from_brat_conf(tmp_path / "annotation.conf")
    assert [e.label for e in conf_schema.entities] == ["Merge-org", "c"]
    assert [(r.label, r.head, r.child) for r in conf_schema.relations] == [
        ("part-of", ["c"], ["Merge-org"])
    ]
    assert notes == []


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
