"""Benchmarks: each prints ratios against a baseline run in the same process (see the README's
Performance section)."""

from __future__ import annotations

import os


def as_users_run(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a child Python as a user's machine runs it: with its bytecode cache.
    This workplace's shells set PYTHONDONTWRITEBYTECODE, under which every start compiles
    redline's modules from source again (a tenth of a second of each command's start)."""
    return {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}


def user_env() -> dict[str, str]:
    """This environment, as :func:`as_users_run` makes it."""
    return as_users_run(dict(os.environ))
