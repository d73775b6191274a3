"""redline: gold NER and relation data from raw news articles, in the terminal."""

__version__ = "0.1.0"
