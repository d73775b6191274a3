"""Tokens remembered by text are the tokens spaCy cuts, whether found, added, or passed by
(a broken or unwritable cache); and a second agreement report over the same texts does not
import spaCy, with the same numbers to the last digit."""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import orjson
import pytest

from redline.metrics.report import agreement_json, agreement_report
from redline.schema import Annotation, Span, text_sha1
from redline.store import open_store
from redline.token_cache import TokenCache, token_cache_file
from redline.tokens import token_array, tokenize
from tests.support.data import NEWS_SCHEMA, SEEDS, subprocess_env

TEXTS = [
    "Hun Sen met the U.S. delegation in Phnom Penh on Monday.",
    "",
    "   \n\t ",
    "Zürich’s Ōtani — «quoted» 東京 😀 e-mail@example.org (CPP).",
    "word " + "x" * 300 + " and" + " " * 400 + "a gap of four hundred spaces",
    "y" * 70_000 + " one token longer than two bytes can count",
    "Hun Sen met the U.S. delegation in Phnom Penh on Monday.",  # the first again
]


def _same(found: list[np.ndarray], texts: list[str]) -> None:
    assert len(found) == len(texts)
    for rows, text in zip(found, texts, strict=True):
        assert rows.dtype == np.int64
        assert rows.tolist() == token_array(text).tolist(), text[:40]


def test_tokens_found_are_the_tokens_spacy_cuts(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sqlite3"
    first = TokenCache("en", path)
    _same(first.many(TEXTS), TEXTS)  # all cut by spaCy, and added
    first.close()
    again = TokenCache("en", path)  # another process's view: a new connection
    _same(again.many(TEXTS), TEXTS)
    _same([again(text) for text in TEXTS], TEXTS)


def test_a_broken_cache_file_is_passed_by(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sqlite3"
    path.write_bytes(b"not a database at all, " * 100)
    _same(TokenCache("en", path).many(TEXTS), TEXTS)
    assert path.read_bytes() == b"not a database at all, " * 100  # left as it was


def test_an_entry_that_does_not_fit_its_text_is_cut_again(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sqlite3"
    TokenCache("en", path).many(TEXTS)
    text = TEXTS[0]
    key = bytes.fromhex(text_sha1(text))  # the key: the text's SHA-1, as bytes
    with sqlite3.connect(path) as connection:  # tokens ending far past the text
        connection.execute("UPDATE tokens SET offsets = ? WHERE text_sha1 = ?",
                           (bytes([0, 0, 250, 1, 250]), key))  # fmt: skip
    _same(TokenCache("en", path).many([text]), [text])
    with sqlite3.connect(path) as connection:
        (stored,) = connection.execute(
            "SELECT offsets FROM tokens WHERE text_sha1 = ?", (key,)
        ).fetchone()
    assert stored != bytes([0, 0, 250, 1, 250])  # put right for the next report


def test_a_cache_that_cannot_be_written_is_passed_by(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("in the way", encoding="utf-8")
    _same(TokenCache("en", blocker / "tokens.sqlite3").many(TEXTS), TEXTS)


def test_a_cache_sent_to_another_process_opens_its_own_connection(tmp_path: Path) -> None:
    cache = TokenCache("en", tmp_path / "tokens.sqlite3")
    cache.many(TEXTS[:1])
    copy = pickle.loads(pickle.dumps(cache))
    _same(copy.many(TEXTS), TEXTS)


def test_the_cache_is_per_spacy_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path))
    import spacy

    path = token_cache_file("en")
    assert path is not None
    assert path.parent == tmp_path / "tokens"
    assert f"spacy{spacy.__version__}" in path.name


REPORT = (
    "import sys, orjson\n"
    "from redline.metrics.report import agreement_json, agreement_report\n"
    "from redline.store import open_store\n"
    "if __name__ == '__main__':\n"
    "    report = agreement_json(agreement_report(open_store('news', sys.argv[1])))\n"
    "    print(orjson.dumps({'spacy': 'spacy' in sys.modules, 'report': report}).decode())\n"
)


def _report_in_a_new_process(root: Path, cache: Path) -> dict[str, object]:
    env = {**subprocess_env(), "REDLINE_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", REPORT, str(root)],
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )  # fmt: skip
    return dict(orjson.loads(done.stdout))


def test_a_second_report_needs_no_spacy_and_says_the_same(tmp_path: Path) -> None:
    dataset = open_store("news", tmp_path / "data")
    text = "Hun Sen met the U.S. delegation in Phnom Penh on Monday, said Say Chhum (CPP)."
    tokens = tokenize(text)
    for name, ends in (("ana", [1, 2, 9]), ("ben", [1, 3, 9])):
        with dataset.open(name, write=True) as log:
            spans = [
                Span(id=f"s{k}", start=tokens[i - 1][0], end=tokens[i][1], label="PERSON",
                     origin="annotator", edit="added")
                for k, i in enumerate(ends)
            ]  # fmt: skip
            log.append(
                Annotation(doc_id="d1", text=text, text_sha1=text_sha1(text), spans=spans,
                           annotator=name)
            )  # fmt: skip
    cache = tmp_path / "cache"
    first = _report_in_a_new_process(tmp_path / "data", cache)
    second = _report_in_a_new_process(tmp_path / "data", cache)
    assert first["spacy"] is True  # the first report tokenized the text
    assert second["spacy"] is False  # the second found its tokens
    assert first["report"] == second["report"]
    here = agreement_json(agreement_report(open_store("news", tmp_path / "data"), processes=1))
    assert orjson.loads(orjson.dumps(here)) == second["report"]


OPEN = (
    "import sys, orjson\n"
    "from redline.corpus import Corpus\n"
    "from redline.schema import load_schema\n"
    "from redline.store import open_dataset\n"
    "from redline.worklist import Worklist\n"
    "schema = load_schema(sys.argv[3])\n"
    "worklist = Worklist(Corpus(sys.argv[1]), open_dataset('d', sys.argv[2]), 'ana', schema)\n"
    "opened = worklist.open(0)\n"
    "print(orjson.dumps({'spacy': 'spacy' in sys.modules, 'text': opened.session.document.text,\n"
    "                    'tokens': opened.session.tokens.tokens}).decode())\n"
)


def test_a_document_opened_again_opens_without_spacy(tmp_path: Path) -> None:
    """What annotate does in its worker: the second time a text is opened (here with no
    model), its tokens come from the cache, and nothing imports spaCy."""
    env = {**subprocess_env(), "REDLINE_CACHE_DIR": str(tmp_path / "cache")}
    arguments = [sys.executable, "-c", OPEN, str(SEEDS), str(tmp_path / "data"), str(NEWS_SCHEMA)]
    runs = [
        orjson.loads(
            subprocess.run(arguments, capture_output=True, env=env, check=True, timeout=120).stdout
        )
        for _ in range(2)
    ]
    assert runs[0]["spacy"] is True
    assert runs[1]["spacy"] is False
    assert runs[0]["tokens"] == runs[1]["tokens"] == [list(t) for t in tokenize(runs[0]["text"])]
