"""Numbers about annotations: how much annotators agree, how a model scores, what a set holds.

One module per kind of statistic, each the only place its formula lives:

- :mod:`~redline.metrics.columns`: records as numpy arrays of a batch of documents, the form
  every agreement statistic counts in;
- :mod:`~redline.metrics.compared`: which documents a statistic compares, and :class:`Score`;
- :mod:`~redline.metrics.token_categories`: spans as one category per token, for kappa and
  nominal alpha;
- :mod:`~redline.metrics.f1`: span and relation precision, recall and F1, label confusion;
- :mod:`~redline.metrics.kappa`: Cohen's and Fleiss' kappa;
- :mod:`~redline.metrics.alpha`: Krippendorff's nominal alpha;
- :mod:`~redline.metrics.unitizing`: Krippendorff's unitizing alpha (alpha_U);
- :mod:`~redline.metrics.answers`: agreement on the document answer;
- :mod:`~redline.metrics.answer_policy`: which answers the span statistics compare;
- :mod:`~redline.metrics.edits`: what annotators did to the suggestions;
- :mod:`~redline.metrics.corrections`: what an annotator would have to do to turn a
  suggestion into the gold (a simulated annotator's work);
- :mod:`~redline.metrics.stats`: dataset statistics;
- :mod:`~redline.metrics.streamed`: a dataset read and counted a batch at a time (and in a
  second process for a big one), every agreement statistic added up;
- :mod:`~redline.metrics.report`: everything ``redline agreement`` and ``redline evaluate``
  print, read from a dataset (the commands' assembly of the above).

Nothing is re-exported here: importing the package must not import every statistic, so that
``redline stats`` (counts) does not wait for numpy and spaCy's tokenizer.
"""
