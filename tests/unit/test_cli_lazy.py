"""Commands are imported when run, not when listed: ``redline --help`` lists every command with
its own help line without importing what the commands need; each command still runs."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from redline.cli import COMMANDS, SCHEMA_COMMANDS, STORE_COMMANDS, TEAM_COMMANDS
from redline.cli.lazy import load_command
from redline.lazy_import import imported
from tests.support.data import subprocess_env

TABLES = {"": COMMANDS, "schema": SCHEMA_COMMANDS, "store": STORE_COMMANDS, "team": TEAM_COMMANDS}
HEAVY = ("spacy", "numpy", "textual", "psycopg", "krippendorff", "redline.schema", "redline.store")
"""What the commands import when they run (typer itself imports pydantic for a group's help)."""
ENTRIES = [(group, name, entry) for group, table in TABLES.items() for name, entry in table.items()]


@pytest.mark.parametrize(
    ("group", "name", "entry"), ENTRIES, ids=[f"{g} {n}".strip() for g, n, _ in ENTRIES]
)
def test_each_listed_help_is_the_commands_own_first_paragraph(group, name, entry):
    target, listed = entry
    first_paragraph = inspect.getdoc(imported(target)).split("\n\n")[0]
    assert listed == " ".join(first_paragraph.split())
    command = load_command(name, target)
    assert command.name == name
    assert command.callback is not None


def _modules_loaded_by(*arguments: str) -> tuple[str, list[str]]:
    code = (
        "import sys\n"
        "from redline.cli import main\n"
        f"sys.argv = ['redline', *{list(arguments)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(
        command, capture_output=True, text=True, env=subprocess_env(), check=True
    )
    shown, loaded = result.stdout.rsplit("LOADED ", 1)
    return shown + result.stderr, eval(loaded)  # a list of names printed by the child


@pytest.mark.parametrize("arguments", [("--help",), ("store", "--help"), ("schema", "--help")])
def test_listing_commands_imports_none_of_what_they_need(arguments):
    shown, loaded = _modules_loaded_by(*arguments)
    assert loaded == []
    table = TABLES[arguments[0] if len(arguments) > 1 else ""]
    for name, (_, listed) in table.items():
        assert name in shown
        assert listed.split()[0] in shown


def test_a_commands_own_help_loads_only_that_command():
    shown, loaded = _modules_loaded_by("store", "migrate", "--help")
    assert "--store" in shown
    assert "spacy" not in loaded
    assert "textual" not in loaded


def test_a_mistyped_command_is_told_the_nearest_ones_without_loading_them():
    shown, loaded = _modules_loaded_by("stat")
    assert "Did you mean 'stats'?" in shown
    assert loaded == []
    shown, _ = _modules_loaded_by("store", "cpy")
    assert "Did you mean 'copy'?" in shown


def test_no_commands_help_imports_spacy():
    """A command's help is read before the command is run: it waits for no model, even when
    the command trains or analyses (its options name what the command imports when run)."""
    helps = [[group, name, "--help"] if group else [name, "--help"] for group, name, _ in ENTRIES]
    code = (
        "import sys\n"
        "from redline.cli import main\n"
        f"for arguments in {helps!r}:\n"
        "    sys.argv = ['redline', *arguments]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    if 'spacy' in sys.modules:\n"
        "        print('SPACY', ' '.join(arguments))\n"
        "        break\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(),
        check=True,
    )  # fmt: skip
    assert "Usage:" in result.stdout
    assert "SPACY" not in result.stdout, result.stdout.rsplit("SPACY", 1)[1]
