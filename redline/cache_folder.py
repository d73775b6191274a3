"""Where redline keeps what it can always make again (indexes, checks already passed).

Everything in it is a shortcut, never the truth: delete any of it at any time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_folder(kind: str) -> Path:
    """``$REDLINE_CACHE_DIR/<kind>``, else the user's cache folder ($XDG_CACHE_HOME or
    ~/.cache) ``/redline/<kind>``."""
    explicit = os.environ.get("REDLINE_CACHE_DIR")
    if explicit:
        return Path(explicit) / kind
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder (a service account): a per-user temp folder
            base = str(Path(tempfile.gettempdir()) / f"redline-{os.getuid()}")
    return Path(base) / "redline" / kind
