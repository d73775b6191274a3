"""Random keys, derandomized: thousands of key presses from fixed seeds through the real app,
with and without suggestions. The app must never crash, never show ``error: ...`` in the
status line (an exception caught there is a bug found, not a bug handled), and every line the
store holds must read back as a record the news schema accepts.

The keys are drawn from what is bound when the test runs (the annotate screen's keys, the app's,
the label and relation keys of the schema, the keys of every modal screen of ``redline.tui``),
so a key added later is fuzzed without touching this file, plus letters, digits and a few
special keys. ``ctrl+p`` alone is left out: Textual's own command palette fails on keys that
arrive before it has built its list (``NoMatches: CommandList``), which bursts provoke and a
person typing does not (the palette has its own tests). ``q``, ``ctrl+q`` and ``ctrl+c`` (and
``y`` after them) may end the app: it is then started again on the same dataset,
and the keys not yet handled go to the new one.

Speed: ``Pilot.press`` waits for the process to be idle after every key (at least 40 ms), so
20 000 keys would take over 20 minutes. The keys are posted to the app in bursts instead, as a
terminal delivers them when typed fast or pasted, and a burst is over once the app has
dispatched its last key (seen through ``run_test``'s message hook) and every node of the screen
has handled what was queued before it.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import random
import string
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.binding import BindingsMap
from textual.command import CommandPalette
from textual.keys import key_to_character
from textual.message import Message
from textual.screen import Screen

import redline.tui
from redline.corpus import Corpus
from redline.schema import Annotation, load_schema
from redline.schema.labels import LabelSchema
from redline.store import open_dataset
from redline.suggest import Suggester
from redline.tui.app import RedlineApp
from redline.tui.document_screen import DocumentScreen
from redline.tui.status_line import StatusLine
from redline.tui.textual_private import remapped_bindings
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS
from tests.support.tui import DATASET

SIZE = (120, 40)
KEYS_PER_RUN = 5_000
RUNS = [(1001, True), (2002, True), (3003, False), (4004, False)]
"""(seed, with suggestions): 4 x 5 000 = 20 000 keys."""
BURST = 50
"""Keys posted at once: few enough that the status line's history (100) holds their messages."""
MAX_CRASHES = 10
"""Each crash restarts the app; after this many the run stops (the keys are not all pressed)."""
MAX_RESTARTS = 300
EXCLUDED = {"ctrl+p"}
"""Textual's command palette, which fails on burst input (see the module)."""
SPECIAL = [
    "tab", "shift+tab", "left", "right", "up", "down", "pageup", "pagedown", "home", "end",
    "backspace", "delete", "escape", "enter", "space", "ctrl+z", "ctrl+y", "ctrl+c", "ctrl+q",
]  # fmt: skip
MODAL_ANSWERS = ["y", "n", "escape", "enter", *string.digits]
WEIGHTS = {"screen": 50, "labels": 10, "modals": 10, "letters": 15, "special": 15}
"""How often each group of keys is drawn (a key is drawn uniformly within its group)."""


# -- the keys ------------------------------------------------------------------------------


def _keys_of(bindings: BindingsMap) -> set[str]:
    return set(bindings.key_to_bindings)


def modal_screens() -> list[type[Screen[Any]]]:
    """Every screen class of ``redline.tui`` other than the document screens, and Textual's
    command palette: the screens a key may open over the annotate screen."""
    found: dict[str, type[Screen[Any]]] = {"CommandPalette": CommandPalette}
    for module_info in pkgutil.iter_modules(redline.tui.__path__, "redline.tui."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Screen)
                and not issubclass(value, DocumentScreen)
                and value.__module__ == module.__name__
            ):
                found[name] = value
    return [found[name] for name in sorted(found)]


def key_pool(app: RedlineApp, schema: LabelSchema) -> dict[str, list[str]]:
    """The keys to draw from, by group, each group sorted (the draws depend on the seed only)."""
    screen = app.screen
    assert isinstance(screen, DocumentScreen)
    bound = _keys_of(remapped_bindings(screen)) | _keys_of(remapped_bindings(app))
    bound |= set(screen.active_bindings)
    labels = {e.key for e in schema.entities} | {r.key for r in schema.relations}
    modal_keys = set(MODAL_ANSWERS)
    for modal in modal_screens():
        modal_keys |= _keys_of(BindingsMap(modal.BINDINGS))
    groups = {
        "screen": bound,
        "labels": labels,
        "modals": modal_keys,
        "letters": set(string.ascii_letters + string.digits),
        "special": set(SPECIAL),
    }
    return {name: sorted(keys - EXCLUDED) for name, keys in groups.items()}


def draw_keys(pool: dict[str, list[str]], seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    names = sorted(pool)
    groups = rng.choices(names, weights=[WEIGHTS[n] for n in names], k=count)
    return [rng.choice(pool[group]) for group in groups]


# -- driving the app -----------------------------------------------------------------------


@dataclass
class Outcome:
    pressed: int = 0
    restarts: int = 0
    errors: list[str] = field(default_factory=list)
    """Each ``error: ...`` the status line showed, with the keys that led to it."""
    crashes: list[str] = field(default_factory=list)
    return_codes: list[int | None] = field(default_factory=list)


class HarnessError(Exception):
    """The test's own failure, not the app's crash."""


class KeyFeed:
    """Counts the posted keys the app has dispatched (the message hook sees each message as a
    pump dispatches it; a key reaches the app's pump first)."""

    def __init__(self) -> None:
        self.posted: dict[int, events.Key] = {}
        self.dispatched = 0

    def hook(self, message: Message) -> None:
        if isinstance(message, events.Key) and self.posted.pop(id(message), None) is not None:
            self.dispatched += 1

    def post(self, app: RedlineApp, key: str) -> None:
        event = events.Key(key, key_to_character(key))
        self.posted[id(event)] = event
        app.post_message(event)


def ended(app: RedlineApp) -> bool:
    return app.return_code is not None


async def handled_so_far(app: RedlineApp) -> None:
    """Every node of the app and its screen has handled what was queued before this call."""
    if ended(app):
        return
    waits: list[asyncio.Event] = []
    for node in [app, *app.screen.walk_children(with_self=True)]:
        done = asyncio.Event()
        if node.call_later(done.set):
            waits.append(done)
    deadline = time.monotonic() + 30
    while not all(w.is_set() for w in waits) and not ended(app):
        if time.monotonic() > deadline:
            raise HarnessError("the app stopped handling messages")
        await asyncio.sleep(0)


def status_lines(app: RedlineApp) -> list[StatusLine]:
    return [line for screen in app.screen_stack for line in screen.query(StatusLine)]


def take_errors(app: RedlineApp, recent: Iterable[str], outcome: Outcome) -> None:
    for line in status_lines(app):
        if len(line.history) >= (line.history.maxlen or 0):
            raise HarnessError("the status line's history is full: lower BURST")
        for message in line.history:
            if message.startswith("error:"):
                outcome.errors.append(f"{message}  <- keys ... {' '.join(recent)}")
        line.history.clear()


def make_worklist(root: Path, schema: LabelSchema, suggestions: bool) -> Worklist:
    suggester = Suggester(schema) if suggestions else None
    return Worklist(Corpus(SEEDS), open_dataset(DATASET, root), "alice", schema, suggester)


async def fuzz(root: Path, seed: int, suggestions: bool) -> Outcome:
    schema = load_schema(NEWS_SCHEMA)
    outcome = Outcome()
    keys: list[str] | None = None
    recent: deque[str] = deque(maxlen=40)
    while keys is None or outcome.pressed < len(keys):
        feed = KeyFeed()
        app = RedlineApp(make_worklist(root, schema, suggestions))
        try:
            async with app.run_test(size=SIZE, message_hook=feed.hook) as pilot:
                await pilot.pause()
                if keys is None:
                    keys = draw_keys(key_pool(app, schema), seed, KEYS_PER_RUN)
                while outcome.pressed < len(keys) and not ended(app):
                    burst = keys[outcome.pressed : outcome.pressed + BURST]
                    before = feed.dispatched
                    for key in burst:
                        feed.post(app, key)
                    deadline = time.monotonic() + 30
                    while feed.dispatched - before < len(burst) and not ended(app):
                        if time.monotonic() > deadline:
                            raise HarnessError("the app stopped handling keys")
                        await asyncio.sleep(0)
                    handled = feed.dispatched - before
                    recent.extend(burst[:handled])
                    outcome.pressed += handled
                    await handled_so_far(app)
                    take_errors(app, recent, outcome)
        except HarnessError:
            raise
        except Exception as error:  # what escaped run_test: the app crashed
            outcome.crashes.append(
                f"{type(error).__name__}: {error}  <- keys ... {' '.join(recent)}"
            )
        outcome.return_codes.append(app.return_code)
        if keys is not None and outcome.pressed < len(keys):
            outcome.restarts += 1
        if len(outcome.crashes) >= MAX_CRASHES or outcome.restarts > MAX_RESTARTS:
            break
    return outcome


def check_saved_files(root: Path, schema: LabelSchema) -> tuple[int, list[str]]:
    """Every line of every annotator file: a valid record the schema accepts."""
    problems: list[str] = []
    lines = 0
    for path in sorted((root / DATASET).glob("*.jsonl")):
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            lines += 1
            try:
                record = Annotation.model_validate_json(line)
            except ValueError as error:
                problems.append(f"{path.name}:{number}: {error}")
                continue
            problems += [f"{path.name}:{number}: {p}" for p in schema.record_problems(record)]
    return lines, problems


@pytest.mark.longest(seconds=30)
@pytest.mark.parametrize(("seed", "suggestions"), RUNS)
async def test_random_keys_never_crash_nor_corrupt_a_save(
    seed: int,
    suggestions: bool,
    cached_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the command palette's "save screenshot" writes here
    if suggestions:
        (tmp_path / DATASET).mkdir()
        for cached in (cached_root / DATASET).glob("*.jsonl"):
            (tmp_path / DATASET / cached.name).write_bytes(cached.read_bytes())
    started = time.perf_counter()
    outcome = await fuzz(tmp_path, seed, suggestions)
    seconds = time.perf_counter() - started
    lines, problems = check_saved_files(tmp_path, load_schema(NEWS_SCHEMA))
    print(
        f"seed {seed} ({'with' if suggestions else 'no'} suggestions): {outcome.pressed} keys "
        f"in {seconds:.1f} s ({outcome.pressed / seconds:.0f} keys/s), "
        f"{outcome.restarts} restarts, {lines} saved lines"
    )
    assert outcome.crashes == []
    assert [code for code in outcome.return_codes if code not in (None, 0)] == []
    assert outcome.errors == []
    assert problems == []
    assert outcome.pressed == KEYS_PER_RUN
