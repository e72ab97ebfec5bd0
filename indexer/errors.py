"""Errors of the indexer."""


class ContentError(Exception):
    """A page file or the site configuration cannot be used; the message names the file and why."""
