"""What every command's output obeys, whatever the labels and wherever it goes: exports get
the store's file mode, piped tables are never cut, ``stats`` fits 80 columns with many
labels, and ``--schema news|generic|PATH`` works from any folder."""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from redline.schema.records import Annotation, Relation, Span
from tests.support.cli import ANSI, redline_process, run_redline
from tests.support.data import REPO, jsonl_line, make_record, relation, span, subprocess_env
from tests.support.pty_terminal import PtyApp

pytestmark = pytest.mark.slow

STEMS = ("Organisation", "Merge-org", "person_name", "Geo-political", "event-kind")
MANY_LABELS = [f"{STEMS[n % len(STEMS)]}-{n:02d}" for n in range(20)]
"""20 entity labels of 12 to 16 characters."""
LINK = "is_linked_to"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """The umask a child process inherits (the test's own files are made before)."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def write_schema(path: Path, labels: list[str], descriptions: bool = False) -> Path:
    entities = "".join(
        f'[[entities]]\nlabel = "{label}"\n'
        + (
            f'description = "The label {label}, described at some length: {"x" * 70}."\n'
            if descriptions
            else ""
        )
        for label in labels
    )
    relations = (
        f'[[relations]]\nlabel = "{LINK}"\nhead = ["{labels[0]}"]\nchild = ["{labels[1]}"]\n'
    )
    path.write_text(f'name = "many"\n{entities}{relations}', encoding="utf-8")
    return path


def labelled_record(doc_id: str, annotator: str, labels: list[str]) -> Annotation:
    """One span per label (4 characters each, apart), and one relation between the first two."""
    text = " ".join(f"w{n:03d}" for n in range(len(labels) + 2))
    spans: list[Span] = [span(f"s{n}", n * 5, n * 5 + 4, label) for n, label in enumerate(labels)]
    relations: list[Relation] = [relation("r1", "s0", "s1", LINK)] if len(labels) > 1 else []
    return make_record(doc_id, text, spans=spans, relations=relations, annotator=annotator)


def write_dataset(root: Path, dataset: str, labels: list[str]) -> dict[str, dict[str, int]]:
    """alice: every label in d1, the even ones again in d2; bob: every label in d1. Returns
    the expected span count per annotator and label."""
    folder = root / dataset
    folder.mkdir(parents=True)
    alice = [labelled_record("d1", "alice", labels), labelled_record("d2", "alice", labels[::2])]
    bob = [labelled_record("d1", "bob", labels)]
    for name, records in (("alice", alice), ("bob", bob)):
        (folder / f"{name}.jsonl").write_bytes(b"".join(jsonl_line(r) for r in records))
    return {
        "alice": {label: 1 + (n % 2 == 0) for n, label in enumerate(labels)},
        "bob": dict.fromkeys(labels, 1),
    }


def cells(line: str) -> list[str]:
    """The cells of a table row, stripped."""
    return [c.strip() for c in re.split(r"[│┃]", line.strip())[1:-1]]


def row_of(lines: list[str], first_cell: str) -> list[str]:
    found = [cells(line) for line in lines if cells(line)[:1] == [first_cell]]
    assert len(found) == 1, (first_cell, lines)
    return found[0]


def assert_per_label_counts(text: str, expected: dict[str, dict[str, int]]) -> None:
    """Every label whole on one row with each annotator's count, whichever layout was
    chosen (the wide one: a column per label; the tall one: a row per label)."""
    lines = text.splitlines()
    header = next((cells(line) for line in lines if "annotator" in cells(line)), [])
    for label in expected["alice"]:
        if label in header:  # wide: a column per label
            for annotator, counts in expected.items():
                assert row_of(lines, annotator)[header.index(label)] == str(counts[label])
            continue
        label_header = next(cells(line) for line in lines if cells(line)[:2] == ["label", "kind"])
        row = row_of(lines, label)
        for annotator, counts in expected.items():
            assert row[label_header.index(annotator)] == str(counts[label]), (label, row)


# -- 1. exports get the mode of the store's files -----------------------------------------


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_exports_take_the_umask_like_the_store(tmp_path: Path, mask: int):
    root = tmp_path / "annotations"
    gold = REPO / "annotations" / "seeds-demo" / "gold.jsonl"
    common = ["--dataset", "d", "--root", str(root), "--schema", "news"]
    with umask(mask):
        made = redline_process(
            "import", str(gold), "--format", "jsonl", "--annotator", "ana", *common
        )
        assert made.returncode == 0, made.stderr
        store_mode = mode(root / "d" / "ana.jsonl")
        assert store_mode == 0o644 & ~mask
        outputs = {
            "jsonl": tmp_path / "out" / "x.jsonl",
            "prodigy": tmp_path / "out" / "x.prodigy.jsonl",
            "conll": tmp_path / "out" / "x.conll",
            "brat": tmp_path / "out" / "brat",
            "spacy": tmp_path / "out" / "spacy",
        }
        for fmt, out in outputs.items():
            done = redline_process("export", str(out), "--format", fmt, "--source", "ana", *common)
            assert done.returncode == 0, done.stderr
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    for fmt, out in outputs.items():
        assert any(p == out or out in p.parents for p in written), fmt
    assert not [p for p in written if p.name.endswith(".part")]
    assert {str(p): oct(mode(p)) for p in written} == {str(p): oct(store_mode) for p in written}


# -- 2. piped tables are never cut -----------------------------------------------------------

LONG_LABELS = [
    "Organisation_" + "with_a_name_that_does_not_end_" * 4 + "here",
    "c",
    "Merge-org",
    "lower_case_but_also_very_long_" * 3 + "indeed",
]


@pytest.fixture
def no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a pipe from a script: no COLUMNS (a child inherits the environment)."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)


@pytest.mark.usefixtures("no_columns")
def test_piped_stats_show_every_label_and_number_whole(tmp_path: Path):
    expected = write_dataset(tmp_path / "annotations", "long", LONG_LABELS)
    result = redline_process("stats", "--dataset", "long", "--root", str(tmp_path / "annotations"))
    assert result.returncode == 0, result.stderr
    assert "…" not in result.stdout
    assert_per_label_counts(result.stdout, expected)


@pytest.mark.usefixtures("no_columns")
def test_piped_schema_check_shows_every_label_and_description_whole(tmp_path: Path):
    schema = write_schema(tmp_path / "long.toml", LONG_LABELS, descriptions=True)
    result = redline_process("schema", "check", "--schema", str(schema))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for label in LONG_LABELS:
        row = row_of(lines, label)
        assert row[2] == "entity"
        assert row[4] == f"The label {label}, described at some length: {'x' * 70}."
    assert row_of(lines, LINK)[3] == f"{LONG_LABELS[0]} → {LONG_LABELS[1]}"


# -- 3. stats at 80 columns with 20 labels ----------------------------------------------------

HEADERS = ("annotator", "done", "accept", "reject", "ignore", "flagged", "bad lines")


def assert_fits_80(text: str, expected: dict[str, dict[str, int]]) -> None:
    lines = [ANSI.sub("", line).rstrip() for line in text.splitlines()]
    assert max(len(line) for line in lines) <= 80
    assert "…" not in text
    header = next((cells(line) for line in lines if "annotator" in cells(line)), [])
    assert all(name in header for name in HEADERS), text  # no header wrapped or cut
    assert row_of(lines, "alice")[header.index("done")] == "2/2"
    assert row_of(lines, "bob")[header.index("done")] == "1/2"
    assert_per_label_counts("\n".join(lines), expected)
    relation_row = row_of(lines, LINK)
    assert relation_row[1:] == ["relation", "2", "1"]


@pytest.mark.parametrize("with_schema", [False, True])
def test_stats_fits_80_columns_in_a_terminal(tmp_path: Path, with_schema: bool):
    expected = write_dataset(tmp_path / "annotations", "many", MANY_LABELS)
    schema = ["--schema", str(write_schema(tmp_path / "many.toml", MANY_LABELS))]
    command = [sys.executable, "-m", "redline", "stats", "--dataset", "many"]
    app = PtyApp(
        [*command, *(schema if with_schema else [])],
        env=subprocess_env(),
        cwd=tmp_path,
        columns=80,
        lines=120,
    )
    assert app.wait() == 0, app.text()
    assert_fits_80(app.text(), expected)
    # What was written, not only what the emulated screen shows: no line wider than 80.
    assert_fits_80(app.output().decode().replace("\r\n", "\n"), expected)


def test_stats_fits_columns_80_in_a_pipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    expected = write_dataset(tmp_path / "annotations", "many", MANY_LABELS)
    monkeypatch.setenv("COLUMNS", "80")
    result = redline_process("stats", "--dataset", "many", "--root", str(tmp_path / "annotations"))
    assert result.returncode == 0, result.stderr
    assert_fits_80(result.stdout, expected)


# -- 4. --schema news|generic from any folder --------------------------------------------------


@pytest.fixture
def bare_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped two-annotator dataset in a folder without schema/, as the working folder,
    with one record of a label no shipped schema has."""
    shutil.copytree(REPO / "annotations" / "seeds-demo", tmp_path / "annotations" / "seeds-demo")
    odd = make_record("odd", "Hun Sen", spans=[span("s1", 0, 7, "Merge-org")], annotator="carl")
    (tmp_path / "annotations" / "seeds-demo" / "carl.jsonl").write_bytes(jsonl_line(odd))
    monkeypatch.chdir(tmp_path)
    assert not (tmp_path / "schema").exists()
    return tmp_path


def label_order(text: str, labels: list[str]) -> list[str]:
    """``labels`` in the order the output shows them first (row by row, left to right)."""
    found: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(text.splitlines()):
        for label in labels:
            match = re.search(rf"(?<![\w:-]){re.escape(label)}(?![\w-])", line)
            if match and label not in found:
                found[label] = (number, match.start())
    assert set(found) == set(labels), (set(labels) - set(found), text)
    return sorted(found, key=found.__getitem__)


NEWS_ENTITIES = ["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]
NEWS_RELATIONS = ["LEADER_OF", "MEMBER_OF", "MEETS", "PART_OF", "LOCATED_IN"]


@pytest.mark.usefixtures("bare_folder")
def test_stats_schema_news_from_a_folder_without_schema(capsys: pytest.CaptureFixture[str]):
    result = run_redline(capsys, "stats", "--dataset", "seeds-demo", "--schema", "news")
    assert result.code == 0, result.stderr
    shown = label_order(result.stdout, [*NEWS_ENTITIES, "Merge-org", *NEWS_RELATIONS])
    assert shown == [*NEWS_ENTITIES, "Merge-org", *NEWS_RELATIONS]  # PART_OF: 0, still shown
    assert result.notices("warning") == ["label(s) not in schema news: Merge-org"]


@pytest.mark.usefixtures("bare_folder")
def test_stats_schema_generic_from_a_folder_without_schema(capsys: pytest.CaptureFixture[str]):
    result = run_redline(capsys, "stats", "--dataset", "seeds-demo", "--schema", "generic")
    assert result.code == 0, result.stderr
    generic = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART"]
    assert label_order(result.stdout, [*generic, "Merge-org"]) == [*generic, "Merge-org"]
    (warning,) = result.notices("warning")
    assert (
        warning
        == "label(s) not in schema generic: Merge-org, LEADER_OF, LOCATED_IN, MEETS, MEMBER_OF"
    )


@pytest.mark.usefixtures("bare_folder")
def test_stats_schema_path_and_a_missing_one(capsys: pytest.CaptureFixture[str]):
    write_schema(Path("mine.toml"), ["Merge-org", "PERSON"])
    result = run_redline(capsys, "stats", "--dataset", "seeds-demo", "--schema", "mine.toml")
    assert result.code == 0, result.stderr
    assert label_order(result.stdout, ["Merge-org", "PERSON", "GPE"]) == [
        "Merge-org",
        "PERSON",
        "GPE",
    ]
    missing = run_redline(capsys, "stats", "--dataset", "seeds-demo", "--schema", "nope.toml")
    assert missing.code == 1
    assert missing.notices("error") == ["nope.toml: schema file not found"]


def test_schema_option_help_names_paths_and_shipped_names(capsys: pytest.CaptureFixture[str]):
    for command in ("stats", "suggest", "annotate", "serve", "review", "train", "export"):
        shown = run_redline(capsys, command, "--help")
        assert shown.code == 0
        help_text = " ".join(shown.stdout.replace("│", " ").split())
        assert "--schema" in help_text, command
        assert "TOML file's path, or a shipped name (news, generic)" in help_text, command
