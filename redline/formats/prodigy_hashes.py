"""Prodigy-style ``_input_hash`` and ``_task_hash`` for tasks that lack them.

Why: Prodigy recognises its own tasks by these two signed 32-bit integers.
The input hash names the raw input (the text), the task hash names the
question asked about it (input plus spans, label, ...). Prodigy uses them to
skip questions already answered and to merge annotations of one text. So
redline keeps every hash it reads, untouched, and computes one only for a
task that arrives without it.

What is known of Prodigy's ``set_hashes``/``get_hash`` (its source is
closed): the key lists below and the scheme "murmurhash of the chosen
values, the task hash prefixed with the input hash" are quoted by Prodigy's
maintainers on support.prodi.gy (threads 6006 "function-set-hashes" and
7410 "logic-behind-hash-keys-in-relation-to-review-api"). The serialisation
of the values is NOT published; this module uses ``srsly.json_dumps(...,
sort_keys=True)`` (compact, sorted, ASCII-escaped JSON), the serialiser of
the srsly library Prodigy ships with. srsly rather than orjson because
orjson cannot escape non-ASCII text or format floats the way srsly does, and
any hash must be over the exact same bytes.

NOT VERIFIED: checked against real Prodigy exports (explosion/prodigy-recipes
``example-datasets/annotated_github-issues-DOCUMENTATION-textcat.jsonl`` with
its source ``example-datasets/raw_github-issue-titles.jsonl``; explosion/projects
``tutorials/textcat_docs_issues/assets/docs_issues_training.jsonl``,
``tutorials/ner_fashion_brands/assets/fashion_brands_training.jsonl`` and
``tutorials/nel_emerson/assets/emerson_annotated_text.jsonl``), this scheme
reproduces none of their hashes, nor does any of several hundred variants of
it tried (see tests/unit/test_prodigy_hashes.py). Hashes made here are
therefore stable and Prodigy-shaped, but Prodigy will not recognise them as
its own: a task hashed here and by Prodigy gets two different hashes.
"""

from collections.abc import Mapping
from typing import Any

import murmurhash  # type: ignore[import-untyped]
import srsly  # type: ignore[import-untyped]

INPUT_HASH_ATTR = "_input_hash"
TASK_HASH_ATTR = "_task_hash"

# prodigy.util.INPUT_HASH_KEYS, TASK_HASH_KEYS, IGNORE_HASH_KEYS as printed
# in support.prodi.gy thread 7410 (Prodigy 1.x).
INPUT_KEYS: tuple[str, ...] = ("text", "image", "html", "input")
TASK_KEYS: tuple[str, ...] = ("spans", "label", "options", "arcs")
IGNORE_KEYS: tuple[str, ...] = (
    "score",
    "rank",
    "model",
    "source",
    "pattern",
    "priority",
    "path",
    "_view_id",
    "_session_id",
    "_annotator_id",
    "answer",
)
_HASH_ATTRS = (INPUT_HASH_ATTR, TASK_HASH_ATTR)


def _values(
    task: Mapping[str, Any], keys: tuple[str, ...], ignore: tuple[str, ...]
) -> dict[str, Any]:
    """The values a hash covers: the named keys, else the whole task.

    A task carrying none of ``keys`` is hashed over all its fields except the
    ignored ones and the hashes themselves (the "quirk" thread 6006 warns of).
    """
    chosen = {key: task[key] for key in keys if key in task}
    if chosen:
        return chosen
    return {
        key: value for key, value in task.items() if key not in ignore and key not in _HASH_ATTRS
    }


def get_hash(
    task: Mapping[str, Any],
    keys: tuple[str, ...],
    prefix: str = "",
    ignore: tuple[str, ...] = IGNORE_KEYS,
) -> int:
    """Signed 32-bit MurmurHash3 of ``prefix`` + sorted compact JSON of the values."""
    serialised = srsly.json_dumps(_values(task, keys, ignore), sort_keys=True)
    return int(murmurhash.hash(prefix + serialised))


def input_hash(
    task: Mapping[str, Any],
    keys: tuple[str, ...] = INPUT_KEYS,
    ignore: tuple[str, ...] = IGNORE_KEYS,
) -> int:
    """The hash of the task's input: its text, image, html or input."""
    return get_hash(task, keys, ignore=ignore)


def task_hash(
    task: Mapping[str, Any],
    input_hash: int | None = None,
    keys: tuple[str, ...] = TASK_KEYS,
    ignore: tuple[str, ...] = IGNORE_KEYS,
) -> int:
    """The hash of the question: the input hash as prefix, then spans, label, ..."""
    if input_hash is None:
        input_hash = get_hash(task, INPUT_KEYS, ignore=ignore)
    return get_hash(task, keys, prefix=str(input_hash), ignore=ignore)


def with_hashes(task: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``task`` with whichever of the two hashes it lacks added.

    An existing hash is never replaced, even when it differs from what this
    module would compute: Prodigy made it and Prodigy will look for it.
    """
    out = dict(task)
    if INPUT_HASH_ATTR not in out:
        out[INPUT_HASH_ATTR] = input_hash(task)
    if TASK_HASH_ATTR not in out:
        out[TASK_HASH_ATTR] = task_hash(task, out[INPUT_HASH_ATTR])
    return out
