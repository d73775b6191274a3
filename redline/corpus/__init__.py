"""Reading documents to annotate: a folder of .txt files, a JSONL file, a .txt file, or stdin.

Documents are streamed one at a time, so a corpus of any size costs the memory of one
document. A bad file or line never stops the run: it becomes one problem naming the file
(and line), the other documents are still read, and the caller reports what was skipped.
"""

from redline.corpus.index import CorpusIndex, index_cache_folder
from redline.corpus.reading import Locator
from redline.corpus.source import Corpus

__all__ = ["Corpus", "CorpusIndex", "Locator", "index_cache_folder"]
