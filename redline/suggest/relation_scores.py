"""The relation model's probabilities for one pair of spans the annotator picked, so the
relation picker can list the most likely type first."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from redline.suggest.pieces import cut_pieces
from redline.suggest.relation_model import RelationModel, featurize


class PairScorer:
    """Scores pairs of one text at a time; the text is parsed once and kept while the
    annotator stays on it (a picker opens several times per document). A text over the
    pipeline's ``max_length`` is parsed only in the piece that holds the pair's first span
    (:mod:`redline.suggest.pieces`: relations are within a sentence, and a piece ends at a
    paragraph or a sentence where it can)."""

    def __init__(self, nlp: Language, model: RelationModel) -> None:
        self.nlp = nlp
        self.model = model
        self._parsed: tuple[str, int, Doc] | None = None

    def _parse(self, text: str, at: int) -> tuple[int, Doc]:
        """The parse of the piece of ``text`` holding the character ``at``, and its offset."""
        parsed = self._parsed
        if parsed is not None and parsed[0] == text and 0 <= at - parsed[1] < len(parsed[2].text):
            return parsed[1], parsed[2]
        pieces = [(0, len(text))]
        if len(text) > self.nlp.max_length:
            pieces = cut_pieces(text, self.nlp.max_length)
        start, end = next(((s, e) for s, e in pieces if s <= at < e), pieces[-1])
        self._parsed = (text, start, self.nlp(text[start:end]))
        return start, self._parsed[2]

    def scores(
        self, text: str, spans: Sequence[tuple[int, int, str]], first: int, second: int
    ) -> dict[tuple[str, bool], float]:
        """(label, reversed) -> probability, for the pair ``spans[first]`` -> ``spans[second]``
        (reversed: the other way round). Empty where a span falls outside the parse."""
        offset, doc = self._parse(text, spans[first][0])
        inside = [
            n
            for n, (start, end, _) in enumerate(spans)
            if offset <= start and end - offset <= len(doc.text)
        ]  # every span, unless the text is long: those of the parsed piece
        if first not in inside or second not in inside:
            return {}
        entities: list[SpacySpan] = []
        for n in inside:
            start, end, label = spans[n]
            found = doc.char_span(
                start - offset, end - offset, label=label, alignment_mode="expand"
            )
            if found is None:
                return {}
            entities.append(found)
        at = {n: i for i, n in enumerate(inside)}
        scores: dict[tuple[str, bool], float] = {}
        for reverse, pair in ((False, (at[first], at[second])), (True, (at[second], at[first]))):
            probabilities = self.model.probabilities(
                featurize(doc, entities, pair, self.model.groups)
            )
            for label, probability in probabilities.items():
                if label in self.model.labels:
                    scores[(label, reverse)] = probability
        return scores
