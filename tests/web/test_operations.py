"""What operators get: Prometheus metrics, JSON request logs without personal data, OpenSearch."""

import json
import logging
import xml.etree.ElementTree as ET


def test_metrics_count_and_time_requests_and_describe_the_index(client):
    client.get("/api/search?q=гематология")
    client.get("/api/search?q=x&page=abc")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'poisk_requests_total{endpoint="/api/search",status="200"} 1.0' in text
    assert 'poisk_requests_total{endpoint="/api/search",status="400"} 1.0' in text
    assert 'poisk_request_seconds_bucket{endpoint="/api/search",le="0.1"}' in text
    assert "poisk_index_documents 340.0" in text
    assert (
        "poisk_index_bytes" in text
        and "poisk_index_age_seconds" in text
        and "poisk_last_reindex_timestamp_seconds" in text
    )


def test_one_json_log_line_per_request_without_address_or_query(client, caplog):
    caplog.set_level(logging.INFO, logger="poisk.access")
    client.get("/api/search?q=секретный+запрос", environ_base={"REMOTE_ADDR": "203.0.113.77"})
    lines = [r.getMessage() for r in caplog.records if r.name == "poisk.access"]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["endpoint"] == "/api/search" and entry["status"] == 200 and entry["ms"] >= 0
    assert "203.0.113.77" not in lines[0] and "секретный" not in lines[0]


def test_opensearch_description_is_linked_from_the_page(client):
    html = client.get("/search?lang=en").get_data(as_text=True)
    assert 'rel="search" type="application/opensearchdescription+xml"' in html
    r = client.get("/opensearch.xml?lang=en")
    assert r.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(r.data)
    url = root.find("{http://a9.com/-/spec/opensearch/1.1/}Url").get("template")
    assert url.endswith("/search?q={searchTerms}&lang=en")
