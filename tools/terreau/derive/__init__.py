"""What is computed from the catalogue alone: search index, facets and advice, open-data
exports, JSON-LD, places.
"""
