"""The `poisk` command line: index, search, serve."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from web.cli import main

POISK = [sys.executable, "-m", "web.cli"]
REPO = Path(__file__).resolve().parents[2]


def test_index_then_search_the_real_archive(tmp_path, capsys):
    index = tmp_path / "index"
    assert main(["index", "--content", str(CORPUS), "--index", str(index)]) == 0
    summary = capsys.readouterr().err
    assert "full build: 340 indexed, 0 unchanged, 0 removed, 0 errors" in summary

    assert main(["index", "--content", str(CORPUS), "--index", str(index)]) == 0
    assert "update: 0 indexed, 340 unchanged, 0 removed, 0 errors" in capsys.readouterr().err

    assert main(["search", "Silk Road forum", "--lang", "ru", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "2019 Silk Road Central Asia Hematology Forum" in out
    assert "/ru/news/2019-07-22-silk-road-central-asia-hematology-forum" in out
    assert "<mark>" not in out


def test_search_json_is_the_api_answer(corpus_index, capsys):
    assert main(["search", "hematology", "--lang", "en", "--json", "--index", str(corpus_index)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] > 0 and {h["lang"] for h in data["results"]} == {"en"}


def test_missing_index_names_the_fix(tmp_path, capsys):
    assert main(["search", "x", "--index", str(tmp_path / "none")]) == 2
    assert "run `poisk index`" in capsys.readouterr().err


def test_missing_content_names_the_fix(tmp_path, capsys):
    assert main(["index", "--content", str(tmp_path / "none"), "--index", str(tmp_path / "ix")]) == 2
    assert "--content" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_indexes_and_answers(tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [*POISK, "serve", "--content", str(CORPUS), "--index", str(tmp_path / "ix"), "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=Silk+Road&lang=ru", timeout=5) as r:
                    data = json.load(r)
                    server = r.headers.get("Server", "")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"poisk serve did not answer:\n{proc.communicate(timeout=5)[0]}")
                time.sleep(0.2)
        assert data["total"] > 0
        assert "waitress" in server.lower() or server == "poisk"  # a production server, not Werkzeug's
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/search?q=гематология".replace("гематология", "%D0%B3%D0%B5%D0%BC"), timeout=5
        ) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
