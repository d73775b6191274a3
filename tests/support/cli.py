"""``redline ARGS`` run in this process, through the console script's own entry point: the
tests that run hundreds of commands cannot afford a Python start-up each; and
:func:`redline_process`, the real command in a child process, for the few that need one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest

from redline.cli import main

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
STDERR_LINE = re.compile(r"(problem|skipped|warning|error): \S.*|\d+ document\(s\) skipped")
"""What a command may say on stderr: one line per message, however long or odd the input."""


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    raw: str
    """stdout and stderr as written, escape sequences and all."""

    def notices(self, *kinds: str) -> list[str]:
        """The stderr lines ``kind: ...`` (one per problem reported), without the prefix."""
        prefixes = tuple(f"{kind}: " for kind in kinds)
        return [
            line.split(": ", 1)[1] for line in self.stderr.splitlines() if line.startswith(prefixes)
        ]


def run_redline(capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    """``redline ARGS`` as the console script runs it; any exception but SystemExit escapes
    and fails the test, as a traceback would reach the user."""
    capsys.readouterr()
    argv = sys.argv
    sys.argv = ["redline", *args]
    code: object = 0
    try:
        main()
    except SystemExit as stop:
        code = 0 if stop.code is None else stop.code
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    assert isinstance(code, int), code
    outcome = Outcome(
        code, ANSI.sub("", captured.out), ANSI.sub("", captured.err), captured.out + captured.err
    )
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr
    for line in outcome.stderr.splitlines():
        assert STDERR_LINE.fullmatch(line), f"not one line per message: {line!r}"
    return outcome


def redline_process(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (its progress bar goes to stderr, as it would in
    a terminal), with the environment the test sees (``os.environ``), not the process's own:
    GNU readline, once loaded (a pytest run without workers loads it), sets
    COLUMNS and LINES in the latter only, where a test's ``delenv`` cannot take them out."""
    return subprocess.run(
        [sys.executable, "-m", "redline", *args],
        capture_output=True, text=True, timeout=300, env=dict(os.environ),
    )  # fmt: skip
