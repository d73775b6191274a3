"""The news schema's entity rules, run alone (no statistical model) on sentences made for them."""

from __future__ import annotations

import pytest

from redline.schema import Document, load_schema
from redline.schema.loading import schema_from_dict
from redline.suggest import Suggester
from redline.suggest.pipeline import fold_diacritics
from tests.support.data import NEWS_SCHEMA


@pytest.fixture(scope="module")
def rules_only() -> Suggester:
    data = load_schema(NEWS_SCHEMA).model_dump()
    data["model"]["name"] = "no_such_pipeline"
    return Suggester(schema_from_dict(data, "news-rules-only"))


def found(suggester: Suggester, text: str) -> set[tuple[str, str]]:
    (record,) = suggester.suggest([Document.from_text("t", text)])
    return {(record.span_text(s), s.label) for s in record.spans}


def test_fold_diacritics():
    assert fold_diacritics("Việt Nam") == "Viet Nam"
    assert fold_diacritics("Đà Nẵng") == "Da Nang"
    assert fold_diacritics("HÀ NỘI") == "HA NOI"


PLACES = (
    """
Việt Nam|Viet Nam|Vietnam|VIỆT NAM|Hà Nội|Ha Noi|Hanoi|HÀ NỘI|HA NOI|Thành phố Hồ Chí Minh
Ho Chi Minh City|Đà Nẵng|Da Nang|Quảng Ninh|Quang Ninh|Thừa Thiên Huế|Thua Thien Hue
Bà Rịa-Vũng Tàu|Phnom Penh|PHNOM PENH|Siem Reap|Kratié|Kratie|Takeo|Tbong Khmum|Vientiane
Luang Prabang|Champasak|Bangkok|Naypyidaw|Kuala Lumpur|Jakarta|Manila|Long An|Kep
""".replace("\n", "|")
    .strip("|")
    .split("|")
)


@pytest.mark.parametrize("name", PLACES)
def test_places_are_gpe_however_spelled(rules_only: Suggester, name: str):
    assert (name, "GPE") in found(rules_only, f"Officials met in {name} on Monday.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Communist Party of Việt Nam (CPV) met.", {"Communist Party of Việt Nam", "CPV"}),
        ("The Cambodian People’s Party (CPP) won.", {"Cambodian People’s Party", "CPP"}),
        ("The Lao People's Revolutionary Party ruled.", {"Lao People's Revolutionary Party"}),
        ("The Cambodian Government said.", {"Cambodian Government"}),
        ("The Vietnamese National Assembly voted.", {"Vietnamese National Assembly"}),
        ("VNA and Agence Kampuchea Presse reported.", {"VNA", "Agence Kampuchea Presse"}),
        ("The Việt Nam News Agency reported.", {"Việt Nam News Agency"}),
    ],
)
def test_parties_bodies_and_agencies_are_org(rules_only: Suggester, text: str, expected: set[str]):
    orgs = {t for t, label in found(rules_only, text) if label == "ORG"}
    assert orgs == expected


def test_acronyms_and_word_like_names_are_case_sensitive(rules_only: Suggester):
    text = "Those who long an hour for a hue of kep are un-moved."
    assert found(rules_only, text) == set()


def test_covid_is_an_event(rules_only: Suggester):
    assert found(rules_only, "COVID-19 spread and Covid-19 cases rose.") == {
        ("COVID-19", "EVENT"),
        ("Covid-19", "EVENT"),
    }


def test_honorifics_are_trimmed_from_names(rules_only: Suggester):
    assert ("Hun Sen", "PERSON") in found(rules_only, "Samdech Techo Hun Sen spoke.")
    assert ("Say Chhum", "PERSON") in found(rules_only, "He met Samdech Say Chhum yesterday.")
