"""The production server: slow clients do not stall `poisk serve`, a port already taken ends it with
one clear line, and a query sent unescaped (as curl sends Cyrillic) is searched as typed.

A "slowloris" opens many connections and sends its request headers a byte at a time, so that each
connection stays open and never finishes a request. Both ways of serving must go on answering
everyone else at once: waitress in one process, and gunicorn processes with `--workers`.
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from indexer.site import Site
from indexer.sync import reindex
from tests.conftest import CONTENT
from tests.live import REPO, LiveServer

SLOW_CLIENTS = 110  # more than waitress's default connection limit (100)
SLOW_SECONDS = 8  # how long the slow clients hold their connections
ANSWER_WITHIN = 1.0  # seconds a normal request may take meanwhile
SEARCH = "/api/search?" + urllib.parse.urlencode({"q": "клиника"})
MODES = [pytest.param((), id="waitress"), pytest.param(("--workers", "2"), id="workers")]


@pytest.fixture(scope="module")
def site_and_index(tmp_path_factory):
    """A copy of the sample content and its index, built once for this module's servers."""
    root = tmp_path_factory.mktemp("slow")
    site = root / "site"
    shutil.copytree(CONTENT, site)
    report = reindex(Site.load(site), root / "index")
    assert not report.errors, report.errors
    return site, root / "index"


class SlowClients:
    """``count`` connections that send a request line and a header, then one header byte a second."""

    HEADER = b"X-Slow: 1\r\n"  # sent over and over, so the headers never end

    def __init__(self, port: int, count: int):
        self.socks = []
        self.failed = 0  # sends that failed: the server closed the connection
        self._stop = threading.Event()
        try:
            for _ in range(count):
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                self.socks.append(s)
                s.sendall(b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\n")
        except BaseException:
            self.close()
            raise
        self._thread = threading.Thread(target=self._drip, daemon=True)
        self._thread.start()

    def _drip(self) -> None:
        position = 0
        while not self._stop.wait(1.0):
            byte = self.HEADER[position % len(self.HEADER) : position % len(self.HEADER) + 1]
            position += 1
            for s in self.socks:
                try:
                    s.send(byte)
                except OSError:
                    self.failed += 1

    def close(self) -> None:
        self._stop.set()
        if getattr(self, "_thread", None):
            self._thread.join(5)
        for s in self.socks:
            s.close()


def timed_search(port: int, timeout: float = 3.0) -> float:
    """Return the seconds one search took on a new connection (``inf`` when there was no answer in time)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", SEARCH)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
    except (TimeoutError, OSError):
        return float("inf")
    finally:
        connection.close()
    return time.monotonic() - started


@pytest.mark.parametrize("args", MODES)
def test_slow_clients_do_not_stall_other_visitors(site_and_index, args):
    site, index = site_and_index
    with LiveServer(site, index, *args) as server:
        server.wait_ready()
        # The service answers before the slow clients come (each process opened the index before it listened).
        assert all(timed_search(server.port) < 5 for _ in range(6))

        slow = SlowClients(server.port, SLOW_CLIENTS)
        try:
            took = []
            ends = time.monotonic() + SLOW_SECONDS
            while time.monotonic() < ends:
                took.append(timed_search(server.port))
                time.sleep(0.4)
        finally:
            slow.close()
        shown = ", ".join(f"{t:.2f}" for t in took)
        assert all(t < ANSWER_WITHIN for t in took), f"searches took (s): {shown}\n{server.log.read_text()[-2000:]}"
        assert len(took) >= 10, f"only {len(took)} searches in {SLOW_SECONDS} s: {shown}"
        assert slow.failed == 0  # the slow clients were held open all along, not turned away

        # Once the slow clients are gone, the service answers as before.
        assert timed_search(server.port) < ANSWER_WITHIN
        assert server.get("/healthz")[0] == 200


@pytest.mark.parametrize("args", MODES)
def test_a_port_already_taken_is_one_clear_line(site_and_index, args):
    site, index = site_and_index
    with socket.socket() as taken:
        taken.settimeout(5)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        try:
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "web.cli",
                    "serve",
                    "--port",
                    str(port),
                    "--content",
                    str(site),
                    "--index",
                    str(index),
                    *args,
                ],
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO), "POISK_RATE_LIMIT": ""},
                capture_output=True,
                text=True,
                timeout=30,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"poisk serve did not end on a port already taken: {exc.stderr}")
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("poisk:")]
    assert len(lines) == 1, run.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0], run.stderr
    assert "--port" in lines[0] and "POISK_PORT" in lines[0]


def raw_request(port: int, target: bytes) -> tuple[int, str, bytes]:
    """Send ``target`` as a request line's bytes, as typed (curl sends a Cyrillic query unescaped)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    content_type = next(
        (line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("content-type:")), ""
    )
    return int(lines[0].split()[1]), content_type, body


@pytest.mark.parametrize("args", MODES)
def test_a_query_typed_unescaped_is_searched_as_typed(site_and_index, args):
    site, index = site_and_index
    with LiveServer(site, index, *args) as server:
        server.wait_ready()
        status, kind, body = raw_request(server.port, "/api/search?q=клиника".encode())
        assert (status, kind) == (200, "application/json"), body[:300]
        answer = json.loads(body)
        assert answer["query"] == "клиника" and answer["total"] == server.total("клиника") > 0
        # Bytes that are not UTF-8 get an answer of the service's own, never waitress's "Bad URI".
        status, kind, body = raw_request(server.port, b"/api/search?q=\xff\xfe")
        assert kind == "application/json" and status in (200, 400), body[:300]
        status, kind, _ = raw_request(server.port, "/поиск".encode())
        assert status == 404 and kind.startswith("text/html")
