"""``redline agreement --answers accept|all`` and ``--schema`` on ``evaluate``, through the
real command: what is compared, and the documents left out per statistic, with why."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from redline.cli.render_metrics import left_out_reasons
from redline.metrics.compared import Score
from tests.support.cli import redline_process, run_redline
from tests.support.data import NEWS_SCHEMA, jsonl_line, make_record, span

TEXT = "Hun Sen met Tô Lâm."
SPANS = [span("s1", 0, 7), span("s2", 12, 18)]


@pytest.fixture
def root(tmp_path: Path) -> str:
    """ana accepted d1-d4; ben accepted d1 and d2, rejected d3, ignored d4 (empty records);
    d5 is ana's alone."""
    folder = tmp_path / "annotations" / "team"
    folder.mkdir(parents=True)
    ana = [
        make_record(d, TEXT, spans=SPANS, annotator="ana") for d in ("d1", "d2", "d3", "d4", "d5")
    ]
    ben = [make_record(d, TEXT, spans=SPANS, annotator="ben") for d in ("d1", "d2")]
    ben += [make_record("d3", TEXT, annotator="ben", answer="reject"),
            make_record("d4", TEXT, annotator="ben", answer="ignore")]  # fmt: skip
    for name, records in (("ana", ana), ("ben", ben)):
        (folder / f"{name}.jsonl").write_bytes(b"".join(jsonl_line(r) for r in records))
    return str(tmp_path / "annotations")


def test_answers_accept_is_the_default_and_all_compares_everything(
    root: str, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("agreement", "--dataset", "team", "--root", root, "--json")
    default = orjson.loads(run_redline(capsys, *common).stdout)
    accept = orjson.loads(run_redline(capsys, *common, "--answers", "accept").stdout)
    every = orjson.loads(run_redline(capsys, *common, "--answers", "all").stdout)
    assert default == accept
    assert accept["answers_policy"] == "accept"
    exact = accept["span_f1_exact"]["ana|ben"]
    assert (exact["f1"], exact["documents"]) == (1.0, 2)
    assert (exact["documents_left_out"], exact["documents_left_out_answers"]) == (1, 2)
    assert accept["krippendorff_alpha_nominal"]["documents_left_out_answers"] == 2
    assert (accept["documents"], accept["documents_left_out_answers"]) == (2, 2)
    every_exact = every["span_f1_exact"]["ana|ben"]
    assert every_exact["f1"] == pytest.approx(8 / 12)  # 4 shared, ana's 4 on d3, d4 missed
    assert (every_exact["documents"], every_exact["documents_left_out_answers"]) == (4, 0)


def test_the_table_says_what_each_statistic_left_out_and_why(
    root: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = run_redline(capsys, "agreement", "--dataset", "team", "--root", root)
    assert shown.code == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "--answers accept" in text
    assert "2 answered reject or ignore by someone: left out" in text
    assert "Documents compared and left out" in text
    every = run_redline(capsys, "agreement", "--dataset", "team", "--root", root,
                        "--answers", "all")  # fmt: skip
    assert "rejected and ignored ones compared as they are" in " ".join(every.stdout.split())
    bad = redline_process("agreement", "--dataset", "team", "--root", root, "--answers", "x")
    assert bad.returncode == 2
    assert "'x' is not one of accept, all" in bad.stderr


def test_evaluate_takes_a_schema_and_reports_its_language(
    root: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    german = tmp_path / "de.toml"
    german.write_text('lang = "de"\n' + NEWS_SCHEMA.read_text(encoding="utf-8"), "utf-8")
    evaluated = run_redline(capsys, "evaluate", "--dataset", "team", "--root", root, "--gold",
                            "ana", "--pred", "ben", "--schema", str(german), "--json")  # fmt: skip
    assert evaluated.code == 0, evaluated.stderr
    assert orjson.loads(evaluated.stdout)["lang"] == "de"
    agreed = run_redline(capsys, "agreement", "--dataset", "team", "--root", root, "--schema",
                         str(german), "--json")  # fmt: skip
    assert orjson.loads(agreed.stdout)["lang"] == "de"


def test_the_reasons_are_worded_per_statistic() -> None:
    """The table's cells, apart from the table (whose columns wrap with the terminal)."""
    both = Score(0.5, 10, 3, 1, documents_left_out_answers=2)
    assert left_out_reasons(both, "done by one of the two only") == (
        "2 documents (answered reject or ignore by someone), 1 (done by one of the two only)"
    )
    assert left_out_reasons(Score(0.5, 10, 3, 1), "done by one only") == (
        "1 document (done by one only)"
    )
    assert left_out_reasons(Score(0.5, 10, 3), "done by one only") == "none"
