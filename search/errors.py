"""Errors of the search core; each message says what to do about it."""


class SearchError(Exception):
    """Base class of the errors the search core raises on purpose."""


class QueryError(SearchError, ValueError):
    """The visitor's query or a filter value cannot be used (answered with 400)."""


class IndexUnavailable(SearchError):
    """There is no usable index (answered with 503)."""


class IndexDamaged(IndexUnavailable):
    """Reading the served index failed: a file of it is damaged or gone (answered with 503)."""
