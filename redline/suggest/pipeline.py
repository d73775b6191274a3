"""One spaCy pipeline per label schema: statistical NER, the schema's entity ruler, clean-up.

The pipeline's input is a spaCy pipeline name or path (never something built into the code),
so a model trained on redline's own gold export can replace the stock one. Components:

``ner`` (the model's) -> ``redline_model_entities`` (map model labels to the schema's, drop
the rest, trim determiners/possessives/titles) -> ``span_ruler`` (the schema's patterns; they
win where they clash with the model, except that a longer model name containing a rule match
stays whole) -> ``redline_rule_entities`` (trim what the rules matched and remember which
entities came from a rule).
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from redline.schema.labels import LabelSchema
from redline.suggest.model_choice import ModelChoice, resolve_model

RULE_MATCHES_KEY = "redline_rule_matches"
RULE_ENTITIES_KEY = "redline_rule_entities"


def fold_diacritics(text: str) -> str:
    """``Hà Nội`` -> ``Ha Noi``: news text spells South-East Asian names both ways."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def entity_label_map(schema: LabelSchema, choice: ModelChoice) -> dict[str, str]:
    """The model's entity labels to the schema's: the schema's ``label_map``, and the labels
    a model trained by redline predicts as they are (``choice.schema_labels``)."""
    passed = {label: label for label in choice.schema_labels if label in schema.entity_labels}
    return {**schema.model.label_map, **passed}


def build_pipeline(schema: LabelSchema, model: ModelChoice | None = None) -> Language:
    """Assemble the suggesting pipeline for a schema (loads the model: takes a second)."""
    choice = model or resolve_model(schema.model.name)
    if choice.load_target is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nlp = spacy.load(choice.load_target)
        nlp.add_pipe(
            "redline_model_entities",
            config={
                "label_map": entity_label_map(schema, choice),
                "cleanup": _cleanup_config(schema),
            },
        )
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    patterns = ruler_patterns(schema, nlp)
    if patterns:  # a ruler without patterns would warn (W036) on every document
        ruler = nlp.add_pipe(
            "span_ruler",
            config={
                "spans_key": RULE_MATCHES_KEY,
                "annotate_ents": True,
                "ents_filter": {"@misc": "redline.rules_override_model.v1"},
                "phrase_matcher_attr": "LOWER",
                "overwrite": False,
            },
        )
        assert isinstance(ruler, SpanRuler)
        ruler.add_patterns(patterns)
    nlp.add_pipe("redline_rule_entities", config={"cleanup": _cleanup_config(schema)})
    return nlp


def ruler_patterns(schema: LabelSchema, nlp: Language) -> list[dict[str, Any]]:
    """The schema's patterns in spaCy's form (phrases also without diacritics)."""
    patterns: list[dict[str, Any]] = []
    for label, pattern_set in schema.patterns.items():
        phrases: dict[str, None] = {}
        for phrase in pattern_set.phrases:
            phrases[phrase] = None
            phrases[fold_diacritics(phrase)] = None
        patterns.extend({"label": label, "pattern": phrase} for phrase in phrases)
        for phrase in pattern_set.cased:
            tokens = [{"ORTH": token.text} for token in nlp.make_doc(phrase)]
            patterns.append({"label": label, "pattern": tokens})
        patterns.extend({"label": label, "pattern": list(p)} for p in pattern_set.tokens)
    return patterns


def _cleanup_config(schema: LabelSchema) -> dict[str, Any]:
    cleanup = schema.cleanup
    return {
        "determiners": list(cleanup.determiners),
        "possessives": list(cleanup.possessives),
        "titles": {label: list(titles) for label, titles in cleanup.titles.items()},
        "not_entities": list(cleanup.not_entities),
        "capitalised": list(cleanup.capitalised),
    }


@spacy.registry.misc("redline.rules_override_model.v1")
def make_rules_override_model() -> Callable[[Iterable[SpacySpan], Iterable[SpacySpan]], list]:
    return rules_override_model


def rules_override_model(entities: Iterable[SpacySpan], matches: Iterable[SpacySpan]) -> list:
    """Rule matches replace the model's entities they overlap, but a model entity that strictly
    contains exactly one match (``Communist Party of Việt Nam`` around ``Việt Nam``) is a longer
    name and stays whole. One that holds several matches (``Việt Nam-Cambodia``) is not a name
    of its own, and the matches win."""
    kept_entities = list(entities)
    rule_spans: list[SpacySpan] = []
    matches = filter_spans(list(matches))
    for match in matches:
        around = [
            e
            for e in kept_entities
            if e.start <= match.start and match.end <= e.end and len(e) > len(match)
        ]
        if around and sum(1 for m in matches if _contains(around[0], m)) == 1:
            continue
        kept_entities = [
            e for e in kept_entities if not (e.start < match.end and match.start < e.end)
        ]
        rule_spans.append(match)
    return sorted(kept_entities + rule_spans)


def _contains(outer: SpacySpan, inner: SpacySpan) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


class SpanTrimmer:
    """Trims a span to the name it holds, per the schema's guideline."""

    def __init__(self, nlp: Language, cleanup: dict[str, Any]) -> None:
        self.determiners = {d.lower() for d in cleanup.get("determiners", [])}
        self.possessives = set(cleanup.get("possessives", []))
        self.not_entities = set(cleanup.get("not_entities", []))
        self.capitalised = set(cleanup.get("capitalised", []))
        self.titles: dict[str, list[tuple[str, ...]]] = {}
        self.title_prefixes: set[tuple[str, ...]] = set()
        for label, titles in cleanup.get("titles", {}).items():
            tokenized = {tuple(t.text for t in nlp.make_doc(title)) for title in titles}
            self.titles[label] = sorted(tokenized, key=len, reverse=True)
            for title in tokenized:
                self.title_prefixes.update(title[:n] for n in range(1, len(title) + 1))

    def trim(self, span: SpacySpan) -> SpacySpan | None:
        doc = span.doc
        start, end = span.start, span.end
        label = span.label_
        titles = self.titles.get(label, [])
        changed = True
        while changed and start < end:
            changed = False
            first = doc[start]
            if first.is_punct or first.is_space or first.lower_ in self.determiners:
                start += 1
                changed = True
                continue
            for title in titles:
                n = len(title)
                if end - start > n - 1 and tuple(t.text for t in doc[start : start + n]) == title:
                    start += n
                    changed = True
                    break
        while start < end:
            last = doc[end - 1]
            if last.text in self.possessives or last.is_punct or last.is_space:
                end -= 1
            else:
                break
        if start >= end:
            return None
        trimmed = SpacySpan(doc, start, end, label=label)
        if trimmed.text in self.not_entities:
            return None
        if tuple(t.text for t in trimmed) in self.title_prefixes:
            return (
                None  # a title, or the start of one ("Party General" of "Party General Secretary")
            )
        if label in self.capitalised and not any(c.isupper() for c in trimmed.text):
            return None
        return trimmed


@Language.factory(
    "redline_model_entities",
    default_config={"label_map": {}, "cleanup": {}},
)
def make_model_entities(
    nlp: Language, name: str, label_map: dict[str, str], cleanup: dict[str, Any]
) -> Callable[[Doc], Doc]:
    trimmer = SpanTrimmer(nlp, cleanup)

    def model_entities(doc: Doc) -> Doc:
        kept: list[SpacySpan] = []
        for entity in doc.ents:
            label = label_map.get(entity.label_)
            if label is None:
                continue
            trimmed = trimmer.trim(SpacySpan(doc, entity.start, entity.end, label=label))
            if trimmed is not None:
                kept.append(trimmed)
        doc.ents = filter_spans(kept)
        return doc

    return model_entities


@Language.factory("redline_rule_entities", default_config={"cleanup": {}})
def make_rule_entities(nlp: Language, name: str, cleanup: dict[str, Any]) -> Callable[[Doc], Doc]:
    trimmer = SpanTrimmer(nlp, cleanup)

    def rule_entities(doc: Doc) -> Doc:
        matched = {(s.start, s.end, s.label_) for s in doc.spans.get(RULE_MATCHES_KEY, [])}
        entities: list[SpacySpan] = []
        from_rules: list[SpacySpan] = []
        for entity in doc.ents:
            is_rule = (entity.start, entity.end, entity.label_) in matched
            trimmed = trimmer.trim(entity) if is_rule else entity
            if trimmed is None:
                continue
            entities.append(trimmed)
            if is_rule:
                from_rules.append(trimmed)
        doc.ents = entities
        doc.spans[RULE_ENTITIES_KEY] = from_rules
        if RULE_MATCHES_KEY in doc.spans:
            del doc.spans[RULE_MATCHES_KEY]
        return doc

    return rule_entities
