"""Label schemas: the real news.toml, bad schema files, and what a schema checks in a record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redline.errors import InputError
from redline.schema.labels import LabelSchema
from redline.schema.loading import load_schema
from redline.schema.shipped import generic_schema, resolve_schema
from tests.support.data import NEWS_SCHEMA, make_record, relation, span

NEWS_TEXT = NEWS_SCHEMA.read_text(encoding="utf-8")
HEX = re.compile(r"^#[0-9a-f]{6}$")


# -- the real schema ---------------------------------------------------------------------------


def test_news_schema_entities(news_schema: LabelSchema) -> None:
    assert news_schema.name == "news"
    assert news_schema.allow_overlap is False
    assert [e.label for e in news_schema.entities] == [
        "PERSON",
        "ORG",
        "GPE",
        "NORP",
        "DATE",
        "EVENT",
    ]


def test_news_schema_relations_and_constraints(news_schema: LabelSchema) -> None:
    constraints = {r.label: (set(r.head), set(r.child)) for r in news_schema.relations}
    assert constraints == {
        "LEADER_OF": ({"PERSON"}, {"ORG", "GPE"}),
        "MEMBER_OF": ({"PERSON"}, {"ORG"}),
        "MEETS": ({"PERSON"}, {"PERSON"}),
        "PART_OF": ({"ORG"}, {"ORG", "GPE"}),
        "LOCATED_IN": ({"GPE", "ORG"}, {"GPE"}),
    }
    assert news_schema.relation_labels == set(constraints)


def test_news_schema_every_label_has_description_key_colour(news_schema: LabelSchema) -> None:
    for item in [*news_schema.entities, *news_schema.relations]:
        assert item.description.strip(), item.label
        assert "\n" not in item.description, f"{item.label}: description must be one line"
        assert item.key, item.label
        assert not any(c.isspace() for c in item.key), item.label
        assert HEX.match(item.color), item.label
    entity_keys = [e.key for e in news_schema.entities]
    relation_keys = [r.key for r in news_schema.relations]
    assert len(set(entity_keys)) == len(entity_keys)
    assert len(set(relation_keys)) == len(relation_keys)


def test_news_schema_model_label_map(news_schema: LabelSchema) -> None:
    label_map = news_schema.model.label_map
    assert label_map["LOC"] == "GPE"
    assert set(label_map.values()) <= news_schema.entity_labels
    assert news_schema.model.name == "en_core_web_sm"


def test_news_schema_patterns_refer_to_its_labels(news_schema: LabelSchema) -> None:
    assert set(news_schema.patterns) <= news_schema.entity_labels
    assert "COVID-19" in news_schema.patterns["EVENT"].phrases


def test_schema_lookup_helpers(news_schema: LabelSchema) -> None:
    person = news_schema.entity("PERSON")
    assert person is not None
    assert person.key == "1"
    assert news_schema.entity("LOC") is None
    meets = news_schema.relation("MEETS")
    assert meets is not None
    assert meets.symmetric
    assert news_schema.relation("NOPE") is None


def test_schema_hash_is_stable_and_follows_content(
    news_schema: LabelSchema, tmp_path: Path
) -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", news_schema.hash)
    assert load_schema(NEWS_SCHEMA).hash == news_schema.hash
    changed = tmp_path / "news.toml"
    changed.write_text(NEWS_TEXT.replace('name = "news"', 'name = "news2"'), encoding="utf-8")
    assert load_schema(changed).hash != news_schema.hash
    # comments and layout are not content
    same = tmp_path / "same.toml"
    same.write_text("# a comment\n\n" + NEWS_TEXT, encoding="utf-8")
    assert load_schema(same).hash == news_schema.hash


def test_generic_schema() -> None:
    schema = generic_schema()
    assert schema.name == "generic"
    assert schema.relations == []
    labels = [e.label for e in schema.entities]
    assert {"PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "CARDINAL"} <= set(labels)
    assert schema.model.label_map == {label: label for label in labels}
    keys = [e.key for e in schema.entities]
    assert len(set(keys)) == len(keys)
    assert all(HEX.match(e.color) and e.description for e in schema.entities)


def test_resolve_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_schema(NEWS_SCHEMA).name == "news"
    monkeypatch.chdir(tmp_path)
    assert resolve_schema(None).name == "generic"
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "news.toml").write_text(NEWS_TEXT, encoding="utf-8")
    assert resolve_schema(None).name == "news"
    with pytest.raises(InputError, match="schema file not found"):
        resolve_schema(tmp_path / "missing.toml")


# -- bad schema files: one clear error naming the file and the field ---------------------------

MINIMAL = """\
name = "mini"

[[entities]]
label = "PERSON"
key = "1"
color = "#e5c07b"
description = "A person."

[[entities]]
label = "ORG"
key = "2"
color = "#61afef"
description = "An organisation."

[[relations]]
label = "MEMBER_OF"
key = "m"
color = "#8be9fd"
description = "Belongs to."
head = ["PERSON"]
child = ["ORG"]
"""


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


BAD_SCHEMAS = {
    # name: (file text, substrings the message must contain)
    "unknown label in relation constraint (news)": (
        NEWS_TEXT.replace(
            'child = ["ORG"]\ntriggers = ["member"', 'child = ["ORGG"]\ntriggers = ["member"'
        ),
        ["relations[1] (MEMBER_OF).child", "'ORGG'"],
    ),
    "unknown label in relation head": (
        MINIMAL.replace('head = ["PERSON"]', 'head = ["PERSN"]'),
        ["relations[0] (MEMBER_OF).head", "'PERSN'"],
    ),
    "duplicate entity key (news)": (
        NEWS_TEXT.replace('key = "2"', 'key = "1"'),
        ["entities[1].key", "'1'", "used twice"],
    ),
    "duplicate relation key": (
        MINIMAL + MINIMAL[MINIMAL.index("[[relations]]") :].replace("MEMBER_OF", "WORKS_FOR"),
        ["relations[1].key", "'m'", "used twice"],
    ),
    "duplicate entity label": (
        MINIMAL.replace('label = "ORG"', 'label = "PERSON"'),
        ["entities[1].label", "'PERSON'", "used twice"],
    ),
    "bad colour (news)": (
        NEWS_TEXT.replace('color = "#56b4e9"', 'color = "blue"'),
        ["entities[1] (ORG).color", "'blue'", "#rrggbb"],
    ),
    "short colour on a relation": (
        MINIMAL.replace('color = "#8be9fd"', 'color = "#8be9f"'),
        ["relations[0] (MEMBER_OF).color", "'#8be9f'"],
    ),
    "unknown field": (
        MINIMAL.replace('name = "mini"', 'name = "mini"\nnmae = "typo"'),
        ["nmae"],
    ),
    "unknown label in label_map": (
        MINIMAL + '\n[model.label_map]\nLOC = "GPE"\n',
        ["model.label_map.LOC", "'GPE'"],
    ),
    "unknown label in patterns": (
        MINIMAL + '\n[patterns.GPE]\nphrases = ["Hanoi"]\n',
        ["patterns.GPE"],
    ),
    "unknown label in cleanup.titles": (
        MINIMAL + '\n[cleanup.titles]\nGPE = ["Mr"]\n',
        ["cleanup.titles.GPE"],
    ),
    "bad dependency path": (
        MINIMAL + 'paths = ["prep"]\n',
        ["relations[0] (MEMBER_OF).paths", "'prep'"],
    ),
    "label with a space": (
        MINIMAL.replace('label = "ORG"', 'label = "Merge org"'),
        ["entities[1] (Merge org).label", "no whitespace"],
    ),
    "label with a control character": (
        MINIMAL.replace('label = "ORG"', 'label = "ORG\\u0007"'),
        ["entities[1]", ".label", "control characters"],
    ),
    "no entities": ('name = "empty"\n', ["entities"]),
}


@pytest.mark.parametrize("case", list(BAD_SCHEMAS), ids=list(BAD_SCHEMAS))
def test_bad_schema_is_one_clear_error(case: str, tmp_path: Path) -> None:
    text, needles = BAD_SCHEMAS[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        load_schema(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    assert "more problem" not in message, f"expected exactly one problem: {message}"
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    assert path.read_bytes() == before


def test_minimal_schema_loads(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    schema = load_schema(path)
    assert schema.entity_labels == {"PERSON", "ORG"}
    assert schema.entities[0].color == "#e5c07b"


def test_colour_is_normalised_to_lower_case(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINIMAL.replace("#e5c07b", "#E5C07B"), encoding="utf-8")
    assert load_schema(path).entities[0].color == "#e5c07b"


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    text = NEWS_TEXT.replace("allow_overlap = false", "allow_overlap = = false")
    line = _line_of(text, "allow_overlap = = false")
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_schema(path)
    assert caught.value.location.line == line
    assert str(caught.value).startswith(f"{path}:{line}: invalid TOML")


def test_duplicate_toml_key_in_one_table_names_the_line(tmp_path: Path) -> None:
    text = MINIMAL.replace('key = "2"', 'key = "2"\nkey = "3"')
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="invalid TOML") as caught:
        load_schema(path)
    assert caught.value.location.line == _line_of(text, 'key = "3"')


def test_invalid_utf8_names_file_and_line(tmp_path: Path) -> None:
    raw = MINIMAL.encode().replace(b"An organisation.", b"An organis\xe9tion.")
    line = MINIMAL.count("\n", 0, MINIMAL.index("An organisation.")) + 1
    path = tmp_path / "bad.toml"
    path.write_bytes(raw)
    with pytest.raises(InputError) as caught:
        load_schema(path)
    assert str(caught.value) == f"{path}:{line}: not valid UTF-8"
    assert path.read_bytes() == raw


def test_missing_schema_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.toml: schema file not found"):
        load_schema(tmp_path / "missing.toml")


def test_schema_path_is_shown_relative_to_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "bad.toml").write_text(MINIMAL.replace("#61afef", "nope"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        load_schema(tmp_path / "s" / "bad.toml")
    assert str(caught.value).startswith("s/bad.toml: entities[1] (ORG).color: ")


def test_colour_with_trailing_newline_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(MINIMAL.replace('"#61afef"', '"#61afef\\n"'), encoding="utf-8")
    with pytest.raises(InputError, match="color"):
        load_schema(path)


# -- relation_refusal / record_problems ---------------------------------------------------------


@pytest.mark.parametrize(
    ("relation_label", "head", "child"),
    [
        ("LEADER_OF", "PERSON", "ORG"),
        ("LEADER_OF", "PERSON", "GPE"),
        ("MEMBER_OF", "PERSON", "ORG"),
        ("MEETS", "PERSON", "PERSON"),
        ("PART_OF", "ORG", "GPE"),
        ("LOCATED_IN", "ORG", "GPE"),
        ("LOCATED_IN", "GPE", "GPE"),
    ],
)
def test_relation_allowed(
    news_schema: LabelSchema, relation_label: str, head: str, child: str
) -> None:
    assert news_schema.relation_refusal(relation_label, head, child) is None


@pytest.mark.parametrize(
    ("relation_label", "head", "child"),
    [
        ("LEADER_OF", "ORG", "PERSON"),
        ("MEMBER_OF", "PERSON", "GPE"),
        ("MEETS", "PERSON", "ORG"),
        ("PART_OF", "GPE", "ORG"),
        ("LOCATED_IN", "GPE", "ORG"),
        ("LOCATED_IN", "PERSON", "GPE"),
    ],
)
def test_relation_refused(
    news_schema: LabelSchema, relation_label: str, head: str, child: str
) -> None:
    refusal = news_schema.relation_refusal(relation_label, head, child)
    assert refusal is not None
    assert relation_label in refusal
    assert f"not from {head} to {child}" in refusal


def test_unknown_relation_label_is_refused(news_schema: LabelSchema) -> None:
    assert news_schema.relation_refusal("OWNS", "PERSON", "ORG") == "unknown relation label 'OWNS'"


TEXT = "Hun Sen leads the CPP in Cambodia."
#       0123456789012345678901234567890123


def _fitting_record():
    return make_record(
        text=TEXT,
        spans=[span("p", 0, 7, "PERSON"), span("o", 18, 21, "ORG"), span("g", 25, 33, "GPE")],
        relations=[relation("r1", "p", "o", "LEADER_OF"), relation("r2", "o", "g", "PART_OF")],
    )


def test_fitting_record_has_no_problems(news_schema: LabelSchema) -> None:
    record = _fitting_record()
    assert record.span_text(record.spans[2]) == "Cambodia"
    assert news_schema.record_problems(record) == []


def test_record_problems_unknown_label(news_schema: LabelSchema) -> None:
    record = make_record(
        text=TEXT,
        spans=[span("p", 0, 7, "PERSN")],
        rejected=[span("x", 25, 33, "LOC", origin="model", edit=None)],
    )
    problems = news_schema.record_problems(record)
    assert len(problems) == 2
    assert problems[0].startswith("spans: span p has label 'PERSN'")
    assert problems[1].startswith("rejected: span x has label 'LOC'")
    assert all("'news'" in p for p in problems)
    assert generic_schema().record_problems(record) == [
        "spans: span p has label 'PERSN', which schema 'generic' does not have"
    ]


def test_record_problems_relation_constraint(news_schema: LabelSchema) -> None:
    record = make_record(
        text=TEXT,
        spans=[span("p", 0, 7, "PERSON"), span("g", 25, 33, "GPE")],
        rejected=[span("o", 18, 21, "ORG", origin="model", edit=None)],
        relations=[relation("r1", "g", "p", "LEADER_OF")],
        rejected_relations=[relation("r2", "p", "o", "MEETS", origin="rule")],
    )
    problems = news_schema.record_problems(record)
    assert problems == [
        "relations: relation r1: LEADER_OF goes from PERSON to ORG|GPE, not from GPE to PERSON",
        "rejected_relations: relation r2: MEETS goes from PERSON to PERSON, not from PERSON to ORG",
    ]


def test_record_problems_unknown_relation_label(news_schema: LabelSchema) -> None:
    record = make_record(
        text=TEXT,
        spans=[span("p", 0, 7, "PERSON"), span("o", 18, 21, "ORG")],
        relations=[relation("r1", "p", "o", "OWNS")],
    )
    assert news_schema.record_problems(record) == [
        "relations: relation r1: unknown relation label 'OWNS'"
    ]


def test_record_problems_overlap(news_schema: LabelSchema) -> None:
    record = make_record(
        text=TEXT,
        spans=[span("a", 0, 7, "PERSON"), span("b", 4, 12, "PERSON"), span("c", 18, 21, "ORG")],
    )
    problems = news_schema.record_problems(record)
    assert len(problems) == 1
    assert "a [0, 7) and b [4, 12) overlap" in problems[0]
    relaxed = news_schema.model_copy(update={"allow_overlap": True})
    assert relaxed.record_problems(record) == []


def test_nested_overlap_is_found(news_schema: LabelSchema) -> None:
    record = make_record(
        text=TEXT,
        spans=[span("outer", 0, 21, "ORG"), span("x", 2, 3), span("y", 10, 12)],
    )
    assert news_schema.record_problems(record)


def test_touching_spans_and_rejected_overlaps_are_fine(news_schema: LabelSchema) -> None:
    record = make_record(
        text=TEXT,
        spans=[span("a", 0, 3, "PERSON"), span("b", 3, 7, "PERSON")],
        rejected=[span("r", 0, 7, "PERSON", origin="model", edit=None)],
    )
    assert news_schema.record_problems(record) == []


# -- other tools' labels -------------------------------------------------------------------

BYO = """
name = "byo"
overlap = true
lang = "es"
[[entities]]
label = "Merge-org"
[[entities]]
label = "c"
key = "1"
[[entities]]
label = "B.1"
[[relations]]
label = "rel.x"
head = ["Merge-org"]
child = ["c", "B.1"]
"""


def test_labels_of_any_case_and_punctuation_load_and_get_free_keys(tmp_path: Path) -> None:
    path = tmp_path / "byo.toml"
    path.write_text(BYO, encoding="utf-8")
    schema = load_schema(path)
    assert [(e.label, e.key) for e in schema.entities] == [
        ("Merge-org", "2"),  # "1" is taken by c: the next free key
        ("c", "1"),
        ("B.1", "3"),
    ]
    assert [r.key for r in schema.relations] == ["a"]
    assert schema.allow_overlap  # `overlap` is the TOML spelling
    assert schema.lang == "es"


def test_a_language_spacy_does_not_have_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BYO.replace('lang = "es"', 'lang = "zz"'), encoding="utf-8")
    with pytest.raises(InputError, match="spaCy has no language 'zz'"):
        load_schema(path)


def test_an_english_schema_hashes_as_before_lang_existed() -> None:
    """The demo's cached suggestions were made before `lang`: they must stay valid."""
    assert load_schema(NEWS_SCHEMA).hash == "c57685bddd20"
