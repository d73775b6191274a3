"""Start-up: how long a `redline` command takes from process start to exit, against a bare
Python (`python -c pass`), a Python that only imports typer, one that imports typer and
builds one pydantic validator as typer does for each option, and a typer app of two
commands (one with two options) run and asked for a command's help, measured in turn in this one
run (median of ``--repeat`` runs each, alternating, to share the machine's noise), with
Python's bytecode cache as a user's machine has it (:func:`bench.as_users_run`).

Listing the commands reads a table (redline/cli/lazy.py), so `--help` imports none of what
the commands need; a command imports its own module, and that module what it uses.
Usage: python -m bench.startup [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import as_users_run
from tests.support.data import subprocess_env

REPO = Path(__file__).resolve().parent.parent

BASELINES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    # what a typer command imports before it runs: typer parses each option with pydantic
    "typer + pydantic": [
        sys.executable, "-c", "import typer; from pydantic import TypeAdapter; TypeAdapter(int)",
    ],
}  # fmt: skip

TYPER_APP = """
from typing import Annotated
import typer
app = typer.Typer()
@app.command()
def greet(name: Annotated[str, typer.Option(help="Who.")] = "x", times: int = 1) -> None:
    \"\"\"Say hello.\"\"\"
    print(name * times)
@app.command()
def other() -> None:
    \"\"\"Nothing.\"\"\"
app()
"""
"""The floor of every command: what typer itself costs to parse two options and run."""

FLOOR = "a typer command"


def commands(root: Path) -> dict[str, list[str]]:
    redline = [sys.executable, "-m", "redline"]
    app = root / "typer_app.py"
    app.write_text(TYPER_APP, encoding="utf-8")
    return {
        FLOOR: [sys.executable, str(app), "greet", "--name", "y", "--times", "2"],
        "a typer command --help": [sys.executable, str(app), "greet", "--help"],
        "redline --help": [*redline, "--help"],
        "redline store --help": [*redline, "store", "--help"],
        "redline stats --help": [*redline, "stats", "--help"],
        "redline agreement --help": [*redline, "agreement", "--help"],
        "redline train --help": [*redline, "train", "--help"],
        "redline schema check": [*redline, "schema", "check", "--schema", "news"],
        "redline stats (seeds-demo)": [
            *redline, "stats", "--dataset", "seeds-demo", "--root", str(REPO / "annotations"),
        ],
        "redline agreement (seeds-demo)": [
            *redline, "agreement", "--dataset", "seeds-demo", "--root", str(REPO / "annotations"),
        ],
        "redline export --format jsonl": [
            *redline, "export", "--dataset", "seeds-demo", "--format", "jsonl",
            "--root", str(REPO / "annotations"), str(root / "gold.jsonl"),
        ],
    }  # fmt: skip


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, check=True, capture_output=True, env=as_users_run(subprocess_env()), cwd=REPO
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redline-bench-") as folder:
        runs = {**BASELINES, **commands(Path(folder))}
        for command in runs.values():  # once before the clock: writes the bytecode cache
            seconds(command)
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, command in runs.items():
                times[name].append(seconds(command))
    medians = {name: statistics.median(samples) for name, samples in times.items()}
    bare = medians["python -c pass"]
    print(f"median of {args.repeat} runs each, process start to exit")
    for name, median in medians.items():
        print(f"  {name:34} {median:6.3f} s  x{median / bare:5.1f} a bare Python, "
              f"x{median / medians[FLOOR]:4.2f} {FLOOR}")  # fmt: skip


if __name__ == "__main__":
    main()
