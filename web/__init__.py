"""Poisk's web surface: the search page, the JSON API and the command line."""

from web.app import create_app

__all__ = ["create_app"]
