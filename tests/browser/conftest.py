"""Real Chromium (Debian's package) driven by Playwright, a live Poisk server, and host pages on other origins."""

import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import CONTENT, REPO
from tests.live import LiveServer, free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "var" / "artifacts"
ADMIN_TOKEN = "browser-tests-admin-token"

# Markup an editor wrote as text (entities): it must reach the visitor as text, never as an element.
HOSTILE_TITLE = 'Zanzibarite &lt;img src=x onerror="window.__pwned=1"&gt; warning'


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM or not AXE.is_file():
        pytest.fail("browser tests need Debian's chromium and tests/browser/node_modules (run `make test`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def run_axe(page) -> list[dict]:
    """Run axe-core on the page (its open shadow roots too); return the violations: rule id and nodes."""
    page.add_script_tag(path=str(AXE))  # inline: the page's context must bypass its CSP
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}))"
    )


class HostSite:
    """A plain website on another origin that embeds the widget, under a strict Content-Security-Policy."""

    def __init__(self, folder: Path, service: str, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.service = service
        csp = (
            f"default-src 'none'; script-src {service}; connect-src {service}; style-src 'self'; "
            "img-src 'self'; base-uri 'none'; form-action 'none'"
        )

        class Handler(SimpleHTTPRequestHandler):
            def end_headers(self):
                self.send_header("Content-Security-Policy", csp)
                super().end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), partial(Handler, directory=str(folder)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def host_page(folder: Path, service: str, lang_attr: str = "", html_lang: str = "en") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "favicon.ico").write_bytes(b"")
    (folder / "index.html").write_text(
        f"""<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8"><title>Host site</title></head>
<body><main><h1>A clinic's own site</h1>
<script src="{service}/widget/v1/poisk.js" defer></script>
<poisk-search{lang_attr}></poisk-search>
</main></body></html>""",
        encoding="utf-8",
    )


@pytest.fixture(scope="session")
def widget_setup(tmp_path_factory):
    """A Poisk server over our sample content plus a hostile post (its /admin/stats on), and two host sites."""
    tmp = tmp_path_factory.mktemp("widget")
    site = tmp / "site"
    shutil.copytree(CONTENT, site)
    evil = site / "user" / "pages" / "02.news" / "98.2024-01-01-hostile" / "item.en.md"
    evil.parent.mkdir()
    evil.write_text(
        f"---\ntitle: '{HOSTILE_TITLE}'\ndate: '01-01-2024 10:00'\n---\n"
        "Zanzibarite <script>window.__pwned=2</script> text.\n",
        encoding="utf-8",
    )
    allowed_port = free_port()
    allowed_folder, blocked_folder = tmp / "allowed", tmp / "blocked"
    env = {"POISK_ALLOWED_ORIGINS": f"http://127.0.0.1:{allowed_port}", "POISK_ADMIN_TOKEN": ADMIN_TOKEN}
    server = LiveServer(site, tmp / "index", env=env)
    server.wait_ready()
    host_page(allowed_folder, server.base)
    host_page(blocked_folder, server.base, ' lang="ru"')
    # The allowed host is the Grav site: it serves the pages' media where Grav does, /user/pages/… (result pictures).
    (allowed_folder / "user").mkdir()
    (allowed_folder / "user" / "pages").symlink_to(site / "user" / "pages", target_is_directory=True)
    allowed = HostSite(allowed_folder, server.base, allowed_port)
    blocked = HostSite(blocked_folder, server.base)
    yield {"server": server, "allowed": allowed, "blocked": blocked, "tmp": tmp}
    allowed.close()
    blocked.close()
    server.stop()
