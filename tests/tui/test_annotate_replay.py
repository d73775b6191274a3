"""Replay: a scripted annotator corrects the suggestions on seeds/004 with the keyboard alone.

The expected record was written by hand from reading the article: the model's spans are
right but for "Cambodia" in "the Cambodia Senate leader" (the Senate is the ORG), and "Pol Pot"
is missing. The suggested relations are all right: Nguyen Phu Trong receives (MEETS) Say Chhum,
who is President of the Cambodian Senate (LEADER_OF) and Vice President of the Cambodian People's
Party, also named by its acronym CPP (MEMBER_OF both), so the annotator accepts them as they are.
"""

from __future__ import annotations

import pytest

from tests.support.tui import make_app, prepare_suggestions, saved

DOC = "004_e6856780379e1273"


@pytest.fixture(scope="module")
def cached_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("replay")
    prepare_suggestions(root)
    return root


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


KEYS = [
    # "the Cambodia Senate leader": the ORG is "Cambodia Senate", not the GPE "Cambodia" (the
    # 8th span: Nguyen Phu Trong, Cambodian Senate, Cambodian People's Party, CPP, Say Chhum,
    # VNA, Trong, Cambodia)
    *["tab"] * 8, "shift+right", "2",
    # "Pol Pot" was missed: search for it, label the match PERSON
    "slash", *typed("Pol Pot"), "enter", "1",
    # everything else is right: accept the rest, save
    "A", "enter",
]  # fmt: skip


async def test_replay_keys_make_the_expected_record(cached_root, tmp_path):
    app = make_app(cached_root, tmp_path, start=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.session.document.doc_id == DOC
        for key in KEYS:
            await pilot.press(key)
        await pilot.pause()
    print(f"\nreplay on {DOC}: {len(KEYS)} key presses")

    (record,) = saved(tmp_path)
    assert record.doc_id == DOC
    assert record.answer == "accept"
    text = record.text
    by_id = {s.id: s for s in record.spans}
    added = {(text[s.start : s.end], s.label) for s in record.spans if s.edit == "added"}
    assert added == {("Cambodia Senate", "ORG"), ("Pol Pot", "PERSON")}
    assert [(text[s.start : s.end], s.label, s.start) for s in record.rejected] == [
        ("Cambodia", "GPE", 271)
    ]
    assert len(record.spans) == 39
    assert {s.edit for s in record.spans} == {"accepted", "added"}
    relations = {
        (
            text[by_id[r.head].start : by_id[r.head].end],
            r.label,
            text[by_id[r.child].start : by_id[r.child].end],
            r.edit,
        )
        for r in record.relations
    }
    assert relations == {
        ("Nguyen Phu Trong", "MEETS", "Say Chhum", "accepted"),
        ("Say Chhum", "LEADER_OF", "Cambodian Senate", "accepted"),
        ("Say Chhum", "MEMBER_OF", "Cambodian People's Party", "accepted"),
        ("Say Chhum", "MEMBER_OF", "CPP", "accepted"),
    }
    # the Senate he leads is the one named first, "President of the Cambodian Senate"
    (senate,) = [by_id[r.child] for r in record.relations if r.label == "LEADER_OF"]
    assert senate.start == text.index("Cambodian Senate")
    assert record.rejected_relations == []
