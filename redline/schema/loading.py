"""A label schema from its TOML file, every problem one error naming the file and field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from redline.errors import InputError, Location, display_path
from redline.schema.labels import LabelSchema

_TOML_LINE = re.compile(r"at line (\d+)")


def load_schema(path: str | Path) -> LabelSchema:
    """Read and check a TOML label schema; any problem is one error naming file and field."""
    path = Path(path)
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Location(shown), "schema file not found") from None
    except OSError as error:
        raise InputError(Location(shown), f"cannot read schema: {error.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(Location(shown, line), "not valid UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE.search(str(error))
        # tomllib says "at end of document" for what is still open there: its last line
        line = int(match.group(1)) if match else max(1, len(raw.splitlines()))
        raise InputError(Location(shown, line), f"invalid TOML: {error}") from None
    return schema_from_dict(data, shown)


def schema_from_dict(data: dict[str, Any], source: str) -> LabelSchema:
    try:
        return LabelSchema.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = _field_name(first["loc"], data)
        message = first["msg"].removeprefix("Value error, ")
        more = len(error.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise InputError(Location(source, field=field or None), message) from None


def _field_name(loc: tuple[int | str, ...], data: dict[str, Any]) -> str:
    """``entities[2] (EVENT).color`` rather than pydantic's ``entities.2.color``."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            label = ""
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                found = node[item].get("label")
                label = f" ({found})" if isinstance(found, str) else ""
                node = node[item]
            parts[-1] = f"{parts[-1]}[{item}]{label}" if parts else f"[{item}]"
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)
