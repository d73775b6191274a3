"""Reading corpora: the seeds folder, JSONL files, single files, stdin, and bad input."""

from __future__ import annotations

import inspect
import io
from pathlib import Path

import orjson
import pytest

from redline.corpus import Corpus, index_cache_folder
from redline.errors import InputError, RedlineError, display_path
from redline.schema.records import text_sha1
from tests.support.data import SEEDS


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- folders of .txt ---------------------------------------------------------------------------


def test_seeds_folder() -> None:
    corpus = Corpus(SEEDS)
    docs = list(corpus)
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    assert [d.doc_id for d in docs] == [p.stem for p in files]
    assert [d.doc_id for d in docs] == sorted(d.doc_id for d in docs)
    for doc, file in zip(docs, files, strict=True):
        assert doc.text == file.read_text(encoding="utf-8")
        assert doc.text_sha1 == text_sha1(doc.text)
        assert doc.meta["source"].endswith(file.name)
    assert corpus.problems == []
    assert corpus.skipped == 0
    assert corpus.size_hint() == 5
    assert corpus.name == "seeds"
    assert "Việt Nam" in "".join(d.text for d in docs)


def test_corpus_is_streamed_and_can_be_iterated_again() -> None:
    corpus = Corpus(SEEDS)
    stream = iter(corpus)
    assert inspect.isgenerator(stream)
    first = next(stream)
    assert first.doc_id == sorted(p.stem for p in SEEDS.glob("*.txt"))[0]
    assert [d.doc_id for d in corpus] == [d.doc_id for d in Corpus(SEEDS)]


def test_folder_reads_only_visible_txt_files_sorted(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Bee.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Ay.", encoding="utf-8")
    (tmp_path / "10.txt").write_text("Ten.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Not a text.", encoding="utf-8")
    (tmp_path / "data.jsonl").write_text('{"text": "no"}\n', encoding="utf-8")
    corpus = Corpus(tmp_path)
    assert [d.doc_id for d in corpus] == ["10", "a", "b"]
    assert corpus.size_hint() == 3
    assert corpus.problems == []


def test_text_keeps_crlf_and_drops_bom(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeffLine one\r\nHà Nội\r\n".encode())
    (doc,) = Corpus(tmp_path)
    assert doc.text == "Line one\r\nHà Nội\r\n"


def test_missing_source_and_folder_without_txt(tmp_path: Path) -> None:
    with pytest.raises(RedlineError, match="no such file or folder"):
        Corpus(tmp_path / "nope")
    (tmp_path / "x.md").write_text("x", encoding="utf-8")
    with pytest.raises(RedlineError, match=r"no \.txt files"):
        Corpus(tmp_path)


def test_single_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "article-7.txt"
    path.write_text("Hun Sen visited Hà Nội.", encoding="utf-8")
    corpus = Corpus(path)
    (doc,) = corpus
    assert doc.doc_id == "article-7"
    assert doc.text == "Hun Sen visited Hà Nội."
    assert corpus.size_hint() == 1
    assert corpus.name == "article-7"


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "bad_utf8.txt": (b"Hello\nwor\xffld\n", "bad_utf8.txt:2: invalid UTF-8 (byte 0xff"),
    "empty.txt": (b"", "empty.txt: empty file; skipped"),
    "blank.txt": (b"  \n\t\n", "blank.txt: empty file; skipped"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.txt: binary data (NUL"),
}


def test_bad_txt_files_are_one_problem_each_and_untouched(tmp_path: Path) -> None:
    (tmp_path / "a_good.txt").write_text("First good document.", encoding="utf-8")
    (tmp_path / "z_good.txt").write_text("Last good document.", encoding="utf-8")
    for name, (raw, _) in BAD_FILES.items():
        (tmp_path / name).write_bytes(raw)
    before = _snapshot(tmp_path)
    corpus = Corpus(tmp_path)
    docs = list(corpus)
    assert [d.doc_id for d in docs] == ["a_good", "z_good"]
    assert corpus.skipped == len(BAD_FILES)
    messages = sorted(str(p) for p in corpus.problems)
    for name, (_, expected) in BAD_FILES.items():
        hits = [m for m in messages if Path(m.split(":")[0]).name == name]
        assert len(hits) == 1, (name, messages)
        assert expected in hits[0], (expected, hits[0])
        assert "\n" not in hits[0]
    assert all(isinstance(p, InputError) for p in corpus.problems)
    assert _snapshot(tmp_path) == before
    # problems are per iteration, not accumulated
    list(corpus)
    assert corpus.skipped == len(BAD_FILES)


def test_bad_single_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9")
    corpus = Corpus(path)
    assert list(corpus) == []
    (problem,) = corpus.problems
    assert str(problem) == f"{path}:1: invalid UTF-8 (byte 0xe9 at offset 3); skipped"


# -- JSONL -----------------------------------------------------------------------------------


def _jsonl(path: Path, *items: object) -> Path:
    lines = [item if isinstance(item, bytes) else orjson.dumps(item) for item in items]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_jsonl_ids(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "news.jsonl",
        {"id": "a-1", "text": "One."},
        {"doc_id": "b-2", "text": "Two.", "id": "ignored"},
        {"text": "Three.", "meta": {"id": "c-3", "title": "T"}},
        {"text": "Four, no id at all."},
        {"id": 7, "text": "Five."},
        {"id": "", "text": "Six.", "meta": {"id": "f-6"}},
    )
    corpus = Corpus(path)
    docs = list(corpus)
    assert corpus.problems == []
    assert [d.doc_id for d in docs] == [
        "a-1",
        "b-2",
        "c-3",
        text_sha1("Four, no id at all.")[:16],
        "7",
        "f-6",
    ]
    assert docs[2].meta["title"] == "T"
    assert docs[0].meta["source"] == f"{path}:1"
    assert docs[5].meta["source"] == f"{path}:6"
    assert corpus.size_hint() == 6
    assert corpus.name == "news"


def test_jsonl_hash_id_is_stable(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "a.jsonl", {"text": "Same text."})
    assert [d.doc_id for d in Corpus(path)] == [d.doc_id for d in Corpus(path)]


def test_jsonl_extra_fields_go_to_meta(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "a.jsonl",
        {
            "id": "x",
            "text": "T.",
            "title": "Hà Nội",
            "date": "2023-04-18",
            "_private": 1,
            "meta": {"title": "kept"},
        },
    )
    (doc,) = Corpus(path)
    assert doc.meta["title"] == "kept"  # meta wins over a top-level field of the same name
    assert doc.meta["date"] == "2023-04-18"
    assert "_private" not in doc.meta
    assert "text" not in doc.meta


def test_jsonl_text_round_trips_unicode_exactly(tmp_path: Path) -> None:
    text = 'Việt Nam 😀\u2028\r\n"q" \\ \x00 end'
    path = _jsonl(tmp_path / "a.jsonl", {"id": "u", "text": text})
    (doc,) = Corpus(path)
    assert doc.text == text


def test_bad_jsonl_lines_are_one_problem_each(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "mixed.jsonl",
        {"id": "good-1", "text": "First."},  # 1
        b'{"id": "u", "text": "caf\xe9"}',  # 2 invalid UTF-8
        {"id": "no-text", "title": "x"},  # 3 missing "text"
        b'["not", "an", "object"]',  # 4 non-object
        b'{"id": "broken", "text": "unterminated}',  # 5 invalid JSON
        {"id": "good-1", "text": "Duplicate id."},  # 6 duplicate id
        b"",  # 7 blank line: not a problem
        {"id": "n", "text": 42},  # 8 text not a string
        {"id": "e", "text": "   "},  # 9 empty text
        {"id": True, "text": "Bool id."},  # 10 bool id
        {"id": "m", "text": "Meta list.", "meta": [1]},  # 11 meta not an object
        b"42",  # 12 a number
        {"id": "good-2", "text": "Last."},  # 13
    )
    before = path.read_bytes()
    corpus = Corpus(path)
    docs = list(corpus)
    assert [d.doc_id for d in docs] == ["good-1", "good-2"]
    assert docs[0].text == "First."
    expected = {
        2: "invalid UTF-8",
        3: 'no "text" field',
        4: "expected a JSON object, got list",
        5: "invalid JSON",
        6: "duplicate doc_id 'good-1'",
        8: '"text" must be a string',
        9: 'empty "text"',
        10: "id must be a string or an integer",
        11: '"meta" must be a JSON object',
        12: "expected a JSON object, got int",
    }
    assert [p.location.line for p in corpus.problems] == sorted(expected)
    for problem in corpus.problems:
        message = str(problem)
        line = problem.location.line
        assert message.startswith(f"{path}:{line}: "), message
        assert expected[line] in message, message
        assert "\n" not in message
    assert corpus.skipped == len(expected)
    assert path.read_bytes() == before


def test_jsonl_nul_byte_line_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": "a", "text": "ok"}\n\x00\x00\x00\n{"id": "b", "text": "ok"}\n')
    corpus = Corpus(path)
    assert [d.doc_id for d in corpus] == ["a", "b"]
    (problem,) = corpus.problems
    assert str(problem).startswith(f"{path}:2: binary data")


def test_jsonl_bom_on_first_line_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "one"}\r\n{"id": "b", "text": "two"}\r\n')
    corpus = Corpus(path)
    assert [d.text for d in corpus] == ["one", "two"]
    assert corpus.problems == []


def test_empty_jsonl_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    corpus = Corpus(path)
    assert list(corpus) == []
    assert corpus.size_hint() == 0


# -- stdin -------------------------------------------------------------------------------------


def test_stdin_plain_text() -> None:
    corpus = Corpus("-", stdin=io.BytesIO("Hun Sen met Nguyễn Phú Trọng.\n".encode()))
    assert corpus.name == "stdin"
    (doc,) = corpus
    assert doc.text == "Hun Sen met Nguyễn Phú Trọng.\n"
    assert corpus.problems == []
    # stdin is read once, and the corpus can still be iterated again
    assert [d.text for d in corpus] == [doc.text]


def test_stdin_jsonl() -> None:
    raw = b'{"id": "a", "text": "One."}\nnot json\n{"id": "b", "text": "Two."}\n'
    corpus = Corpus("-", stdin=io.BytesIO(raw))
    assert [d.doc_id for d in corpus] == ["a", "b"]
    (problem,) = corpus.problems
    assert str(problem).startswith("<stdin>:2: invalid JSON")


def test_stdin_jsonl_size_hint() -> None:
    raw = b'{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n'
    assert Corpus("-", stdin=io.BytesIO(raw)).size_hint() == 2


def test_stdin_bad_input() -> None:
    corpus = Corpus("-", stdin=io.BytesIO(b"\xff\xfe bad"))
    assert list(corpus) == []
    (problem,) = corpus.problems
    assert str(problem).startswith("<stdin>:1: invalid UTF-8")
    empty = Corpus("-", stdin=io.BytesIO(b""))
    assert list(empty) == []
    assert [str(p) for p in empty.problems] == ["<stdin>: empty file; skipped"]


def test_stdin_plain_text_doc_id_is_stable() -> None:
    first = [d.doc_id for d in Corpus("-", stdin=io.BytesIO(b"Same text."))]
    second = [d.doc_id for d in Corpus("-", stdin=io.BytesIO(b"Same text."))]
    assert first == second


def _big_corpus(path: Path, count: int = 1100) -> None:
    lines = [
        orjson.dumps({"id": f"n{k:05d}", "text": f"Article {k} about Hun Sen."})
        for k in range(count)
    ]
    lines[10] = b'{"id": "broken", "text": 3}'
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_index_of_a_big_jsonl_corpus_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    corpus_path = tmp_path / "big.jsonl"
    _big_corpus(corpus_path)
    fresh_corpus = Corpus(corpus_path)
    fresh = fresh_corpus.index().finish()
    cached_files = list(index_cache_folder().glob("*.index"))
    assert cached_files, "no index cache was written"
    expected = f'{display_path(corpus_path)}:11: "text" must be a string, not int; skipped'
    assert [str(p) for p in fresh_corpus.problems] == [expected]

    again_corpus = Corpus(corpus_path)
    again = again_corpus.index()
    assert again.doc_ids == fresh.doc_ids
    assert [str(p) for p in again_corpus.problems] == [str(p) for p in fresh_corpus.problems]
    assert again.document(again.position("n01099")).text == "Article 1099 about Hun Sen."

    # an appended document is seen: the file's size changed, so it is indexed anew
    with corpus_path.open("ab") as handle:
        handle.write(orjson.dumps({"id": "late", "text": "A late article."}) + b"\n")
    late = Corpus(corpus_path).index().finish()
    assert late.doc_ids[-1] == "late"
    assert late.document(len(late) - 1).text == "A late article."


def test_a_damaged_index_cache_is_ignored(tmp_path: Path) -> None:
    corpus_path = tmp_path / "big.jsonl"
    _big_corpus(corpus_path)
    first = Corpus(corpus_path).index().finish()
    for cache_file in index_cache_folder().glob("*.index"):
        cache_file.write_bytes(b'{"format": 1, "doc_ids": [')
    assert Corpus(corpus_path).index().finish().doc_ids == first.doc_ids


def test_the_index_reads_only_as_far_as_it_is_asked(tmp_path: Path) -> None:
    corpus_path = tmp_path / "big.jsonl"
    _big_corpus(corpus_path)
    corpus = Corpus(corpus_path)
    index = corpus.index()
    assert index.document(0).text == "Article 0 about Hun Sen."
    assert len(index.doc_ids) == 1
    assert not index.complete
    assert list(zip(range(20), index.iter_ids(), strict=False))[-1] == (19, "n00020")
    assert len(index.doc_ids) == 20
    assert corpus.problems  # line 11 was read on the way
    # a document not indexed yet is looked up by reading on
    assert index.position("n01000") == 999
    assert index.complete
    assert len(index) == 1099
    assert not index.has(1099)
