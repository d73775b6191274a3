"""brat's ``annotation.conf``, read into a label schema and written from one.

brat's file has sections ``[entities]``, ``[relations]``, ``[events]`` and ``[attributes]``;
a line is ``Type`` or ``Type<whitespace>Arg1:A|B, Arg2:C, <REL-TYPE>:symmetric`` (extra
``|``-terms after the first are display names; the first is the stored one), indented by
one whitespace character per level of the type hierarchy; a type written ``!Type`` is a
grouping only, never annotated; ``<NAME>=A|B`` defines a macro used as ``<NAME>`` in later
lines of its section (one defined before the first section is used in every section: brat
keeps macros to their section, so such a file means them for all); ``#`` starts a comment.

What a :class:`LabelSchema` holds is kept: every usable entity type (labels exactly as
written: any case, hyphens), and every relation with Arg1 as head and Arg2 as child, where
``<ENTITY>`` (or ``<ANY>``) means every entity type and a type with subtypes means it and all
of them, as the hierarchy says; ``<REL-TYPE>:symmetric`` (``symmetric-transitive``, as brat's
``Equiv``) makes it symmetric. ``<OVERLAP>`` lines are dropped: brat allows overlapping
annotations, so the schema does (``allow_overlap``). Events, attributes, normalizations and
any other section cannot be expressed: each kind is one note, returned beside the schema.
A relation naming an unknown type, or a line brat could not read, is an :class:`InputError`
at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from redline.byte_order_mark import read_without_bom
from redline.errors import InputError, Location, display_path
from redline.schema.derive import model_label_map
from redline.schema.labels import LabelSchema
from redline.schema.loading import schema_from_dict

CONF_NAME = "annotation.conf"
_SECTION = re.compile(r"^\s*\[(.*)\]\s*$")
_MACRO = re.compile(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$")
_LINE = re.compile(r"^(\s*)(\S+)(?:\s+(.*))?$")
_ARGUMENT = re.compile(r"^(\S*?):(\S*)$")
_RESERVED = {"ANY", "ENTITY", "RELATION", "EVENT", "NONE", "EMPTY", "REL-TYPE", "INHERIT"}
_RESERVED |= {"OVERLAP", "OVERLAP-TYPE", "DEFAULT", "NORM", "URL", "URLBASE", "GLYPH-POS"}
_UNSUPPORTED_SECTIONS = {"events", "attributes", "normalizations", "normalization"}
"""Sections brat (or a tool beside it) reads and a schema cannot hold: one note each."""
_ANY_ENTITY = {"<ENTITY>", "<ANY>"}
_SKIPPED_RELATIONS = {"<OVERLAP>", "ENTITY-NESTING"}
"""Relation-section lines that are rules about overlap, not relation types."""


@dataclass
class _Type:
    """One line of a section: a type with its arguments and place in the hierarchy."""

    label: str
    line: int
    args: list[str]
    abstract: bool
    parent: _Type | None
    children: list[_Type] = field(default_factory=list)

    def family(self) -> list[_Type]:
        """This type and every type under it, in file order."""
        return [self, *(t for child in self.children for t in child.family())]


def schema_beside(folder: Path) -> tuple[LabelSchema, list[str]] | None:
    """The schema of the ``annotation.conf`` of a brat folder, looked up as brat does (the
    folder, then its parent); None when neither has one."""
    for place in (Path(folder), Path(folder).resolve().parent):
        if (place / CONF_NAME).is_file():
            return schema_from_brat_conf(place / CONF_NAME)
    return None


def schema_from_brat_conf(path: Path) -> tuple[LabelSchema, list[str]]:
    """The label schema of a brat ``annotation.conf``, and one note per kind of thing in it
    that a schema cannot hold (see the module's docstring)."""
    path = Path(path)
    shown = display_path(path)
    raw = read_without_bom(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(Location(shown, line), "invalid UTF-8") from None
    sections = _read_sections(text, shown)
    notes: list[str] = []
    entities = _usable(sections.get("entities", []))
    if not entities:
        raise InputError(Location(shown), "[entities] declares no type that can be annotated")
    seen: dict[str, int] = {}
    for entity in entities:
        if entity.label in seen:
            raise InputError(
                Location(shown, entity.line),
                f"entity type {entity.label} is declared twice (first at line "
                f"{seen[entity.label]})",
            )
        seen[entity.label] = entity.line
    relations = _relations(sections.get("relations", []), sections, shown, notes)
    notes[:0] = [
        _section_note(name, roots)
        for name, roots in sections.items()
        if roots and name not in ("entities", "relations")
    ]
    labels = [t.label for t in entities]
    data = {
        "name": path.resolve().parent.name or "brat",
        "description": f"Derived from the brat configuration {shown}.",
        "allow_overlap": True,
        "model": {"name": "en_core_web_sm", "label_map": model_label_map(labels)},
        "entities": [{"label": t.label, "description": _described(t)} for t in entities],
        "relations": relations,
    }
    return schema_from_dict(data, shown), notes


def _section_note(name: str, roots: list[_Type]) -> str:
    """The one note for a section a schema cannot hold, naming its types."""
    names = [t.label for root in roots for t in root.family()]
    listed = ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
    what = f"[{name}] ({len(names)} type{'s' if len(names) != 1 else ''}: {listed})"
    if name in _UNSUPPORTED_SECTIONS:
        return f"{CONF_NAME}: {what} are not supported and are left out"
    return f"{CONF_NAME}: {what} is not a section redline reads; it is left out"


def _described(entity: _Type) -> str:
    parent = entity.parent
    return f"brat type {entity.label}" + (f", a kind of {parent.label}" if parent else "")


def _read_sections(text: str, shown: str) -> dict[str, list[_Type]]:
    """Each section's type hierarchy (its root types), macros expanded."""
    everywhere: dict[str, str] = {}
    macros: dict[str, str] = {}
    section: str | None = None
    roots: dict[str, list[_Type]] = {}
    at_depth: dict[int, _Type] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip() or line.lstrip().startswith("#") or re.fullmatch(r"\s*-+\s*", line):
            continue  # blank, comment, or brat's separator line (for display)
        where = Location(shown, number)
        header = _SECTION.match(line)
        if header:
            section = header.group(1).strip()
            roots.setdefault(section, [])
            macros, at_depth = dict(everywhere), {}
            continue
        macro = _MACRO.match(line)
        if macro:
            name, value = macro.groups()
            if name in _RESERVED:
                raise InputError(where, f"<{name}> is reserved by brat and cannot be redefined")
            (macros if section else everywhere)[f"<{name}>"] = value
            continue
        if section is None:
            raise InputError(where, f"{line.strip()!r} stands before the first [section]")
        for name, value in macros.items():
            line = line.replace(name, value)
        undefined = [m for m in re.findall(r"<[^<>]*>", line) if m[1:-1] not in _RESERVED]
        if undefined:
            raise InputError(where, f"macro {undefined[0]} is not defined in [{section}]")
        parts = _LINE.match(line)
        if parts is None:  # pragma: no cover - a non-blank line always matches
            raise InputError(where, "cannot read this line")
        indent, terms, args = parts.groups()
        first = next((t.strip() for t in terms.split("|") if t.strip()), "")
        depth = len(indent)
        if not first or first == "!":
            raise InputError(where, f"{terms!r} names no type")
        if depth and depth - 1 not in at_depth:
            raise InputError(where, f"{first} is indented under no type")
        parent = at_depth.get(depth - 1) if depth else None
        arguments = [a.strip() for a in (args or "").split(",") if a.strip()]
        if "<INHERIT>" in arguments:
            inherited = parent.args if parent else []
            at = arguments.index("<INHERIT>")
            arguments[at : at + 1] = inherited
        node = _Type(first.removeprefix("!"), number, arguments, first.startswith("!"), parent)
        (parent.children if parent else roots[section]).append(node)
        at_depth = {d: t for d, t in at_depth.items() if d < depth} | {depth: node}
    return roots


def _usable(roots: list[_Type]) -> list[_Type]:
    return [t for root in roots for t in root.family() if not t.abstract]


def _relations(
    roots: list[_Type], sections: dict[str, list[_Type]], shown: str, notes: list[str]
) -> list[dict[str, object]]:
    """The relation types as schema tables; types brat knows but a schema cannot hold (an
    event as an argument, a transitive relation) are noted, once per kind."""
    entities = {t.label: t for root in sections.get("entities", []) for t in root.family()}
    everything = [t.label for t in _usable(sections.get("entities", []))]
    events = {t.label for root in sections.get("events", []) for t in root.family()}
    relations: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    with_events: list[str] = []
    transitive: list[str] = []
    for relation in _usable(roots):
        where = Location(shown, relation.line)
        if relation.label in _SKIPPED_RELATIONS:
            continue
        if relation.label in seen:
            raise InputError(
                where,
                f"relation {relation.label} is declared twice (first at line "
                f"{seen[relation.label]}); redline keeps one head and one child list per type",
            )
        seen[relation.label] = relation.line
        ends: list[list[str]] = []
        symmetric = False
        for argument in relation.args:
            match = _ARGUMENT.match(argument)
            if match is None:
                raise InputError(where, f"{relation.label}: argument {argument!r} is not Role:Type")
            role, types = match.groups()
            if role == "<REL-TYPE>":
                options = types.split("-")
                symmetric = "symmetric" in options
                if "transitive" in options:
                    transitive.append(relation.label)
                continue
            if role.startswith("<"):
                continue  # another special argument (<OVERLAP-TYPE>...): not a constraint
            labels: list[str] = []
            for name in types.split("|"):
                if name in _ANY_ENTITY:
                    labels += everything
                elif name in entities:
                    labels += [t.label for t in entities[name].family() if not t.abstract]
                elif name in events or name == "<EVENT>":
                    with_events.append(relation.label)
                else:
                    raise InputError(
                        where,
                        f"relation {relation.label}: {role.rstrip('?*+')} names {name!r}, "
                        "which is not a type in [entities]",
                    )
            ends.append(list(dict.fromkeys(labels)))
        if len(ends) != 2:
            raise InputError(
                where,
                f"relation {relation.label} has {len(ends)} argument(s), not two "
                "(Arg1:Type, Arg2:Type)",
            )
        if not ends[0] or not ends[1]:
            continue  # joins events only: noted below
        relations.append(
            {
                "label": relation.label,
                "head": ends[0],
                "child": ends[1],
                "symmetric": symmetric,
                "description": f"brat relation {relation.label}",
            }
        )
    if with_events:
        listed = ", ".join(dict.fromkeys(with_events))
        notes.append(
            f"{CONF_NAME}: relation arguments that are events ({listed}) are not supported "
            "and are left out (a relation with no entity type left at an end is left out)"
        )
    if transitive:
        notes.append(
            f"{CONF_NAME}: transitive relations ({', '.join(transitive)}) are kept as "
            "symmetric; redline does not infer the transitive ones"
        )
    return relations


def annotation_conf(schema: LabelSchema) -> str:
    """The ``annotation.conf`` of a schema: its entity types, and its relations with their
    argument types (``<ENTITY>`` when an end takes every entity type) and symmetry, so that
    conf -> schema -> conf gives back every entity and relation line."""
    every = [e.label for e in schema.entities]

    def types(labels: list[str]) -> str:
        return "<ENTITY>" if len(every) > 1 and set(labels) == set(every) else "|".join(labels)

    lines = ["[entities]", *every, "", "[relations]"]
    for r in schema.relations:
        option = ", <REL-TYPE>:symmetric" if r.symmetric else ""
        lines.append(f"{r.label}\tArg1:{types(r.head)}, Arg2:{types(r.child)}{option}")
    lines += ["", "[events]", "", "[attributes]", ""]
    return "\n".join(lines)
