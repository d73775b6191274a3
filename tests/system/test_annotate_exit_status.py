"""A UI that ends on an unhandled exception never exits 0.

Textual catches the exception itself: it prints the traceback, sets ``return_code`` to 1, and
``App.run()`` returns as after a normal quit. ``redline annotate`` runs its app through
:func:`redline.cli.annotate.run_app`, which turns that into the exit status. Nothing from
outside the process makes the real annotate app raise without a hook in its code, so a tiny
real Textual app that raises in ``on_mount`` goes through the same function, as a command of
its own, in a real pseudo-terminal.
"""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

from tests.support.data import subprocess_env
from tests.support.pty_terminal import PtyApp

_COMMAND = textwrap.dedent(
    """
    import sys
    import typer
    from textual.app import App
    from redline.cli.annotate import run_app

    class Crashing(App[None]):
        def on_mount(self) -> None:
            raise RuntimeError("boom in on_mount")

    class Quitting(App[None]):
        def on_mount(self) -> None:
            self.exit()

    cli = typer.Typer()

    @cli.command()
    def main(crash: bool = False) -> None:
        run_app(Crashing() if crash else Quitting(), "the edits of doc-7 are lost")
        print("returned normally")

    cli()
    """
)
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[=>()][0-9A-Za-z]?)")


def _run(*args: str) -> tuple[int, str]:
    app = PtyApp([sys.executable, "-c", _COMMAND, *args], env=subprocess_env())
    code = app.wait(timeout=60)
    text = _ESCAPES.sub("", app.output().decode("utf-8", errors="replace"))
    return code, " ".join(text.split())


@pytest.mark.slow
def test_an_unhandled_exception_in_the_app_exits_1_and_says_what_was_lost() -> None:
    code, output = _run("--crash")
    assert code == 1, output
    assert "RuntimeError" in output  # Textual's traceback
    assert "boom in on_mount" in output
    assert (
        "error: the UI stopped on an unexpected error (traceback above): "
        "the edits of doc-7 are lost" in output
    )
    assert "returned normally" not in output


@pytest.mark.slow
def test_a_normal_quit_still_exits_0_without_a_word() -> None:
    code, output = _run()
    assert code == 0, output
    assert "error:" not in output
    assert "returned normally" in output
