"""The application factory."""

import time

from flask import Flask

from web import errors, settings
from web.engine import Engine


def create_app(config: dict | None = None) -> Flask:
    """Create the Poisk web app; ``config`` overrides the settings (see :mod:`web.settings`)."""
    app = Flask(__name__)
    app.config.from_mapping(settings.load(config))
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["poisk"] = Engine(
        app.config["INDEX"],
        clock=app.config.get("CLOCK") or time.time,
        refresh_interval=app.config["REFRESH_INTERVAL"],
    )

    from web import api, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
    return app


def engine(app) -> Engine:
    """Return ``app``'s index handle."""
    return app.extensions["poisk"]
