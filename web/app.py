"""The application factory."""

import logging
import threading
import time

from flask import Flask

from indexer.routes import page_folder_resolver
from search import semantic
from search.analysis import memory
from search.recency import Recency
from web import errors, settings
from web.engine import Engine

log = logging.getLogger("poisk")


def create_app(config: dict | None = None) -> Flask:
    """Create the Poisk web app; ``config`` overrides the settings (see :mod:`web.settings`)."""
    app = Flask(__name__)
    app.config.from_mapping(settings.load(config))
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    memory.set_words(app.config["WORD_MEMORY"])  # per process: a server meets few new words a search
    if app.config["SEMANTIC"] != "off":
        semantic.use_threads(semantic.threads_for(app.config["WORKERS"]))
        missing = semantic.installed()
        if missing:
            log.warning("search by meaning is off: %s; searching by words", missing)
    app.extensions["poisk"] = Engine(
        app.config["INDEX"],
        clock=app.config.get("CLOCK") or time.time,
        refresh_interval=app.config["REFRESH_INTERVAL"],
        time_budget=app.config["QUERY_TIME_BUDGET"],
        cache_size=app.config["QUERY_CACHE"],
        semantic=app.config["SEMANTIC"] != "off",
        recent=Recency(app.config["RECENCY_HALF_LIFE_DAYS"], app.config["RECENCY_WEIGHT"]),
        rules_file=settings.beside_index(app.config, "RULES", "rules.toml"),
        resolve_page=page_folder_resolver(app.config["CONTENT"]),
        lists_folder=settings.beside_index(app.config, "LISTS", "lists"),
    )

    from web import admin, api, feeds, openapi, operations, pages, security, webhook, widget
    from web.admin import auth as admin_auth
    from web.admin import explain as admin_explain
    from web.admin import lists as admin_lists
    from web.admin import rules as admin_rules

    app.extensions["poisk.webhook"] = {
        "deliveries": webhook.Deliveries(),
        "reindexer": _reindexer_getter(app),
    }
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(webhook.bp)
    app.register_blueprint(widget.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(operations.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_rules.bp)
    app.register_blueprint(admin_lists.bp)
    app.register_blueprint(admin_explain.bp)
    admin.install(app)
    widget.enable_cors(app)
    errors.register(app)
    security.install(app)
    admin_auth.install(app)  # after security: failed sign-ins count against its rate limiter
    operations.install(app)
    return app


def _reindexer_getter(app):
    """Return a function giving the app's reindexer: the one ``poisk serve`` passed, or one started on first use."""
    lock = threading.Lock()

    def get():
        with lock:
            if app.config.get("REINDEXER") is None:
                from indexer.embedding import Plan
                from indexer.worker import Reindexer

                app.config["REINDEXER"] = Reindexer(
                    app.config["CONTENT"], app.config["INDEX"], semantic=Plan.from_settings(app.config)
                ).start()
            return app.config["REINDEXER"]

    return get


def engine(app) -> Engine:
    """Return ``app``'s index handle."""
    return app.extensions["poisk"]
