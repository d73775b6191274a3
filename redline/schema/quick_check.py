"""Checking a record's JSON for a third of what the models cost, for the first open of a big file.

``Annotation.model_validate_json`` spends ~100 µs on a 7.6 KB record of 50 spans, most of it
building models, and the first open of a 690 MB file checks ~90,000 of them. Here a record
is read into msgspec structs made from the models (:mod:`redline.schema.record_structs`),
which run the models' own validators on what they read: ~45 µs. The structs read more
strictly than pydantic (``1.0`` for an integer is an error to them), so the quick check only
ever says yes to what the models accept; to anything else it says no, and the models decide,
with their own verdict and message.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from redline.schema.records import Annotation

if TYPE_CHECKING:
    import msgspec


class RecordKeys(NamedTuple):
    doc_id: str
    text_sha1: str
    annotator: str

    @classmethod
    def of(cls, record: Any) -> RecordKeys:
        """Of an :class:`Annotation`, or of the struct the quick check read."""
        return cls(record.doc_id, record.text_sha1, record.annotator)


def validated_keys(raw: bytes) -> RecordKeys:
    """The keys of the record ``raw``, or the ``ValidationError`` that
    ``Annotation.model_validate_json(raw)`` raises, as it raises it."""
    keys = quick_keys(raw)
    return RecordKeys.of(Annotation.model_validate_json(raw)) if keys is None else keys


def quick_keys(raw: bytes) -> RecordKeys | None:
    """The keys of the record ``raw`` if the quick check finds it valid; None where only the
    models can say (an invalid record, or one the structs read too strictly)."""
    decoder = _decoder()  # outside the try: a model it cannot follow is an error, not a no
    try:
        record = decoder.decode(raw)
    except Exception:  # whatever it is, the models have the last word on it
        return None
    return RecordKeys.of(record)


@cache
def _decoder() -> msgspec.json.Decoder[Any]:
    """Built on first use (msgspec and the structs are imported only then): a command that
    opens no file without its index never pays for them."""
    import msgspec

    from redline.schema.record_structs import struct_of

    return msgspec.json.Decoder(struct_of(Annotation))
