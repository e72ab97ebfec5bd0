"""A real `poisk serve` in a subprocess, for tests that need the whole service."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``poisk serve`` on 127.0.0.1 and a free port; stopped on exit."""

    def __init__(self, content: Path, index: Path, *args: str, env: dict | None = None, prefix: tuple = ()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(index).parent / f"serve-{self.port}.log"
        self._log = open(self.log, "w")  # noqa: SIM115 (closed in stop(), after the server)
        self.proc = subprocess.Popen(
            [
                *prefix,
                sys.executable,
                "-m",
                "web.cli",
                "serve",
                "--content",
                str(content),
                "--index",
                str(index),
                "--port",
                str(self.port),
                *args,
            ],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), "POISK_RATE_LIMIT": "", **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"poisk serve exited:\n{self.log.read_text()}")
            try:
                status, _ = self.get("/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"poisk serve not ready:\n{self.log.read_text()}")

    def get(self, path: str, **params) -> tuple[int, dict]:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def total(self, q: str, **params) -> int:
        status, data = self.get("/api/search", q=q, **params)
        assert status == 200, data
        return data["total"]

    def wait_for(self, predicate, timeout: float) -> float:
        """Return how many seconds it took for ``predicate()`` to hold (fail after ``timeout``)."""
        started = time.monotonic()
        while True:
            if predicate():
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not within {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
