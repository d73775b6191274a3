"""The schemas redline ships, and which schema a command uses.

``news`` (the guideline this project was made for) is a TOML file inside the package, so
``--schema news`` works from any folder and from an installed wheel; ``generic`` (the model's
own labels, no relations) is built here. ``schema/news.toml`` at the top of the checkout is a
link to the same file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from redline.schema.labels import EntityType, LabelSchema, ModelConfig
from redline.schema.loading import load_schema

DEFAULT_SCHEMA_PATH = Path("schema") / "news.toml"
"""Used when no schema is named and the working folder has one here."""

SHIPPED = ("news", "generic")
"""Names ``--schema`` takes besides a path."""

# The labels of the OntoNotes-trained spaCy English pipelines, used when no schema is given.
_GENERIC_LABELS: list[tuple[str, str, str]] = [
    ("PERSON", "#e5c07b", "People, including fictional."),
    ("NORP", "#c678dd", "Nationalities or religious or political groups."),
    ("FAC", "#56b6c2", "Buildings, airports, highways, bridges, etc."),
    ("ORG", "#61afef", "Companies, agencies, institutions, etc."),
    ("GPE", "#98c379", "Countries, cities, states."),
    ("LOC", "#7ec699", "Non-GPE locations, mountain ranges, bodies of water."),
    ("PRODUCT", "#d19a66", "Objects, vehicles, foods, etc. (not services)."),
    ("EVENT", "#e06c75", "Named hurricanes, battles, wars, sports events, etc."),
    ("WORK_OF_ART", "#be5046", "Titles of books, songs, etc."),
    ("LAW", "#a0a1a7", "Named documents made into laws."),
    ("LANGUAGE", "#ff79c6", "Any named language."),
    ("DATE", "#f1fa8c", "Absolute or relative dates or periods."),
    ("TIME", "#ffb86c", "Times smaller than a day."),
    ("PERCENT", "#8be9fd", "Percentage, including '%'."),
    ("MONEY", "#50fa7b", "Monetary values, including unit."),
    ("QUANTITY", "#bd93f9", "Measurements, as of weight or distance."),
    ("ORDINAL", "#6272a4", "'first', 'second', etc."),
    ("CARDINAL", "#44475a", "Numerals that do not fall under another type."),
]


def generic_schema() -> LabelSchema:
    """The built-in schema: the model's own labels, mapped to themselves, and no relations."""
    return LabelSchema(
        name="generic",
        description="The statistical model's own entity labels; no relations.",
        entities=[
            EntityType(label=label, color=colour, description=description)
            for label, colour, description in _GENERIC_LABELS
        ],
        model=ModelConfig(label_map={label: label for label, _, _ in _GENERIC_LABELS}),
    )


def shipped_schema_path(name: str) -> Path:
    """The packaged TOML file of a shipped schema (``news``)."""
    return Path(str(resources.files("redline.schemas").joinpath(f"{name}.toml")))


def resolve_schema(path: str | Path | None) -> LabelSchema:
    """The schema a command uses: the one named (a shipped name or a TOML path; a file of
    that name in the working folder wins over a shipped name), else ./schema/news.toml, else
    the generic one."""
    if path is not None:
        named = str(path)
        if named in SHIPPED and not Path(named).exists():
            return (
                generic_schema() if named == "generic" else load_schema(shipped_schema_path(named))
            )
        return load_schema(path)
    if DEFAULT_SCHEMA_PATH.is_file():
        return load_schema(DEFAULT_SCHEMA_PATH)
    return generic_schema()
