"""How redline behaves as the corpus grows: 1,000 -> 100,000 documents (targets: the first
document on screen in under 1 s, memory flat, resuming 100,000 saved records in under 1 s).

For each size it generates a JSONL corpus of news-like articles (~2.5 KB, made of the seed
articles' sentences) and an annotator file holding a saved version of every document but the
last ten (text plus ~40 spans each, as `redline annotate` writes them), then runs the real
`redline annotate` in a pseudo-terminal and reads the emulated screen:

- first document: process start until the first document's id is on screen (empty dataset);
- resume: process start until the first unsaved document is on screen (N - 10 records saved);
- memory: the process's RSS once the first document and its suggestions are on screen;
- library: opening the annotator's file and finding the resume point, in this process, with
  the index cache redline keeps beside the file, and once without it (every record checked).

Ratios are against the smallest size, run in the same process. Usage:
    python -m bench.scale [--sizes 1000,10000,100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench import as_users_run
from redline.schema import Annotation, Span, text_sha1
from redline.store import open_dataset
from redline.tokens import tokenize
from tests.support.pty_terminal import PtyApp

REPO = Path(__file__).resolve().parent.parent

LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]
DISTINCT_TEXTS = 300
REDLINE = [sys.executable, "-m", "redline"]


def articles(rng: random.Random) -> list[str]:
    """Distinct article texts of about 2.5 KB, made of the seeds' sentences."""
    sentences = [
        s.strip() + "."
        for p in sorted((REPO / "seeds").glob("*.txt"))
        for s in p.read_text(encoding="utf-8").replace("\n", " ").split(". ")
        if len(s.split()) > 4
    ]
    texts = []
    for _ in range(DISTINCT_TEXTS):
        paragraphs = [" ".join(rng.sample(sentences, 3)) for _ in range(4)]
        texts.append("\n\n".join(paragraphs))
    return texts


def saved_template(text: str, rng: random.Random) -> dict[str, object]:
    """A saved version of ``text`` as the annotate screen writes it (~40 spans)."""
    tokens = tokenize(text)
    step = max(2, len(tokens) // 40)
    spans = [
        Span(
            id=f"s{k}",
            start=tokens[i][0],
            end=tokens[i][1],
            label=rng.choice(LABELS),
            origin="model",
            edit="accepted",
        )
        for k, i in enumerate(range(0, len(tokens) - 1, step))
    ]
    record = Annotation(
        doc_id="template", text=text, text_sha1=text_sha1(text), annotator="ana", spans=spans,
        seconds=rng.uniform(20, 200),
    )  # fmt: skip
    return record.model_dump(mode="json")


def generate(folder: Path, size: int, seed: int = 11) -> tuple[Path, list[str]]:
    """corpus.jsonl with ``size`` documents and annotations/scale/ana.jsonl with all but the
    last ten saved; returns the corpus and its ids."""
    rng = random.Random(seed)
    texts = articles(rng)
    templates = [saved_template(t, rng) for t in texts]
    doc_ids = [f"news-{n:06d}" for n in range(size)]
    corpus = folder / "corpus.jsonl"
    log = folder / "annotations" / "scale" / "ana.jsonl"
    log.parent.mkdir(parents=True)
    with corpus.open("wb") as docs, log.open("wb") as saved:
        for n, doc_id in enumerate(doc_ids):
            text = texts[n % len(texts)]
            docs.write(orjson.dumps({"id": doc_id, "text": text, "meta": {"n": n}}) + b"\n")
            if n < size - 10:
                record = dict(templates[n % len(texts)], doc_id=doc_id)
                saved.write(orjson.dumps(record) + b"\n")
    return corpus, doc_ids


def time_on_screen(
    folder: Path, corpus: Path, annotator: str, doc_id: str, cache: Path
) -> tuple[float, int]:
    """Seconds from process start until ``doc_id`` is on screen, and the RSS (KiB) once its
    suggestions are there too."""
    app = PtyApp(
        [*REDLINE, "annotate", str(corpus), "--dataset", "scale", "--annotator", annotator],
        cwd=folder,
        env=as_users_run({**os.environ, "PYTHONPATH": str(REPO), "REDLINE_CACHE_DIR": str(cache)}),
    )
    try:
        seconds = app.wait_for(doc_id, timeout=120)
        app.wait_for("to review", timeout=120)
        time.sleep(0.5)
        return seconds, app.rss_kib()
    finally:
        app.kill()


def import_seconds() -> float:
    """What starting Python and importing what annotate paints with (redline and Textual;
    spaCy comes after the first frame) costs before any document is read (the same for every
    corpus size)."""
    code = "import redline.cli, redline.tui.app, redline.worklist"
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True,
                       env=as_users_run({**os.environ, "PYTHONPATH": str(REPO)}))  # fmt: skip
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def library_resume(folder: Path, doc_ids: list[str]) -> float:
    """Open ana's file (indexing every record) and find the first unsaved document."""
    started = time.perf_counter()
    with open_dataset("scale", folder / "annotations").open("ana", write=False) as log:
        point = log.resume_point(doc_ids)
    elapsed = time.perf_counter() - started
    assert point == doc_ids[-10], point
    return elapsed


def warm_suggestions(folder: Path, corpus: Path) -> None:
    """Cache the model's suggestions for the distinct texts, so every run opens alike."""
    from redline.corpus import Corpus
    from redline.schema import resolve_schema
    from redline.suggest import Suggester, suggest_documents

    head = folder / "head.jsonl"
    with corpus.open("rb") as source:
        head.write_bytes(b"".join(source.readline() for _ in range(DISTINCT_TEXTS)))
    suggester = Suggester(resolve_schema(REPO / "schema" / "news.toml"))
    suggest_documents(lambda: Corpus(head), open_dataset("scale", folder / "annotations"),
                      suggester)  # fmt: skip


def measure(base: Path, size: int, runs: int) -> dict[str, float]:
    folder = base / str(size)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "schema").mkdir(parents=True)
    shutil.copy(REPO / "schema" / "news.toml", folder / "schema" / "news.toml")
    cache = folder / "cache"
    started = time.perf_counter()
    corpus, doc_ids = generate(folder, size)
    warm_suggestions(folder, corpus)
    megabytes = (folder / "annotations" / "scale" / "ana.jsonl").stat().st_size / 1e6
    print(f"{size:>7} docs: generated in {time.perf_counter() - started:.1f} s "
          f"(annotator file {megabytes:.0f} MB)", flush=True)  # fmt: skip
    # The annotator file was written here, not by redline, so it has no index cache yet:
    # the first open checks every record (and leaves the cache, as redline's saves do).
    cold = library_resume(folder, doc_ids)
    # The very first open of this corpus indexes it (and caches the index).
    never_seen, _ = time_on_screen(folder, corpus, "new", doc_ids[0], cache)
    first, resume, rss, library = [], [], [], []
    for _run in range(runs):
        (folder / "annotations" / "scale" / "new.jsonl").unlink(missing_ok=True)
        seconds, kib = time_on_screen(folder, corpus, "new", doc_ids[0], cache)
        first.append(seconds)
        rss.append(kib)
        resume.append(time_on_screen(folder, corpus, "ana", doc_ids[-10], cache)[0])
        library.append(library_resume(folder, doc_ids))
    row = {
        "size": size,
        "never_seen": never_seen,
        "first": statistics.median(first),
        "resume": statistics.median(resume),
        "rss_mib": statistics.median(rss) / 1024,
        "library": statistics.median(library),
        "cold": cold,
    }
    print(f"{size:>7} docs: first document {row['first']:.2f} s (corpus never opened before: "
          f"{never_seen:.2f} s), resume {row['resume']:.2f} s; opening {size - 10} records "
          f"and finding the resume point {row['library']:.2f} s (without the index cache "
          f"{cold:.2f} s); RSS {row['rss_mib']:.0f} MiB", flush=True)  # fmt: skip
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = args.keep or Path(tempfile.mkdtemp(prefix="redline-scale-"))
    imports = import_seconds()
    print(f"starting Python and importing redline and Textual: {imports:.2f} s")
    try:
        results = [measure(base, size, args.runs) for size in sizes]
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    smallest, largest = results[0], results[-1]
    print(f"\nratios against {smallest['size']} documents (same process):")
    for row in results[1:]:
        print(f"{row['size']:>7} docs: first document x{row['first'] / smallest['first']:.2f}, "
              f"resume x{row['resume'] / smallest['resume']:.2f}, "
              f"RSS x{row['rss_mib'] / smallest['rss_mib']:.2f}")  # fmt: skip
    after_imports = largest["first"] - imports
    print(f"\nat {largest['size']} documents:")
    print(f"  first document {after_imports:.2f} s after the imports "
          f"({largest['never_seen'] - imports:.2f} s the first time the corpus is opened): "
          f"{'met' if after_imports < 1 else 'MISSED'} (target < 1 s)")  # fmt: skip
    print(f"  resume {largest['resume']:.2f} s from the command: "
          f"{'met' if largest['resume'] < 1 else 'MISSED'} (target < 1 s)")  # fmt: skip
    growth = largest["rss_mib"] / smallest["rss_mib"]
    print(f"  RSS x{growth:.2f} from {smallest['size']}: "
          f"{'flat' if growth < 1.2 else 'NOT flat'} (target: within 20 %)")  # fmt: skip


if __name__ == "__main__":
    main()
