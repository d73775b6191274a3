"""Spans that start or end inside a spaCy token ("Hun Sen" of the one token "Sen."): every
import keeps their offsets, the exports that need tokens cut the token at the span's edge,
and agreement and evaluation count them by their characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

from redline.errors import Location
from redline.formats.brat import export_brat, import_brat
from redline.formats.conll import conll_lines
from redline.formats.export import export_records
from redline.formats.importing import import_file, import_into
from redline.formats.prodigy import from_prodigy, to_prodigy
from redline.formats.spacy_docbin import from_docbin
from redline.metrics.kappa import token_cohen_kappa
from redline.metrics.report import agreement_report, evaluation_report
from redline.schema import Annotation, LabelSchema, Span, load_schema, text_sha1
from redline.store import open_dataset
from redline.tokens import blank, loose_edge, split_tokens, tokenize
from redline.training.data import docbin_of
from tests.support.data import NEWS_SCHEMA, jsonl_line, make_record, span

TEXT = "President Hun Sen. He met the press in Phnom Penh."
HUN_SEN = (TEXT.index("Hun"), TEXT.index("Sen") + 3)  # [10, 17): no full stop
PHNOM_PENH = (TEXT.index("Phnom"), TEXT.index("Penh") + 4)
CUT_WORDS = ["President", "Hun", "Sen", ".", "He", "met", "the", "press", "in"]
CUT_WORDS += ["Phnom", "Penh", "."]


def _record(annotator: str = "alice", end: int = HUN_SEN[1]) -> Annotation:
    return make_record(
        "hun-sen",
        TEXT,
        spans=[span("a", HUN_SEN[0], end), span("b", *PHNOM_PENH, "GPE")],
        annotator=annotator,
    )


def _offsets(record: Annotation) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in record.spans]


def test_split_tokens_cuts_inside_tokens_only() -> None:
    tokens = tokenize(TEXT)[:3]
    # the premise of every test here: spaCy keeps the full stop in "Sen."
    assert [TEXT[s:e] for s, e in tokens] == ["President", "Hun", "Sen."]
    # 10 and 13 are already edges; 12 and 17 fall inside; 30 is past every token
    cut = [(0, 9), (10, 12), (12, 13), (14, 17), (17, 18)]
    assert split_tokens(tokens, {10, 12, 13, 17, 30}) == cut
    assert split_tokens(tokens, ()) == tokens


# -- imports: the offsets as they are -------------------------------------------------------


def test_jsonl_import_keeps_a_span_inside_a_token(tmp_path: Path, news_schema: LabelSchema) -> None:
    path = tmp_path / "alice.jsonl"
    path.write_bytes(jsonl_line(_record()))
    result = import_file(path, "jsonl", "bob", news_schema)
    assert result.problems == []
    assert [_offsets(r) for r in result.records] == [_offsets(_record())]


def test_a_span_with_whitespace_at_an_edge_is_still_refused(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    loose = make_record("loose", TEXT, spans=[span("a", HUN_SEN[0], HUN_SEN[1] + 2)])
    assert loose_edge(TEXT, HUN_SEN[0], HUN_SEN[1] + 2)  # "Hun Sen. " ends with a space
    path = tmp_path / "alice.jsonl"
    path.write_bytes(jsonl_line(loose))
    result = import_file(path, "jsonl", "bob", news_schema)
    assert result.records == []
    assert ["begins or ends with whitespace" in p.message for p in result.problems] == [True]


def test_brat_writes_and_reads_the_span_unchanged(tmp_path: Path, news_schema: LabelSchema) -> None:
    export_brat([_record()], tmp_path, news_schema)
    ann = (tmp_path / "hun-sen.ann").read_text(encoding="utf-8").splitlines()
    assert ann[0] == f"T1\tPERSON {HUN_SEN[0]} {HUN_SEN[1]}\tHun Sen"
    records, problems = import_brat(tmp_path, "bob", news_schema)
    assert problems == []
    assert [_offsets(r) for r in records] == [_offsets(_record())]
    result = import_file(tmp_path, "brat", "bob", news_schema)
    assert (result.problems, [_offsets(r) for r in result.records]) == ([], [_offsets(_record())])


# -- exports that need tokens: the token is cut at the span's edge --------------------------


def test_prodigy_cuts_the_token_and_comes_back_the_same(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    record = _record()
    task = to_prodigy(record)
    tokens = task["tokens"]
    assert [t["text"] for t in tokens] == CUT_WORDS
    assert [(t["text"], t["ws"]) for t in tokens[2:4]] == [("Sen", False), (".", True)]
    person = task["spans"][0]
    assert (person["start"], person["end"]) == HUN_SEN
    assert [t["text"] for t in tokens[person["token_start"] : person["token_end"] + 1]] == [
        "Hun",
        "Sen",
    ]
    assert (tokens[person["token_start"]]["start"], tokens[person["token_end"]]["end"]) == HUN_SEN
    [path] = export_records([record], "prodigy", tmp_path / "tasks.jsonl", news_schema)
    result = import_file(path, "prodigy", record.annotator, news_schema)
    assert result.problems == []
    assert result.records == [record]


def test_spacy_docbin_cuts_the_token_and_comes_back_the_same(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    record = _record().model_copy(update={"rejected": [span("x", 0, HUN_SEN[1], "ORG")]})
    [path] = export_records([record], "spacy", tmp_path, news_schema)
    [doc] = DocBin(store_user_data=True).from_bytes(path.read_bytes()).get_docs(blank().vocab)
    assert [t.text for t in doc] == CUT_WORDS
    assert [(t.text, t.whitespace_) for t in doc[2:4]] == [("Sen", ""), (".", " ")]
    assert doc.text == TEXT
    assert [(e.text, e.start_char, e.end_char) for e in doc.ents] == [
        ("Hun Sen", *HUN_SEN),
        ("Phnom Penh", *PHNOM_PENH),
    ]
    assert [s.text for s in doc.spans["incorrect_spans"]] == ["President Hun Sen"]
    [back] = from_docbin(path)
    assert _offsets(back) == _offsets(record)
    assert [(s.start, s.end) for s in back.rejected] == [(0, HUN_SEN[1])]


def test_conll_cuts_the_token() -> None:
    lines = list(conll_lines(_record()))
    assert lines[2:6] == ["President\tO", "Hun\tB-PERSON", "Sen\tI-PERSON", ".\tO"]
    assert [line.split("\t")[0] for line in lines if "\t" in line] == CUT_WORDS


def test_training_docs_hold_the_span_to_its_characters() -> None:
    """Chosen over growing the span to "Hun Sen.": the annotator took the full stop out."""
    nlp = blank()
    [doc] = docbin_of([_record()], nlp).get_docs(nlp.vocab)
    assert [e.text for e in doc.ents] == ["Hun Sen", "Phnom Penh"]


# -- agreement and evaluation: by the characters --------------------------------------------


def _imported(tmp_path: Path, schema: LabelSchema, **records: Annotation) -> Any:
    dataset = open_dataset("news", tmp_path / "annotations")
    for name, record in records.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(jsonl_line(record))
        assert import_into(dataset, path, "jsonl", name, schema).problems == []
    return dataset


def test_agreement_and_evaluation_match_a_span_inside_a_token_both_have(
    tmp_path: Path, news_schema: LabelSchema
) -> None:
    dataset = _imported(tmp_path, news_schema, ana=_record(), ben=_record(), gold=_record())
    report = agreement_report(dataset, ["ana", "ben"])
    pair = ("ana", "ben")
    assert (report.exact[pair].overall.tp, report.exact[pair].overall.f1) == (2, 1.0)
    kappa = report.token_kappa[pair]
    assert (kappa.value, kappa.units) == (1.0, len(CUT_WORDS))  # "Sen" and "." are two units
    assert report.alpha is not None
    assert (report.alpha.value, report.alpha.units) == (1.0, len(CUT_WORDS))
    assert report.alpha_u is not None
    assert report.alpha_u.value == 1.0
    evaluation = evaluation_report(dataset, gold="gold", pred="ana")
    assert (evaluation.exact.overall.tp, evaluation.exact.overall.f1) == (2, 1.0)


def test_token_kappa_sees_a_boundary_inside_a_token() -> None:
    """ "Hun Sen" against "Hun Sen." share the token "Sen.", yet they differ on the full stop."""
    ana = [_record("ana")]
    ben = [_record("ben", end=HUN_SEN[1] + 1)]
    score = token_cohen_kappa(ana, ben)
    assert score.units == len(CUT_WORDS)
    assert score.value is not None
    assert score.value < 1.0


# -- generated spans at any character --------------------------------------------------------

SCHEMA = load_schema(NEWS_SCHEMA)
WORDS = ["Hun", "Sen.", "Phnom", "Penh,", "U.S.", "don't", "COVID-19", "“quoted”", "Trọng", "😀"]
SEPARATORS = [" ", " ", " ", "  ", "\n", " \n"]


def _extents(draw: st.DrawFn, text: str, most: int) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) at any character, none with whitespace at an edge."""
    points = sorted(draw(st.sets(st.integers(0, len(text)), max_size=2 * most)))
    pairs = [(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]
    return [(s, e) for s, e in pairs if not loose_edge(text, s, e)]


@st.composite
def cut_records(draw: st.DrawFn) -> Annotation:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
    text = words[0]
    for word in words[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + word

    def spans(prefix: str, most: int) -> list[Span]:
        return [
            span(f"{prefix}{n}", s, e, draw(st.sampled_from(["PERSON", "ORG", "GPE"])))
            for n, (s, e) in enumerate(_extents(draw, text, most), start=1)
        ]

    return Annotation(
        doc_id="d",
        text=text,
        text_sha1=text_sha1(text),
        spans=spans("s", 5),
        rejected=spans("x", 2),  # may overlap the accepted ones: more cuts
        annotator="alice",
    )


SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(record=cut_records())
def test_any_span_comes_back_from_prodigy_spacy_and_brat(
    tmp_path_factory: pytest.TempPathFactory, record: Annotation
) -> None:
    line = orjson.dumps(to_prodigy(record))
    assert from_prodigy(orjson.loads(line), "alice", Location("p.jsonl", 1)) == record

    folder = tmp_path_factory.mktemp("out")
    [path] = export_records([record], "spacy", folder, SCHEMA)
    [back] = from_docbin(path)
    assert back.text == record.text
    assert _offsets(back) == _offsets(record)
    assert [(s.start, s.end) for s in back.rejected] == [(s.start, s.end) for s in record.rejected]

    export_brat([record], folder, SCHEMA)
    [read], problems = import_brat(folder, "alice", SCHEMA)
    assert problems == []
    assert _offsets(read) == _offsets(record)
