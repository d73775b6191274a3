"""Label schemas made from another tool's data, and any schema written out as TOML.

``redline schema from-brat`` and ``from-prodigy`` start a team off with the labels its data
already has; what they print is a TOML file that :func:`~redline.schema.loading.load_schema`
reads back to the same schema, to be edited (descriptions, colours, keys) from there.
Both map the spaCy model's labels onto the new ones by name (:func:`model_label_map`), so
that ``redline suggest`` proposes spans from the first run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import tomli_w

from redline.byte_order_mark import read_without_bom
from redline.errors import InputError, Location, display_path
from redline.schema.labels import LabelSchema, label_refusal, overlapping_neighbours
from redline.schema.loading import schema_from_dict

SPACY_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)  # fmt: skip
"""The entity labels of spaCy's English pipelines (OntoNotes)."""
SYNONYMS: dict[str, tuple[str, ...]] = {
    "PERSON": ("per",),
    "ORG": ("organization", "organisation"),
    "LOC": ("location", "place"),
    "NORP": ("nationality",),
    "FAC": ("facility",),
    "PERCENT": ("percentage",),
}
"""Other names, besides its own, a schema gives a spaCy label (compared ignoring case,
spaces, '-' and '_'): only those whose meaning is the same. Kept short on purpose: a wrong
mapping suggests wrong spans on every document."""
FALLBACKS = {"GPE": "LOC", "TIME": "DATE"}
"""A spaCy label a schema has no name for goes where its nearest label went: countries and
cities (GPE) to the schema's location label, times to its date label."""


def _folded(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def model_label_map(labels: Iterable[str]) -> dict[str, str]:
    """spaCy label -> schema label, for each spaCy label the schema has a name for: its own
    (any case: ``Person``, ``Work-of-Art``), a synonym (:data:`SYNONYMS`), else a fallback
    (:data:`FALLBACKS`). A label written exactly as spaCy's wins over another spelling."""
    names = list(labels)
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(_folded(name), name)
    mapping: dict[str, str] = {}
    for model_label in SPACY_LABELS:
        if model_label in names:
            mapping[model_label] = model_label
            continue
        for name in (model_label, *SYNONYMS.get(model_label, ())):
            if _folded(name) in folded:
                mapping[model_label] = folded[_folded(name)]
                break
    for model_label, nearest in FALLBACKS.items():
        if model_label not in mapping and nearest in mapping:
            mapping[model_label] = mapping[nearest]
    return {label: mapping[label] for label in SPACY_LABELS if label in mapping}


def schema_toml(schema: LabelSchema, source: str, command: str) -> str:
    """The schema as a TOML file that loads back to an equal schema: what differs from the
    defaults (and the model's name, so the reader sees which pipeline suggests), after a
    comment naming where it came from."""
    data: dict[str, Any] = schema.model_dump(mode="json", exclude_defaults=True)
    data["model"] = {"name": schema.model.name, **data.get("model", {})}
    shown = "".join(c if c.isprintable() else "?" for c in source)
    header = (
        f"# redline label schema made by `redline schema {command}` from {shown}.\n"
        "# Edit it freely (descriptions are the guideline shown while annotating);\n"
        "# `redline schema check --schema FILE` shows what redline reads.\n\n"
    )
    return header + tomli_w.dumps(data)


def schema_from_prodigy(path: Path) -> tuple[LabelSchema, list[str]]:
    """The schema of a file of Prodigy tasks: the entity labels of their spans, and each
    relation label with the entity labels seen at its head and at its child; overlapping
    spans allowed when some task has them. Every line must be a task (an error names its
    file and line); nothing is left out, so there are no notes."""
    path = Path(path)
    shown = display_path(path)
    raw = read_without_bom(path)
    entities: dict[str, None] = {}
    relations: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    overlap = False
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        where = Location(shown, number)
        try:
            task = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise InputError(where, f"invalid JSON ({error.msg})") from None
        if not isinstance(task, dict):
            raise InputError(where, f"expected a JSON object, got {type(task).__name__}")
        spans = _list(task, "spans", where)
        for index, item in enumerate(spans):
            entities[_label(item, f"spans[{index}]", where)] = None
        extents = [s for s in spans if _int(s.get("start")) and _int(s.get("end"))]
        overlap = overlap or bool(overlapping_neighbours([_Extent(s) for s in extents]))
        for index, item in enumerate(_list(task, "relations", where)):
            what = f"relations[{index}]"
            label = _label(item, what, where)
            heads, children = relations.setdefault(label, ({}, {}))
            for side, seen in (("head", heads), ("child", children)):
                end = _end_label(item, side, spans, f"{what}.{side}", where)
                seen[end] = entities[end] = None
    if not entities:
        raise InputError(
            Location(shown), "no task has a labelled span: a schema needs an entity label"
        )
    data = {
        "name": path.stem or "prodigy",
        "description": f"The labels seen in the Prodigy tasks of {shown}.",
        "allow_overlap": overlap,
        "model": {"name": "en_core_web_sm", "label_map": model_label_map(entities)},
        "entities": [{"label": label, "description": f"Prodigy label {label}"}
                     for label in entities],
        "relations": [
            {"label": label, "head": list(heads), "child": list(children),
             "description": f"Prodigy relation {label}"}
            for label, (heads, children) in relations.items()
        ],
    }  # fmt: skip
    return schema_from_dict(data, shown), []


class _Extent:
    """A task's span as :func:`overlapping_neighbours` reads one."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.start: int = item["start"]
        self.end: int = item["end"]


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list(task: dict[str, Any], key: str, where: Location) -> list[dict[str, Any]]:
    items = task.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(where, f'"{key}" must be a list of JSON objects')
    return items


def _label(item: dict[str, Any], what: str, where: Location) -> str:
    label = item.get("label")
    if not isinstance(label, str) or not label:
        raise InputError(where, f"{what} has no label")
    refusal = label_refusal(label)
    if refusal:
        raise InputError(where, f"{what}: {refusal}")
    return label


def _end_label(
    relation: dict[str, Any], side: str, spans: list[dict[str, Any]], what: str, where: Location
) -> str:
    """The entity label at one end of a relation: its ``head_span``/``child_span``'s, else
    that of the one span whose last token is the ``head``/``child`` token index."""
    described = relation.get(f"{side}_span")
    if isinstance(described, dict):
        return _label(described, f"{what}_span", where)
    token = relation.get(side)
    ending = [s for s in spans if _int(token) and s.get("token_end") == token]
    if len(ending) != 1:
        found = "no span" if not ending else f"{len(ending)} spans"
        raise InputError(
            where, f"{what}: {found} ends at token {token!r}; give {side}_span to say which"
        )
    return _label(ending[0], f"{what} (span at token {token})", where)
