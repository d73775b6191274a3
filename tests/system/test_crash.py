"""kill -9 the real commands at random moments: every save the user was told about is there,
no file is half-written, and the next start carries on where the work stopped.

`annotate` and `review` run in a pseudo-terminal as a user's terminal would drive them; the
screen is read back through a terminal emulator. Each test prints its random seed.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from redline.review import merge_dataset
from redline.store import JsonlAnnotatorLog, open_dataset
from redline.tokens import tokenize
from tests.support.data import NEWS_SCHEMA, REPO, SEEDS, digests, seed_copies, subprocess_env
from tests.support.pty_terminal import PtyApp

DEMO = REPO / "annotations" / "seeds-demo"
MODEL_FILE = "model:en_core_web_sm.jsonl"
REDLINE = [sys.executable, "-m", "redline"]
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _rng(request: pytest.FixtureRequest) -> random.Random:
    seed = random.randrange(2**32)
    print(f"{request.node.name}: random seed {seed}")
    return random.Random(seed)


def _annotate_corpus(tmp_path: Path, count: int = 12) -> tuple[Path, list[str]]:
    return tmp_path / "corpus", seed_copies(tmp_path, count, "crash")


def _start_annotate(tmp_path: Path, corpus: Path) -> PtyApp:
    return PtyApp(
        [*REDLINE, "annotate", str(corpus), "--dataset", "crash", "--annotator", "ana",
         "--schema", str(NEWS_SCHEMA), "--root", str(tmp_path / "annotations")],
        env=subprocess_env(), cwd=tmp_path,
    )  # fmt: skip


def _read(path: Path, annotator: str) -> JsonlAnnotatorLog:
    """The file as a reader sees it: must hold whole records only."""
    log = JsonlAnnotatorLog(path, annotator, write=False)
    assert log.problems == [], [str(p) for p in log.problems]
    return log


def test_annotate_killed_at_random_moments_keeps_every_save_and_resumes(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    rng = _rng(request)
    corpus, doc_ids = _annotate_corpus(tmp_path)
    path = tmp_path / "annotations" / "crash" / "ana.jsonl"
    acknowledged: list[str] = []
    unacknowledged: set[str] = set()
    for _round in range(4):
        with _read(path, "ana") as log:
            saved = set(log.doc_ids())
        resume = next(n for n, doc_id in enumerate(doc_ids) if doc_id not in saved)
        app = _start_annotate(tmp_path, corpus)
        try:
            # the next start shows the first document without a saved version
            app.wait_for(f"doc {resume + 1}/{len(doc_ids)} · {doc_ids[resume]}")
            for position in range(resume, resume + rng.randint(0, 2)):
                app.press("enter")
                app.wait_for(f"saved {doc_ids[position]} (accept)")
                acknowledged.append(doc_ids[position])
            if rng.random() < 0.6:  # die in the middle of a save
                app.press("enter")
                time.sleep(rng.uniform(0, 0.03))
        finally:
            app.kill()
        with _read(path, "ana") as log:
            now_saved = log.doc_ids()
            assert [d for d in acknowledged if d not in now_saved] == []
            unacknowledged |= set(now_saved) - set(acknowledged)
            for doc_id in acknowledged:
                record = log.newest(doc_id)
                assert record is not None
                assert record.answer == "accept"
                assert record.spans, "the suggestions were saved as accepted"
        # only a save that was under way at the kill may be there without having been shown
        assert len(unacknowledged) <= _round + 1
        assert now_saved == doc_ids[: len(now_saved)]
        assert path.read_bytes().endswith(b"\n") or not path.exists() or path.stat().st_size == 0


def _demo_copy(tmp_path: Path) -> Path:
    dataset = tmp_path / "annotations" / "seeds-demo"
    dataset.mkdir(parents=True)
    for name in ("ana.jsonl", "ben.jsonl"):
        shutil.copy(DEMO / name, dataset / name)
    return dataset


def _start_review(tmp_path: Path) -> PtyApp:
    return PtyApp(
        [*REDLINE, "review", "--dataset", "seeds-demo", "--reviewer", "rita", "--schema",
         str(NEWS_SCHEMA), "--root", str(tmp_path / "annotations")],
        env=subprocess_env(), cwd=tmp_path,
    )  # fmt: skip


def test_review_killed_at_random_moments_keeps_every_gold_save_and_resumes(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    rng = _rng(request)
    dataset = _demo_copy(tmp_path)
    root = tmp_path / "annotations"
    merged = list(merge_dataset(open_dataset("seeds-demo", root)))
    unanimous = [m.doc_id for m in merged if m.unanimous]
    conflicts = [m.doc_id for m in merged if not m.unanimous]
    assert len(conflicts) == 2
    gold = dataset / "gold.jsonl"
    acknowledged: list[str] = []
    for round_number in range(3):
        app = _start_review(tmp_path)
        try:
            if round_number == 0:
                # die while the unanimous documents are being merged, or just after
                time.sleep(rng.uniform(0.8, 2.0))
            else:
                with _read(gold, "gold") as log:
                    done = set(log.doc_ids())
                resume = next(n for n, d in enumerate(conflicts) if d not in done)
                app.wait_for(f"doc {resume + 1}/{len(conflicts)} · {conflicts[resume]}")
                app.press("W")
                app.wait_for("Take whose version?")
                app.press("1", "enter")
                app.wait_for("took ana's whole version")
                app.press("enter")
                if rng.random() < 0.5:
                    app.wait_for(f"saved {conflicts[resume]} (accept)")
                    acknowledged.append(conflicts[resume])
                else:
                    time.sleep(rng.uniform(0, 0.03))
        finally:
            app.kill()
        if not gold.exists():
            continue
        with _read(gold, "gold") as log:
            in_gold = log.doc_ids()
            assert [d for d in acknowledged if d not in in_gold] == []
            # the unanimous merge never writes a document twice, however often it is cut off
            assert len(in_gold) == len(set(in_gold))
            assert set(in_gold) <= set(unanimous) | set(conflicts)
    # a last clean start has merged every unanimous document and shows what is left
    with _read(gold, "gold") as log:
        done = set(log.doc_ids())
    app = _start_review(tmp_path)
    try:
        left = [d for d in conflicts if d not in done]
        if left:
            app.wait_for(f"doc {conflicts.index(left[0]) + 1}/2 · {left[0]}")
        else:  # all reviewed: it opens on the last one, marked as saved
            app.wait_for(f"doc 2/2 ✓ {conflicts[-1]}")
    finally:
        app.kill()
    with _read(gold, "gold") as log:
        assert set(unanimous) <= set(log.doc_ids())


def _articles(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    sentences = [s for t in SEED_TEXTS for s in t.replace("\n", " ").split(". ") if s.strip()]
    return [". ".join(rng.sample(sentences, 6)) + "." for _ in range(count)]


def _run(args: list[str], cwd: Path, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*REDLINE, *args], cwd=cwd, env=subprocess_env(), capture_output=True, text=True,
        timeout=300, **options,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.longest(seconds=45)
def test_suggest_killed_midway_keeps_whole_records_and_the_rerun_reuses_them(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    rng = _rng(request)
    texts = _articles(120)
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(
        b"".join(orjson.dumps({"id": f"n{k:03d}", "text": t}) + b"\n" for k, t in enumerate(texts))
    )
    cache = tmp_path / "annotations" / "news" / MODEL_FILE
    command = [*REDLINE, "suggest", str(corpus), "--schema", str(NEWS_SCHEMA), "--batch-size",
               "4", "--root", str(tmp_path / "annotations")]  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, env=subprocess_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        # wait for the first batches to be saved, then die at a random moment
        deadline = time.monotonic() + 120
        while not (cache.exists() and cache.stat().st_size > 0) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 1.5))
    finally:
        process.kill()
        process.wait()
    with _read(cache, "model:en_core_web_sm") as log:
        kept = len(log)
        assert 0 < kept < len(texts), "the kill should land while suggesting"
        assert all(record.spans for record in log.iter_newest())

    rerun = _run(command[3:], tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    summary = " ".join(rerun.stdout.split())
    assert f"{len(texts)} documents ({len(texts) - kept} analysed, {kept} from cache)" in summary
    with _read(cache, "model:en_core_web_sm") as log:
        assert sorted(log.doc_ids()) == [f"n{k:03d}" for k in range(len(texts))]


def _big_gold(tmp_path: Path, count: int = 3000) -> None:
    """``count`` gold records (and as many of ana's, shorter), written as the store does."""
    from tests.support.data import jsonl_line, make_record, span

    dataset = tmp_path / "annotations" / "big"
    dataset.mkdir(parents=True)
    texts = _articles(50)
    tokens = [tokenize(text) for text in texts]
    with (dataset / "gold.jsonl").open("wb") as gold, (dataset / "ana.jsonl").open("wb") as ana:
        for n in range(count):
            text = texts[n % len(texts)]
            cuts = tokens[n % len(texts)][::5][:20]
            spans = [span(f"s{k}", start, end, "ORG") for k, (start, end) in enumerate(cuts)]
            gold.write(jsonl_line(make_record(f"g{n:05d}", text, spans=spans, annotator="gold")))
            ana.write(jsonl_line(make_record(f"a{n:05d}", text[:300], annotator="ana")))


@pytest.mark.longest(seconds=40)
@pytest.mark.parametrize("fmt", ["jsonl", "spacy"])
def test_export_killed_mid_write_leaves_the_old_file_or_the_new_one(
    tmp_path: Path, request: pytest.FixtureRequest, fmt: str
) -> None:
    rng = _rng(request)
    _big_gold(tmp_path)
    out = tmp_path / ("out.jsonl" if fmt == "jsonl" else "out")
    target = out if fmt == "jsonl" else out / "train.spacy"
    args = ["export", str(out), "--dataset", "big", "--format", fmt, "--root",
            str(tmp_path / "annotations"), "--schema", str(NEWS_SCHEMA)]  # fmt: skip
    started = time.monotonic()
    first = _run([*args, "--source", "ana"], tmp_path)
    duration = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    old = target.read_bytes()

    for attempt in range(3):
        process = subprocess.Popen(
            [*REDLINE, *args], cwd=tmp_path, env=subprocess_env(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            if fmt == "jsonl" and attempt == 0:
                # kill while the new file is being written (records stream into it)
                deadline = time.monotonic() + 120
                while not list(target.parent.glob(".*.part")) and time.monotonic() < deadline:
                    if process.poll() is not None:
                        pytest.fail("the export finished before it could be killed mid-write")
                    time.sleep(0.001)
                time.sleep(rng.uniform(0, 0.02))
            else:
                time.sleep(rng.uniform(0, duration))
        finally:
            process.kill()
            process.wait()
        written = target.read_bytes()
        if fmt == "jsonl":
            # whole old file, or the whole new one: every line a record, all 3000 of them
            assert written == old or (
                len(written.splitlines()) == 3000 and b'"annotator":"gold"' in written
            )
        else:
            assert written in (old, _exported(args, tmp_path, target))

    again = _run(args, tmp_path)
    assert again.returncode == 0, again.stderr
    new = target.read_bytes()
    assert new != old
    if fmt == "jsonl":
        assert len(new.splitlines()) == 3000
    assert list(target.parent.glob(".*.part")) == [], "the killed export's part file is gone"


def _exported(args: list[str], tmp_path: Path, target: Path) -> bytes:
    """What a complete run of the export writes (into another folder, once)."""
    elsewhere = tmp_path / "complete"
    if not (elsewhere / target.name).exists():
        done = _run([args[0], str(elsewhere), *args[2:]], tmp_path)
        assert done.returncode == 0, done.stderr
    return (elsewhere / target.name).read_bytes()


def _limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    """``ulimit -f``: writes past ``limit`` bytes fail with EFBIG, as on a full disk."""
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_annotate_with_the_disk_full_says_so_and_keeps_the_file(tmp_path: Path) -> None:
    corpus, doc_ids = _annotate_corpus(tmp_path)
    path = tmp_path / "annotations" / "crash" / "ana.jsonl"
    app = _start_annotate(tmp_path, corpus)
    try:
        app.wait_for(f"doc 1/{len(doc_ids)} · {doc_ids[0]}")
        app.press("enter")
        app.wait_for(f"saved {doc_ids[0]} (accept)")
    finally:
        app.press("q")
        app.wait()
    before = path.read_bytes()
    # room for the lock file, not for another record
    app = PtyApp(
        [*REDLINE, "annotate", str(corpus), "--dataset", "crash", "--annotator", "ana",
         "--schema", str(NEWS_SCHEMA), "--root", str(tmp_path / "annotations")],
        env=subprocess_env(), cwd=tmp_path, preexec=_limit_file_size(len(before) + 100),
    )  # fmt: skip
    try:
        app.wait_for(f"doc 2/{len(doc_ids)} · {doc_ids[1]}")
        app.press("enter")
        app.wait_for("could not save to annotations/crash/ana.jsonl: File too large")
        screen = app.text()
        assert "nothing was written and earlier saves are intact" in " ".join(screen.split())
        # still open on the same document, so nothing on screen is lost either
        assert f"doc 2/{len(doc_ids)} · {doc_ids[1]}" in screen
        assert app.process.poll() is None
    finally:
        app.kill()
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", ["suggest", "export", "import"])
def test_commands_with_the_disk_full_say_so_and_keep_existing_files(
    tmp_path: Path, command: str
) -> None:
    dataset = _demo_copy(tmp_path)
    shutil.copy(DEMO / "gold.jsonl", dataset / "gold.jsonl")
    shutil.copy(DEMO / MODEL_FILE, dataset / MODEL_FILE)
    root = str(tmp_path / "annotations")
    out = tmp_path / "gold-export.jsonl"
    out.write_bytes(b"an earlier export\n")
    if command == "suggest":
        corpus = tmp_path / "new.jsonl"
        corpus.write_bytes(orjson.dumps({"id": "x", "text": _articles(1, seed=9)[0]}) + b"\n")
        args = ["suggest", str(corpus), "--dataset", "seeds-demo"]
        limit = (dataset / MODEL_FILE).stat().st_size + 100
        expected = f"could not save to annotations/seeds-demo/{MODEL_FILE}: File too large"
    elif command == "export":
        args = ["export", str(out), "--dataset", "seeds-demo", "--format", "jsonl"]
        limit = 4096
        expected = "could not write gold-export.jsonl: File too large; the previous file is"
    else:
        args = ["import", str(DEMO / "ben.jsonl"), "--format", "jsonl", "--dataset",
                "seeds-demo", "--annotator", "cai"]  # fmt: skip
        (dataset / "cai.jsonl").write_bytes((dataset / "ana.jsonl").read_bytes().replace(
            b'"annotator":"ana"', b'"annotator":"cai"'))  # fmt: skip
        limit = (dataset / "cai.jsonl").stat().st_size + 100
        expected = "could not save to annotations/seeds-demo/cai.jsonl: File too large"
    before = digests(tmp_path)
    result = _run(
        [*args, "--root", root, "--schema", str(NEWS_SCHEMA)],
        tmp_path,
        preexec_fn=_limit_file_size(limit),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert expected in " ".join(result.stderr.split()), result.stderr
    after = digests(tmp_path)
    lock_files = {name for name in after if name.endswith(".lock")}
    assert {k: v for k, v in after.items() if k not in lock_files} == {
        k: v for k, v in before.items() if k not in lock_files
    }
