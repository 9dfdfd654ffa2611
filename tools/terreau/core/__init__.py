"""The commons itself: vocabularies, models, loading and checking every file of docs/,
the catalogue. Nothing here knows a site or a generator.
"""
