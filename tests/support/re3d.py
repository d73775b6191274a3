"""re3d's real annotations written out as other tools' files: brat standoff with its
``annotation.conf``, and Prodigy JSONL as Prodigy's relations recipe saves it.

The corpus (``../shared/corpora/re3d``, never copied) has what real data has: mixed-case types
(``Organisation``, ``MilitaryPlatform``), nested and duplicate entities, relations between
them. Offsets are only trimmed of the whitespace some spans carry at an edge; everything else
is kept as the corpus has it, duplicates included in brat (a Prodigy task cannot hold two
identical spans, so its tasks have each once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from bench.corpora_common import CORPORA, trimmed
from redline.formats.prodigy_hashes import with_hashes
from redline.tokens import TokenIndex, split_tokens, tokenize

RE3D = CORPORA / "re3d"
SUBSETS = ("US State Department", "CENTCOM")

Extent = tuple[int, int, str]


@dataclass
class Re3dDocument:
    doc_id: str
    subset: str
    title: str
    text: str
    entities: list[Extent] = field(default_factory=list)
    """(start, end, type) in the corpus's order, duplicates kept."""
    relations: list[tuple[Extent, Extent, str]] = field(default_factory=list)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def load_documents(limit: int | None = None) -> list[Re3dDocument]:
    """Documents with entities (trimmed) and the relations whose two ends are entities."""
    documents: list[Re3dDocument] = []
    for subset in SUBSETS:
        where = RE3D / subset
        texts = {d["_id"]: d for d in _lines(where / "documents.json")}
        found = {
            doc_id: Re3dDocument(doc_id, subset, d.get("title", ""), d["text"])
            for doc_id, d in texts.items()
        }
        for entity in _lines(where / "entities.json"):
            document = found[entity["documentId"]]
            start, end = trimmed(document.text, entity["begin"], entity["end"])
            if start < end:
                document.entities.append((start, end, entity["type"]))
        for relation in _lines(where / "relations.json"):
            document = found[relation["documentId"]]
            ends = []
            for side in ("source", "target"):
                start, end = trimmed(
                    document.text, relation[f"{side}Begin"], relation[f"{side}End"]
                )
                ends.append(next((e for e in document.entities if e[:2] == (start, end)), None))
            if ends[0] is not None and ends[1] is not None:
                document.relations.append((ends[0], ends[1], relation["type"]))
        documents.extend(found[doc_id] for doc_id in sorted(found))
    return documents[:limit]


def write_brat(folder: Path, documents: list[Re3dDocument]) -> Path:
    """``<id>.txt``/``<id>.ann`` per document and an ``annotation.conf`` of the types seen."""
    folder.mkdir(parents=True, exist_ok=True)
    types: list[str] = []
    arguments: dict[str, tuple[list[str], list[str]]] = {}
    for document in documents:
        ids: dict[Extent, str] = {}
        lines: list[str] = []
        for n, (start, end, label) in enumerate(document.entities, start=1):
            ids.setdefault((start, end, label), f"T{n}")
            # as brat writes a span across a line break: one fragment per line
            pieces = [
                (start + m.start(), start + m.end())
                for m in re.finditer(r"[^\n]+", document.text[start:end])
            ]
            offsets = ";".join(f"{s} {e}" for s, e in pieces)
            quoted = " ".join(document.text[s:e] for s, e in pieces)
            lines.append(f"T{n}\t{label} {offsets}\t{quoted}")
            if label not in types:
                types.append(label)
        for n, (head, child, label) in enumerate(document.relations, start=1):
            lines.append(f"R{n}\t{label} Arg1:{ids[head]} Arg2:{ids[child]}")
            heads, children = arguments.setdefault(label, ([], []))
            heads.extend(t for t in [head[2]] if t not in heads)
            children.extend(t for t in [child[2]] if t not in children)
        (folder / f"{document.doc_id}.txt").write_text(document.text, encoding="utf-8")
        (folder / f"{document.doc_id}.ann").write_text("".join(f"{line}\n" for line in lines))
    conf = ["[entities]", *types, "", "[relations]"]
    conf += [
        f"{label}\tArg1:{'|'.join(h)}, Arg2:{'|'.join(c)}" for label, (h, c) in arguments.items()
    ]
    conf += ["", "[events]", "", "[attributes]", ""]
    (folder / "annotation.conf").write_text("\n".join(conf), encoding="utf-8")
    return folder


def prodigy_task(document: Re3dDocument, annotator: str = "re3d-alice") -> dict[str, Any]:
    """The task Prodigy's ``rel.manual`` would save for the document: tokens (cut so every
    entity is whole tokens, as Prodigy's are), spans, relations with their colour, the
    session and view fields, a custom top-level field, and Prodigy's hashes."""
    text = document.text
    entities = list(dict.fromkeys(document.entities))
    edges = {edge for start, end, _ in entities for edge in (start, end)}
    tokens = split_tokens(tokenize(text), edges)
    index = TokenIndex(tokens)
    token_dicts = [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e : e + 1] == " "}
        | ({"disabled": True} if text[s:e] in {".", ","} else {})
        for i, (s, e) in enumerate(tokens)
    ]
    spans: dict[Extent, dict[str, Any]] = {}
    for start, end, label in entities:
        first, stop = index.span_tokens(start, end)
        spans[(start, end, label)] = {
            "start": start,
            "end": end,
            "token_start": first,
            "token_end": stop - 1,
            "label": label,
        }
    relations = [
        {
            "head": spans[head]["token_end"],
            "child": spans[child]["token_end"],
            "head_span": spans[head],
            "child_span": spans[child],
            "color": "#c5bdf4",
            "label": label,
        }
        for head, child, label in dict.fromkeys(document.relations)
    ]
    task = {
        "text": text,
        "meta": {"id": document.doc_id, "source": document.subset, "title": document.title},
        "tokens": token_dicts,
        "spans": list(spans.values()),
        "relations": relations,
        "subset": document.subset,
        "_view_id": "relations",
        "answer": "accept",
        "_timestamp": 1_700_000_000 + len(text),
        "_annotator_id": annotator,
        "_session_id": annotator,
    }
    return with_hashes(task)


def write_prodigy(path: Path, documents: list[Re3dDocument]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(prodigy_task(d)) + b"\n" for d in documents))
    return path
