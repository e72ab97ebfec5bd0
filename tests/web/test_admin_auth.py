"""Admin access: named tokens, read-only and read-write, sessions with CSRF, failures rate-limited, never logged."""

import json
import logging
import re
import sqlite3
from contextlib import closing

import pytest

from tests.conftest import Clock, at
from web import create_app
from web.admin import auth, changes
from web.settings import SettingsError

WRITER, READER = "writer-token-123456", "reader-token-123456"


@pytest.fixture
def app(content_index, tmp_path):
    return create_app(
        {
            "INDEX": str(content_index),
            "ADMIN_TOKENS": f"editor:write:{WRITER}, intern:read:{READER}",
            "RULES": str(tmp_path / "rules.toml"),
            "LISTS": str(tmp_path / "lists"),
            "ANALYTICS": str(tmp_path / "a.sqlite3"),
            "SECRET_KEY": "k" * 32,
            "TESTING": True,
        }
    )


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, token, next_="/admin"):
    form = client.get("/admin/login").get_data(as_text=True)
    return client.post("/admin/login", data={"token": token, "next": next_, "csrf_token": csrf_of(form)})


def test_no_token_is_401_a_wrong_one_403_before_any_work(app, tmp_path):
    client = app.test_client()
    assert client.get("/admin/rules").status_code == 401
    assert client.get("/admin/rules", headers=bearer("nope-nope-nope")).status_code == 403
    r = client.post("/admin/api/rules", json={"query": "донор", "pin": ["/contacts"]})
    assert r.status_code == 401 and set(r.get_json()) == {"error", "status"}
    assert client.put("/admin/api/lists/synonyms", data="a | b\n", headers=bearer("nope-nope-nope")).status_code == 403
    assert not (tmp_path / "rules.toml").exists() and not (tmp_path / "lists").exists()


def test_a_browser_without_a_session_is_sent_to_the_login_page(app):
    r = app.test_client().get("/admin/rules?lang=kk", headers={"Accept": "text/html"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/admin/login?next=/admin/rules")


def test_a_read_only_token_reads_but_cannot_write(app, tmp_path):
    client = app.test_client()
    assert client.get("/admin/rules?format=json", headers=bearer(READER)).status_code == 200
    r = client.post("/admin/api/rules", json={"query": "донор", "pin": ["/contacts"]}, headers=bearer(READER))
    assert r.status_code == 403 and "may only read" in r.get_json()["error"]
    assert client.put("/admin/api/lists/synonyms", data="a | b\n", headers=bearer(READER)).status_code == 403
    assert not (tmp_path / "rules.toml").exists()
    r = client.post("/admin/api/rules", json={"query": "донор", "pin": ["/contacts"]}, headers=bearer(WRITER))
    assert r.status_code == 201 and (tmp_path / "rules.toml").exists()


def test_forms_need_the_sessions_csrf_token(app, tmp_path):
    client = app.test_client()
    assert login(client, WRITER).status_code == 303
    form = {"query": "донор", "pin": "/contacts"}
    assert client.post("/admin/rules", data=form).status_code == 403  # no CSRF token
    assert client.post("/admin/rules", data={**form, "csrf_token": "forged"}).status_code == 403
    assert not (tmp_path / "rules.toml").exists()
    token = csrf_of(client.get("/admin/rules").get_data(as_text=True))
    assert client.post("/admin/rules", data={**form, "csrf_token": token}).status_code == 303
    assert "донор" in (tmp_path / "rules.toml").read_text()


def test_logout_ends_the_session(app):
    client = app.test_client()
    login(client, READER)
    page = client.get("/admin")
    assert page.status_code == 200 and "intern" in page.get_data(as_text=True)
    assert client.post("/admin/logout", data={"csrf_token": csrf_of(page.get_data(as_text=True))}).status_code == 303
    assert client.get("/admin").status_code == 401


def test_a_changed_token_ends_its_sessions(app, content_index, tmp_path):
    client = app.test_client()
    login(client, WRITER)
    assert client.get("/admin").status_code == 200
    other = create_app(
        {
            **{k: app.config[k] for k in ("INDEX", "RULES", "LISTS", "SECRET_KEY")},
            "ADMIN_TOKENS": "editor:write:a-new-secret-value",
            "TESTING": True,
        }
    )
    other_client = other.test_client()
    other_client.set_cookie("poisk_admin", client.get_cookie("poisk_admin", path="/admin").value, path="/admin")
    assert other_client.get("/admin").status_code == 401


def test_a_wrong_login_says_so_and_sets_no_session(app):
    client = app.test_client()
    r = login(client, "not-a-token-at-all")
    assert r.status_code == 403 and 'role="alert"' in r.get_data(as_text=True)
    assert client.get("/admin").status_code == 401  # the session holds no editor


def test_a_login_form_from_another_site_is_refused(app):
    r = app.test_client().post("/admin/login", data={"token": WRITER})
    assert r.status_code == 403


def test_login_never_sends_a_visitor_to_another_site(app):
    r = login(app.test_client(), WRITER, next_="https://evil.example/x")
    assert r.headers["Location"] == "/admin"
    r = login(app.test_client(), WRITER, next_="//evil.example/x")
    assert r.headers["Location"] == "/admin"


def test_failed_attempts_are_rate_limited(content_index, tmp_path):
    app = create_app(
        {"INDEX": str(content_index), "ADMIN_TOKEN": WRITER, "ADMIN_RATE_LIMIT": "3 per minute", "TESTING": True}
    )
    client = app.test_client()
    for _ in range(3):
        assert client.get("/admin/stats", headers=bearer("wrong-wrong-wrong")).status_code == 403
    r = client.get("/admin/stats", headers=bearer("wrong-wrong-wrong"))
    assert r.status_code == 429 and set(r.get_json()) == {"error", "status"}
    assert client.get("/api/search?q=донор").status_code == 200  # searching is not held up


def test_successes_are_not_counted_as_failures(content_index):
    app = create_app(
        {"INDEX": str(content_index), "ADMIN_TOKEN": WRITER, "ADMIN_RATE_LIMIT": "3 per minute", "TESTING": True}
    )
    client = app.test_client()
    assert all(client.get("/admin/stats", headers=bearer(WRITER)).status_code == 200 for _ in range(6))


def test_admin_is_off_without_tokens(content_index):
    client = create_app({"INDEX": str(content_index), "TESTING": True}).test_client()
    for path in ("/admin", "/admin/rules", "/admin/lists", "/admin/explain?q=x", "/admin/stats", "/admin/login"):
        r = client.get(path)
        assert r.status_code == 404 and "POISK_ADMIN_TOKEN" in r.get_json()["error"], path


@pytest.mark.parametrize(
    "entries, says",
    [
        ("editor:write", "line 1"),
        ("editor:admin:long-enough-token", "role read or write"),
        ("a:read:long-enough-token\nb:write:short", "line 2"),
        ("a:read:long-enough-token,a:write:other-long-token", "named 'a'"),
    ],
)
def test_a_malformed_token_entry_stops_the_start_with_its_line(content_index, tmp_path, entries, says):
    file = tmp_path / "tokens"
    file.write_text(entries)
    with pytest.raises(SettingsError, match=says):
        create_app({"INDEX": str(content_index), "ADMIN_TOKENS_FILE": str(file), "TESTING": True})


def test_tokens_never_reach_the_logs(app, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    client.get(f"/admin/stats?token={READER}")
    client.get("/admin/stats", headers=bearer(WRITER))
    login(client, WRITER)
    client.get("/admin/stats?token=wrong-token-value")
    text = caplog.text
    assert READER not in text and WRITER not in text and "wrong-token-value" not in text


def test_the_secret_key_is_made_once_and_shared(content_index, tmp_path):
    import shutil

    index = tmp_path / "ix"
    shutil.copytree(content_index, index)
    one = create_app({"INDEX": str(index), "ADMIN_TOKEN": WRITER, "TESTING": True})
    two = create_app({"INDEX": str(index), "ADMIN_TOKEN": WRITER, "TESTING": True})
    key = tmp_path / "secret_key"
    assert one.config["SECRET_KEY"] == two.config["SECRET_KEY"] and key.stat().st_mode & 0o777 == 0o600
    client = one.test_client()
    login(client, WRITER)
    other = two.test_client()
    other.set_cookie("poisk_admin", client.get_cookie("poisk_admin", path="/admin").value, path="/admin")
    assert other.get("/admin").status_code == 200  # another worker of the same service knows the session


def old_search(app, query="донор"):
    """Record a search made long ago (past the 90 days kept), then bring the clock back to now."""
    store = app.extensions["poisk.analytics"]
    store.clock = Clock(at(2026, 1, 5, 12))
    store.record_search(query, "ru", 1, ["/news/x"])
    store.flush()
    store.clock.now = at(2026, 12, 6, 12)
    return store


def searches_kept(app) -> int:
    with closing(sqlite3.connect(app.extensions["poisk.analytics"].path)) as db:
        return db.execute("SELECT COUNT(*) FROM searches").fetchone()[0]


def test_purging_is_refused_before_any_work_without_a_write_token(app, monkeypatch):
    store = old_search(app)
    monkeypatch.setattr(store, "purge", lambda: pytest.fail("the store was touched"))
    client = app.test_client()
    assert client.post("/admin/stats/purge").status_code == 401
    assert client.post("/admin/stats/purge", headers=bearer("nope-nope-nope")).status_code == 403
    r = client.post("/admin/stats/purge", headers=bearer(READER))
    assert r.status_code == 403 and "may only read" in r.get_json()["error"]
    assert client.post(f"/admin/stats/purge?token={WRITER}").status_code == 401  # ?token= only reads


def test_a_script_purges_with_a_bearer_token_and_no_csrf(app):
    old_search(app)
    assert searches_kept(app) == 1
    r = app.test_client().post("/admin/stats/purge", headers=bearer(WRITER))
    assert r.status_code == 200 and r.get_json() == {"purged": 1, "retention_days": 90}
    assert searches_kept(app) == 0
    entry = json.loads(changes.log_path(app.config).read_text().splitlines()[-1])
    assert entry["editor"] == "editor" and entry["action"] == "stats.purge" and entry["searches"] == 1


def test_the_purge_form_needs_the_sessions_csrf_token(app):
    old_search(app)
    client = app.test_client()
    login(client, WRITER)
    page = client.get("/admin/stats?lang=en").get_data(as_text=True)
    assert "Delete old searches now" in page and "older than 90 days" in page
    assert client.post("/admin/stats/purge").status_code == 403
    assert client.post("/admin/stats/purge", data={"csrf_token": "forged"}).status_code == 403
    assert searches_kept(app) == 1
    r = client.post("/admin/stats/purge?lang=en", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 303 and r.headers["Location"] == "/admin/stats?lang=en&purged=1"
    assert searches_kept(app) == 0
    assert "Old searches deleted: 1." in client.get(r.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    "lang, button", [("kk", "Ескі сұраныстарды қазір жою"), ("ru", "Удалить старые запросы сейчас")]
)
def test_a_read_session_sees_no_purge_button(app, lang, button):
    client = app.test_client()
    login(client, WRITER)
    assert button in client.get(f"/admin/stats?lang={lang}").get_data(as_text=True)
    reader = app.test_client()
    login(reader, READER)
    assert button not in reader.get(f"/admin/stats?lang={lang}").get_data(as_text=True)


def test_the_session_cookie_is_secure_over_https(app):
    for base, secure in (("https://localhost", True), ("http://localhost", False)):
        client = app.test_client()
        form = client.get("/admin/login", base_url=base).get_data(as_text=True)
        r = client.post("/admin/login", base_url=base, data={"token": WRITER, "csrf_token": csrf_of(form)})
        cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("poisk_admin="))
        assert ("; Secure" in cookie) is secure and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_failed_sign_ins_are_rate_limited(content_index):
    app = create_app(
        {"INDEX": str(content_index), "ADMIN_TOKEN": WRITER, "ADMIN_RATE_LIMIT": "3 per minute", "TESTING": True}
    )
    client = app.test_client()
    for _ in range(3):
        assert login(client, "wrong-wrong-wrong").status_code == 403
    r = login(client, WRITER)  # even the right token waits now
    assert r.status_code == 429 and "too many requests" in r.get_json()["error"]


def test_tokens_of_different_lengths_are_compared_alike(app):
    with app.test_request_context():
        assert auth.match(WRITER).name == "editor" and auth.match(READER).name == "intern"
        assert auth.match("") is None and auth.match(WRITER + "x") is None and auth.match(WRITER[:-1]) is None


def test_behind_a_trusted_proxy_its_https_makes_the_cookie_secure(content_index):
    app = create_app({"INDEX": str(content_index), "ADMIN_TOKEN": WRITER, "TRUSTED_PROXIES": 1, "TESTING": True})
    client = app.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    form = client.get("/admin/login", headers=https).get_data(as_text=True)
    r = client.post("/admin/login", headers=https, data={"token": WRITER, "csrf_token": csrf_of(form)})
    assert r.status_code == 303 and "; Secure" in r.headers["Set-Cookie"]
