"""The navigation rules behind tab, ``.``, ``c`` and ``/``: next and previous with wrap-around,
and the case-insensitive search from the cursor, without a UI."""

from __future__ import annotations

import pytest

from redline.navigation import cycle, find_text, first_after, last_before

# -- cycle: relations by index ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "current", "step", "expected"),
    [
        (3, 0, 1, 1),
        (3, 1, 1, 2),
        (3, 2, 1, 0),  # wraps forward
        (3, 0, -1, 2),  # wraps backward
        (3, 2, -1, 1),
        (3, 1, 0, 1),
        (3, 1, 4, 2),  # more than one lap
        (3, 1, -5, 2),
        (1, 0, 1, 0),  # one item: always itself
        (1, 0, -1, 0),
    ],
)
def test_cycle_steps_and_wraps_both_ways(count, current, step, expected):
    assert cycle(count, current, step) == expected


def test_cycle_without_a_current_item_starts_at_an_end():
    assert cycle(4, None, 1) == 0
    assert cycle(4, None, 3) == 0
    assert cycle(4, None, -1) == 3
    assert cycle(4, None, 0) == 3  # not forward: from the end


@pytest.mark.parametrize("current", [None, 0, 2])
def test_cycle_over_nothing_goes_nowhere(current):
    assert cycle(0, current, 1) is None
    assert cycle(0, current, -1) is None


# -- first_after: tab, c ----------------------------------------------------------------------

STARTS = [3, 10, 10, 25]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (-1, 0),
        (0, 0),
        (3, 1),  # strictly after: the item at the limit is not "next"
        (4, 1),
        (10, 3),  # both items starting at 10 are passed over
        (24, 3),
        (25, 0),  # nothing after the last: wraps to the first
        (1000, 0),
    ],
)
def test_first_after(limit, expected):
    assert first_after(STARTS, limit) == expected


def test_first_after_takes_list_order_not_sorted_order():
    assert first_after([9, 2, 7], 5) == 0
    assert first_after([2, 9, 7], 5) == 1


def test_first_after_on_one_and_no_items():
    assert first_after([5], 5) == 0
    assert first_after([5], 0) == 0
    assert first_after([], 0) is None


# -- last_before: shift+tab, C ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "inclusive", "expected"),
    [
        (26, False, 3),
        (25, False, 2),  # strictly before: the last of the two at 10
        (25, True, 3),  # or at the limit
        (11, False, 2),
        (10, False, 0),
        (10, True, 2),
        (4, False, 0),
        (3, False, 3),  # nothing before the first: wraps to the last
        (3, True, 0),
        (0, True, 3),
        (-5, False, 3),
    ],
)
def test_last_before(limit, inclusive, expected):
    assert last_before(STARTS, limit, inclusive=inclusive) == expected


def test_last_before_takes_list_order_not_sorted_order():
    assert last_before([2, 9, 1], 5) == 2
    assert last_before([2, 9, 7], 5) == 0


def test_last_before_on_one_and_no_items():
    assert last_before([5], 5) == 0
    assert last_before([5], 5, inclusive=True) == 0
    assert last_before([], 5) is None
    assert last_before([], 5, inclusive=True) is None


def test_next_and_previous_walk_round_every_item_and_back():
    starts = [0, 4, 9]
    here, seen = -1, []
    for _ in range(4):
        index = first_after(starts, here)
        assert index is not None
        seen.append(index)
        here = starts[index]
    assert seen == [0, 1, 2, 0]
    here, seen = 100, []
    for _ in range(4):
        index = last_before(starts, here)
        assert index is not None
        seen.append(index)
        here = starts[index]
    assert seen == [2, 1, 0, 2]


# -- find_text: / -------------------------------------------------------------------------------

TEXT = "Hun Sen met Tô Lâm; later HUN SEN left. hun sen!"


def match_start(text: str, term: str, start: int) -> int | None:
    found = find_text(text, term, start)
    return None if found is None else found[0]


def test_find_ignores_accents_and_gives_the_match_in_the_original_text():
    text = "Hà Nội and Việt Nam; ĐÀ NẴNG. Straße"
    start, end = find_text(text, "viet nam", 0)
    assert text[start:end] == "Việt Nam"
    start, end = find_text(text, "da nang", 0)
    assert text[start:end] == "ĐÀ NẴNG"
    start, end = find_text(text, "strasse", 0)  # one letter folds to two
    assert text[start:end] == "Straße"
    assert find_text(text, "Viêt", 0) == find_text(text, "viet", 0)


def test_find_is_case_insensitive_both_ways():
    assert match_start(TEXT, "hun sen", 0) == 0
    assert match_start(TEXT, "HUN SEN", 0) == 0
    assert match_start(TEXT, "tô lâm", 0) == TEXT.index("Tô Lâm")
    assert match_start(TEXT, "TÔ LÂM", 0) == TEXT.index("Tô Lâm")


def test_find_from_the_start_offset_on():
    second = TEXT.index("HUN SEN")
    assert match_start(TEXT, "hun sen", 1) == second
    assert match_start(TEXT, "hun sen", second) == second  # a match at the start counts
    assert match_start(TEXT, "hun sen", second + 1) == TEXT.index("hun sen!")


def test_find_wraps_round_to_the_top():
    last = TEXT.index("hun sen!")
    assert match_start(TEXT, "hun sen", last + 1) == 0
    assert match_start(TEXT, "met", len(TEXT)) == TEXT.index("met")
    assert match_start(TEXT, "met", 10_000) == TEXT.index("met")


def test_find_a_part_of_words():
    assert match_start(TEXT, "n se", 0) == 2
    assert match_start(TEXT, "ÂM; LA", 0) == TEXT.index("âm; la")


def test_find_misses():
    assert match_start(TEXT, "Trọng", 0) is None
    assert match_start(TEXT, "hun  sen", 0) is None
    assert match_start("", "x", 0) is None


def test_an_empty_search_finds_nothing():
    assert match_start(TEXT, "", 0) is None
    assert match_start("", "", 0) is None
