"""brat's annotation.conf read into a label schema, written back, and as TOML: real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.errors import InputError
from redline.formats.brat_conf import annotation_conf, schema_beside, schema_from_brat_conf
from redline.schema.derive import model_label_map, schema_toml
from redline.schema.labels import LabelSchema
from redline.schema.loading import load_schema

CONF = """\
# a project's configuration, with what brat allows
<PLACE>=GPE|Location

[entities]
Person
Organization
\tCompany
\tMerge-org
!Place
\tGPE
\tLocation
Date
c

[relations]
<ORGS>=Organization
Located\tArg1:Person|<ORGS>, Arg2:<PLACE>
Part-of\tArg1:Company, Arg2:Organization
Sibling\tArg1:Person, Arg2:Person, <REL-TYPE>:symmetric
Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVERLAP-TYPE>:<ANY>
Caused\tArg1:Attack, Arg2:Person
Victim-of\tArg1:Person, Arg2:Attack|Person

[events]
Attack\tAttacker?:Person, Target+:Organization|Location
Die\tVictim:Person
\tMarry\tPartner1:Person, Partner2:Person

[attributes]
Negation\tArg:<EVENT>
Confidence\tArg:<EVENT>, Value:L1|L2|L3
"""


def _conf(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "annotation.conf"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_brat_conf_becomes_a_schema(tmp_path: Path) -> None:
    schema, notes = schema_from_brat_conf(_conf(tmp_path / "acme", CONF))
    assert schema.name == "acme"
    assert schema.allow_overlap
    every = ["Person", "Organization", "Company", "Merge-org", "GPE", "Location", "Date", "c"]
    assert [e.label for e in schema.entities] == every  # !Place is a grouping only
    assert schema.entity("Company").description == "brat type Company, a kind of Organization"
    assert schema.entity("Person").description == "brat type Person"
    assert [(r.label, r.head, r.child, r.symmetric) for r in schema.relations] == [
        # a parent type stands for its subtypes; a macro for what it names
        ("Located", ["Person", "Organization", "Company", "Merge-org"], ["GPE", "Location"], False),
        ("Part-of", ["Company"], ["Organization", "Company", "Merge-org"], False),
        ("Sibling", ["Person"], ["Person"], True),
        ("Equiv", every, every, True),
        ("Victim-of", ["Person"], ["Person"], False),
    ]
    assert schema.relation("Equiv").description == "brat relation Equiv"
    assert notes == [
        "annotation.conf: [events] (3 types: Attack, Die, Marry) are not supported and are "
        "left out",
        "annotation.conf: [attributes] (2 types: Negation, Confidence) are not supported and "
        "are left out",
        "annotation.conf: relation arguments that are events (Caused, Victim-of) are not "
        "supported and are left out (a relation with no entity type left at an end is left out)",
        "annotation.conf: transitive relations (Equiv) are kept as symmetric; redline does "
        "not infer the transitive ones",
    ]


def test_the_model_labels_map_by_name_and_a_few_synonyms(tmp_path: Path) -> None:
    schema, _ = schema_from_brat_conf(_conf(tmp_path / "p", CONF))
    assert schema.model.name == "en_core_web_sm"
    assert schema.model.label_map == {
        "PERSON": "Person",
        "ORG": "Organization",
        "GPE": "GPE",
        "LOC": "Location",
        "DATE": "Date",
        "TIME": "Date",
    }
    assert model_label_map(["Organisation", "Location", "PER", "Work-of-Art", "time"]) == {
        "PERSON": "PER",
        "ORG": "Organisation",
        "GPE": "Location",  # no GPE: countries and cities go to the location label
        "LOC": "Location",
        "WORK_OF_ART": "Work-of-Art",
        "TIME": "time",
    }
    assert model_label_map(["person", "PERSON", "Weapon"]) == {"PERSON": "PERSON"}


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        ("[relations]\nLocated\tArg1:Person, Arg2:City", 5, "Arg2 names 'City', which is not"),
        (
            "[relations]\nLocated\tArg1 Person, Arg2:Org",
            5,
            "argument 'Arg1 Person' is not Role:Type",
        ),
        ("[relations]\nLocated\tArg1:Person", 5, "has 1 argument(s), not two"),
        ("[relations]\nLocated\tArg1:<WHO>, Arg2:Org", 5, "macro <WHO> is not defined"),
        ("[relations]\nA\tArg1:Org, Arg2:Org\nA\tArg1:Person, Arg2:Org", 6, "declared twice"),
        ("[entities]\n\t\tDeep", 5, "Deep is indented under no type"),
        ("[entities]\nOrg", 5, "entity type Org is declared twice (first at line 3)"),
        ("<ENTITY>=Person", 4, "<ENTITY> is reserved"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, lines: str, line: int, message: str) -> None:
    path = _conf(tmp_path / "p", f"[entities]\nPerson\nOrg\n{lines}\n")
    with pytest.raises(InputError) as raised:
        schema_from_brat_conf(path)
    assert raised.value.location.path == str(path)
    assert raised.value.location.line == line
    assert message in raised.value.message


def test_a_type_before_any_section_or_no_entity_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"annotation.conf:1: 'Person' stands before"):
        schema_from_brat_conf(_conf(tmp_path / "a", "Person\n[entities]\nOrg\n"))
    with pytest.raises(InputError, match="declares no type that can be annotated"):
        schema_from_brat_conf(_conf(tmp_path / "b", "[entities]\n!Abstract\n[relations]\n"))
    with pytest.raises(InputError, match="file not found"):
        schema_from_brat_conf(tmp_path / "missing" / "annotation.conf")


def test_conf_to_schema_to_conf_keeps_every_entity_and_relation_line(tmp_path: Path) -> None:
    conf = (
        "[entities]\nPerson\nOrganization\nGPE\nMerge-org\nc\n\n[relations]\n"
        "Located\tArg1:Person|Organization, Arg2:GPE\n"
        "Sibling\tArg1:Person, Arg2:Person, <REL-TYPE>:symmetric\n"
        "Related\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric\n"
        "Part-of\tArg1:c, Arg2:Merge-org\n\n[events]\n\n[attributes]\n"
    )
    schema, notes = schema_from_brat_conf(_conf(tmp_path / "p", conf))
    assert notes == []
    written = annotation_conf(schema)
    assert written == conf
    again, _ = schema_from_brat_conf(_conf(tmp_path / "q", written))
    assert again.entities == schema.entities
    assert again.relations == schema.relations


def test_the_conf_is_found_in_the_folder_or_its_parent(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "batch-1").mkdir(parents=True)
    assert schema_beside(corpus / "batch-1") is None
    _conf(corpus, "[entities]\nPerson\n")
    found = schema_beside(corpus / "batch-1")
    assert found is not None
    assert [e.label for e in found[0].entities] == ["Person"]
    _conf(corpus / "batch-1", "[entities]\nOrg\n")
    found = schema_beside(corpus / "batch-1")
    assert found is not None
    assert [e.label for e in found[0].entities] == ["Org"]


def test_the_toml_loads_back_to_an_equal_schema(tmp_path: Path, news_schema: LabelSchema) -> None:
    schema, _ = schema_from_brat_conf(_conf(tmp_path / "p", CONF))
    for each in (schema, news_schema):
        path = tmp_path / f"{each.name}.toml"
        text = schema_toml(each, "somewhere/annotation.conf", "from-brat")
        assert text.startswith("# redline label schema made by `redline schema from-brat` from ")
        path.write_text(text, encoding="utf-8")
        assert load_schema(path) == each
