"""Key press to repaint in the annotate screen: a 10,000-token article with 1,000 spans vs a
seed article (~500 tokens, ~50 spans), in the same process, through the real app (headless).

Each sample runs from handing a cursor key to the app until the first frame written after it
(the app's `_display`, wrapped here), so Pilot's own waiting is not counted. Prints medians,
the ratio large/small (the Line API view and the cached side panel should keep it near 1),
and the large median against DESIGN.md's 16 ms target; then the time from saving a document
to the next one on screen (target 50 ms).
Usage: python -m bench.tui_keys [--presses 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from redline.corpus import Corpus
from redline.schema import Annotation, Span, load_schema, text_sha1
from redline.store import open_dataset
from redline.suggest import Suggester, suggest_documents
from redline.tokens import tokenize
from redline.tui.app import RedlineApp
from redline.worklist import Worklist

REPO = Path(__file__).resolve().parent.parent

LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "EVENT"]


def big_article(seed_text: str, tokens_wanted: int) -> str:
    paragraphs = [p for p in seed_text.split("\n") if p.strip()]
    out: list[str] = []
    count = 0
    while count < tokens_wanted:
        paragraph = paragraphs[len(out) % len(paragraphs)]
        out.append(paragraph)
        count += len(tokenize(paragraph))
    return "\n\n".join(out)


def saved_with_spans(doc_id: str, text: str, spans_wanted: int, annotator: str) -> Annotation:
    rng = random.Random(7)
    tokens = tokenize(text)
    step = max(2, len(tokens) // spans_wanted)
    spans = []
    for n, index in enumerate(range(0, len(tokens) - 1, step)):
        if len(spans) == spans_wanted:
            break
        start, end = tokens[index][0], tokens[index][1]
        spans.append(
            Span(id=f"s{n}", start=start, end=end, label=rng.choice(LABELS), origin="model",
                 edit="accepted")
        )  # fmt: skip
    return Annotation(
        doc_id=doc_id, text=text, text_sha1=text_sha1(text), spans=spans, annotator=annotator
    )


def record_frames(app: RedlineApp, frames: list[float]) -> None:
    """Append the time of every frame the app writes (wraps its ``_display``)."""
    display = app._display

    def timed_display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
        display(screen, renderable)
        frames.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]


async def measure(folder: Path, doc_id: str, text: str, spans: int, presses: int) -> list[float]:
    corpus = folder / doc_id
    corpus.mkdir()
    (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    dataset = open_dataset("bench", folder / "annotations")
    with dataset.open("bench", write=True) as log:
        log.append(saved_with_spans(doc_id, text, spans, "bench"))
    schema = load_schema(REPO / "schema" / "news.toml")
    worklist = Worklist(Corpus(corpus), dataset, "bench", schema)
    app = RedlineApp(worklist)
    samples: list[float] = []
    frames: list[float] = []
    async with app.run_test(size=(160, 50)) as pilot:
        record_frames(app, frames)
        await pilot.pause()
        session = app.screen.session
        assert len(session.live_spans) == spans, len(session.live_spans)
        for n in range(presses):
            key = "right" if (n // 50) % 2 == 0 else "down"
            frames.clear()
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            if frames:
                samples.append(frames[0] - start)
    return samples


async def measure_save_next(folder: Path) -> list[float]:
    """Enter (save, fsync, open the next document) until the next document's first frame, with
    the seeds' suggestions cached beforehand as the annotate worker would have."""
    schema = load_schema(REPO / "schema" / "news.toml")
    dataset = open_dataset("seeds", folder / "annotations")
    suggester = Suggester(schema)
    suggest_documents(lambda: Corpus(REPO / "seeds"), dataset, suggester)
    worklist = Worklist(Corpus(REPO / "seeds"), dataset, "bench", schema, Suggester(schema))
    app = RedlineApp(worklist)
    samples: list[float] = []
    frames: list[float] = []
    async with app.run_test(size=(160, 50)) as pilot:
        record_frames(app, frames)
        await pilot.pause()
        for _ in range(len(worklist) - 1):
            before = app.screen.session.document.doc_id
            frames.clear()
            start = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen.session.document.doc_id != before
            samples.append(frames[0] - start)
    return samples


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    seed = (REPO / "seeds" / "000_317a0d864143cfa9.txt").read_text(encoding="utf-8")
    large = big_article(seed, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small_samples = await measure(folder, "small", seed, 50, args.presses)
        large_samples = await measure(folder, "large", large, 1000, args.presses)
    small = statistics.median(small_samples) * 1000
    big = statistics.median(large_samples) * 1000
    print(f"large article: {len(tokenize(large))} tokens, 1000 spans; small: seed 000, 50 spans")
    print(f"median key press to repaint, small: {small:6.2f} ms")
    print(f"median key press to repaint, large: {big:6.2f} ms   (target < 16 ms)")
    print(f"p95 large: {statistics.quantiles(large_samples, n=20)[-1] * 1000:6.2f} ms")
    print(f"ratio large/small: {big / small:.2f}")
    saves: list[float] = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            saves += await measure_save_next(Path(tmp))
    print(
        f"save + next document shown (seeds, suggestions prefetched): median "
        f"{statistics.median(saves) * 1000:.1f} ms, max {max(saves) * 1000:.1f} ms "
        f"over {len(saves)} saves (target < 50 ms); ratio to a key press on the large "
        f"article: {statistics.median(saves) * 1000 / big:.1f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
