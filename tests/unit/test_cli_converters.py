"""The CLI's option converters: comma-separated names, a format from the registry, a split
fraction; called directly, through a small typer app and through ``redline`` itself."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import orjson
import pytest
import typer
from typer.testing import CliRunner

from redline.cli import app
from redline.cli.options import AnnotatorsOption, Names, comma_names, fraction, one_of
from redline.formats import READERS, WRITERS
from tests.support.cli import run_redline
from tests.support.data import REPO


@pytest.mark.parametrize(
    ("given", "names"),
    [
        ("ana,ben", ["ana", "ben"]),
        (" ana , ben ", ["ana", "ben"]),
        ("ana,,ben,", ["ana", "ben"]),
        (",ana, ,", ["ana"]),
        ("ana", ["ana"]),
    ],
)
def test_comma_names_strip_spaces_and_drop_empty_names(given: str, names: list[str]):
    parsed = comma_names(given)
    assert parsed == names
    assert isinstance(parsed, Names)


@pytest.mark.parametrize("given", ["", ",", " , ,"])
def test_comma_names_without_a_name_are_the_default(given: str):
    assert comma_names(given) is None


def test_a_comma_list_option_is_one_value_not_a_repeated_option():
    """typer takes a list annotation as a repeatable option: Names must not be one."""
    seen: list[object] = []
    demo = typer.Typer()

    @demo.command()
    def show(annotators: AnnotatorsOption = None) -> None:
        seen.append(annotators)

    runner = CliRunner()
    assert runner.invoke(demo, ["--annotators", " ana, ,ben,"]).exit_code == 0
    assert runner.invoke(demo, ["--annotators", ","]).exit_code == 0
    assert runner.invoke(demo, []).exit_code == 0
    assert seen == [["ana", "ben"], None, None]


def test_agreement_reads_annotators_as_a_comma_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "annotations" / "seeds-demo", tmp_path / "seeds-demo")
    common = ("agreement", "--dataset", "seeds-demo", "--root", str(tmp_path))
    shown = run_redline(capsys, *common, "--annotators", " ana, ,ben,", "--json")
    assert shown.code == 0, shown.stderr
    assert orjson.loads(shown.stdout)["annotators"] == ["ana", "ben"]
    alone = run_redline(capsys, *common, "--annotators", "ana,,")
    assert alone.code == 1
    assert alone.notices("error") == [
        "agreement needs two or more annotators; dataset 'seeds-demo' has ana"
    ]


@pytest.mark.parametrize("registry", [WRITERS, READERS])
def test_a_format_is_one_of_the_registry(registry: dict[str, object]):
    parse = one_of(registry)
    for name in registry:
        assert parse(name) == name
    with pytest.raises(typer.BadParameter) as refused:
        parse("docx")
    assert str(refused.value) == f"'docx' is not one of {', '.join(registry)}"


@pytest.mark.parametrize(
    ("command", "registry"),
    [
        (["export", "out.x", "--dataset", "d"], WRITERS),
        (["import", ".", "--dataset", "d", "--annotator", "a"], READERS),
    ],
)
def test_an_unknown_format_is_refused_with_the_registrys_names(
    command: list[str], registry: dict[str, object]
):
    result = CliRunner().invoke(app, [*command, "--format", "docx"])
    assert result.exit_code == 2
    message = " ".join(result.output.replace("│", " ").split())
    assert f"'docx' is not one of {', '.join(registry)}" in message


@pytest.mark.parametrize(("given", "share"), [("0.2", 0.2), ("0.5", 0.5), ("1e-3", 0.001)])
def test_a_fraction_between_0_and_1_is_taken(given: str, share: float):
    assert fraction(given) == share


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("0", "0 is not between 0 and 1 (exclusive)"),
        ("1", "1 is not between 0 and 1 (exclusive)"),
        ("1.5", "1.5 is not between 0 and 1 (exclusive)"),
        ("-0.2", "-0.2 is not between 0 and 1 (exclusive)"),
        ("a fifth", "'a fifth' is not a number"),
    ],
)
def test_a_fraction_outside_0_and_1_is_refused(given: str, message: str):
    with pytest.raises(typer.BadParameter, match=f"^{re.escape(message)}$"):
        fraction(given)


@pytest.mark.parametrize("split", ["0", "1"])
def test_export_refuses_a_split_of_none_or_everything(split: str):
    args = ["export", "out.jsonl", "--dataset", "d", "--format", "jsonl", "--split", split]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"{split} is not between 0 and 1 (exclusive)" in result.output
