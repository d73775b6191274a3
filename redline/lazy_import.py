"""A function named by its module and name, imported when it is first needed: how the CLI's
command table and the format registries name what they list without importing it (spaCy
behind half the formats, everything behind the commands)."""

from __future__ import annotations

import importlib
from typing import Any


def imported(target: str) -> Any:
    """The object ``"package.module:name"`` names, importing its module now."""
    module_name, name = target.split(":")
    return getattr(importlib.import_module(module_name), name)
