"""The public corpora load into records that their schemas accept (bench.corpora)."""

from __future__ import annotations

import pytest

from bench.corpora import CORPORA, load_re3d, load_redocred, missing_reason
from redline.schema.keys import GOLD_ANNOTATOR
from redline.schema.labels import overlapping_neighbours

pytestmark = pytest.mark.skipif(
    missing_reason() is not None, reason=missing_reason() or "corpora present"
)


def _check(corpus, documents: int) -> None:
    assert len(corpus.documents) == len(corpus.gold) == documents
    assert corpus.schema.model.name == "en_core_web_sm"
    assert not corpus.schema.allow_overlap
    for document, record in zip(corpus.documents, corpus.gold, strict=True):
        assert (record.doc_id, record.text_sha1) == (document.doc_id, document.text_sha1)
        assert record.annotator == GOLD_ANNOTATOR
        assert corpus.schema.record_problems(record) == []
        assert overlapping_neighbours(record.spans) == []
    assert sum(len(r.spans) for r in corpus.gold) > 0
    assert sum(len(r.relations) for r in corpus.gold) > 0
    mapped = set(corpus.schema.model.label_map.values())
    assert mapped <= corpus.schema.entity_labels


def test_re3d_loads_both_public_subsets():
    corpus = load_re3d(CORPORA / "re3d")
    _check(corpus, 45)
    assert {d.meta["source"] for d in corpus.documents} == {"US State Department", "CENTCOM"}
    assert "DOCUMENT_REFERENCE" not in corpus.schema.entity_labels
    assert corpus.notes["relations_end_dropped"] > 0
    # the spans are the text the corpus gave (trimmed), e.g. a known first entity
    first = corpus.gold[0]
    assert all(first.span_text(s) == first.span_text(s).strip() for s in first.spans)


def test_redocred_loads_with_mentions_at_their_tokens():
    corpus = load_redocred(CORPORA / "redocred" / "dev_revised.json", limit=40)
    _check(corpus, 40)
    assert {e.label for e in corpus.schema.entities} == {"PER", "ORG", "LOC", "TIME", "NUM", "MISC"}
    assert "P17_COUNTRY" in corpus.schema.relation_labels
    first = corpus.gold[0]
    assert first.text.startswith('Wilfried " Willi " Schneider ( born 13 March 1963')
    assert any(first.span_text(s) == "13 March 1963" and s.label == "TIME" for s in first.spans)
    # the label set comes from the whole file, whatever the limit
    full = load_redocred(CORPORA / "redocred" / "dev_revised.json", limit=1)
    assert len(full.documents) == 1
    assert full.schema == corpus.schema
