"""`redline annotate` paints the first document's text before spaCy is imported, and the keys
typed meanwhile are not lost: they are held until the document is open, then run in order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from redline.store import open_dataset
from redline.tokens import tokenize
from tests.support.data import NEWS_SCHEMA, SEEDS, subprocess_env
from tests.support.pty_terminal import PtyApp

FIRST, SECOND = "000_317a0d864143cfa9", "001_6faee6a37c422e27"


def test_keys_typed_before_the_document_opens_are_run_on_it_in_order(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "redline", "annotate", str(SEEDS), "--dataset", "news",
               "--annotator", "ana", "--no-suggestions", "--schema", str(NEWS_SCHEMA),
               "--root", str(tmp_path)]  # fmt: skip
    app = PtyApp(command, env=subprocess_env(), cwd=tmp_path)
    try:
        # typed as soon as the text is there, while spaCy is still being imported (a second):
        # next token, label it PERSON, save; on the second document, label its first token
        # ORG and save. (Keys typed before the app has the terminal are the terminal's: it
        # turns enter into ctrl+j until the app sets raw mode.)
        app.wait_for(FIRST, timeout=60)
        app.press("right", "1", "enter", "2", "enter")
        app.wait_for("doc 3/5", timeout=60)
        app.press("q")
        assert app.wait() == 0
    finally:
        app.kill()
    with open_dataset("news", tmp_path).open("ana", write=False) as log:
        first, second = log.newest(FIRST), log.newest(SECOND)
    assert first is not None
    assert second is not None
    assert [(first.text[s.start : s.end], s.label) for s in first.spans] == [("block", "PERSON")]
    start, end = tokenize(second.text)[0]
    assert [(s.start, s.end, s.label) for s in second.spans] == [(start, end, "ORG")]


def test_the_text_is_painted_before_spacy_is_imported(tmp_path: Path) -> None:
    """What the first frame needs is imported without spaCy (it takes a second to import)."""
    code = (
        "import sys\n"
        "import redline.cli, redline.cli.annotate, redline.tui.app, redline.worklist\n"
        "from redline.suggest import Suggester\n"
        "from redline.schema import resolve_schema\n"
        "Suggester(resolve_schema(None))\n"
        "print(sorted(m for m in ('spacy', 'thinc', 'numpy') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
