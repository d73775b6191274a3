"""The relation model's probabilities for one pair of spans the annotator picked, so the
relation picker can list the most likely type first."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from redline.suggest.relation_model import RelationModel, featurize


class PairScorer:
    """Scores pairs of one text at a time; the text is parsed once and kept while the
    annotator stays on it (a picker opens several times per document)."""

    def __init__(self, nlp: Language, model: RelationModel) -> None:
        self.nlp = nlp
        self.model = model
        self._parsed: tuple[str, Doc] | None = None

    def scores(
        self, text: str, spans: Sequence[tuple[int, int, str]], first: int, second: int
    ) -> dict[tuple[str, bool], float]:
        """(label, reversed) -> probability, for the pair ``spans[first]`` -> ``spans[second]``
        (reversed: the other way round). Empty where a span falls outside the parse."""
        if self._parsed is None or self._parsed[0] != text:
            self._parsed = (text, self.nlp(text))
        doc = self._parsed[1]
        entities: list[SpacySpan] = []
        for start, end, label in spans:
            found = doc.char_span(start, end, label=label, alignment_mode="expand")
            if found is None:
                return {}
            entities.append(found)
        scores: dict[tuple[str, bool], float] = {}
        for reverse, pair in ((False, (first, second)), (True, (second, first))):
            probabilities = self.model.probabilities(
                featurize(doc, entities, pair, self.model.groups)
            )
            for label, probability in probabilities.items():
                if label in self.model.labels:
                    scores[(label, reverse)] = probability
        return scores
