"""Bad input, fuzzed: broken corpora, record lines, label schemas, Prodigy tasks, brat files.

Hypothesis builds broken inputs of each kind, mixed with good ones, and every case goes through
the command a user would run (``redline.cli.main``, in this process: a subprocess per case
would cost a second). Each case must end in clear messages, with no traceback and the exit
code the command documents; the messages must name exactly the broken places, file and line
(a message about a good line sends the user to the wrong place, a missing one hides a
problem), and every saved file must be byte-identical afterwards: a reader, or an import
that was refused, never touches the data.

Each test is parametrized by the fault it is about, so every kind of fault is drawn (other
faults join it at random). The cases are derandomized: CI runs the same ~1,170 every time
(~30 s) and cannot flake. To hunt for new bugs, ``REDLINE_FUZZ_SCALE=20 pytest
tests/test_fuzz_inputs.py`` runs twenty times as many, new ones on each run. What the fuzzing
found is kept at the end as plain cases.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
import typer.main
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from redline.corpus import Corpus
from redline.formats.brat import ann_text
from redline.formats.importing import import_file
from redline.formats.prodigy import REDLINE_KEY, to_prodigy
from redline.schema.labels import HEX_COLOUR, LabelSchema, label_refusal
from redline.schema.loading import load_schema
from redline.schema.records import Annotation, Relation, Span, text_sha1
from redline.suggest.pipeline import build_pipeline, resolve_model
from tests.support.cli import Outcome, run_redline
from tests.support.data import NEWS_SCHEMA, REPO, digests

DATASET = "seeds-demo"
DEMO = REPO / "annotations" / DATASET
PEOPLE = ("ana", "ben")
ANNOTATORS = ("ana", "ben", "gold", "model:en_core_web_sm")

_SCALE = float(os.environ.get("REDLINE_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Settings of one fuzz test: a fixed set of cases in CI, more and new ones when scaled."""
    return settings(
        max_examples=max(1, int(examples * _SCALE)),
        deadline=None,
        database=None,
        derandomize=_SCALE == 1,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@cache
def news_schema() -> LabelSchema:
    return load_schema(NEWS_SCHEMA)


# -- running a command and reading what it said --------------------------------------------


Place = tuple[str, int | None]
"""A file as the messages show it, and a 1-based line (None: the whole file)."""


def places(messages: Iterable[str], files: Iterable[str]) -> set[Place]:
    """Where each message points: it must start with one of ``files``, then ``:line: `` or
    ``: ``; and no message comes twice."""
    messages = list(messages)
    assert len(set(messages)) == len(messages), messages
    names = sorted(files, key=len, reverse=True)
    found: set[Place] = set()
    for message in messages:
        shown = next((name for name in names if message.startswith(f"{name}:")), None)
        assert shown is not None, f"the message names none of {names}: {message}"
        rest = message[len(shown) + 1 :]
        line = re.match(r"(\d+): \S", rest)
        assert line is not None or re.match(r" \S", rest), message
        found.add((shown, int(line.group(1)) if line else None))
    return found


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder: messages show paths relative to it, as a user's would."""
    monkeypatch.chdir(tmp_path)
    # Typer turns the app into click commands on every call (~20 ms, a run's start-up):
    # build them once for the thousand runs here. The same commands run, as often.
    monkeypatch.setattr(typer.main, "get_command", cache(typer.main.get_command))
    return tmp_path


@contextmanager
def workspace(here: Path) -> Iterator[Path]:
    """A fresh folder for one case (relative to ``here``) with a copy of the demo dataset in
    ``annotations/``."""
    folder = Path(tempfile.mkdtemp(prefix="case", dir=here))
    shutil.copytree(DEMO, folder / "annotations" / DATASET)
    try:
        yield folder.relative_to(here)
    finally:
        shutil.rmtree(folder)


# -- building files out of good and broken lines -------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a generated file, without its line break."""

    data: bytes
    broken: bool = False
    key: str | None = None
    """Lines with one key are one item: the first is read, the later ones are duplicates."""
    last: bool = False
    """Goes after every good line (whether it is broken depends on the lines before it)."""
    importable: bool = False
    """Broken in an annotator's file only: an import makes every record the importer's, so
    another annotator's record is fine there."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """A failing case shows its lines in short, not pages of JSON."""
        data = self.data if len(self.data) <= 160 else self.data[:80] + b"..." + self.data[-60:]
        printer.text(f"Line({data!r}, broken={self.broken}, key={self.key!r})")


def good(data: bytes, key: str | None = None) -> Line:
    return Line(data, key=key)


def bad(data: bytes, *, last: bool = False, importable: bool = False) -> Line:
    return Line(data, broken=True, last=last, importable=importable)


@st.composite
def interleaved(draw: st.DrawFn, goods: list[Line], bads: list[Line]) -> list[Line]:
    """The good lines in their order, with the broken ones at random places among them."""
    lines = list(goods)
    for line in bads:
        if not line.last:
            lines.insert(draw(st.integers(0, len(lines))), line)
    return lines + [line for line in bads if line.last]


BLANK_LINES = st.sampled_from([b"", b"  ", b"\t", b" \r"])


@st.composite
def with_blank_lines(draw: st.DrawFn, lines: list[Line]) -> list[Line]:
    """Blank lines are skipped by every reader; a few here and there must not shift numbers."""
    lines = list(lines)
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(0, len(lines))), good(draw(BLANK_LINES)))
    return lines


def assemble(
    lines: list[Line], newline: bytes = b"\n", final_newline: bool = True, imported: bool = False
) -> tuple[bytes, set[int]]:
    """The file's bytes and the numbers of its broken lines (when ``imported``, as an import
    reads them)."""
    broken: set[int] = set()
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if (line.broken and not (imported and line.importable)) or (
            line.key is not None and line.key in seen
        ):
            broken.add(number)
        if line.key is not None and not line.broken:
            seen.add(line.key)
    data = newline.join(line.data for line in lines)
    return data + (newline if final_newline and lines else b""), broken


# -- broken pieces shared by several kinds -------------------------------------------------


INVALID_UTF8 = st.sampled_from(
    [
        b"\xff",
        b"\xfe",
        b"\x80",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\xf5\x80\x80\x80",
        b"\xc3(",
        b"\xe2(",
    ]
)
"""Byte sequences that are invalid UTF-8 wherever they go, from their first byte on."""

BOM = b"\xef\xbb\xbf"
GARBAGE = st.binary(min_size=1, max_size=40).filter(
    lambda b: b"\n" not in b and b.removeprefix(BOM).strip()
)
NOT_OBJECTS = st.one_of(
    st.integers(-5, 5),
    st.text(max_size=5),
    st.lists(st.integers(-5, 5), max_size=3),
    st.none(),
    st.booleans(),
)
_TEXT_CHARS = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
_WORDS = ["Hun Sen", "met", "Tô Lâm", "in", "Hà Nội", "😀", "the", "CPP", ".", "\n", "\r\n"]
GOOD_TEXT = st.one_of(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8).map(" ".join).filter(str.strip),
    st.text(_TEXT_CHARS, min_size=1, max_size=30).filter(str.strip),
)
BLANK_TEXT = st.text(" \t\n\r\u3000\u2003\x0b\x0c\x1c\x85", max_size=4)


@st.composite
def truncated(draw: st.DrawFn, lines: st.SearchStrategy[bytes]) -> bytes:
    """A line cut short, as by a crash or a careless edit (never a whole JSON object)."""
    line = draw(lines)
    return line[: draw(st.integers(1, len(line) - 1))]


@st.composite
def spliced(
    draw: st.DrawFn, lines: st.SearchStrategy[bytes], pieces: st.SearchStrategy[bytes]
) -> bytes:
    """A line with bytes put in at any place (even inside a character)."""
    line, piece = draw(lines), draw(pieces)
    at = draw(st.integers(0, len(line)))
    return line[:at] + piece + line[at:]


@st.composite
def spliced_text(draw: st.DrawFn, text: str, pieces: st.SearchStrategy[bytes]) -> tuple[bytes, int]:
    """The UTF-8 of ``text`` with bytes put in between two characters, and the 1-based line
    where they went."""
    at = draw(st.integers(0, len(text)))
    head = text[:at].encode()
    return head + draw(pieces) + text[at:].encode(), head.count(b"\n") + 1


# -- 1. corpora ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """A generated input: its files (relative to the case folder), the path to give the
    command, and the places (file, line) that its messages must name, no more and no fewer."""

    files: dict[str, bytes]
    source: str
    expected: frozenset[tuple[str, int | None]]

    def write(self, case: Path) -> Path:
        for name, data in self.files.items():
            path = case / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return case / self.source

    def shown(self, case: Path) -> list[str]:
        return [f"{case}/{name}" for name in self.files]

    def expected_in(self, case: Path) -> set[Place]:
        return {(f"{case}/{name}", line) for name, line in self.expected}


DOC_IDS = st.one_of(st.integers(0, 4), st.sampled_from(["d0", "d1", "d2", "Điện Biên", "x/y"]))


@st.composite
def corpus_document(draw: st.DrawFn) -> Line:
    """A good JSONL document; ids come from a small pool, so some are duplicates."""
    text = draw(GOOD_TEXT)
    how = draw(st.sampled_from(["id", "doc_id", "none", "meta"]))
    if how == "none":
        return good(orjson.dumps({"text": text}), key=text_sha1(text)[:16])
    doc_id = draw(DOC_IDS)
    item: dict[str, Any] = {how if how != "meta" else "id": doc_id, "text": text}
    if how == "meta":
        item |= {"meta": {"url": "https://example.org", "n": 1}, "source": "wire"}
    return good(orjson.dumps(item), key=str(doc_id))


GOOD_DOCUMENT_BYTES = st.builds(lambda i, t: orjson.dumps({"id": i, "text": t}), DOC_IDS, GOOD_TEXT)
BAD_IDS = st.one_of(
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 3), max_size=1),
)
WRONG_TEXT = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
    st.just({"a": "b"}),
)
NOT_DICT = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.text(max_size=3),
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=2),
)

CORPUS_LINE_FAULTS: dict[str, st.SearchStrategy[bytes]] = {
    "truncated": truncated(GOOD_DOCUMENT_BYTES),
    "garbage": GARBAGE,
    "nul": spliced(GOOD_DOCUMENT_BYTES, st.just(b"\x00")),
    "utf8": spliced(GOOD_DOCUMENT_BYTES, INVALID_UTF8),
    "not_object": st.builds(orjson.dumps, NOT_OBJECTS),
    "no_text": st.builds(lambda i: orjson.dumps({"id": i, "meta": {}}), DOC_IDS),
    "blank_text": st.builds(lambda i, t: orjson.dumps({"id": i, "text": t}), DOC_IDS, BLANK_TEXT),
    "text_type": st.builds(
        lambda i, t: orjson.dumps({"id": i, "text": t}), DOC_IDS, WRONG_TEXT | st.none()
    ),
    "meta_type": st.builds(
        lambda t, m: orjson.dumps({"text": t, "meta": m}), GOOD_TEXT, NOT_DICT | st.none()
    ),
    "id_type": st.builds(lambda i, t: orjson.dumps({"id": i, "text": t}), BAD_IDS, GOOD_TEXT),
}


@st.composite
def corpus_line(draw: st.DrawFn, fault: str | None = None) -> Line:
    fault = fault or draw(st.sampled_from(sorted(CORPUS_LINE_FAULTS)))
    event(f"corpus line: {fault}")
    return bad(draw(CORPUS_LINE_FAULTS[fault]))


@st.composite
def jsonl_corpora(draw: st.DrawFn, fault: str) -> Generated:
    """A JSONL corpus with ``fault`` in a line (or a duplicate id), and other broken lines."""
    goods = draw(st.lists(corpus_document(), min_size=2 if fault == "duplicate" else 0, max_size=4))
    if fault == "duplicate":
        goods.append(draw(st.sampled_from(goods)))
    bads = [draw(corpus_line(fault if fault in CORPUS_LINE_FAULTS else None))]
    bads += draw(st.lists(corpus_line(), max_size=3))
    lines = draw(with_blank_lines(draw(interleaved(goods, bads))))
    newline = draw(st.sampled_from([b"\n", b"\r\n"]))
    data, broken = assemble(lines, newline, final_newline=draw(st.booleans()))
    if draw(st.booleans()):
        data = BOM + data  # a byte-order mark: not part of the first line
    name = draw(st.sampled_from(["corpus.jsonl", "news.ndjson", "articles.json"]))
    return Generated({name: data}, name, frozenset((name, n) for n in broken))


TXT_FAULTS = ("empty", "blank", "nul", "utf8")


@st.composite
def txt_folders(draw: st.DrawFn, fault: str) -> Generated:
    """A folder of .txt documents, one with ``fault``, others good or broken too."""
    files: dict[str, bytes] = {}
    expected: set[tuple[str, int | None]] = set()
    kinds = [fault, *draw(st.lists(st.sampled_from(["good", *TXT_FAULTS]), max_size=4))]
    for n, kind in enumerate(draw(st.permutations(kinds))):
        event(f"txt file: {kind}")
        name = f"corpus/doc{n}.txt"
        text = draw(GOOD_TEXT)
        bom = BOM if draw(st.booleans()) else b""
        if kind == "good":
            files[name] = bom + text.encode()
            continue
        if kind == "utf8":
            data, line = draw(spliced_text(text, INVALID_UTF8))
            files[name] = bom + data
            expected.add((name, line))
            continue
        if kind == "empty":
            files[name] = b""
        elif kind == "blank":
            files[name] = bom + draw(BLANK_TEXT).encode()
        else:
            files[name] = bom + draw(spliced(st.just(text.encode()), st.just(b"\x00")))
        expected.add((name, None))  # the whole file: a document is not read line by line
    # What the reader must not even look at.
    files["corpus/.hidden.txt"] = draw(GARBAGE)
    files["corpus/notes.md"] = draw(GARBAGE)
    return Generated(files, "corpus", frozenset(expected))


@pytest.mark.parametrize(
    "fault", [*CORPUS_LINE_FAULTS, "duplicate", *(f"txt {f}" for f in TXT_FAULTS)]
)
@fuzz(17)
@given(data=st.data(), command=st.sampled_from(["stats", "import"]))
def test_broken_corpus_files_are_named_by_file_and_line(
    here: Path, capsys: pytest.CaptureFixture[str], fault: str, data: st.DataObject, command: str
) -> None:
    kind = fault.removeprefix("txt ")
    corpus = data.draw(txt_folders(kind) if fault.startswith("txt ") else jsonl_corpora(kind))
    with workspace(here) as case:
        source = corpus.write(case)
        before = digests(here / case)
        root = str(case / "annotations")
        if command == "stats":
            outcome = run_redline(capsys, "stats", "--dataset", DATASET, "--source", str(source),
                              "--root", root)  # fmt: skip
            assert outcome.code == 0, outcome.stderr
            said = outcome.notices("skipped")
        else:
            outcome = run_redline(capsys, "import", str(source), "--format", "text", "--dataset",
                              DATASET, "--annotator", "fuzz", "--root", root)  # fmt: skip
            assert outcome.code == 1, outcome.stderr
            assert "nothing was written" in outcome.stderr
            said = outcome.notices("problem")
        assert places(said, corpus.shown(case)) == corpus.expected_in(case), outcome.stderr
        reader = Corpus(source)
        list(reader)
        assert places(map(str, reader.problems), corpus.shown(case)) == corpus.expected_in(case)
        assert digests(here / case) == before


# -- 2. record lines in an annotator's file ------------------------------------------------


@cache
def demo_lines(annotator: str) -> tuple[bytes, ...]:
    return tuple((DEMO / f"{annotator}.jsonl").read_bytes().splitlines())


_BAD_RECORD_FIELDS: dict[str, list[Any]] = {
    "doc_id": [5, None, [], "", {}],
    "text": [5, None, ["x"]],
    "text_sha1": ["abc", 5, "G" * 40, None],
    "meta": [[], 5, "x", None],
    "spans": ["x", 5, {"a": 1}, [5], [None]],
    "relations": ["x", 5, [5], [None]],
    "rejected": ["x", [5]],
    "rejected_relations": ["x", [5]],
    "answer": ["maybe", 1, None, "ACCEPT"],
    "flagged": [2, "maybe", [], None],
    "note": [5, None, []],
    "annotator": ["", 5, None],
    "created_at": ["yesterday", "2024-01-01T00:00:00", "2024-13-01T00:00:00Z", None],
    "seconds": [-1, "fast", None, []],
    "suggested_by": [5, {"model": "x"}, "x"],
    "format_version": [0, 2, 99, "one", 1.5],
}
_BAD_SPAN_FIELDS: dict[str, list[Any]] = {
    "id": ["", 5, None],
    "start": [-1, "zero", None, 0.5],
    "end": [0, "end", None, 2.5],
    "label": ["", 5, None],
    "origin": ["robot", None, 5],
    "edit": ["deleted", 5],
    "annotators": ["x", [5]],
}
_BAD_RELATION_FIELDS: dict[str, list[Any]] = {
    "id": ["", 5],
    "head": ["", 5, "nowhere"],
    "child": [None, "nowhere"],
    "label": ["", None],
    "origin": ["robot"],
    "edit": ["deleted"],
}
_RECORD_KEYS = set(Annotation.model_fields)
_ITEM_KEYS = set(Span.model_fields) | set(Relation.model_fields)


@st.composite
def line_fault(draw: st.DrawFn, kind: str, line: bytes) -> Line | None:
    """The faults any JSONL line can have, whatever it holds (None for other kinds)."""
    if kind == "truncated":
        return bad(draw(truncated(st.just(line))))
    if kind == "garbage":
        return bad(draw(GARBAGE))
    if kind == "utf8":
        return bad(draw(spliced(st.just(line), INVALID_UTF8)))
    if kind == "not_object":
        return bad(orjson.dumps(draw(NOT_OBJECTS)))
    return None


RECORD_FAULTS = (
    "field", "span", "relation", "outside", "empty_range", "unknown_field", "sha1",
    "text_changed", "duplicate_span", "duplicate_relation", "truncated", "garbage", "utf8",
    "not_object", "nan", "big_int", "other_annotator",
)  # fmt: skip


@st.composite
def broken_record(draw: st.DrawFn, lines: tuple[bytes, ...], kind: str | None = None) -> Line:
    """A line of an annotator's file made from one of its records, broken in one way."""
    line = draw(st.sampled_from(lines))
    record: dict[str, Any] = orjson.loads(line)
    text: str = record["text"]
    spans = [("spans", s) for s in record["spans"]] + [("rejected", s) for s in record["rejected"]]
    kind = kind or draw(st.sampled_from(RECORD_FAULTS))
    event(f"record line: {kind}")
    placeholder = b'"__VALUE__"'
    any_line = draw(line_fault(kind, line))
    if any_line is not None:
        return any_line
    if kind == "field":
        name = draw(st.sampled_from(sorted(_BAD_RECORD_FIELDS)))
        record[name] = draw(st.sampled_from(_BAD_RECORD_FIELDS[name]))
    elif kind == "span" and spans:
        _, span = draw(st.sampled_from(spans))
        name = draw(st.sampled_from(sorted(_BAD_SPAN_FIELDS)))
        span[name] = draw(st.sampled_from(_BAD_SPAN_FIELDS[name]))
    elif kind == "relation" and record["relations"]:
        relation = draw(st.sampled_from(record["relations"]))
        name = draw(st.sampled_from(sorted(_BAD_RELATION_FIELDS)))
        relation[name] = draw(st.sampled_from(_BAD_RELATION_FIELDS[name]))
    elif kind == "outside" and spans:
        _, span = draw(st.sampled_from(spans))
        span["end"] = len(text) + draw(st.integers(1, 10**6))
    elif kind == "empty_range" and spans:
        _, span = draw(st.sampled_from(spans))
        span["end"] = span["start"] - draw(st.integers(0, span["start"]))
    elif kind == "unknown_field":
        name = draw(st.text(st.characters(codec="ascii"), min_size=1, max_size=8))
        where = draw(st.sampled_from([record, *(s for _, s in spans), *record["relations"]]))
        if name in (_RECORD_KEYS if where is record else _ITEM_KEYS):
            name += "_x"
        where[name] = draw(st.integers(0, 3) | st.text(max_size=3))
    elif kind == "sha1":
        record["text_sha1"] = text_sha1(text + draw(st.text(min_size=1, max_size=3)))
    elif kind == "text_changed":
        record["text"] = text + draw(st.text(_TEXT_CHARS, min_size=1, max_size=5))
    elif kind == "duplicate_span" and spans:
        _, span = draw(st.sampled_from(spans))
        record[draw(st.sampled_from(["spans", "rejected"]))].append(span)
    elif kind == "duplicate_relation" and record["relations"]:
        record["relations"].append(draw(st.sampled_from(record["relations"])))
    elif kind == "nan":
        record["seconds"] = "__VALUE__"
        value = draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"1e999"]))
        return bad(orjson.dumps(record).replace(placeholder, value))
    elif kind == "big_int":
        # More than JSON's 64-bit integers: reading it is fine, writing it again is not.
        record["meta"]["n"] = "__VALUE__"
        big = draw(st.integers(min_value=2**64) | st.integers(max_value=-(2**63) - 1))
        return bad(orjson.dumps(record).replace(placeholder, str(big).encode()))
    elif kind == "other_annotator":
        record["annotator"] = draw(st.sampled_from(["mallory", "ana", "gold"]))
        if record["annotator"] == orjson.loads(line)["annotator"]:
            record["annotator"] = "mallory"
        return bad(orjson.dumps(record), importable=True)
    else:  # a kind that needs spans or relations the record does not have
        record["answer"] = "maybe"
    return bad(orjson.dumps(record))


def _merged(message: str) -> bool:
    """An import's warning that it merged what the file repeats (the generators copy the demo's
    records, so a doc_id comes twice): reported, never a problem."""
    return message.endswith(("the later is stored as the newer version", "kept once"))


READERS = ("stats", "agreement", "agreement --json", "evaluate", "evaluate --json")
EXPORTS = ("export jsonl", "export prodigy", "export conll", "export brat", "export spacy")


@pytest.mark.parametrize("fault", RECORD_FAULTS)
@fuzz(15)
@given(data=st.data(), command=st.sampled_from([*READERS, *EXPORTS, "import"]))
def test_broken_record_lines_are_named_and_the_files_left_alone(
    here: Path, capsys: pytest.CaptureFixture[str], fault: str, data: st.DataObject, command: str
) -> None:
    annotator = data.draw(st.sampled_from(PEOPLE if "agreement" in command else ANNOTATORS))
    lines = demo_lines(annotator)
    bads = [data.draw(broken_record(lines, fault))]
    bads += data.draw(st.lists(broken_record(lines), max_size=3))
    if command == "import" and all(line.importable for line in bads):
        bads.append(bad(b"not a record"))
    arranged = data.draw(with_blank_lines(data.draw(interleaved([good(x) for x in lines], bads))))
    content, broken = assemble(arranged, imported=command == "import")
    torn = data.draw(st.none() | truncated(st.sampled_from(lines)))
    if torn is not None:
        content += torn  # a last line cut off by a crash, without its newline
        broken.add(len(arranged) + 1)
    elif arranged[-1].data.strip() and data.draw(st.booleans()):
        content = content[:-1]  # a whole last line that only lacks its newline
    with workspace(here) as case:
        root = case / "annotations"
        target = case / "in.jsonl" if command == "import" else root / DATASET / f"{annotator}.jsonl"
        target.write_bytes(content)
        before = digests(here / case)
        common = ("--dataset", DATASET, "--root", str(root))
        verb, _, option = command.partition(" ")
        if verb in ("stats", "agreement", "evaluate"):
            args = [verb, *common, *([option] if option else [])]
            args += ["--schema", str(NEWS_SCHEMA)] if verb == "agreement" else []
            outcome = run_redline(capsys, *args)
            assert outcome.code == 0, outcome.stderr
            if option == "--json":
                orjson.loads(outcome.stdout)
        elif verb == "export":
            out = here / "exported" / option  # outside the case: only it may change
            outcome = run_redline(capsys, "export", str(out), *common, "--source", annotator,
                              "--format", option, "--schema", str(NEWS_SCHEMA))  # fmt: skip
            assert outcome.code == 0, outcome.stderr
            assert "exported" in outcome.stdout
            assert out.exists()
            shutil.rmtree(out.parent)
        else:
            outcome = run_redline(capsys, "import", str(target), "--format", "jsonl", *common,
                              "--annotator", "fuzz", "--schema", str(NEWS_SCHEMA))  # fmt: skip
            assert outcome.code == 1, outcome.stderr
            assert "nothing was written" in outcome.stderr
        said = [m for m in outcome.notices("warning", "problem") if not _merged(m)]
        assert places(said, [str(target)]) == {(str(target), n) for n in broken}, outcome.stderr
        assert digests(here / case) == before


# -- 3. label schemas ----------------------------------------------------------------------


@cache
def schema_lines() -> tuple[str, ...]:
    return tuple(NEWS_SCHEMA.read_text(encoding="utf-8").splitlines())


@dataclass(frozen=True)
class Entry:
    """A one-line ``key = value`` of news.toml, and the table it is in."""

    number: int
    """0-based."""
    table: str
    index: int | None
    """Which one of an array of tables ([[entities]], [[relations]])."""
    key: str


@cache
def schema_entries() -> tuple[Entry, ...]:
    entries: list[Entry] = []
    table, index = "", None
    counts: dict[str, int] = {}
    for number, line in enumerate(schema_lines()):
        if array := re.fullmatch(r"\[\[(\w+)\]\]", line):
            table = array.group(1)
            index = counts[table] = counts.get(table, -1) + 1
        elif header := re.fullmatch(r"\[([\w.]+)\]", line):
            table, index = header.group(1), None
        elif entry := re.match(r"(\w+) = ", line):
            try:
                tomllib.loads(line)
            except tomllib.TOMLDecodeError:
                continue  # a value over several lines
            entries.append(Entry(number, table, index, entry.group(1)))
    return tuple(entries)


def headers(table: str) -> list[int]:
    """0-based numbers of the lines that open ``table`` ([[table]] or [table])."""
    return [n for n, line in enumerate(schema_lines()) if line in (f"[[{table}]]", f"[{table}]")]


def toml_value(value: Any) -> str:
    """``value`` as a TOML value (JSON's string escapes are TOML's, but for DEL)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return orjson.dumps(value).decode().replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    items = (f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items())
    return "{" + ", ".join(items) + "}"


def field_words(entry: Entry | None, table: str, key: str) -> tuple[str, ...]:
    """What an error about ``key`` of this table must say to point at it."""
    if entry is not None and entry.index is not None:
        return (f"{table}[{entry.index}]", key)
    return (f"{table}.{key}",) if table else (key,)


_NOT_A_LABEL = st.one_of(
    st.sampled_from(["", "TWO WORDS", "tab\tlabel", "bell\x07", 5, ["PERSON"]]),
    st.text(max_size=6).filter(lambda s: label_refusal(s) is not None),
)
_NOT_A_COLOUR = st.one_of(
    st.sampled_from(["yellowish", "#12345", "#GGGGGG", "red", "#1234567", "#e5c07b\n", 5, []]),
    st.text(max_size=8).filter(lambda s: not HEX_COLOUR.fullmatch(s)),
)
_BAD_SCHEMA_VALUES: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("", "name"): st.sampled_from(["", 5, []]),
    ("", "description"): st.sampled_from([5, [], True]),
    ("", "allow_overlap"): st.sampled_from(["maybe", 2, []]),
    ("model", "name"): st.sampled_from([5, [], True]),
    ("model.label_map", "*"): st.one_of(
        st.sampled_from([5, [], "person", "PLACE"]),
        st.from_regex(r"[A-Z][A-Z_]{0,6}", fullmatch=True),
    ),
    ("entities", "label"): _NOT_A_LABEL,
    ("entities", "key"): st.sampled_from(["two words", "x" * 21, 5]),
    ("entities", "color"): _NOT_A_COLOUR,
    ("entities", "description"): st.sampled_from([5, []]),
    ("relations", "label"): _NOT_A_LABEL,
    ("relations", "key"): st.sampled_from(["a b", 5]),
    ("relations", "color"): _NOT_A_COLOUR,
    ("relations", "description"): st.sampled_from([5, []]),
    ("relations", "head"): st.sampled_from([[], ["NOBODY"], "PERSON", [5], ["per son"]]),
    ("relations", "child"): st.sampled_from([[], ["NOBODY"], "ORG", [True]]),
    ("relations", "triggers"): st.sampled_from([5, [5], "lead"]),
    ("relations", "paths"): st.sampled_from([["up"], ["<"], 5, ["> prep"], [">prep pobj"]]),
    ("relations", "max_path"): st.sampled_from([0, 13, "three", 2.5]),
    ("relations", "symmetric"): st.sampled_from(["maybe", 2]),
    ("cleanup", "capitalised"): st.sampled_from([["NOBODY"], "PERSON", [5]]),
}
_KNOWN_KEYS = {
    "": {"name", "description", "lang", "allow_overlap", "overlap", "model", "entities",
         "relations", "patterns", "cleanup"},
    "model": {"name", "label_map"},
    "entities": {"label", "key", "color", "description"},
    "relations": {"label", "key", "color", "description", "head", "child", "triggers", "paths",
                  "max_path", "symmetric"},
    "cleanup": {"determiners", "possessives", "titles", "not_entities", "capitalised"},
}  # fmt: skip


def _unknown(label: str) -> bool:
    schema = news_schema()
    return label not in schema.entity_labels | schema.relation_labels


UNKNOWN_LABEL = st.from_regex(r"[A-Z][A-Z0-9_]{0,8}", fullmatch=True).filter(_unknown)
"""A label the news schema does not have, written like one (a bare TOML key, no spaces)."""
ANY_UNKNOWN_LABEL = st.one_of(UNKNOWN_LABEL, st.text().filter(_unknown))
BAD_TOKEN_PATTERNS = st.one_of(
    st.sampled_from(
        [
            ("tokens", "[[{FOO = 1}]]"),
            ("tokens", '[[{ORTH = "a", OP = "{2,1}"}]]'),
            ("tokens", '[[{ORTH = "a", OP = "?!"}]]'),
            ("tokens", '[[{LOWER = {REGEX = "("}}]]'),
            ("tokens", "[[]]"),
            ("tokens", '[[{IS_TITLE = "yes"}]]'),
            ("tokens", "[[{ORTH = {IN = 5}}]]"),
            ("tokens", '[[{LENGTH = {">=" = "x"}}]]'),
            ("tokens", '[[{_ = {foo = "x"}}]]'),
            ("cased", '[""]'),
        ]
    ),
    st.builds(
        lambda name: ("tokens", f'[[{{ORTH = "x"}}, {{NO_{name} = "x"}}]]'),
        st.from_regex(r"[A-Z]{1,6}", fullmatch=True),
    ),
)
SYNTAX_ERRORS = st.sampled_from(
    ["= 1", "[[", "key =", 'x = "unterminated', "[a]]", "x = 1 2", "a.=1", "😀", "[entities",
     "x = {a = 1", "x = tru", "x = 'a' 'b'", "[[entities]] x = 1", "x = 1979-05-27T25:00:00"]
)  # fmt: skip


@dataclass(frozen=True)
class SchemaCase:
    """A mutated news.toml and where its error must point."""

    data: bytes
    lines: frozenset[int] = frozenset()
    """The error must name one of these lines (1-based)..."""
    fields: tuple[str, ...] = ()
    """...or a field, by every one of these words."""
    syntax: bool = False
    """A TOML error: it must name a line, whichever."""
    must_fail: bool = True


def _joined(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


SCHEMA_FAULTS = (
    "value", "duplicate", "unknown_field", "reference", "token_pattern", "duplicate_key",
    "duplicate_table", "syntax", "utf8", "nul", "anything",
)  # fmt: skip


@st.composite
def broken_schemas(draw: st.DrawFn, kind: str) -> SchemaCase:
    lines = list(schema_lines())
    entries = schema_entries()
    if kind == "value":
        choices = [
            e for e in entries if (e.table, e.key) in _BAD_SCHEMA_VALUES or e.table.endswith("map")
        ]
        entry = draw(st.sampled_from(choices))
        where = (entry.table, "*" if entry.table == "model.label_map" else entry.key)
        lines[entry.number] = f"{entry.key} = {toml_value(draw(_BAD_SCHEMA_VALUES[where]))}"
        return SchemaCase(_joined(lines), fields=field_words(entry, entry.table, entry.key))
    if kind == "duplicate":
        table = draw(st.sampled_from(["entities", "relations"]))
        key = draw(st.sampled_from(["label", "key"]))
        same = [e for e in entries if e.table == table and e.key == key]
        one, other = draw(st.lists(st.sampled_from(same), min_size=2, max_size=2, unique=True))
        lines[one.number] = lines[other.number]
        later = max(one, other, key=lambda e: e.index or 0)
        return SchemaCase(_joined(lines), fields=(f"{table}[{later.index}]", key))
    if kind == "unknown_field":
        table = draw(st.sampled_from(sorted(_KNOWN_KEYS)))
        name = draw(
            st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True).filter(
                lambda n: n not in _KNOWN_KEYS[table]
            )
        )
        value = toml_value(draw(st.integers(-3, 3) | st.text(max_size=4) | st.booleans()))
        if table == "":
            at = next(n for n, line in enumerate(lines) if line.startswith("name = "))
            lines.insert(at, f"{name} = {value}")
            return SchemaCase(_joined(lines), fields=(name,))
        opened = draw(st.sampled_from(list(enumerate(headers(table)))))
        lines.insert(opened[1] + 1, f"{name} = {value}")
        array = Entry(0, table, opened[0] if table in ("entities", "relations") else None, name)
        return SchemaCase(_joined(lines), fields=field_words(array, table, name))
    if kind == "reference":
        label = draw(UNKNOWN_LABEL)
        where = draw(st.sampled_from(["patterns", "titles"]))
        if where == "patterns":
            lines += ["", f"[patterns.{label}]", 'phrases = ["x"]']
            return SchemaCase(_joined(lines), fields=(f"patterns.{label}",))
        lines.insert(headers("cleanup.titles")[0] + 1, f'{label} = ["Mr"]')
        return SchemaCase(_joined(lines), fields=(f"cleanup.titles.{label}",))
    if kind == "token_pattern":
        key, value = draw(BAD_TOKEN_PATTERNS)
        lines += ["", "[patterns.DATE]", f"{key} = {value}"]
        return SchemaCase(_joined(lines), fields=("patterns.DATE", key))
    if kind == "duplicate_key":
        entry = draw(st.sampled_from(entries))
        lines.insert(entry.number + 1, lines[entry.number])
        return SchemaCase(_joined(lines), lines=frozenset({entry.number + 2}))
    if kind == "duplicate_table":
        table = draw(st.sampled_from(["model", "cleanup", "cleanup.titles", "patterns.GPE"]))
        lines += ["", f"[{table}]"]
        return SchemaCase(_joined(lines), lines=frozenset({len(lines)}))
    if kind == "syntax":
        lines.insert(draw(st.integers(0, len(lines))), draw(SYNTAX_ERRORS))
        return SchemaCase(_joined(lines), syntax=True)
    text = "\n".join(lines) + "\n"
    if kind == "utf8":
        data, line = draw(spliced_text(text, INVALID_UTF8))
        return SchemaCase(data, lines=frozenset({line}))
    if kind == "nul":
        data, _ = draw(spliced_text(text, st.just(b"\x00")))
        return SchemaCase(data, syntax=True)
    # anything: a random edit that may or may not break the schema
    at = draw(st.integers(0, len(text)))
    cut = draw(st.integers(0, 20))
    edit = draw(st.text(max_size=10))
    return SchemaCase((text[:at] + edit + text[at + cut :]).encode(), must_fail=False)


def check_schema_error(error: str, shown: str, case: SchemaCase) -> None:
    """One error naming the file, then the line or the field the case says."""
    assert error.startswith(f"{shown}:"), error
    rest = error[len(shown) + 1 :]
    line = re.match(r"(\d+): \S", rest)
    if line is not None:
        assert 1 <= int(line.group(1)) <= case.data.count(b"\n") + 1, error
        assert not case.fields, f"expected a field {case.fields}: {error}"
        assert not case.lines or int(line.group(1)) in case.lines, (sorted(case.lines), error)
    else:
        assert re.match(r" \S", rest), error
        assert not case.lines, f"expected a line: {error}"
        assert not case.syntax, f"expected a line: {error}"
        assert all(word in error for word in case.fields), (case.fields, error)


@pytest.mark.parametrize("fault", SCHEMA_FAULTS)
@fuzz(20)
@given(data=st.data())
def test_broken_schemas_are_one_error_naming_file_and_line_or_field(
    here: Path, capsys: pytest.CaptureFixture[str], fault: str, data: st.DataObject
) -> None:
    case = data.draw(broken_schemas(fault))
    command = data.draw(st.sampled_from(["check", "import", "export", "agreement"]))
    if not case.must_fail:
        command = "check"
    with workspace(here) as folder:
        schema = folder / "bad schema.toml"
        schema.write_bytes(case.data)
        tasks = folder / "tasks.jsonl"
        tasks.write_bytes(orjson.dumps(to_prodigy(small_records()[0])) + b"\n")
        before = digests(here / folder)
        common = ("--dataset", DATASET, "--root", str(folder / "annotations"))
        if command == "check":
            outcome = run_redline(capsys, "schema", "check", "--schema", str(schema))
        elif command == "import":
            outcome = run_redline(capsys, "import", str(tasks), "--format", "prodigy", *common,
                              "--annotator", "fuzz", "--schema", str(schema))  # fmt: skip
        elif command == "export":
            outcome = run_redline(capsys, "export", str(folder / "out.jsonl"), *common,
                              "--format", "jsonl", "--schema", str(schema))  # fmt: skip
        else:
            outcome = run_redline(capsys, "agreement", *common, "--labels", "PERSON",
                              "--schema", str(schema))  # fmt: skip
        if outcome.code == 0:
            assert not case.must_fail, outcome.stdout
            # What `schema check` accepts, the suggester is built from (rules only: no model).
            nlp = build_pipeline(load_schema(schema), resolve_model("no such model"))
            nlp("Samdech Techo Hun Sen met the Cambodian Government in Phnom Penh.")
        else:
            assert outcome.code == 1
            errors = outcome.notices("error")
            assert len(errors) == 1, outcome.stderr
            check_schema_error(errors[0], str(schema), case)
        assert digests(here / folder) == before


# -- 4. Prodigy tasks ----------------------------------------------------------------------


@cache
def small_records() -> tuple[Annotation, ...]:
    """The demo's gold records, cut after the paragraph of their first relation: short, and
    valid for the news schema (spans on token boundaries, relations of the right types)."""
    records = []
    for line in demo_lines("gold"):
        record = Annotation.model_validate_json(line)
        ends = {s.id: s.end for s in record.spans}
        first = record.relations[0]
        cut = record.text.find("\n\n", max(300, ends[first.head], ends[first.child]))
        text = record.text if cut == -1 else record.text[:cut]
        spans = [s for s in record.spans if s.end <= len(text)]
        kept = {s.id for s in spans}
        data = record.model_dump(mode="json")
        data |= {
            "text": text,
            "text_sha1": text_sha1(text),
            "spans": [s.model_dump(mode="json") for s in spans],
            "relations": [
                r.model_dump(mode="json")
                for r in record.relations
                if r.head in kept and r.child in kept
            ],
            "rejected": [],
            "rejected_relations": [],
        }
        records.append(Annotation.model_validate(data))
    return tuple(records)


@cache
def prodigy_tasks() -> tuple[dict[str, Any], ...]:
    """Each small record as our Prodigy task and as a plain one (no ``_redline``)."""
    tasks = [to_prodigy(record) for record in small_records()]
    return (*tasks, *({k: v for k, v in t.items() if k != REDLINE_KEY} for t in tasks))


def _refusing_relations(head: str, child: str) -> list[str]:
    schema = news_schema()
    return [r for r in sorted(schema.relation_labels) if schema.relation_refusal(r, head, child)]


_BAD_REDLINE_FIELDS: dict[str, list[Any]] = {
    "text_sha1": ["0" * 40, "abc"],
    "rejected": ["x", [5], 5],
    "rejected_relations": ["x", [None]],
    "created_at": ["yesterday", "2024-01-01T00:00:00", 5.5e30],
    "seconds": [-1, "fast", []],
    "format_version": [2, 0, "one"],
    "flagged": ["maybe", 3],
    "note": [5, []],
    "suggested_by": [5, "x", {"model": "x"}],
    "doc_id": [""],
    "meta": [[1], "x"],
}


PRODIGY_FAULTS = (
    "truncated", "garbage", "utf8", "not_object", "nan", "text", "spans", "span", "span_offsets",
    "span_label", "outside", "negative", "empty_range", "unknown_label", "loose_edge", "overlap",
    "relations", "relation", "relation_label", "nowhere_span", "nowhere_token",
    "relation_unknown", "wrong_types", "answer", "meta", "redline", "redline_field",
    "unwritable", "tokens", "harmless",
)  # fmt: skip


@st.composite
def prodigy_line(draw: st.DrawFn, kind: str | None = None) -> Line:
    """A Prodigy task, broken in one way (or changed in a way that must not matter)."""
    task: dict[str, Any] = orjson.loads(orjson.dumps(draw(st.sampled_from(prodigy_tasks()))))
    text: str = task["text"]
    spans: list[dict[str, Any]] = task["spans"]
    relations: list[dict[str, Any]] = task["relations"]
    kind = kind or draw(st.sampled_from(PRODIGY_FAULTS))
    event(f"prodigy task: {kind}")
    any_line = draw(line_fault(kind, orjson.dumps(task)))
    if any_line is not None:
        return any_line
    if kind == "nan":
        task["answer"] = "__VALUE__"
        return bad(orjson.dumps(task).replace(b'"__VALUE__"', b"NaN"))
    if kind == "unwritable":
        # JSON that reads (orjson goes 1024 deep) but does not write (pydantic, orjson: 255)
        depth = draw(st.integers(260, 1000))
        task["meta"]["deep"] = "__VALUE__"
        deep = b'{"a":' * depth + b"1" + b"}" * depth
        return bad(orjson.dumps(task).replace(b'"__VALUE__"', deep))
    span = draw(st.sampled_from(spans))
    relation = draw(st.sampled_from(relations))
    if kind == "text":
        if draw(st.booleans()):
            del task["text"]
        else:
            task["text"] = draw(st.sampled_from([5, None, [], {"a": 1}, True]))
    elif kind == "spans":
        task["spans"] = draw(st.sampled_from(["x", 5, {"a": 1}, True]))
    elif kind == "span":
        spans[spans.index(span)] = draw(st.sampled_from([5, "x", None, [], 0]))
    elif kind == "span_offsets":
        span[draw(st.sampled_from(["start", "end"]))] = draw(
            st.sampled_from(["0", 1.5, None, True, [0]])
        )
    elif kind == "span_label":
        span["label"] = draw(st.sampled_from([None, "", 5, []]))
    elif kind == "outside":
        span["end"] = len(text) + draw(st.integers(1, 10**9))
    elif kind == "negative":
        span["start"] = -draw(st.integers(1, 10**9))
    elif kind == "empty_range":
        span["end"] = span["start"] - draw(st.integers(0, span["start"]))
    elif kind == "unknown_label":
        span["label"] = draw(ANY_UNKNOWN_LABEL)
    elif kind == "loose_edge":  # a span inside a token is fine, one ending in a space is not
        before_space = [s for s in spans if text[s["end"] : s["end"] + 1] == " "]
        span = draw(st.sampled_from(before_space))
        span["end"] += 1
    elif kind == "overlap":  # the same extent with the same label is a duplicate, kept once
        other = draw(st.sampled_from([x for x in ("ORG", "GPE", "PERSON") if x != span["label"]]))
        spans.append({**span, "id": "overlapping", "label": other})
    elif kind == "tokens":  # a task's own tokens are its token indices: they must be tokens
        task["tokens"] = draw(
            st.sampled_from(["x", 5, {"a": 1}, [1, 2], [{"start": "a", "end": 2}], [{"end": 3}]])
        )
    elif kind == "relations":
        task["relations"] = draw(st.sampled_from(["x", 5, {"a": 1}, True]))
    elif kind == "relation":
        relations[relations.index(relation)] = draw(st.sampled_from([5, "x", None, []]))
    elif kind == "relation_label":
        relation["label"] = draw(st.sampled_from([None, "", 5]))
    elif kind == "nowhere_span":
        side = draw(st.sampled_from(["head", "child"]))
        relation[f"{side}_span"] = {"start": -5, "end": -1, "id": "nowhere", "label": "X"}
    elif kind == "nowhere_token":
        side = draw(st.sampled_from(["head", "child"]))
        del relation[f"{side}_span"]
        relation[side] = draw(st.sampled_from([10**6, -1, "x", None, 1.5]))
    elif kind == "relation_unknown":
        relation["label"] = draw(ANY_UNKNOWN_LABEL)
    elif kind == "wrong_types":
        head, child = relation["head_span"]["label"], relation["child_span"]["label"]
        relation["label"] = draw(st.sampled_from(_refusing_relations(head, child) or ["NOPE"]))
    elif kind == "answer":
        task["answer"] = draw(st.sampled_from(["maybe", 5, None, "ACCEPT", ""]))
    elif kind == "meta":
        task["meta"] = draw(st.sampled_from([[1], "x", 5, None, True]))
    elif kind == "redline":
        task[REDLINE_KEY] = draw(st.sampled_from(["x", [1], 5, True, 0]))
    elif kind == "redline_field":
        name = draw(st.sampled_from(sorted(_BAD_REDLINE_FIELDS)))
        ours = task.setdefault(REDLINE_KEY, {})
        if name == "meta" and "doc_id" not in ours:
            ours["doc_id"] = "d"
        ours[name] = draw(st.sampled_from(_BAD_REDLINE_FIELDS[name]))
    else:  # harmless: Prodigy's own bookkeeping, which the import keeps as it is
        where = draw(st.sampled_from(["token_start", "_task_hash", "_view_id", "_session_id"]))
        value = draw(st.sampled_from(["x", None, [1, 2], 10**6, {"a": 1}]))
        if where == "token_start":
            span["token_start"] = value
        else:
            task[where] = value
        return good(orjson.dumps(task))
    return bad(orjson.dumps(task))


@pytest.mark.parametrize("fault", PRODIGY_FAULTS)
@fuzz(8)
@given(data=st.data(), annotator=st.sampled_from(["ana", "fuzz"]), skip_invalid=st.booleans())
def test_broken_prodigy_tasks_are_named_by_line_and_nothing_is_written(
    here: Path,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    data: st.DataObject,
    annotator: str,
    skip_invalid: bool,
) -> None:
    tasks = [good(orjson.dumps(t)) for t in data.draw(st.lists(st.sampled_from(prodigy_tasks())))]
    lines = [data.draw(prodigy_line(fault)), *data.draw(st.lists(prodigy_line(), max_size=3))]
    if all(not line.broken for line in lines):
        lines.append(bad(b"{}"))
    goods = tasks + [line for line in lines if not line.broken]
    arranged = data.draw(
        with_blank_lines(data.draw(interleaved(goods, [x for x in lines if x.broken])))
    )
    content, broken = assemble(arranged, final_newline=data.draw(st.booleans()))
    with workspace(here) as case:
        path = case / "tasks.jsonl"
        path.write_bytes(content)
        dataset = case / "annotations" / DATASET
        before = digests(here / case)
        outcome = run_redline(capsys, "import", str(path), "--format", "prodigy", "--dataset",
                          DATASET, "--annotator", annotator, "--schema", str(NEWS_SCHEMA),
                          "--root", str(case / "annotations"),
                          *(["--skip-invalid"] if skip_invalid else []))  # fmt: skip
        said = places(outcome.notices("problem"), [str(path)])
        assert said == {(str(path), n) for n in broken}, outcome.stderr
        check_import_wrote(outcome, before, digests(here / case), dataset, annotator,
                           len(goods) if skip_invalid else None)  # fmt: skip


def check_import_wrote(
    outcome: Outcome,
    before: dict[str, str],
    after: dict[str, str],
    dataset: Path,
    annotator: str,
    records: int | None,
) -> None:
    """A refused import (``records`` None) writes nothing; one with --skip-invalid appends
    exactly the good records to the annotator's file and touches nothing else."""
    if records is None:
        assert outcome.code == 1, outcome.stderr
        assert "nothing was written" in outcome.stderr
        assert after == before
        return
    assert outcome.code == 0, outcome.stderr
    assert f"imported {records} record(s)" in outcome.stdout
    log = (dataset / f"{annotator}.jsonl").absolute()
    lock = (dataset / f"{annotator}.jsonl.lock").absolute()
    assert {k: v for k, v in after.items() if k not in (str(log), str(lock))} == {
        k: v for k, v in before.items() if k not in (str(log), str(lock))
    }
    old = (DEMO / log.name).read_bytes() if (DEMO / log.name).exists() else b""
    new = log.read_bytes()
    assert new.startswith(old)
    assert new[len(old) :].count(b"\n") == records


# -- 5. brat folders -----------------------------------------------------------------------


BRAT_FAULTS = (
    "t_syntax", "outside", "discontinuous", "unknown_type", "mismatch", "overlap", "loose_edge",
    "duplicate_t", "r_syntax", "r_missing", "r_unknown", "wrong_types", "duplicate_r", "note",
    "not_expressible", "unknown_line",
)  # fmt: skip


@st.composite
def broken_ann_line(draw: st.DrawFn, record: Annotation, n: int, kind: str | None = None) -> Line:
    """One broken line of ``record``'s .ann (ids T9n/R9n/#9n are fresh: nothing refers to
    them, so no other line depends on this one)."""
    text = record.text
    schema = news_schema()
    t_lines = ann_text(record).splitlines()
    number = draw(st.sampled_from(range(len(record.spans))))
    span = record.spans[number]
    t, r = f"T9{n}", f"R9{n}"
    label = draw(st.sampled_from(sorted(schema.entity_labels)))
    kind = kind or draw(st.sampled_from(BRAT_FAULTS))
    event(f"brat line: {kind}")
    if kind == "t_syntax":
        return bad(
            draw(
                st.sampled_from(
                    [t, f"{t}\tPERSON", f"{t}\tPERSON 0", f"{t}\tPERSON a b", f"{t}\tPERSON 1 2;",
                     f"{t}\tPERSON -1 5", f"{t}\tPERSON 0 5 9", f"{t}\tPERSON 0  5\tx"]
                )
            ).encode()
        )  # fmt: skip
    if kind == "outside":
        start = draw(st.integers(0, len(text) + 5))
        end = draw(st.one_of(st.integers(len(text) + 1, 10**12), st.integers(0, start)))
        return bad(f"{t}\t{label} {start} {end}\tx".encode())
    if kind == "discontinuous":
        gap = draw(st.sampled_from([i for i in range(1, len(text) - 1) if text[i].strip()]))
        first, last = draw(st.integers(0, gap - 1)), draw(st.integers(gap + 1, len(text)))
        if draw(st.booleans()):
            offsets = f"{first} {gap};{gap + 1} {last}"  # leaves text[gap] out
        else:
            offsets = f"{first} {gap + 1};{gap} {last}"  # fragments that overlap
        return bad(f"{t}\t{label} {offsets}\tx".encode())
    quoted = text[span.start : span.end]
    if kind == "unknown_type":
        other = draw(
            UNKNOWN_LABEL
            | st.text(
                st.characters(codec="utf-8", exclude_characters=" \t\n\r"), min_size=1, max_size=6
            )
        )
        return bad(f"{t}\t{other} {span.start} {span.end}\t{quoted}".encode())
    if kind == "mismatch":
        wrong = draw(
            st.text(
                st.characters(codec="utf-8", exclude_characters="\t\n\r"), min_size=1, max_size=8
            )
        )
        if " ".join(wrong.split()) == " ".join(quoted.split()):
            wrong += "x"
        return bad(f"{t}\t{span.label} {span.start} {span.end}\t{wrong}".encode())
    if kind == "overlap":  # with the span's own label it would be a duplicate, merged
        other = draw(st.sampled_from(sorted(schema.entity_labels - {span.label})))
        return bad(f"{t}\t{other} {span.start} {span.end}\t{quoted}".encode(), last=True)
    if kind == "loose_edge":
        before_space = [s for s in record.spans if text[s.end : s.end + 1] == " "]
        s = draw(st.sampled_from(before_space))
        return bad(f"{t}\t{s.label} {s.start} {s.end + 1}\t{text[s.start : s.end + 1]}".encode(),
                   last=True)  # fmt: skip
    if kind == "duplicate_t":
        return Line(t_lines[number].encode(), key=f"T{number + 1}")
    relation_label = draw(st.sampled_from(sorted(schema.relation_labels)))
    a, b = (f"T{draw(st.integers(1, len(record.spans)))}" for _ in range(2))
    if kind == "r_syntax":
        return bad(
            draw(
                st.sampled_from(
                    [r, f"{r}\t{relation_label}", f"{r}\t{relation_label} Arg1:{a}",
                     f"{r}\t{relation_label} {a} {b}", f"{r}\t{relation_label} Arg1:{a} Arg1:{b}",
                     f"{r}\t{relation_label} Arg1:{a} Arg2:{b} Arg3:{a}"]
                )
            ).encode()
        )  # fmt: skip
    if kind == "r_missing":
        return bad(f"{r}\t{relation_label} Arg1:{a} Arg2:T99{n}".encode())
    if kind == "r_unknown":
        return bad(f"{r}\t{draw(UNKNOWN_LABEL)} Arg1:{a} Arg2:{b}".encode())
    if kind == "wrong_types":
        ids = {s.id: f"T{i}" for i, s in enumerate(record.spans, start=1)}
        pairs = [
            (x, y, refused[0])
            for x in record.spans
            for y in record.spans
            if (refused := _refusing_relations(x.label, y.label))
        ]
        x, y, relation_label = draw(st.sampled_from(pairs))
        return bad(f"{r}\t{relation_label} Arg1:{ids[x.id]} Arg2:{ids[y.id]}".encode())
    if kind == "duplicate_r" and record.relations:
        index = draw(st.integers(0, len(record.relations) - 1))
        return bad(t_lines[len(record.spans) + index].encode(), last=True)
    if kind == "note":
        return bad(
            draw(
                st.sampled_from([f"#9{n}", f"#9{n}\tAnnotatorNotes", f"#9{n}\tAnnotatorNotes T1",
                                 f"#9{n}\tComment T1\tx", f"#9{n}\tAnnotatorNotes T1 T2\tx"])
            ).encode()
        )  # fmt: skip
    if kind == "not_expressible":  # one warning per kind for the folder, not a problem
        return good(
            draw(
                st.sampled_from([f"E{n}\tMeet:T1 Arg:T2", f"A{n}\tNegated T1", f"M{n}\tX T1",
                                 f"N{n}\tReference T1 Wikipedia:1\tHun Sen", "*\tEquiv T1 T2"])
            ).encode()
        )  # fmt: skip
    first = draw(st.characters(exclude_characters="TR#EAMN*\n", exclude_categories=("Cs",)))
    rest = draw(st.text(st.characters(exclude_characters="\n", exclude_categories=("Cs",)),
                        max_size=20))  # fmt: skip
    line = first + rest
    # A line that is blank to Python (even "\x1f" is whitespace there) is skipped as blank.
    return bad((line if line.removesuffix("\r").strip() else "?" + line).encode())


@dataclass
class BratFolder:
    files: dict[str, bytes] = field(default_factory=dict)
    expected: set[Place] = field(default_factory=set)
    documents: int = 0
    """How many documents an import with --skip-invalid keeps (readable .txt and .ann)."""


FILE_FAULTS = ("ann_utf8", "txt_utf8", "orphan")
"""Faults of a whole brat file: what is in it is not read at all."""


@st.composite
def brat_folders(draw: st.DrawFn, fault: str) -> BratFolder:
    """1 to 3 documents with broken lines; the first has ``fault`` (a line's or a file's)."""
    folder = BratFolder()
    records = small_records()
    chosen = draw(st.lists(st.sampled_from(range(len(records))), min_size=1, max_size=3,
                           unique=True))  # fmt: skip
    for order, index in enumerate(chosen):
        record = records[index]
        stem = f"brat/{record.doc_id}"
        goods = [good(x.encode(), key=x.split("\t")[0]) for x in ann_text(record).splitlines()]
        first = fault if order == 0 and fault in BRAT_FAULTS else None
        bads = [draw(broken_ann_line(record, n)) for n in range(draw(st.integers(0, 3)))]
        if first is not None:
            bads.append(draw(broken_ann_line(record, len(bads), first)))
        duplicates = [line for line in bads if not line.broken]
        lines = draw(interleaved(goods, [line for line in bads if line.broken]))
        for line in duplicates:
            lines.insert(draw(st.integers(0, len(lines))), line)
        newline = draw(st.sampled_from([b"\n", b"\r\n"]))
        ann, broken = assemble(lines, newline, final_newline=draw(st.booleans()))
        txt = record.text.encode()
        whole = fault if order == 0 else draw(st.sampled_from(["", "", "", *FILE_FAULTS[:2]]))
        if whole == "ann_utf8":
            ann, line = draw(spliced_text(ann.decode(), INVALID_UTF8))
            folder.expected.add((f"{stem}.ann", line))
        elif whole == "txt_utf8":
            txt, line = draw(spliced_text(record.text, INVALID_UTF8))
            folder.expected.add((f"{stem}.txt", line))
        else:
            folder.expected |= {(f"{stem}.ann", n) for n in broken}
            folder.documents += not broken  # a document with a problem is skipped whole
        folder.files |= {f"{stem}.txt": txt, f"{stem}.ann": ann}
    if fault == "orphan" or draw(st.booleans()):
        folder.files["brat/orphan.ann"] = draw(st.binary(max_size=20))
        folder.expected.add(("brat/orphan.ann", None))
    folder.files["brat/annotation.conf"] = draw(GARBAGE)  # not read on import
    return folder


@pytest.mark.parametrize("fault", [*BRAT_FAULTS, *FILE_FAULTS])
@fuzz(11)
@given(data=st.data(), annotator=st.sampled_from(["ben", "fuzz"]), skip_invalid=st.booleans())
def test_broken_brat_files_are_named_by_file_and_line_and_nothing_is_written(
    here: Path,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    data: st.DataObject,
    annotator: str,
    skip_invalid: bool,
) -> None:
    folder = data.draw(brat_folders(fault))
    with workspace(here) as case:
        for name, content in folder.files.items():
            (case / name).parent.mkdir(exist_ok=True)
            (case / name).write_bytes(content)
        dataset = case / "annotations" / DATASET
        before = digests(here / case)
        outcome = run_redline(capsys, "import", str(case / "brat"), "--format", "brat", "--dataset",
                          DATASET, "--annotator", annotator, "--schema", str(NEWS_SCHEMA),
                          "--root", str(case / "annotations"),
                          *(["--skip-invalid"] if skip_invalid else []))  # fmt: skip
        shown = [f"{case}/{name}" for name in folder.files]
        expected = {(f"{case}/{name}", line) for name, line in folder.expected}
        assert places(outcome.notices("problem"), shown) == expected, outcome.stderr
        # a folder whose only faults are brat's events and attributes (warnings) imports
        check_import_wrote(outcome, before, digests(here / case), dataset, annotator,
                           folder.documents if skip_invalid or not expected else None)  # fmt: skip


# -- the good parts of the generators are good ---------------------------------------------


def test_the_good_lines_the_generators_start_from_import_cleanly(tmp_path: Path) -> None:
    """Every case says exactly which lines are broken: that needs the rest to be good."""
    schema = news_schema()
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_bytes(b"".join(orjson.dumps(t) + b"\n" for t in prodigy_tasks()))
    result = import_file(tasks, "prodigy", "fuzz", schema)
    assert (len(result.records), result.problems) == (len(prodigy_tasks()), [])
    brat = tmp_path / "brat"
    brat.mkdir()
    for record in small_records():
        assert record.relations, record.doc_id
        (brat / f"{record.doc_id}.txt").write_bytes(record.text.encode())
        (brat / f"{record.doc_id}.ann").write_bytes(ann_text(record).encode())
    result = import_file(brat, "brat", "fuzz", schema)
    assert (len(result.records), result.problems) == (len(small_records()), [])
    for annotator in ANNOTATORS:
        result = import_file(DEMO / f"{annotator}.jsonl", "jsonl", "fuzz", schema)
        assert (len(result.records), result.problems) == (5, [])
    assert schema_entries()
    assert load_schema(NEWS_SCHEMA).name == "news"


# -- what the fuzzing found, kept as plain cases -------------------------------------------
# Each was a traceback, a message without its place, or a problem nobody was told about.


def test_stats_names_the_corpus_lines_it_skipped(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with workspace(here) as case:
        (case / "c.jsonl").write_bytes(b'{"id": "a", "text": "Hun Sen."}\n{"text": \n')
        outcome = run_redline(capsys, "stats", "--dataset", DATASET, "--source", f"{case}/c.jsonl",
                          "--root", f"{case}/annotations")  # fmt: skip
    assert outcome.code == 0
    assert f"skipped: {case}/c.jsonl:2: invalid JSON" in outcome.stderr


def test_agreement_and_evaluate_name_the_record_lines_they_skipped(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with workspace(here) as case:
        ben = case / "annotations" / DATASET / "ben.jsonl"
        ben.write_bytes(ben.read_bytes() + b'{"doc_id": "x"}\n')
        for command in (["agreement"], ["agreement", "--json"], ["evaluate"]):
            outcome = run_redline(capsys, *command, "--dataset", DATASET, "--root",
                              f"{case}/annotations")  # fmt: skip
            assert outcome.code == 0
            assert outcome.notices("warning") == [f"{ben}:6: invalid record, skipped: "
                                                   "text: Field required (and 2 more)"]  # fmt: skip


def test_a_record_whose_meta_json_cannot_write_again_is_a_bad_line_not_a_traceback(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pydantic reads integers of any size; orjson writes 64 bits at most: export crashed."""
    with workspace(here) as case:
        root = f"{case}/annotations"
        ana = case / "annotations" / DATASET / "ana.jsonl"
        ana.write_bytes(
            ana.read_bytes().replace(b'"meta":{', b'"meta":{"n":18446744073709551616,', 1)
        )
        for fmt in ("jsonl", "prodigy"):
            out = f"{case}/out.{fmt}"
            outcome = run_redline(capsys, "export", out, "--dataset", DATASET, "--source", "ana",
                              "--format", fmt, "--root", root)  # fmt: skip
            assert outcome.code == 0
            assert outcome.notices("warning") == [
                f"{ana}:1: invalid record, skipped: meta: cannot be written back as JSON "
                "(Integer exceeds 64-bit range)"
            ]


def test_brackets_in_user_text_are_printed_not_read_as_markup(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with workspace(here) as case:
        root = f"{case}/annotations"
        brat = case / "brat"
        brat.mkdir()
        (brat / "a.txt").write_text("Hun Sen met Tô Lâm.", encoding="utf-8")
        (brat / "a.ann").write_text("T1\t[/x] 0 7\tHun Sen\n", encoding="utf-8")
        args = ["--dataset", DATASET, "--annotator", "zoe", "--schema", str(NEWS_SCHEMA)]
        outcome = run_redline(
            capsys, "import", str(brat), "--format", "brat", *args, "--root", root
        )
        assert outcome.notices("problem") == [
            f"{brat}/a.ann:1: T1: label '[/x]' is not in schema 'news'; skipped"
        ]
        for annotator in PEOPLE:  # a document both did, with a label and an id in brackets
            path = case / "annotations" / DATASET / f"{annotator}.jsonl"
            record = orjson.loads(demo_lines("ana")[0])
            record |= {"doc_id": "[b]doc[/b]", "annotator": annotator}
            record["spans"][0]["label"] = "[/x]"
            path.write_bytes(path.read_bytes() + orjson.dumps(record) + b"\n")
        assert run_redline(capsys, "stats", "--dataset", DATASET, "--root", root).code == 0
        shown = run_redline(capsys, "agreement", "--dataset", DATASET, "--root", root, "--per-doc")
        assert "[b]doc[/b]" in shown.stdout
        schema = case / "s.toml"
        text = NEWS_SCHEMA.read_text(encoding="utf-8")
        schema.write_text(text.replace('name = "news"', 'name = "news [/draft]"'), "utf-8")
        assert (
            "news [/draft]"
            in run_redline(capsys, "schema", "check", "--schema", str(schema)).stdout
        )
        missing = run_redline(capsys, "schema", "check", "--schema", f"{case}/[/x].toml")
        assert missing.notices("error") == [f"{case}/[/x].toml: schema file not found"]


def test_line_100_is_not_an_emoji(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rich turned ':100:' into 💯: 'news.toml:100: invalid TOML' lost its line number."""
    lines = list(schema_lines())
    lines[99] = "x = "
    (here / "bad.toml").write_bytes(_joined(lines))
    outcome = run_redline(capsys, "schema", "check", "--schema", "bad.toml")
    assert outcome.notices("error") == [
        "bad.toml:100: invalid TOML: Invalid value (at line 100, column 5)"
    ]


def test_a_long_problem_stays_on_one_line(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hard-wrapped at 80 columns in a pipe, 'file:line: message' lost its message."""
    task = to_prodigy(small_records()[0])
    task["spans"][0]["label"] = "A_LABEL_THE_SCHEMA_HAS_NEVER_HEARD_OF_IN_ALL_ITS_LONG_LIFE"
    (here / "tasks.jsonl").write_bytes(orjson.dumps(task) + b"\n")
    with workspace(here) as case:
        outcome = run_redline(capsys, "import", "tasks.jsonl", "--format", "prodigy", "--dataset",
                          DATASET, "--annotator", "zoe", "--schema", str(NEWS_SCHEMA), "--root",
                          f"{case}/annotations")  # fmt: skip
    (problem,) = outcome.notices("problem")
    assert problem.startswith("tasks.jsonl:1: spans: span g1 has label 'A_LABEL")
    assert problem.endswith("which schema 'news' does not have; skipped")


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("tokens = [[{FOO = 1}]]", "[0] is not a spaCy token pattern: [pattern -> 0 -> FOO]"),
        ('tokens = [[{ORTH = "a", OP = "{2,1}"}]]', "[E011] Unknown operator: '{2,1}'"),
        ('tokens = [[{LOWER = {REGEX = "("}}]]', "missing ), unterminated subpattern"),
        ("tokens = [[]]", "[E012] Cannot add pattern for zero tokens"),
        ('tokens = [[{_ = {foo = "x"}}]]', "[0]: custom attributes (_) are not available"),
        ('cased = [""]', "cased: [0] is empty"),
    ],
)
def test_a_pattern_spacy_refuses_is_a_schema_error_not_a_traceback_in_suggest(
    here: Path, capsys: pytest.CaptureFixture[str], table: str, expected: str
) -> None:
    lines = [*schema_lines(), "[patterns.DATE]", table]
    (here / "bad.toml").write_bytes(_joined(lines))
    outcome = run_redline(capsys, "schema", "check", "--schema", "bad.toml")
    assert outcome.code == 1
    (error,) = outcome.notices("error")
    assert error.startswith("bad.toml: patterns.DATE.")
    assert expected in error


def test_toml_open_at_the_end_names_the_last_line(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "bad.toml").write_bytes(b'name = "x"\n\nentities = [\n')
    outcome = run_redline(capsys, "schema", "check", "--schema", "bad.toml")
    assert outcome.notices("error") == [
        "bad.toml:3: invalid TOML: Invalid value (at end of document)"
    ]


def test_a_byte_order_mark_is_not_part_of_the_first_line(tmp_path: Path) -> None:
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_bytes(b'\xef\xbb\xbf \n{"text": "Hun Sen."}\n')  # a BOM, then a blank line
    corpus = Corpus(jsonl)
    assert [d.text for d in corpus] == ["Hun Sen."]
    assert corpus.problems == []
    txt = tmp_path / "t.txt"
    txt.write_bytes(b"\xef\xbb\xbfHun Sen\nmet\n\xff")
    corpus = Corpus(txt)
    assert list(corpus) == []
    assert [str(p) for p in corpus.problems] == [
        f"{txt}:3: invalid UTF-8 (byte 0xff at offset 15); skipped"
    ]


def test_a_line_break_in_user_text_does_not_break_the_message(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A label or a key with a line break in it split one message into two lines."""
    label = next(e for e in schema_entries() if e.table == "entities" and e.key == "label")
    lines = list(schema_lines())
    lines[label.number] = 'label = "A\\nB"'
    (here / "bad.toml").write_bytes(_joined(lines))
    outcome = run_redline(capsys, "schema", "check", "--schema", "bad.toml")
    assert outcome.notices("error") == [
        "bad.toml: entities[0] (A\\nB).label: 'A\\nB' holds '\\n': a label has no whitespace "
        "or control characters"
    ]
    with workspace(here) as case:
        ana = case / "annotations" / DATASET / "ana.jsonl"
        record = orjson.loads(demo_lines("ana")[0])
        record["spans"][0]["a\nb"] = 1
        ana.write_bytes(orjson.dumps(record) + b"\n")
        outcome = run_redline(
            capsys, "stats", "--dataset", DATASET, "--root", f"{case}/annotations"
        )
    assert outcome.notices("warning") == [
        f"{ana}:1: invalid record, skipped: spans[0].a\\nb: Extra inputs are not permitted"
    ]


def test_a_task_too_deep_to_save_is_a_problem_at_its_line_not_a_traceback(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """orjson reads JSON 1024 deep, pydantic writes 255: the save failed after the checks."""
    task = to_prodigy(small_records()[0])
    task["meta"]["deep"] = "__VALUE__"
    deep = b'{"a":' * 300 + b"1" + b"}" * 300
    (here / "tasks.jsonl").write_bytes(orjson.dumps(task).replace(b'"__VALUE__"', deep) + b"\n")
    with workspace(here) as case:
        before = digests(here / case)
        outcome = run_redline(capsys, "import", "tasks.jsonl", "--format", "prodigy", "--dataset",
                          DATASET, "--annotator", "zoe", "--schema", str(NEWS_SCHEMA), "--root",
                          f"{case}/annotations")  # fmt: skip
        assert digests(here / case) == before
    assert outcome.code == 1
    assert outcome.notices("problem") == [
        "tasks.jsonl:1: cannot be saved as JSON (Maximum serialization depth exceeded); skipped"
    ]
