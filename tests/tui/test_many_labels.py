"""A schema made by another tool: labels of any case and punctuation, more labels than keys,
and overlapping spans, annotated in the real app."""

from __future__ import annotations

from pathlib import Path

from textual.app import SystemCommand

from redline.corpus import Corpus
from redline.schema.loading import schema_from_dict
from redline.store import open_dataset
from redline.tui.app import RedlineApp
from redline.worklist import Worklist
from tests.support.tui import DATASET, saved

LABELS = ["Person", "Merge-org", "c", "B.1", *[f"Type{n:02d}" for n in range(20)]]
TEXT = "Air Force F-16 Fighting Falcons from the Vermont Air National Guard arrived."


def _app(tmp_path: Path) -> RedlineApp:
    schema = schema_from_dict(
        {"name": "byo", "overlap": True, "entities": [{"label": label} for label in LABELS]},
        "byo",
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.txt").write_text(TEXT, encoding="utf-8")
    worklist = Worklist(
        Corpus(corpus), open_dataset(DATASET, tmp_path / "ann"), "zoe", schema, None
    )
    return RedlineApp(worklist)


async def test_keys_run_out_and_the_rest_are_in_the_palette(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        schema = app.screen.schema  # type: ignore[attr-defined]
        keys = [e.key for e in schema.entities]
        assert keys[:4] == ["1", "2", "3", "4"]
        assert len({k for k in keys if k}) == len([k for k in keys if k]) == 21
        unkeyed = [e.label for e in schema.entities if not e.key]
        assert unkeyed == ["Type17", "Type18", "Type19"]
        commands: list[SystemCommand] = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert "Label the selection or the span in focus Type19" in titles

        # "Air Force" as c (key 3), then "Air Force F-16" around it as Merge-org (key 2)
        await pilot.press("shift+right", "3")
        await pilot.press("left", "shift+right", "shift+right", "2")
        await pilot.pause()
        # a label with no key, from the palette's command, on the token under the cursor
        await pilot.press("right", "right", "right", "right", "right")
        command = next(c for c in commands if c.title.endswith("Type19"))
        await command.callback()  # type: ignore[misc]
        await pilot.press("enter")
        await pilot.pause()
    (record,) = saved(tmp_path / "ann", "zoe")
    found = {(record.text[s.start : s.end], s.label) for s in record.spans}
    assert ("Air Force F-16", "Merge-org") in found
    assert ("Air Force", "c") in found  # nested inside the other: the schema allows overlap
    assert ("Vermont", "Type19") in found
