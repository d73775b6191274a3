"""Tests of redline.formats.prodigy_hashes.

The real-task cases are copied (trimmed) from public Prodigy exports with
their original hashes. The module does NOT reproduce them: they are strict
xfails, so they record the gap and turn red the day someone makes them pass.
"""

from typing import Any

import pytest

from redline.formats.prodigy_hashes import (
    INPUT_HASH_ATTR,
    TASK_HASH_ATTR,
    input_hash,
    task_hash,
    with_hashes,
)

# (incoming task, _input_hash, _task_hash) exactly as Prodigy wrote them.
REAL_TASKS: list[tuple[str, dict[str, Any], int, int]] = [
    # explosion/prodigy-recipes example-datasets/raw_github-issue-titles.jsonl (input)
    # and example-datasets/annotated_github-issues-DOCUMENTATION-textcat.jsonl (hashes)
    (
        "recipes-textcat-salesforce",
        {
            "text": "Salesforce connector",
            "meta": {"source": "GitHub", "url": "https://github.com/workato/docs/issues/190"},
            "label": "DOCUMENTATION",
        },
        -1386313833,
        -173139760,
    ),
    # same two files as above
    (
        "recipes-textcat-todos",
        {
            "text": "TODOs",
            "meta": {
                "source": "GitHub",
                "url": "https://github.com/Aladdin-ADD/vue-timing-button/issues/1",
            },
            "label": "DOCUMENTATION",
        },
        -248829695,
        1881845899,
    ),
    # explosion/projects tutorials/textcat_docs_issues/assets/docs_issues_training.jsonl
    (
        "projects-textcat-add-please",
        {
            "text": "add please",
            "meta": {
                "source": "GitHub",
                "url": "https://github.com/githubschool/open-enrollment-classes-introduction-to-github/issues/8963",
            },
            "label": "DOCUMENTATION",
        },
        -1994475728,
        37903007,
    ),
    # explosion/projects tutorials/ner_fashion_brands/assets/fashion_brands_training.jsonl
    # (ner.manual, no incoming spans; tokens left out, they are added after hashing)
    (
        "projects-ner-manual-sweatpants",
        {
            "text": "I started wearing sweatpants all the time the moment I got a girlfriend",
            "meta": {"section": "malefashionadvice"},
        },
        693863451,
        556454936,
    ),
    # explosion/projects tutorials/nel_emerson/assets/emerson_annotated_text.jsonl
    # (input is a bare TXT line, hashed with prodigy.util.set_hashes in scripts/el_recipe.py)
    (
        "projects-nel-emerson-input",
        {"text": "Emerson was born on a farm in Blackbutt, Queensland."},
        219289568,
        0,  # the task hash there covers the options added later; only the input is checked
    ),
]


@pytest.mark.xfail(strict=True, reason="Prodigy's serialisation is unknown; hashes not reproduced")
@pytest.mark.parametrize(
    ("task", "expected_input", "expected_task"),
    [pytest.param(t, i, h, id=name) for name, t, i, h in REAL_TASKS],
)
def test_real_prodigy_hashes_are_reproduced(
    task: dict[str, Any], expected_input: int, expected_task: int
) -> None:
    assert input_hash(task) == expected_input
    if expected_task:
        assert task_hash(task) == expected_task


def test_hashes_are_signed_32_bit_and_deterministic() -> None:
    task = {"text": "Apple buys a startup.", "label": "TECH"}
    first = with_hashes(task)
    assert first == with_hashes(task)
    for attr in (INPUT_HASH_ATTR, TASK_HASH_ATTR):
        assert -(2**31) <= first[attr] < 2**31


def test_existing_hashes_are_never_replaced() -> None:
    task = {"text": "Apple buys a startup.", INPUT_HASH_ATTR: 1, TASK_HASH_ATTR: 2}
    assert with_hashes(task)[INPUT_HASH_ATTR] == 1
    assert with_hashes(task)[TASK_HASH_ATTR] == 2


def test_only_the_missing_hash_is_added() -> None:
    out = with_hashes({"text": "Apple buys a startup.", INPUT_HASH_ATTR: 7})
    assert out[INPUT_HASH_ATTR] == 7
    assert out[TASK_HASH_ATTR] == task_hash({"text": "Apple buys a startup."}, 7)


def test_input_task_is_not_mutated() -> None:
    task = {"text": "Apple buys a startup."}
    with_hashes(task)
    assert task == {"text": "Apple buys a startup."}


def test_changed_text_changes_the_input_hash() -> None:
    before = input_hash({"text": "Apple buys a startup."})
    assert before != input_hash({"text": "Apple buys a shop."})


def test_label_changes_task_hash_but_not_input_hash() -> None:
    a = {"text": "Apple buys a startup.", "label": "TECH"}
    b = {"text": "Apple buys a startup.", "label": "FINANCE"}
    assert input_hash(a) == input_hash(b)
    assert task_hash(a) != task_hash(b)


def test_task_hash_depends_on_the_input_hash() -> None:
    a = {"text": "Apple buys a startup.", "label": "TECH"}
    b = {"text": "Apple buys a shop.", "label": "TECH"}
    assert task_hash(a) != task_hash(b)


def test_non_hash_keys_do_not_matter_when_input_keys_present() -> None:
    bare = {"text": "Apple buys a startup.", "spans": []}
    busy = {**bare, "meta": {"id": 3}, "answer": "accept", "_view_id": "ner_manual"}
    assert with_hashes(bare)[INPUT_HASH_ATTR] == with_hashes(busy)[INPUT_HASH_ATTR]
    assert with_hashes(bare)[TASK_HASH_ATTR] == with_hashes(busy)[TASK_HASH_ATTR]


def test_task_without_input_keys_hashes_its_other_fields_minus_ignored() -> None:
    a = {"audio": "a.wav", "answer": "accept", "score": 0.3}
    b = {"audio": "a.wav", "answer": "reject", "score": 0.9}
    assert input_hash(a) == input_hash(b)
    assert input_hash(a) != input_hash({"audio": "b.wav"})
