"""Moving records in and out of redline: our JSONL now; Prodigy, spaCy, CoNLL and brat next."""

from redline.formats.jsonl import write_records

__all__ = ["write_records"]
