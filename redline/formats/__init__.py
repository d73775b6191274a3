"""Moving records in and out of redline: our JSONL, Prodigy, spaCy DocBin, CoNLL and brat.

``export.export_records`` and ``importing.import_file`` are the two entry points; the format
modules are imported when a format is used.
"""

from redline.formats.jsonl import write_records

__all__ = ["write_records"]
