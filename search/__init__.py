"""Poisk's search core: text analysis, the index schema, queries, results, highlights and facets.

Nothing here knows about Flask or about walking content folders; ``indexer`` and ``web``
build on this package, never the other way round.
"""
