"""Every bad input and hostile request gets a clear answer; nothing leaks; nothing hangs.
(RELIABILITY.md "Query input" 16–24, "HTTP and API" 25–32, "Widget and embedding" 44–46.)"""

import re
import socket
import subprocess
import time
import tomllib
from shutil import which

import pytest

from tests.conftest import REPO
from web import create_app

EVIL_Q = [
    '"><script>alert(1)</script>',
    '" onmouseover="alert(1)',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
]


@pytest.fixture
def visible(content_index):
    return create_app({"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": ""}).test_client()


# -- 16: a query echoed back is escaped everywhere ------------------------------------------


@pytest.mark.parametrize("q", EVIL_Q)
def test_hostile_query_is_escaped_in_html_attributes_urls_and_json(visible, q):
    html = visible.get("/search", query_string={"q": q, "lang": "ru"}).get_data(as_text=True)
    assert "<script>alert" not in html and 'onmouseover="alert' not in html and "<img src=x" not in html
    value = re.search(r'<input id="q" name="q" type="search" value="([^"]*)"', html).group(1)
    assert "<" not in value and '"' not in value  # the value attribute cannot be broken out of
    for href in re.findall(r'href="([^"]*)"', html):
        assert "<" not in href and '"' not in href and " " not in href and not href.startswith("javascript:")
    data = visible.get("/api/search", query_string={"q": q}).get_json()
    assert data["query"] == q  # JSON carries it as data, escaped by the JSON encoder


# -- 18: engine syntax is text, answered within budget ---------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "*",
        "a*",
        "*a*",
        "*:*",
        "body:[a TO z]",
        "id:*",
        "published:false",
        "/.*/",
        "word~4",
        "title:барокамера",
        "(" * 1000,
        "(" * 20000,
        "\u200f\u200d😀 ё",
    ],
)
def test_engine_syntax_never_reaches_the_engine(visible, q):
    started = time.monotonic()
    r = visible.get("/api/search", query_string={"q": q})
    assert r.status_code in (200, 400, 413), r.status_code
    assert time.monotonic() - started < 1.0
    if r.status_code == 200:
        assert not any("45.2025-06-02-hyperbaric" in h["path"] for h in r.get_json()["results"])  # no draft


# -- 19, 20, 21: sizes are capped before parsing --------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from tests.conftest import CONTENT
    from tests.live import LiveServer

    tmp = tmp_path_factory.mktemp("hardening")
    with LiveServer(CONTENT, tmp / "index") as server:
        server.wait_ready()
        yield server


@pytest.mark.parametrize("size", [4 * 1024, 10 * 1024, 256 * 1024])
def test_long_tokens_and_queries_are_refused_before_parsing(live, size):
    import urllib.error
    import urllib.request

    url = f"{live.base}/api/search?q=" + "a" * size
    started = time.monotonic()
    try:
        urllib.request.urlopen(url, timeout=5)
        status = 200
    except urllib.error.HTTPError as e:
        status = e.code
    elapsed = time.monotonic() - started
    assert status in (413, 414, 431), status  # refused by the service's cap or the server's header limit
    assert elapsed < 0.05, elapsed


def test_a_query_string_past_its_cap_is_refused_and_documented_everywhere(content_index):
    token = "hardening-admin-token"
    app = create_app({"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": "", "ADMIN_TOKEN": token})
    client = app.test_client()
    long = "x" * 3000
    for path in ("/api/search", "/api/suggest", "/admin/explain", "/healthz"):
        r = client.get(f"{path}?q={long}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 413, (path, r.status_code)
        assert r.get_json()["error"].startswith("the query string is longer than"), path
    # Every operation of the OpenAPI description says it may answer so (the cap runs before any endpoint).
    doc = client.get("/api/openapi.json").get_json()
    undocumented = [(p, m) for p, ops in doc["paths"].items() for m, op in ops.items() if "413" not in op["responses"]]
    assert undocumented == []


def test_a_query_over_256_characters_is_refused(visible):
    r = visible.get("/api/search", query_string={"q": "a" * 300})
    assert r.status_code == 400 and "too long" in r.get_json()["error"]


@pytest.mark.parametrize("terms", [300, 1000])
def test_long_or_queries_are_refused(visible, terms):
    q = " OR ".join(f"w{i}" for i in range(terms))
    r = visible.get("/api/search", query_string={"q": q[:200] + " OR " * 40 + "x" * 0})
    assert r.status_code in (200, 400)
    r = visible.get("/api/search", query_string={"q": " ".join(f"w{i}" for i in range(40))})
    assert r.status_code == 400 and "too many words" in r.get_json()["error"]


# -- 22: a time budget per query ------------------------------------------------------------------


def test_a_query_past_its_time_budget_answers_partial(content_index):
    out_of_time = create_app({"INDEX": str(content_index), "RATE_LIMIT": "", "QUERY_TIME_BUDGET": 0}).test_client()
    r = out_of_time.get("/api/search?q=клиника")
    assert r.status_code == 200 and r.get_json()["partial"] is True
    fine = create_app({"INDEX": str(content_index), "RATE_LIMIT": ""}).test_client()
    data = fine.get("/api/search?q=клиника").get_json()
    assert data["partial"] is False and data["total"] > 0


# -- 25: faults answer in the error shape, without traceback or path -----------------------------


def test_an_unexpected_fault_is_a_generic_500_in_the_error_shape(visible, monkeypatch, content_index):
    from search.service import SearchService

    def boom(self, req):
        raise RuntimeError(f"secret detail {content_index}")

    monkeypatch.setattr(SearchService, "search", boom)
    r = visible.get("/api/search?q=x")
    assert r.status_code == 500 and r.get_json() == {"error": "internal error", "status": 500}
    page = visible.get("/search?q=x").get_data(as_text=True)
    assert "secret detail" not in page and str(content_index) not in page and "Traceback" not in page


def test_the_debugger_is_never_on(visible):
    assert not visible.application.debug


# -- headers ------------------------------------------------------------------------------------------


def test_security_headers(visible):
    page = visible.get("/search?q=x")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    api = visible.get("/api/search?q=x")
    assert api.headers["Content-Type"] == "application/json"
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    with visible.get("/widget/v1/poisk.js") as script:
        assert script.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors" not in script.headers.get("Content-Security-Policy", "")


# -- 30: rate limits ------------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(content_index):
    client = create_app({"INDEX": str(content_index), "RATE_LIMIT": "5/minute"}).test_client()
    codes = [client.get("/api/search?q=x").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    r = client.get("/api/search?q=x")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert set(r.get_json()) == {"error", "status"}
    assert client.get("/healthz").status_code == 200  # health checks are never limited


def test_a_spoofed_forwarded_for_does_not_reset_the_limit(content_index):
    direct = create_app({"INDEX": str(content_index), "RATE_LIMIT": "3/minute"}).test_client()
    codes = [direct.get("/api/search?q=x", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(5)]
    assert codes.count(429) == 2  # no proxy trusted: the header is ignored

    proxied = create_app({"INDEX": str(content_index), "RATE_LIMIT": "3/minute", "TRUSTED_PROXIES": 1}).test_client()
    spoofed = [
        proxied.get("/api/search?q=x", headers={"X-Forwarded-For": f"10.0.0.{i}, 203.0.113.7"}).status_code
        for i in range(5)
    ]
    assert spoofed.count(429) == 2  # only the entry our one proxy added counts
    other = proxied.get("/api/search?q=x", headers={"X-Forwarded-For": "198.51.100.9"})
    assert other.status_code == 200  # a different real client has its own budget


@pytest.fixture
def redis_url(tmp_path):
    server = which("redis-server")
    if server is None:
        pytest.fail("the Redis test needs Debian's redis-server (make test installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_limits_hold_across_workers_with_redis(content_index, redis_url):
    config = {"INDEX": str(content_index), "RATE_LIMIT": "4/minute", "RATE_LIMIT_STORAGE": redis_url}
    workers = [create_app(config).test_client() for _ in range(2)]  # two processes' apps, one counter store
    codes = [workers[i % 2].get("/api/search?q=x").status_code for i in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]


# -- 31: dependency floors for known advisories ------------------------------------------------------


def test_dependency_floors():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    floors = {"flask-cors": "6.0.0", "gunicorn": "23.0.0", "waitress": "3.0.1", "PyYAML": "5.4"}
    for name, floor in floors.items():
        assert any(d.lower().startswith(name.lower() + ">=") and d.split(">=")[1] >= floor for d in deps), name


# -- 44: CORS ---------------------------------------------------------------------------------------------


@pytest.fixture
def cors(content_index):
    return create_app(
        {"INDEX": str(content_index), "ALLOWED_ORIGINS": "https://clinic.example", "RATE_LIMIT": ""}
    ).test_client()


def test_cors_only_for_allowed_origins(cors):
    ok = cors.get("/api/search?q=x", headers={"Origin": "https://clinic.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://clinic.example"
    assert "Access-Control-Allow-Credentials" not in ok.headers
    for origin in ("https://evil.example", "null", "https://clinic.example.evil.example"):
        r = cors.get("/api/search?q=x", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in r.headers
        assert "Origin" in r.headers["Vary"]


def test_preflight_allows_get_only(cors):
    get = cors.options(
        "/api/search", headers={"Origin": "https://clinic.example", "Access-Control-Request-Method": "GET"}
    )
    assert "GET" in get.headers.get("Access-Control-Allow-Methods", "")
    post = cors.options(
        "/api/search", headers={"Origin": "https://clinic.example", "Access-Control-Request-Method": "POST"}
    )
    assert "POST" not in post.headers.get("Access-Control-Allow-Methods", "")


def test_no_jsonp(cors):
    r = cors.get("/api/search?q=x&callback=alert")
    assert r.status_code == 400 and r.headers["Content-Type"] == "application/json"


def test_loopback_pages_may_try_the_widget_while_no_list_is_set(content_index):
    dev = create_app({"INDEX": str(content_index), "RATE_LIMIT": "", "HOST": "127.0.0.1"}).test_client()
    for origin in ("http://localhost:8080", "http://127.0.0.1:5500"):
        assert dev.get("/api/search?q=x", headers={"Origin": origin}).headers["Access-Control-Allow-Origin"] == origin
    for origin in ("null", "https://localhost.evil.example", "http://127.0.0.1.evil.example"):
        assert "Access-Control-Allow-Origin" not in dev.get("/api/search?q=x", headers={"Origin": origin}).headers
    public = create_app({"INDEX": str(content_index), "RATE_LIMIT": "", "HOST": "0.0.0.0"}).test_client()
    assert (
        "Access-Control-Allow-Origin"
        not in public.get("/api/search?q=x", headers={"Origin": "http://localhost:8080"}).headers
    )


# -- all date parameters within a sane range (a day's end past 9999-12-31 cannot be computed) --


@pytest.mark.parametrize(
    "params",
    [
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
        {"year": "9999"},
        {"month": "0001-01"},
        {"year": "0", "month": "1"},
        {"from": "3000-01-01"},
    ],
)
def test_dates_out_of_range_are_a_clear_400(visible, params):
    api = visible.get("/api/search", query_string={"q": "клиника", **params})
    assert api.status_code == 400 and "between" in api.get_json()["error"], api.get_json()
    page = visible.get("/search", query_string={"q": "клиника", **params})
    assert page.status_code == 400


def test_dates_at_the_ends_of_the_range_are_searched(visible):
    r = visible.get("/api/search", query_string={"q": "клиника", "from": "1000-01-01", "to": "2999-12-31"})
    assert r.status_code == 200 and r.get_json()["total"] > 0
