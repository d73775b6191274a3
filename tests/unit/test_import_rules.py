"""The rules every importer shares (redline.formats.importing): where a document's id comes
from (``id_key``), a record with a problem skipped whole and counted as a record, duplicates
merged with one warning, an import of what is stored appending nothing, and one byte order
mark rule. Real files in tmp_path, the real readers and store."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from redline.corpus import Corpus
from redline.errors import InputWarning, RedlineError
from redline.formats import READERS
from redline.formats.importing import import_file, import_into
from redline.schema import Annotation, text_sha1
from redline.schema.labels import LabelSchema
from redline.store import open_dataset
from tests.support.data import DEFAULT_TEXT, jsonl_line, make_record, relation, span

BOM = b"\xef\xbb\xbf"
HUN_SEN, TRONG, HA_NOI = (0, 7), (12, 28), (32, 38)


def _lines(path: Path, *records: Annotation) -> Path:
    path.write_bytes(b"".join(jsonl_line(r) for r in records))
    return path


def _brat(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


# -- 1. where a document's id comes from ----------------------------------------------------


def test_every_reader_takes_an_id_key_by_keyword_and_knows_what_a_record_is() -> None:
    assert {name: reader.record for name, reader in READERS.items()} == {
        "prodigy": "line",
        "brat": "document",
        "jsonl": "line",
        "text": "line or file",
    }


def test_jsonl_takes_the_doc_id_from_the_id_key(tmp_path: Path, news_schema: LabelSchema):
    keyed = make_record("hash-1", meta={"ref": {"id": "vn-kh"}})
    unkeyed = make_record("hash-2", meta={"ref": {}})
    path = _lines(tmp_path / "a.jsonl", keyed, unkeyed)
    result = import_file(path, "jsonl", "bob", news_schema, id_key="meta.ref.id")
    assert [r.doc_id for r in result.records] == ["vn-kh"]
    assert [str(p) for p in result.problems] == [
        f"{path}:2: no id at 'meta.ref.id' (--id-key) in this line; skipped"
    ]


def test_a_jsonl_corpus_imported_as_text_takes_the_id_key(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [{"id": "x", "text": "Hun Sen spoke.", "meta": {"url": "u1"}}, {"text": "Tô Lâm."}]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    result = import_file(path, "text", "bob", news_schema, id_key="meta.url")
    assert [r.doc_id for r in result.records] == ["u1"]
    assert [str(p.location) for p in result.problems] == [f"{path}:2"]
    assert [r.doc_id for r in Corpus(path, id_key="meta.url")] == ["u1"]
    assert [d.doc_id for d in Corpus(path)] == ["x", text_sha1("Tô Lâm.")[:16]]  # as before


@pytest.mark.parametrize("fmt", ["brat", "text"])
def test_an_id_key_where_files_name_the_documents_is_refused(
    tmp_path: Path, news_schema: LabelSchema, fmt: str
) -> None:
    folder = _brat(tmp_path / "in", {"a.txt": "Hun Sen spoke."})
    with pytest.raises(RedlineError, match=f"{fmt} names each document by its file, so the id"):
        import_file(folder, fmt, "bob", news_schema, id_key="meta.id")


def test_an_id_key_must_be_a_dotted_path(tmp_path: Path, news_schema: LabelSchema) -> None:
    path = _lines(tmp_path / "a.jsonl", make_record())
    with pytest.raises(RedlineError, match=r"id key 'meta\.\.id' is not a dotted path"):
        import_file(path, "jsonl", "bob", news_schema, id_key="meta..id")


# -- 2. --skip-invalid: a record with a problem is left out whole, counted as a record --------


def test_a_brat_document_with_bad_lines_is_one_record_skipped_whole(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    folder = _brat(
        tmp_path / "brat",
        {
            "a.txt": "Hun Sen met Tô Lâm.",
            "a.ann": "T1\tPERSON 0 7\tHun Sen\n",
            "b.txt": "Phnom Penh and Hà Nội.",
            "b.ann": "T1\tGPE 0 10\tPhnom Penh\nT2\tWIZARD 15 21\tHà Nội\nT3\tGPE 0 5;15 17\tx\n",
        },
    )
    result = import_file(folder, "brat", "zoe", news_schema)
    assert [r.doc_id for r in result.records] == ["a"]  # not b with its good span only
    assert (len(result.problems), result.skipped) == (2, 1)


def test_line_formats_count_a_record_per_line(tmp_path: Path, news_schema: LabelSchema):
    good = make_record("d1", spans=[span("a", *HUN_SEN)])
    unknown = make_record("d2", spans=[span("a", *HUN_SEN, "WIZARD"), span("b", *TRONG, "ELF")])
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl_line(good) + b"{broken\n" + jsonl_line(unknown))
    result = import_file(path, "jsonl", "bob", news_schema)
    assert [r.doc_id for r in result.records] == ["d1"]
    assert (len(result.problems), result.skipped) == (3, 2)


def test_the_text_format_counts_files_of_a_folder(tmp_path: Path, news_schema: LabelSchema):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Hun Sen spoke.", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"caf\xe9\n\xff\n")
    (folder / "c.txt").write_text(" \n", encoding="utf-8")
    result = import_file(folder, "text", "bob", news_schema)
    assert [r.doc_id for r in result.records] == ["a"]
    assert result.skipped == 2


def test_warnings_are_apart_from_problems_and_keep_nothing_out(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    twice = make_record("d1", spans=[span("a", *HUN_SEN), span("b", *HUN_SEN)])
    path = _lines(tmp_path / "a.jsonl", twice)
    result = import_file(path, "jsonl", "bob", news_schema)
    assert (result.problems, result.skipped) == ([], 0)
    assert [type(w) for w in result.warnings] == [InputWarning]
    assert [r.doc_id for r in result.records] == ["d1"]


# -- 3. duplicates and re-imports ------------------------------------------------------------


def test_duplicate_spans_are_kept_once_and_their_relations_moved(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    record = make_record(
        spans=[span("a", *HUN_SEN), span("b", *TRONG), span("a2", *HUN_SEN), span("b2", *TRONG)],
        relations=[relation("r1", "a2", "b2")],
        rejected=[span("x", *HA_NOI, "GPE"), span("y", *HA_NOI, "GPE")],
    )
    path = _lines(tmp_path / "a.jsonl", record)
    result = import_file(path, "jsonl", "bob", news_schema)
    assert result.problems == []  # the copies no longer overlap their originals
    [back] = result.records
    assert [s.id for s in back.spans] == ["a", "b"]
    assert [s.id for s in back.rejected] == ["x"]
    assert [(r.id, r.head, r.child) for r in back.relations] == [("r1", "a", "b")]
    assert [str(w) for w in result.warnings] == [
        f"{path}:1: 3 duplicate span(s) (same start, end and label) kept once; their relations "
        "now join the span kept"
    ]


def test_duplicate_relations_are_kept_once_with_one_warning(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    record = make_record(
        spans=[span("a", *HUN_SEN), span("b", *TRONG), span("b2", *TRONG)],
        relations=[relation("r1", "a", "b"), relation("r2", "a", "b"), relation("r3", "a", "b2")],
        rejected_relations=[relation("q1", "b", "a"), relation("q2", "b", "a")],
    )
    path = _lines(tmp_path / "a.jsonl", record)
    result = import_file(path, "jsonl", "bob", news_schema)
    [back] = result.records
    assert [r.id for r in back.relations] == ["r1"]
    assert [r.id for r in back.rejected_relations] == ["q1"]
    assert [w.message for w in result.warnings] == [
        "1 duplicate span(s) (same start, end and label) kept once; their relations now join "
        "the span kept",
        "3 duplicate relation(s) (same head, child and label) kept once",
    ]


def test_a_doc_id_twice_in_a_file_is_a_warning_and_both_are_imported(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    first, other = make_record("d1", note="first"), make_record("d2")
    later = make_record("d1", note="later")
    path = _lines(tmp_path / "a.jsonl", first, other, later)
    result = import_file(path, "jsonl", "bob", news_schema)
    assert [(r.doc_id, r.note) for r in result.records] == [
        ("d1", "first"),
        ("d2", ""),
        ("d1", "later"),
    ]
    assert result.problems == []
    assert [str(w) for w in result.warnings] == [
        f"{path}:3: doc_id 'd1' on lines 1 and 3: the later is stored as the newer version"
    ]


def test_an_import_of_what_is_stored_appends_nothing(tmp_path: Path, news_schema: LabelSchema):
    records = [make_record("d1", spans=[span("a", *HUN_SEN)]), make_record("d2")]
    path = _lines(tmp_path / "a.jsonl", *records)
    dataset = open_dataset("imp", tmp_path / "annotations")
    first = import_into(dataset, path, "jsonl", "bob", news_schema)
    assert (len(first.records), first.unchanged) == (2, 0)
    stored = tmp_path / "annotations" / "imp" / "bob.jsonl"
    size = stored.stat().st_size
    again = import_into(dataset, path, "jsonl", "bob", news_schema)  # created_at differs
    assert (again.records, again.unchanged) == ([], 2)
    assert stored.stat().st_size == size


def test_a_stored_version_comes_back_newest_when_a_file_changes_it_and_back(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    stored, edited = make_record("d1", note="a"), make_record("d1", note="b")
    dataset = open_dataset("imp", tmp_path / "annotations")
    import_into(dataset, _lines(tmp_path / "one.jsonl", stored), "jsonl", "bob", news_schema)
    path = _lines(tmp_path / "two.jsonl", edited, stored, make_record("d2"), make_record("d2"))
    result = import_into(dataset, path, "jsonl", "bob", news_schema)
    assert ([r.note for r in result.records], result.unchanged) == (["b", "a", "", ""], 0)
    with dataset.open("bob") as log:
        newest = log.newest("d1")
    assert newest is not None
    assert newest.note == "a"


# -- 4. one byte order mark rule ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy"])
def test_a_byte_order_mark_before_the_first_line_is_dropped(
    tmp_path: Path, news_schema: LabelSchema, fmt: str
) -> None:
    record = make_record("d1", spans=[span("a", *HUN_SEN)])
    path = tmp_path / "a.jsonl"
    path.write_bytes(BOM + jsonl_line(record) if fmt == "jsonl" else BOM + orjson.dumps(
        {"text": DEFAULT_TEXT, "meta": {"id": "d1"}, "spans": [
            {"start": 0, "end": 7, "label": "PERSON"}]}) + b"\n")  # fmt: skip
    result = import_file(path, fmt, "bob", news_schema)
    assert result.problems == []
    assert [(r.doc_id, r.text) for r in result.records] == [("d1", DEFAULT_TEXT)]


def test_a_record_text_that_begins_with_the_mark_loses_it_and_its_offsets_move(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    text = "\ufeff" + DEFAULT_TEXT
    record = make_record("d1", text, spans=[span("a", 0, 8), span("b", 13, 29)])
    path = _lines(tmp_path / "a.jsonl", record)
    [back] = import_file(path, "jsonl", "bob", news_schema).records
    assert (back.text, back.text_sha1) == (DEFAULT_TEXT, text_sha1(DEFAULT_TEXT))
    assert [(s.start, s.end) for s in back.spans] == [HUN_SEN, TRONG]


def test_the_same_text_with_a_mark_is_one_text_whichever_way_it_is_read(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_bytes(BOM + DEFAULT_TEXT.encode())
    lines = tmp_path / "corpus.jsonl"
    lines.write_bytes(BOM + orjson.dumps({"id": "a", "text": "\ufeff" + DEFAULT_TEXT}) + b"\n")
    expected = text_sha1(DEFAULT_TEXT)
    as_text = import_file(folder / "a.txt", "text", "bob", news_schema).records
    as_lines = import_file(lines, "text", "bob", news_schema).records
    assert [r.text_sha1 for r in [*as_text, *as_lines]] == [expected, expected]
    assert [d.text_sha1 for d in [*Corpus(folder), *Corpus(lines)]] == [expected, expected]
