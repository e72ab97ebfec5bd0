"""For operators: Prometheus metrics, one JSON log line per request, and the OpenSearch description."""

import json
import logging
import time
from pathlib import Path

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from search import store

bp = Blueprint("operations", __name__)
access_log = logging.getLogger("poisk.access")

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The app's metrics, in a registry of its own (one per app, so tests can make many apps)."""

    def __init__(self, app):
        self.app = app
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "poisk_requests_total",
            "Requests answered, by endpoint and status.",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "poisk_request_seconds",
            "Time to answer a request, by endpoint.",
            ["endpoint"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.documents = Gauge("poisk_index_documents", "Documents in the served index.", registry=self.registry)
        self.size = Gauge("poisk_index_bytes", "Size of the served index generation on disk.", registry=self.registry)
        self.age = Gauge(
            "poisk_index_age_seconds", "Seconds since the served index last changed.", registry=self.registry
        )
        self.last_reindex = Gauge(
            "poisk_last_reindex_timestamp_seconds", "When the indexer last finished a run.", registry=self.registry
        )
        self.failing = Gauge(
            "poisk_indexer_failing",
            "1 while the indexer is failing (edits are not being indexed).",
            registry=self.registry,
        )
        self.failures = Gauge(
            "poisk_indexer_consecutive_failures",
            "Failed indexing runs since the last good one.",
            registry=self.registry,
        )
        self.failing_since = Gauge(
            "poisk_indexer_failing_since_timestamp_seconds",
            "When the indexer began failing (0 while it is not).",
            registry=self.registry,
        )
        self.degraded = Gauge("poisk_degraded", "1 while /healthz says degraded.", registry=self.registry)

    def refresh_index_gauges(self) -> None:
        from web.api import degraded_reason, indexer_state

        indexer = indexer_state(self.app)
        failing = indexer.get("state") == "failing"
        self.failing.set(1 if failing else 0)
        self.failures.set(indexer.get("failures", 0) if failing else 0)
        self.failing_since.set(indexer.get("since") or 0 if failing else 0)
        self.degraded.set(1 if degraded_reason(indexer) else 0)
        root = Path(self.app.config["INDEX"])
        gen = store.current(root)
        if gen is None:
            return
        try:
            files = [p for p in gen.iterdir() if p.is_file()]
            self.size.set(sum(p.stat().st_size for p in files))
            newest = max((p.stat().st_mtime for p in files), default=time.time())
        except OSError:  # a generation switched away while we looked: the next scrape counts the new one
            return
        self.age.set(max(0.0, time.time() - newest))
        status = store.read_status(root)
        if status.get("since") and status.get("state") == "ok":
            self.last_reindex.set(status["since"])
        try:
            from web.app import engine

            self.documents.set(engine(self.app).service().document_count())
        except Exception:  # no index yet: the gauges keep their last values
            pass


def install(app) -> None:
    """Count and time every request, and log one JSON line for it."""
    metrics = app.extensions["poisk.metrics"] = Metrics(app)

    @app.before_request
    def start_clock():
        g.poisk_started = time.perf_counter()

    @app.after_request
    def record(response):
        started = getattr(g, "poisk_started", None)
        if started is None:
            return response
        seconds = time.perf_counter() - started
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.requests.labels(endpoint, str(response.status_code)).inc()
        metrics.latency.labels(endpoint).observe(seconds)
        # No address, no cookie, no query text: which page, how it went, how long it took.
        access_log.info(
            json.dumps(
                {
                    "ts": round(time.time(), 3),
                    "method": request.method,
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 1),
                    "bytes": response.calculate_content_length(),
                }
            )
        )
        return response


@bp.get("/metrics")
def metrics():
    """Prometheus metrics of this process."""
    registry = current_app.extensions["poisk.metrics"]
    registry.refresh_index_gauges()
    return Response(generate_latest(registry.registry), content_type=CONTENT_TYPE_LATEST)


@bp.get("/opensearch.xml")
def opensearch():
    """The OpenSearch description, so that browsers can add the site's search."""
    from web.i18n import strings, ui_language

    lang = ui_language()
    xml = render_template(
        "opensearch.xml",
        t=strings(lang),
        lang=lang,
        template=url_for("pages.search", _external=True) + "?q={searchTerms}&lang=" + lang,
        suggest=url_for("api.suggest", _external=True) + "?q={searchTerms}",
        self_url=url_for("operations.opensearch", _external=True),
    )
    return Response(xml, mimetype="application/opensearchdescription+xml")
