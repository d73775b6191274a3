"""Round trips through every format, on generated valid records; import_file and atomicity."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.errors import Location
from redline.formats.brat import export_brat, import_brat, one_line
from redline.formats.export import export_records
from redline.formats.importing import import_file
from redline.formats.prodigy import from_prodigy, to_prodigy
from redline.formats.spacy_docbin import from_docbin
from redline.schema import Annotation, Relation, Span, SuggestedBy, load_schema, text_sha1
from redline.tokens import tokenize
from tests.support.data import NEWS_SCHEMA, jsonl_line, make_record, span

SCHEMA = load_schema(NEWS_SCHEMA)
# every label, and more often those that relations join
LABELS = [e.label for e in SCHEMA.entities] + ["PERSON", "PERSON", "ORG", "GPE"]
WORDS = [
    "Hun", "Sen", "Việt", "Nam", "met", "the", "Party", "in", "Hà", "Nội", "COVID-19",
    "People's", "CPP", "2023", "U.S.", "“quoted”", "talks", "Phnom", "Penh", ",", "(", ")",
    "😀", "Samdech", "Techo", "Trọng", "Cambodia", "don't",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", " ", "\n", "  ", " \n"]
ORIGINS = ["model", "rule", "annotator"]
EDITS = [None, "accepted", "relabeled", "resized", "added"]
NAMES = st.lists(st.sampled_from(["alice", "bob", "carol"]), min_size=1, max_size=2, unique=True)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _ranges(draw: Any, n_tokens: int, most: int, least: int = 0) -> list[tuple[int, int]]:
    """Non-overlapping token ranges [first, stop) from a sorted set of cut points."""
    size = min(most, n_tokens + 1)
    points = sorted(
        draw(st.sets(st.integers(0, n_tokens), min_size=min(least, size), max_size=size))
    )
    return [(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]


def _span(draw: Any, span_id: str, tokens: list[tuple[int, int]], first: int, stop: int) -> Span:
    return Span(
        id=span_id,
        start=tokens[first][0],
        end=tokens[stop - 1][1],
        label=draw(st.sampled_from(LABELS)),
        origin=draw(st.sampled_from(ORIGINS)),
        edit=draw(st.sampled_from(EDITS)),
        annotators=draw(st.none() | NAMES),
    )


def _relations(draw: Any, spans: list[Span], prefix: str, least: int = 0) -> list[Relation]:
    """Relations only between spans whose labels fit a relation type of the schema."""
    candidates = [
        (head.id, child.id, r.label)
        for head in spans
        for child in spans
        if head.id != child.id
        for r in SCHEMA.relations
        if r.fits(head.label, child.label)
    ]
    if not candidates:
        return []
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=least, max_size=4, unique=True))
    return [
        Relation(
            id=f"{prefix}{n}",
            head=head,
            child=child,
            label=label,
            origin=draw(st.sampled_from(ORIGINS)),
            edit=draw(st.sampled_from(EDITS)),
            annotators=draw(st.none() | NAMES),
        )
        for n, (head, child, label) in enumerate(chosen, start=1)
    ]


@st.composite
def records(draw: Any) -> Annotation:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
    separators = draw(
        st.lists(st.sampled_from(SEPARATORS), min_size=len(words) - 1, max_size=len(words) - 1)
    )
    text = words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))
    tokens = tokenize(text)
    prefix = draw(st.sampled_from(["s", "span-", "e"]))
    spans = [
        _span(draw, f"{prefix}{n}", tokens, first, stop)
        for n, (first, stop) in enumerate(_ranges(draw, len(tokens), 12, least=2), start=1)
    ]
    rejected = [
        _span(draw, f"x{n}", tokens, first, stop)
        for n, (first, stop) in enumerate(_ranges(draw, len(tokens), 4), start=1)
    ]
    meta_keys = st.sampled_from(["title", "date", "source", "doc_id", "id"])
    return Annotation(
        doc_id=draw(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)),
        text=text,
        text_sha1=text_sha1(text),
        meta=draw(st.dictionaries(meta_keys, st.text(max_size=8), max_size=3)),
        spans=spans,
        relations=_relations(draw, spans, "r", least=1),
        rejected=rejected,
        rejected_relations=_relations(draw, [*spans, *rejected], "q"),
        answer=draw(st.sampled_from(["accept", "reject", "ignore"])),
        flagged=draw(st.booleans()),
        note=draw(st.text(max_size=20)),
        annotator=draw(st.sampled_from(["alice", "bob", "model:en_core_web_sm"])),
        created_at=draw(
            st.datetimes(
                min_value=datetime(1990, 1, 1),
                max_value=datetime(2100, 1, 1),
                timezones=st.just(UTC),
            )
        ),
        seconds=draw(st.floats(0, 1e6, allow_nan=False, allow_infinity=False)),
        suggested_by=draw(
            st.none()
            | st.builds(
                SuggestedBy,
                model=st.just("en_core_web_sm"),
                model_version=st.just("3.8.0"),
                schema_name=st.just("news"),
                schema_hash=st.text(string.hexdigits, min_size=12, max_size=12),
            )
        ),
    )


def _span_set(record: Annotation) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in record.spans}


def _relation_set(record: Annotation) -> set[tuple[Any, ...]]:
    by_id = {s.id: (s.start, s.end, s.label) for s in record.spans}
    return {(by_id[r.head], by_id[r.child], r.label) for r in record.relations}


@SETTINGS
@given(record=records())
def test_generated_records_are_valid_for_the_news_schema(record: Annotation) -> None:
    assert SCHEMA.record_problems(record) == []


@SETTINGS
@given(record=records())
def test_ours_to_prodigy_to_ours_is_the_same_record(record: Annotation) -> None:
    line = orjson.dumps(to_prodigy(record))
    back = from_prodigy(orjson.loads(line), record.annotator, Location("p.jsonl", 1))
    assert back == record


@SETTINGS
@given(record=records())
def test_ours_to_brat_to_ours_keeps_spans_relations_and_note(
    tmp_path_factory: pytest.TempPathFactory, record: Annotation
) -> None:
    folder = tmp_path_factory.mktemp("brat")
    export_brat([record], folder, SCHEMA)
    [back], problems = import_brat(folder, "bob", SCHEMA)
    assert problems == []
    assert (back.doc_id, back.text) == (record.doc_id, record.text)
    assert _span_set(back) == _span_set(record)
    assert _relation_set(back) == _relation_set(record)
    # brat's notes belong to an annotation: the record's note comes back as T1's note
    notes = [n["note"] for n in back.foreign.get("brat", {}).get("notes", [])]
    assert notes == ([one_line(record.note)] if record.note and record.spans else [])
    assert back.note == ""


@SETTINGS
@given(record=records())
def test_ours_to_docbin_to_ours_keeps_spans_and_labels(
    tmp_path_factory: pytest.TempPathFactory, record: Annotation
) -> None:
    [path] = export_records([record], "spacy", tmp_path_factory.mktemp("spacy"), SCHEMA)
    [back] = from_docbin(path)
    assert (back.doc_id, back.text, back.answer) == (record.doc_id, record.text, record.answer)

    def plain(spans: list[Span]) -> list[tuple[Any, ...]]:
        return [(s.id, s.start, s.end, s.label, s.origin, s.edit) for s in spans]

    assert plain(back.spans) == plain(record.spans)
    assert plain(back.rejected) == plain(record.rejected)


def test_prodigy_export_and_import_file_round_trip(tmp_path: Path) -> None:
    record = make_record("d1", spans=[span("a", 0, 7)])
    [path] = export_records([record], "prodigy", tmp_path / "tasks.jsonl", SCHEMA)
    result = import_file(path, "prodigy", "alice", SCHEMA)
    assert result.problems == []
    assert result.records == [record]


def test_import_jsonl_replaces_the_annotator_and_names_bad_lines(tmp_path: Path) -> None:
    good = make_record("d1", spans=[span("a", 0, 7)])
    wrong_label = make_record("d2", spans=[span("a", 0, 7, "WIZARD")])
    path = tmp_path / "alice.jsonl"
    path.write_bytes(
        jsonl_line(good) + b"{broken\n" + b"\n" + jsonl_line(wrong_label) + b'{"text": "x"}\n'
    )
    result = import_file(path, "jsonl", "gold", SCHEMA)
    assert result.records == [good.model_copy(update={"annotator": "gold"})]
    assert [str(p.location) for p in result.problems] == [f"{path}:2", f"{path}:4", f"{path}:5"]
    assert "Invalid JSON" in result.problems[0].message
    assert "'WIZARD'" in result.problems[1].message
    assert "Field required" in result.problems[2].message


def test_import_text_gives_records_without_spans(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Hun Sen met Trọng.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    result = import_file(tmp_path, "text", "alice", SCHEMA)
    assert [(r.doc_id, r.text, r.spans, r.annotator) for r in result.records] == [
        ("a", "Hun Sen met Trọng.", [], "alice")
    ]
    assert [str(p) for p in result.problems] == [f"{tmp_path / 'b.txt'}: empty file; skipped"]
    single = import_file(tmp_path / "a.txt", "text", "bob", SCHEMA)
    assert [r.doc_id for r in single.records] == ["a"]


def test_brat_export_with_a_split_writes_two_folders(tmp_path: Path) -> None:
    records = [make_record(f"d{n}", spans=[span("a", 0, 7)]) for n in range(4)]
    paths = export_records(records, "brat", tmp_path / "brat", SCHEMA, dev_fraction=0.5)
    assert paths == [tmp_path / "brat" / "train", tmp_path / "brat" / "dev"]
    for folder in paths:
        assert (folder / "annotation.conf").is_file()
        assert len(list(folder.glob("*.ann"))) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "conll"])
def test_a_failed_export_leaves_the_old_file_and_no_partial_one(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old contents\n")

    def failing() -> Iterator[Annotation]:
        yield make_record("d0")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        export_records(failing(), fmt, target, SCHEMA)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
