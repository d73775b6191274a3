"""A JSONL dataset: ``<root>/<name>/``, one file per annotator (:mod:`.jsonl`), and the
dataset's routing plan in ``routes.json`` beside them."""

from __future__ import annotations

from pathlib import Path

import orjson
from pydantic import ValidationError

from redline.atomic import write_atomic
from redline.errors import (
    InputError,
    Location,
    RedlineError,
    describe_validation_error,
    display_path,
)
from redline.schema.keys import is_model
from redline.schema.routes import RoutingPlan
from redline.schema.team import TeamMember
from redline.store.base import (
    DEFAULT_ROOT,
    DatasetStore,
    ReadProgress,
    SaveWatcher,
    check_name,
)
from redline.store.jsonl import RECORD_SUFFIX, TEAM, JsonlAnnotatorLog

ROUTES_FILE = "routes.json"
TEAM_FILE = f"{TEAM}{RECORD_SUFFIX}"
"""Who may sign in (not an annotator's records, though it ends like them)."""


class JsonlDataset(DatasetStore):
    """``<root>/<name>/``: one JSONL file per annotator."""

    def __init__(self, name: str, root: str | Path = DEFAULT_ROOT) -> None:
        self.name = check_name("dataset", name)
        self.root = Path(root)
        self.folder = self.root / name

    def exists(self) -> bool:
        return self.folder.is_dir()

    def path_of(self, annotator: str) -> Path:
        if annotator == TEAM:
            raise RedlineError(
                f"{annotator!r} cannot be an annotator's name: {TEAM_FILE} is the dataset's "
                "sign-in file (redline team add)"
            )
        return self.folder / f"{check_name('annotator', annotator)}{RECORD_SUFFIX}"

    def annotators(self, include_models: bool = True) -> list[str]:
        if not self.folder.is_dir():
            return []
        names = sorted(
            p.stem for p in self.folder.glob(f"*{RECORD_SUFFIX}") if p.is_file() and p.stem != TEAM
        )
        if include_models:
            return names
        return [n for n in names if not is_model(n)]

    def open(
        self, annotator: str, *, write: bool = False, progress: ReadProgress | None = None
    ) -> JsonlAnnotatorLog:
        return JsonlAnnotatorLog(self.path_of(annotator), annotator, write=write, progress=progress)

    def routes(self) -> RoutingPlan | None:
        path = self.folder / ROUTES_FILE
        if not path.is_file():
            return None
        try:
            return RoutingPlan.model_validate_json(path.read_bytes())
        except ValidationError as error:
            raise InputError(
                Location(display_path(path)), describe_validation_error(error)
            ) from None

    def save_routes(self, plan: RoutingPlan) -> None:
        if plan.on_demand:
            raise RedlineError(
                "handing documents out on demand needs the PostgreSQL store (claims are "
                "taken on the server, atomically for every machine); with a folder, "
                "`redline route --fixed` decides who gets what in advance"
            )
        write_atomic(self.folder / ROUTES_FILE, orjson.dumps(plan.model_dump(mode="json")))

    def members(self) -> list[TeamMember]:
        path = self.folder / TEAM_FILE
        if not path.is_file():
            return []
        members = []
        for number, line in enumerate(path.read_bytes().splitlines(), start=1):
            try:
                members.append(TeamMember.model_validate_json(line))
            except ValidationError as error:
                raise InputError(
                    Location(display_path(path), number), describe_validation_error(error)
                ) from None
        return members

    def save_member(self, member: TeamMember) -> None:
        """Appended whole (the file is private to its owner: it names who may sign in)."""
        path = self.folder / TEAM_FILE
        lines = [m.model_dump_json().encode() for m in self.members()]
        lines.append(member.model_dump_json().encode())
        write_atomic(path, b"".join(line + b"\n" for line in lines))
        path.chmod(0o600)

    def watch(self) -> SaveWatcher:
        from redline.store.watching import FolderWatcher

        return FolderWatcher(self.folder)


def open_dataset(name: str, root: str | Path = DEFAULT_ROOT) -> JsonlDataset:
    return JsonlDataset(name, root)
