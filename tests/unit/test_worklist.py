"""The annotator's worklist: resume point and the done count the header shows."""

from __future__ import annotations

from redline.corpus import Corpus
from redline.schema import load_schema
from redline.store import open_dataset
from redline.worklist import Worklist
from tests.support.data import NEWS_SCHEMA, SEEDS


def test_done_count_follows_saves_and_resume_moves_on(tmp_path):
    schema = load_schema(NEWS_SCHEMA)
    worklist = Worklist(Corpus(SEEDS), open_dataset("d", tmp_path), "alice", schema)
    assert (worklist.done, worklist.resume_position()) == (0, 0)
    session = worklist.open(0).session
    worklist.save(session, "accept", 1.0)
    worklist.save(session, "accept", 2.0)  # a second version of the same document
    assert (worklist.done, worklist.resume_position()) == (1, 1)
    worklist.close()
    again = Worklist(Corpus(SEEDS), open_dataset("d", tmp_path), "alice", schema)
    assert (again.done, again.resume_position(), len(again)) == (1, 1, 5)
    again.close()
