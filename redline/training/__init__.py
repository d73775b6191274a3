"""Training models on a dataset's gold: ``redline train`` (entities in :mod:`.entities`,
relations beside; the trained models a dataset keeps in :mod:`.models`).

The package imports nothing itself: finding a dataset's latest model (:mod:`.models`) must
not import spaCy, which training needs.
"""
