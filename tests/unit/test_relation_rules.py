"""The news schema's relation rules on real sentences parsed by the real en_core_web_sm.

The sentences are written for these tests (none is copied from seeds/): each construction the
rules read (titles, meetings, membership, bodies, places), the negative cases that must stay
silent, and ``NEWS_CASES``/``NEWS_HELDOUT`` with the relations a reader expects, which
bench/relation_rules.py also scores. ``NEWS_HELDOUT`` was written after the rules.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from spacy.language import Language

from redline.errors import InputError
from redline.schema.labels import LabelSchema
from redline.schema.loading import load_schema, schema_from_dict
from redline.suggest import Suggester
from redline.suggest.relations import suggest_relations
from tests.support.data import NEWS_SCHEMA

Triple = tuple[str, str, str]

NEWS_CASES: list[tuple[str, set[Triple]]] = [
    (
        "Cambodian Prime Minister Hun Manet received Lao Deputy Prime Minister Saleumxay "
        "Kommasith in Phnom Penh on Tuesday.",
        {("Hun Manet", "MEETS", "Saleumxay Kommasith")},
    ),
    (
        "Thai Prime Minister Srettha Thavisin held talks with Vietnamese Prime Minister "
        "Pham Minh Chinh in Bangkok.",
        {("Srettha Thavisin", "MEETS", "Pham Minh Chinh")},
    ),
    (
        "CPP President Hun Sen and National Assembly President Khuon Sudary welcomed Lao "
        "President Thongloun Sisoulith at the airport.",
        {
            ("Hun Sen", "LEADER_OF", "CPP"),
            ("Khuon Sudary", "LEADER_OF", "National Assembly"),
            ("Hun Sen", "MEETS", "Thongloun Sisoulith"),
            ("Khuon Sudary", "MEETS", "Thongloun Sisoulith"),
        },
    ),
    (
        "Hun Sen, President of the Cambodian People's Party, paid a courtesy visit to Lao "
        "President Thongloun Sisoulith.",
        {
            ("Hun Sen", "LEADER_OF", "Cambodian People's Party"),
            ("Hun Sen", "MEETS", "Thongloun Sisoulith"),
        },
    ),
    (
        "LPRP Politburo member Sonexay Siphandone called on President of the Senate Khuon "
        "Sudary in Phnom Penh on Monday.",
        {
            ("Sonexay Siphandone", "MEMBER_OF", "LPRP Politburo"),
            ("Khuon Sudary", "LEADER_OF", "Senate"),
            ("Sonexay Siphandone", "MEETS", "Khuon Sudary"),
        },
    ),
    (
        "LPRP Vice President and President of the Lao National Assembly Saysomphone "
        "Phomvihane attended the ceremony.",
        {
            ("Saysomphone Phomvihane", "MEMBER_OF", "LPRP"),
            ("Saysomphone Phomvihane", "LEADER_OF", "Lao National Assembly"),
        },
    ),
    (
        "Vietnam's Ministry of Health said the outbreak in Kampot, Cambodia, was under control.",
        {("Ministry of Health", "PART_OF", "Vietnam"), ("Kampot", "LOCATED_IN", "Cambodia")},
    ),
    (
        "The Ministry of Foreign Affairs of Thailand summoned the envoy of Myanmar on Monday.",
        {("Ministry of Foreign Affairs", "PART_OF", "Thailand")},
    ),
    (
        "Members of the Central Committee of the Lao People's Revolutionary Party arrived in "
        "Luang Prabang, Laos, on Friday.",
        {
            ("Central Committee", "PART_OF", "Lao People's Revolutionary Party"),
            ("Luang Prabang", "LOCATED_IN", "Laos"),
        },
    ),
    (
        "Nguyen Van Thanh, a member of the CPV Central Committee, met with Cambodian Deputy "
        "Prime Minister Sok Chenda Sophea.",
        {
            ("Nguyen Van Thanh", "MEMBER_OF", "CPV Central Committee"),
            ("Nguyen Van Thanh", "MEETS", "Sok Chenda Sophea"),
        },
    ),
    (
        "Bounthong Chitmany joined the Lao People's Revolutionary Party in 1985.",
        {("Bounthong Chitmany", "MEMBER_OF", "Lao People's Revolutionary Party")},
    ),
    (
        "The Vietnamese Embassy in Phnom Penh hosted a reception for Cambodian Foreign "
        "Minister Prak Sokhonn.",
        {("Vietnamese Embassy", "LOCATED_IN", "Phnom Penh")},
    ),
    (
        "Vientiane, the capital of Laos, will host the regional summit next year.",
        {("Vientiane", "LOCATED_IN", "Laos")},
    ),
    (
        "Thai Prime Minister Paetongtarn Shinawatra sent a message of congratulations to party "
        "leader Thongloun Sisoulith.",
        set(),
    ),
    ("Hun Manet praised the efforts of Pham Minh Chinh to boost trade.", set()),
    (
        "Vietnamese Ambassador to Cambodia Nguyen Minh Vu attended the festival in Siem Reap.",
        set(),
    ),
    (
        "Vietnamese President Luong Cuong and Lao President Thongloun Sisoulith met King "
        "Norodom Sihamoni in Phnom Penh.",
        {
            ("Luong Cuong", "MEETS", "Norodom Sihamoni"),
            ("Thongloun Sisoulith", "MEETS", "Norodom Sihamoni"),
        },
    ),
    (
        "Malaysian Prime Minister Anwar Ibrahim received Thai Foreign Minister Maris "
        "Sangiampongsa and Lao Foreign Minister Thongsavanh Phomvihane.",
        {
            ("Anwar Ibrahim", "MEETS", "Maris Sangiampongsa"),
            ("Anwar Ibrahim", "MEETS", "Thongsavanh Phomvihane"),
        },
    ),
    (
        "Thongloun Sisoulith, General Secretary of the LPRP, had phone talks with Xi Jinping.",
        {
            ("Thongloun Sisoulith", "LEADER_OF", "LPRP"),
            ("Thongloun Sisoulith", "MEETS", "Xi Jinping"),
        },
    ),
    (
        "The Cambodian Government, led by Prime Minister Hun Manet, approved the plan.",
        {("Hun Manet", "LEADER_OF", "Cambodian Government")},
    ),
    (
        "Thailand's Ministry of Interior sent officials to Chiang Mai.",
        {("Ministry of Interior", "PART_OF", "Thailand")},
    ),
    ("Ministers from Vietnam, Laos and Cambodia gathered in Hanoi on Sunday.", set()),
    (
        "Pham Minh Chinh, Prime Minister of Vietnam, was received by Cambodian Senate President "
        "Hun Sen on Monday.",
        {
            ("Pham Minh Chinh", "LEADER_OF", "Vietnam"),
            ("Pham Minh Chinh", "MEETS", "Hun Sen"),
            ("Hun Sen", "LEADER_OF", "Cambodian Senate"),
        },
    ),
    (
        "Hun Manet and Anwar Ibrahim discussed trade, while Prak Sokhonn stayed in Phnom Penh.",
        set(),
    ),
]

NEWS_HELDOUT: list[tuple[str, set[Triple]]] = [
    # written after the rules, and not tuned on: how the rules do on sentences they never saw
    (
        "Singaporean Prime Minister Lawrence Wong on Thursday hosted Indonesian President "
        "Prabowo Subianto at the Istana.",
        {("Lawrence Wong", "MEETS", "Prabowo Subianto")},
    ),
    (
        "Earlier, Lao Prime Minister Sonexay Siphandone had a meeting with Thai Deputy Prime "
        "Minister Phumtham Wechayachai in Vientiane.",
        {("Sonexay Siphandone", "MEETS", "Phumtham Wechayachai")},
    ),
    (
        "Nguyen Thi Thanh, Vice Chairwoman of the National Assembly, welcomed a delegation "
        "from the Lao National Assembly.",
        {("Nguyen Thi Thanh", "MEMBER_OF", "National Assembly")},
    ),
    (
        "Tran Thanh Man, Chairman of the National Assembly of Vietnam, said the two "
        "legislatures would cooperate more closely.",
        # one ORG by the guideline (schema/news.toml lists "National Assembly of Việt Nam")
        {("Tran Thanh Man", "LEADER_OF", "National Assembly of Vietnam")},
    ),
    (
        "The delegation visited Battambang, a province in north-western Cambodia, and met "
        "local farmers.",
        {("Battambang", "LOCATED_IN", "Cambodia")},
    ),
    (
        "Cambodia's Ministry of National Defence and Vietnam's Ministry of Public Security "
        "signed a memorandum.",
        {
            ("Ministry of National Defence", "PART_OF", "Cambodia"),
            ("Ministry of Public Security", "PART_OF", "Vietnam"),
        },
    ),
    (
        "Prak Sokhonn told reporters that Anwar Ibrahim would visit Phnom Penh next month.",
        set(),
    ),
    (
        "ASEAN Secretary-General Kao Kim Hourn met with Philippine President Ferdinand Marcos "
        "Jr in Manila.",
        {
            ("Kao Kim Hourn", "LEADER_OF", "ASEAN"),
            ("Kao Kim Hourn", "MEETS", "Ferdinand Marcos Jr"),
        },
    ),
    (
        "Trade between Vietnam, Cambodia and Thailand rose last year, the ministry said.",
        set(),
    ),
    (
        "Phan Van Giang, a member of the CPV Politburo, received Cambodian Defence Minister "
        "Tea Seiha in Hanoi.",
        {
            ("Phan Van Giang", "MEMBER_OF", "CPV Politburo"),
            ("Phan Van Giang", "MEETS", "Tea Seiha"),
        },
    ),
    (
        "The Lao Embassy in Hanoi organised a ceremony to mark the national day of Laos.",
        {("Lao Embassy", "LOCATED_IN", "Hanoi")},
    ),
    (
        "Hun Manet thanked Xi Jinping for China's support during the pandemic.",
        set(),
    ),
    (
        "Mayor of Vientiane Atsaphangthong Siphandone and Hanoi Party Secretary Bui Thi Minh "
        "Hoai held talks on Tuesday.",
        {
            ("Atsaphangthong Siphandone", "LEADER_OF", "Vientiane"),
            ("Atsaphangthong Siphandone", "MEETS", "Bui Thi Minh Hoai"),
        },
    ),
    (
        "The Thai Ministry of Foreign Affairs said its ambassador to Myanmar had returned to "
        "Bangkok.",
        set(),
    ),
    (
        "Speaking in Phnom Penh, Cambodian Senate President Hun Sen praised Vietnamese "
        "President Luong Cuong.",
        {("Hun Sen", "LEADER_OF", "Cambodian Senate")},
    ),
]


NER_MISSES = {
    # en_core_web_sm reads "Lao National Assembly Saysomphone Phomvihane" as one ORG; the
    # construction itself is tested with the entities given (test_coordinated_titles)
    "LPRP Vice President and President of the Lao National Assembly Saysomphone "
    "Phomvihane attended the ceremony.",
    # ... and "Vientiane Atsaphangthong Siphandone" as one GPE
    "Mayor of Vientiane Atsaphangthong Siphandone and Hanoi Party Secretary Bui Thi Minh "
    "Hoai held talks on Tuesday.",
}


@pytest.fixture(scope="module")
def schema() -> LabelSchema:
    return load_schema(NEWS_SCHEMA)


@pytest.fixture(scope="module")
def nlp(schema: LabelSchema) -> Language:
    return Suggester(schema).nlp


def relations(
    nlp: Language,
    schema: LabelSchema,
    text: str,
    entities: Sequence[tuple[str, str]] | None = None,
) -> set[Triple]:
    """The suggestions as (head text, label, child text); ``entities`` (text, label) replace
    the model's, every occurrence of each text becoming one entity."""
    doc = nlp(text)
    if entities is None:
        spans = [e for e in doc.ents if e.label_ in schema.entity_labels]
    else:
        spans = []
        for name, label in entities:
            start = text.find(name)
            assert start >= 0, name
            while start >= 0:
                span = doc.char_span(start, start + len(name), label=label)
                assert span is not None, name
                spans.append(span)
                start = text.find(name, start + 1)
        spans.sort(key=lambda s: s.start)
    found = set()
    pairs = set()
    for h, c, label in suggest_relations(doc, spans, schema):
        rule = schema.relation(label)
        assert rule is not None
        assert rule.fits(spans[h].label_, spans[c].label_), (label, spans[h], spans[c])
        pair = frozenset((h, c))
        assert pair not in pairs, "one proposal per pair"
        pairs.add(pair)
        found.add(_normal((spans[h].text, label, spans[c].text)))
    return found


def _normal(triple: Triple) -> Triple:
    head, label, child = triple
    return (child, label, head) if label == "MEETS" and child < head else triple


@pytest.mark.parametrize(
    ("text", "expected"), [c for c in NEWS_CASES + NEWS_HELDOUT if c[0] not in NER_MISSES]
)
def test_news_sentences_get_the_relations_a_reader_expects(nlp, schema, text, expected):
    expected = {_normal(t) for t in expected}
    assert relations(nlp, schema, text) == expected


def test_coordinated_titles(nlp, schema):
    text = (
        "LPRP Vice President and President of the Lao National Assembly Saysomphone "
        "Phomvihane attended the ceremony."
    )
    entities = [
        ("LPRP", "ORG"),
        ("Lao National Assembly", "ORG"),
        ("Saysomphone Phomvihane", "PERSON"),
    ]
    assert relations(nlp, schema, text, entities) == {
        ("Saysomphone Phomvihane", "MEMBER_OF", "LPRP"),
        ("Saysomphone Phomvihane", "LEADER_OF", "Lao National Assembly"),
    }


def test_title_before_name_with_possessive_country(nlp, schema):
    found = relations(nlp, schema, "Laos's Prime Minister Sonexay Siphandone flew to Hanoi.")
    assert ("Sonexay Siphandone", "LEADER_OF", "Laos") in found


def test_member_titles_of_a_country_give_nothing(nlp, schema):
    text = "Vietnamese Ambassador to Cambodia Nguyen Minh Vu attended the festival."
    entities = [("Cambodia", "GPE"), ("Nguyen Minh Vu", "PERSON")]
    assert relations(nlp, schema, text, entities) == set()
    text = "Thailand's Foreign Minister Maris Sangiampongsa arrived in Vientiane on Monday."
    assert not {t for t in relations(nlp, schema, text) if t[1] == "LEADER_OF"}


def test_head_of_a_sub_unit_is_a_member(nlp, schema):
    text = (
        "Le Hoai Trung, head of the CPV Central Committee's Commission for External "
        "Relations, arrived in Vientiane."
    )
    entities = [("Le Hoai Trung", "PERSON"), ("CPV Central Committee", "ORG")]
    assert relations(nlp, schema, text, entities) == {
        ("Le Hoai Trung", "MEMBER_OF", "CPV Central Committee")
    }


def test_apposition_after_name_and_relative_clause(nlp, schema):
    text = (
        "On Friday, Chea Sophara, who is also President of the Cambodia-Vietnam Friendship "
        "Association, spoke."
    )
    found = relations(nlp, schema, text)
    assert found == {("Chea Sophara", "LEADER_OF", "Cambodia-Vietnam Friendship Association")}


def test_title_of_the_next_name_is_not_an_apposition(nlp, schema):
    text = (
        "CPP President Hun Sen, CPP Honorary President Heng Samrin and Senate President "
        "Say Chhum attended."
    )
    entities = [("CPP", "ORG"), ("Hun Sen", "PERSON"), ("Heng Samrin", "PERSON")]
    entities += [("Senate", "ORG"), ("Say Chhum", "PERSON")]
    assert relations(nlp, schema, text, entities) == {
        ("Hun Sen", "LEADER_OF", "CPP"),
        ("Heng Samrin", "MEMBER_OF", "CPP"),
        ("Say Chhum", "LEADER_OF", "Senate"),
    }


def test_message_to_a_leader_makes_no_one_a_leader_or_a_guest(nlp, schema):
    text = (
        "Lao President Thongloun Sisoulith sent a message to CPP leader Hun Manet on "
        "the occasion of the party's anniversary."
    )
    assert relations(nlp, schema, text) == {("Hun Manet", "LEADER_OF", "CPP")}


def test_possessor_of_the_guest_is_not_met(nlp, schema):
    text = "Hun Manet received Xi Jinping's special envoy Wang Yi in Phnom Penh on Friday."
    entities = [("Hun Manet", "PERSON"), ("Xi Jinping", "PERSON"), ("Wang Yi", "PERSON")]
    found = relations(nlp, schema, text, entities)
    assert ("Hun Manet", "MEETS", "Xi Jinping") not in found


def test_coordinated_subjects_meet_each_other_without_an_object(nlp, schema):
    text = "Hun Manet and Anwar Ibrahim met in Kuala Lumpur on Monday."
    assert relations(nlp, schema, text) == {("Anwar Ibrahim", "MEETS", "Hun Manet")}


def test_meeting_while_in_a_subordinate_clause(nlp, schema):
    text = "Pham Minh Chinh stressed the ties while meeting with Thongloun Sisoulith in Vientiane."
    assert ("Pham Minh Chinh", "MEETS", "Thongloun Sisoulith") in relations(nlp, schema, text)


def test_part_of_side_by_side_and_not_for_companies(nlp, schema):
    text = "The LPRP Central Committee praised Vietnam's Vingroup for the project."
    entities = [("LPRP", "ORG"), ("Central Committee", "ORG"), ("Vietnam", "GPE")]
    entities += [("Vingroup", "ORG")]
    assert relations(nlp, schema, text, entities) == {("Central Committee", "PART_OF", "LPRP")}


def test_places(nlp, schema):
    text = "Cambodia's capital Phnom Penh will host the games."
    assert relations(nlp, schema, text) == {("Phnom Penh", "LOCATED_IN", "Cambodia")}
    text = "Investment by Vietnam in Cambodia rose by 10 percent."
    assert relations(nlp, schema, text) == set()


def test_a_schema_without_constructions_keeps_the_path_rules(nlp, schema):
    data = schema.model_dump()
    for relation in data["relations"]:
        relation["constructions"] = []
    plain = schema_from_dict(data, "test")
    doc = nlp("CPP President Hun Sen met Thongloun Sisoulith in Vientiane, Laos.")
    spans = list(doc.ents)
    before = suggest_relations(doc, spans, plain)
    assert all(plain.relation(label) is not None for _, _, label in before)
    data["relations"] = []
    assert suggest_relations(doc, spans, schema_from_dict(data, "test")) == []


def test_constructions_follow_the_schema_not_the_label_names(nlp, schema):
    data = schema.model_dump()
    data["relations"] = [r for r in data["relations"] if r["label"] == "LEADER_OF"]
    data["relations"][0]["label"] = "HEADS"
    data["relations"][0]["nouns"] = ["president"]
    heads = schema_from_dict(data, "test")
    doc = nlp("CPP President Hun Sen and Prime Minister of Laos Sonexay Siphandone met.")
    spans = list(doc.ents)
    found = {
        (spans[h].text, label, spans[c].text)
        for h, c, label in suggest_relations(doc, spans, heads)
    }
    assert found == {("Hun Sen", "HEADS", "CPP")}


@pytest.mark.parametrize(
    ("field", "value"), [("constructions", ["titles"]), ("nouns", ["Prime Minister"])]
)
def test_schema_refuses_unknown_constructions_and_cased_nouns(schema, field, value):
    data = schema.model_dump()
    data["relations"][0][field] = value
    with pytest.raises(InputError):
        schema_from_dict(data, "test")


def test_title_of_a_city_and_talks_between_coordinated_names(nlp, schema):
    text = (
        "Mayor of Vientiane Atsaphangthong Siphandone and Hanoi Party Secretary Bui Thi Minh "
        "Hoai held talks on Tuesday."
    )
    entities = [("Vientiane", "GPE"), ("Atsaphangthong Siphandone", "PERSON")]
    entities += [("Hanoi", "GPE"), ("Bui Thi Minh Hoai", "PERSON")]
    assert relations(nlp, schema, text, entities) == {
        ("Atsaphangthong Siphandone", "LEADER_OF", "Vientiane"),
        ("Atsaphangthong Siphandone", "MEETS", "Bui Thi Minh Hoai"),
    }
