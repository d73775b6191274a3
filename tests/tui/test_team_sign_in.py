"""A team's served session in the real app: a token signs its annotator in to their own
queue; a wrong one opens nothing. Tokens are kept as hashes, in either store."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from redline.corpus import Corpus
from redline.routing import plan_routes
from redline.schema import load_schema
from redline.store import open_store
from redline.team import add_member, member_of, token_hash
from redline.tui.app import RedlineApp
from redline.tui.document_screen import DocumentScreen
from redline.tui.sign_in import SignInScreen
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS
from tests.support.tui import saved


async def test_a_token_opens_its_annotators_own_queue_and_a_wrong_one_nothing(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ann"
    dataset = open_store("seeds", root)
    doc_ids = Corpus(SEEDS).index().finish().doc_ids
    dataset.save_routes(plan_routes(doc_ids, ["ana", "ben"], 1))
    token = add_member(dataset, "ben")
    add_member(dataset, "ana")
    schema = load_schema(NEWS_SCHEMA)

    def sign_in(given: str) -> Worklist | None:
        name = member_of(dataset, given)
        return None if name is None else Worklist(Corpus(SEEDS), dataset, name, schema, None)

    app = RedlineApp(None, sign_in=sign_in)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        app.screen.query_one(Input).value = "not-a-token"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert "does not sign anyone in" in str(app.screen.query_one("#refused").render())
        assert not (root / "seeds" / "ben.jsonl").exists()  # nothing opened
        app.screen.query_one(Input).value = token
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
        assert len(app.worklist) == len(dataset.routes().assignments["ben"])  # type: ignore[union-attr]
        await pilot.press("enter")  # save the first document
        await pilot.pause()
    (record,) = saved(root, "ben")
    assert record.annotator == "ben"
    assert token not in (root / "seeds" / "team.jsonl").read_text()
    assert token_hash(token) in (root / "seeds" / "team.jsonl").read_text()
    assert dataset.annotators() == ["ben"]  # the sign-in file is nobody's records


def test_a_new_token_replaces_the_old_one(where: str) -> None:
    dataset = open_store("team", store=where)
    old = add_member(dataset, "ana")
    new = add_member(dataset, "ana")
    assert member_of(dataset, new) == "ana"
    assert member_of(dataset, old) is None
    assert member_of(dataset, "") is None
    assert all(m.token_sha256 != old and m.token_sha256 != new for m in dataset.members())
