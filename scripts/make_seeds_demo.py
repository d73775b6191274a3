"""Rebuild ``annotations/seeds-demo/``: two annotators' versions of the five seeds and the
reviewed gold, made with redline's own annotate and review code paths (the ones the UI keys
call), so every README command has real data to run on.

The two annotators fix the model's plain mistakes the same way and differ where two careful
people would: the typo "COVD-19" as an EVENT or not at all, the boundaries in "Senate of
Cambodia Say Chhum" and "CPP Honorary", and a relation one of them missed. The reviewer takes
a side in each conflict. Usage: python scripts/make_seeds_demo.py [--root annotations]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from redline.corpus import Corpus  # noqa: E402
from redline.editing import EditSession, SpanState  # noqa: E402
from redline.review import ReviewWorklist  # noqa: E402
from redline.schema import load_schema  # noqa: E402
from redline.store import open_dataset  # noqa: E402
from redline.suggest import Suggester, suggest_documents  # noqa: E402
from redline.worklist import Worklist  # noqa: E402

DATASET = "seeds-demo"


def spans_with(session: EditSession, text: str, label: str | None = None) -> list[SpanState]:
    return [
        s
        for s in session.live_spans
        if session.text_of(s) == text and (label is None or s.label == label)
    ]


def add(session: EditSession, text: str, label: str, after: int = 0) -> None:
    start = session.document.text.index(text, after)
    session.add_span(start, start + len(text), label)


def fix_both(session: EditSession) -> None:
    """What both annotators correct in the same way."""
    for span in spans_with(session, "Trọng", "NORP"):
        session.set_label(span.id, "PERSON")
    for span in spans_with(session, "Trung", "GPE"):
        session.set_label(span.id, "PERSON")
    for span in spans_with(session, "Hun", "PERSON"):
        session.move_boundary(span.id, "end", 1)


def ana(session: EditSession) -> None:
    fix_both(session)
    for span in spans_with(session, "COVD-19"):
        session.set_label(span.id, "EVENT")
    for span in spans_with(session, "Senate of Cambodia Say Chhum"):
        session.move_boundary(span.id, "end", -2)
        add(session, "Say Chhum", "PERSON", span.start)
    if session.document.doc_id.startswith("000"):
        text = session.document.text
        hun_sen = spans_with(session, "Hun Sen")[0]
        cambodia = next(
            s for s in session.live_spans
            if session.text_of(s) == "Cambodia" and s.end < hun_sen.start
            and text[s.end : hun_sen.start].strip() == "Samdech Techo"
        )  # fmt: skip
        session.add_relation(hun_sen.id, cambodia.id, "LEADER_OF")


def ben(session: EditSession) -> None:
    fix_both(session)
    for span in spans_with(session, "COVD-19"):
        session.reject(span.id)
    for span in spans_with(session, "Senate of Cambodia Say Chhum"):
        start = span.start
        session.reject(span.id)
        add(session, "Senate", "ORG", start)
        add(session, "Cambodia", "GPE", start)
        add(session, "Say Chhum", "PERSON", start)
    for span in spans_with(session, "CPP Honorary"):
        session.move_boundary(span.id, "end", -1)


def annotate(root: Path, name: str, edits: Callable[[EditSession], None]) -> None:
    schema = load_schema(REPO / "schema" / "news.toml")
    worklist = Worklist(
        Corpus(REPO / "seeds"), open_dataset(DATASET, root), name, schema, Suggester(schema)
    )
    try:
        for position in range(len(worklist)):
            opened = worklist.open(position, suggestions=worklist.suggest(position))
            edits(opened.session)
            worklist.save(opened.session, "accept", seconds=60.0)
    finally:
        worklist.close()


def review(root: Path, reviewer: str) -> None:
    """Take ana's side everywhere but at "CPP Honorary", where ben resized it right."""
    schema = load_schema(REPO / "schema" / "news.toml")
    worklist = ReviewWorklist.start(open_dataset(DATASET, root), reviewer, schema)
    try:
        for position in range(len(worklist)):
            session = worklist.open(position).session
            worklist.take_version(session, position, "ana")
            for conflict in worklist.review_document(position).conflicts:
                for annotators, keep, _ in conflict.votes:
                    texts = {session.text_of(session.span(i)) for i in keep}
                    if "ben" in annotators and "CPP" in texts:
                        session.choose(keep, conflict.among)
            worklist.save(session, "accept", seconds=30.0)
    finally:
        worklist.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO / "annotations")
    args = parser.parse_args()
    folder = args.root / DATASET
    shutil.rmtree(folder, ignore_errors=True)
    schema = load_schema(REPO / "schema" / "news.toml")
    suggest_documents(
        lambda: Corpus(REPO / "seeds"), open_dataset(DATASET, args.root), Suggester(schema)
    )
    annotate(args.root, "ana", ana)
    annotate(args.root, "ben", ben)
    review(args.root, "rita")
    for lock in folder.glob("*.lock"):
        lock.unlink()
    print(f"wrote {', '.join(sorted(p.name for p in folder.glob('*.jsonl')))} in {folder}")


if __name__ == "__main__":
    main()
