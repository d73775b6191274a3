"""Texts over spaCy's ``max_length``: the tokenizer takes them whole, the suggester in pieces.

The real model throughout. Where a test needs a text over the model's limit but cannot
afford to parse a million characters, it lowers the real pipeline's ``max_length`` (the
limit the suggester cuts by) instead of making the text longer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from redline.schema import Annotation, Document, load_schema
from redline.schema.labels import LabelSchema
from redline.suggest import Suggester
from redline.suggest.pieces import TextTooLongError, cut_pieces
from redline.suggest.uncertainty import uncertainties
from redline.tokens import blank, tokenize

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
BOOM = "Kaboom Kaboom Kaboom"


@Language.component("test_fails_on_kaboom")
def _fails_on_kaboom(doc: Doc) -> Doc:
    """A component of a user's pipeline that breaks on one text (here: any with BOOM)."""
    if BOOM in doc.text:
        raise ValueError("this component cannot read kaboom\nsecond line of the message")
    return doc


@pytest.fixture(scope="module")
def schema() -> LabelSchema:
    return load_schema(REPO / "schema" / "news.toml")


@pytest.fixture(scope="module")
def seeds_text() -> str:
    return "\n\n".join(path.read_text(encoding="utf-8") for path in SEEDS)


def _limited(schema: LabelSchema, limit: int) -> Suggester:
    suggester = Suggester(schema)
    suggester.nlp.max_length = limit
    return suggester


def _keys(record: Annotation) -> tuple[list[tuple[int, int, str]], set[tuple[str, str, str]]]:
    by_id = {s.id: s for s in record.spans}
    spans = [(s.start, s.end, s.label) for s in record.spans]
    relations = {
        (record.span_text(by_id[r.head]), record.span_text(by_id[r.child]), r.label)
        for r in record.relations
    }
    return spans, relations


# -- cutting ----------------------------------------------------------------------------


def test_pieces_cut_at_paragraphs_then_sentences_then_whitespace() -> None:
    paragraphs = "One two. Three four.\n\nFive six. Seven eight."
    assert cut_pieces(paragraphs, 30) == [(0, 22), (22, 44)]  # after the blank line
    sentences = "One two. Three four. Five six."
    assert cut_pieces(sentences, 25) == [(0, 21), (21, 30)]  # after "four. "
    words = "one two three four five six"
    assert cut_pieces(words, 10) == [(0, 8), (8, 14), (14, 24), (24, 27)]  # after a space
    for text, limit in ((paragraphs, 30), (sentences, 25), (words, 10)):
        pieces = cut_pieces(text, limit)
        assert all(end - start <= limit for start, end in pieces)
        assert "".join(text[s:e] for s, e in pieces) == text
        assert all(text[e - 1].isspace() for _, e in pieces[:-1])  # no token is split
    assert cut_pieces("short", 10) == [(0, 5)]


def test_a_stretch_without_whitespace_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(TextTooLongError, match=r"limit of 10 characters"):
        cut_pieces("ok " + "x" * 20, 10)


# -- the tokenizer: linear, so no limit -----------------------------------------------------


def test_the_tokenizer_takes_a_text_over_spacys_max_length() -> None:
    text = "Hun Sen met Tô Lâm. " * 50_000 + "x"  # 1,000,001 characters
    assert len(text) == 1_000_001
    tokens = tokenize(text)
    assert len(tokens) == 6 * 50_000 + 1
    assert text[slice(*tokens[-2])] == "."
    assert blank("en").make_doc(text).text == text  # what the formats cut texts with


# -- the suggester: in pieces ---------------------------------------------------------------


def test_a_text_over_the_models_limit_is_suggested_in_pieces_as_a_whole(
    schema: LabelSchema, seeds_text: str
) -> None:
    """Cut at paragraph breaks, the pieces find exactly what the whole text does, at the
    whole text's offsets (relations included)."""
    document = Document.from_text("long", seeds_text)
    (whole,) = Suggester(schema).suggest([document])
    limited = _limited(schema, 3_000)
    assert len(limited.pieces(document)) >= 4
    (pieced,) = limited.suggest([document])
    assert _keys(pieced) == _keys(whole)
    assert len(pieced.spans) > 100
    assert len(pieced.relations) > 10
    assert len({s.id for s in pieced.spans}) == len(pieced.spans)


def test_a_document_that_cannot_be_analysed_is_left_out_and_the_others_kept(
    schema: LabelSchema,
) -> None:
    suggester = _limited(schema, 50)
    suggester.nlp.add_pipe("test_fails_on_kaboom")
    texts = {
        "a": "Hun Sen met Tô Lâm in Hà Nội.",
        "unbroken": "x" * 60,  # no whitespace to cut at under the limit
        "b": "Prime Minister Hun Sen spoke.",
        "boom": f"Hun Sen said {BOOM}.",  # the pipeline itself fails
        "c": "Tô Lâm visited Phnom Penh on Monday. Hun Sen met him there.",  # two pieces
    }
    documents = [Document.from_text(doc_id, text) for doc_id, text in texts.items()]
    failed: list[tuple[str, str]] = []
    records = list(
        suggester.suggest(
            documents,
            batch_size=2,
            on_failure=lambda document, error: failed.append((document.doc_id, str(error))),
        )
    )
    assert [r.doc_id for r in records] == ["a", "b", "c"]
    assert [doc_id for doc_id, _ in failed] == ["unbroken", "boom"]
    assert "limit of 50 characters" in failed[0][1]
    last = records[-1]
    assert {last.span_text(s) for s in last.spans} >= {"Tô Lâm", "Hun Sen", "Phnom Penh"}
    with pytest.raises(ValueError, match="kaboom"):  # without a handler the error stops it
        list(suggester.suggest(documents[3:4]))


def test_uncertainty_of_a_long_text_is_the_sum_over_its_pieces(
    schema: LabelSchema, seeds_text: str
) -> None:
    limited = _limited(schema, 3_000)
    document = Document.from_text("long", seeds_text)
    (pieced,) = uncertainties(limited, [document])
    pieces = [Document.from_text(f"p{n}", seeds_text[s:e]) for n, (s, e) in
              enumerate(limited.pieces(document))]  # fmt: skip
    assert pieced == pytest.approx(sum(uncertainties(limited, pieces)))
    assert pieced > 0
