"""The editors' pages: rules added and removed on /admin/rules, lists changed and tried on /admin/lists,
/admin/explain; every change logged with who made it."""

import json
import re
import shutil

import pytest

from indexer.site import Site
from indexer.sync import reindex
from tests.conftest import CONTENT
from web import create_app

WRITER = "writer-token-123456"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("editing")
    shutil.copytree(CONTENT, root / "site")
    reindex(Site.load(root / "site"), root / "var" / "index")
    return root


@pytest.fixture
def app(built):
    for leftover in ("rules.toml", "changes.log"):
        (built / "var" / leftover).unlink(missing_ok=True)
    shutil.rmtree(built / "var" / "lists", ignore_errors=True)
    return create_app(
        {
            "INDEX": str(built / "var" / "index"),
            "CONTENT": str(built / "site"),
            "ADMIN_TOKENS": f"editor:write:{WRITER}",
            "SECRET_KEY": "k" * 32,
            "TESTING": True,
        }
    )


@pytest.fixture
def editor(app):
    client = app.test_client()
    client.post("/admin/login", data={"token": WRITER, "csrf_token": csrf(client, "/admin/login")})
    return client


def csrf(client, path="/admin/rules") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def first(client, q, lang="ru"):
    return client.get("/api/search", query_string={"q": q, "lang": lang}).get_json()["results"][0]


def test_a_rule_added_on_the_page_pins_and_is_logged_with_the_editors_name(app, editor, built):
    r = editor.post(
        "/admin/rules",
        data={"query": "донор кровь", "pin": "/contacts", "until": "2030-01-01T00:00", "csrf_token": csrf(editor)},
    )
    assert r.status_code == 303
    hit = first(editor, "доноров крови")
    assert hit["pinned"] and hit["path"].startswith("04.contacts/")
    page = editor.get("/admin/rules").get_data(as_text=True)
    assert "«донор кровь»" in page and "2030-01-01T00:00" in page
    log = [json.loads(line) for line in (built / "var" / "changes.log").read_text().splitlines()]
    assert (
        log[-1]["editor"] == "editor" and log[-1]["action"] == "rules.add" and log[-1]["rule"]["query"] == "донор кровь"
    )
    assert editor.post("/admin/rules/1/delete", data={"csrf_token": csrf(editor)}).status_code == 303
    assert not first(editor, "доноров крови")["pinned"]
    assert json.loads((built / "var" / "changes.log").read_text().splitlines()[-1])["action"] == "rules.remove"


def test_the_page_after_a_save_lists_the_rule_whichever_process_serves_it(app, editor, built):
    # A second app over the same files stands for the other server process: it has read the
    # (empty) rules before the save, and is asked for the page a moment after it.
    other = create_app(dict(app.config))
    other_editor = other.test_client()
    other_editor.post("/admin/login", data={"token": WRITER, "csrf_token": csrf(other_editor, "/admin/login")})
    assert "«донор кровь»" not in other_editor.get("/admin/rules").get_data(as_text=True)
    r = editor.post("/admin/rules", data={"query": "донор кровь", "pin": "/contacts", "csrf_token": csrf(editor)})
    assert r.status_code == 303
    assert "«донор кровь»" in other_editor.get(r.headers["Location"]).get_data(as_text=True)
    rules = other_editor.get("/admin/rules?format=json").get_json()["rules"]
    assert [rule["query"] for rule in rules] == ["донор кровь"]


def test_a_rule_naming_an_unknown_page_or_a_bad_date_is_refused_and_nothing_is_written(app, editor, built):
    for form, says in (
        ({"query": "донор", "pin": "/no/such/page"}, "no page"),
        ({"query": "донор", "pin": "/contacts", "until": "soon"}, "until must be a date"),
        ({"query": "и", "pin": "/contacts"}, "no word"),
    ):
        r = editor.post("/admin/rules", data={**form, "csrf_token": csrf(editor)})
        assert r.status_code == 400 and says in r.get_data(as_text=True)
    assert not (built / "var" / "rules.toml").exists()


def test_rules_api_for_scripts(app, built):
    client = app.test_client()
    auth = {"Authorization": f"Bearer {WRITER}"}
    r = client.post("/admin/api/rules", json={"query": "кардиология", "hide": ["/about"]}, headers=auth)
    assert r.status_code == 201 and r.get_json()["hide"] == [{"page": "/about", "found": True}]
    listed = client.get("/admin/rules?format=json", headers=auth).get_json()
    assert [rule["query"] for rule in listed["rules"]] == ["кардиология"]
    assert client.delete("/admin/api/rules/1", headers=auth).status_code == 204
    assert client.delete("/admin/api/rules/1", headers=auth).status_code == 404


def test_a_list_saved_on_the_page_makes_a_zero_result_query_match(app, editor, built):
    assert editor.get("/api/search?q=кардиошкола&lang=ru").get_json()["total"] == 0
    text = editor.get("/admin/api/lists/synonyms", headers={"Authorization": f"Bearer {WRITER}"}).get_data(as_text=True)
    r = editor.post(
        "/admin/lists/synonyms",
        data={"text": text + "кардиошкола | кардиология\n", "csrf_token": csrf(editor, "/admin/lists/synonyms")},
    )
    assert r.status_code == 303
    assert editor.get("/api/search?q=кардиошкола&lang=ru").get_json()["total"] > 0
    assert (built / "var" / "lists" / "synonyms.txt").read_text().endswith("кардиошкола | кардиология\n")
    entry = json.loads((built / "var" / "changes.log").read_text().splitlines()[-1])
    assert entry["action"] == "lists.synonyms" and entry["added"] == ["кардиошкола | кардиология"]


def test_a_malformed_list_is_refused_with_its_line_and_search_is_unchanged(app, editor, built):
    before = editor.get("/api/search?q=эхокг&lang=ru").get_json()["total"]
    r = editor.post(
        "/admin/lists/synonyms",
        data={"text": "ЭКГ | электрокардиограмма\nэхокг\n", "csrf_token": csrf(editor, "/admin/lists/synonyms")},
    )
    assert r.status_code == 400 and "line 2" in r.get_data(as_text=True)
    assert "эхокг" in r.get_data(as_text=True)  # the editor's text is kept in the form to fix
    assert not (built / "var" / "lists" / "synonyms.txt").exists()
    assert editor.get("/api/search?q=эхокг&lang=ru").get_json()["total"] == before
    r = editor.put("/admin/api/lists/places", data="no header\n", headers={"Authorization": f"Bearer {WRITER}"})
    assert r.status_code == 400 and "line 1" in r.get_json()["error"]


def test_try_it_shows_a_query_before_and_after_a_change_and_writes_nothing(app, editor, built):
    r = editor.post(
        "/admin/lists/synonyms/try",
        data={
            "text": "кардиошкола | кардиология\n",
            "q": "кардиошкола",
            "search_lang": "ru",
            "csrf_token": csrf(editor),
        },
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    before = re.search(r'id="trial-before">\s*<h2>[^:]+: (\d+)', html).group(1)
    after = re.search(r'id="trial-after">\s*<h2>[^:]+: (\d+)', html).group(1)
    assert before == "0" and int(after) > 0
    assert not (built / "var" / "lists").exists()


def test_explain_endpoint_agrees_with_the_search(app):
    client = app.test_client()
    auth = {"Authorization": f"Bearer {WRITER}"}
    answer = client.get("/api/search?q=доноры крови&lang=ru").get_json()
    explained = client.get("/admin/explain?q=доноры крови&lang=ru&path=/about", headers=auth).get_json()
    assert explained["hits"][0]["path"] == answer["results"][0]["path"]
    assert explained["hits"][0]["explained"] == pytest.approx(answer["results"][0]["score"], rel=0.01)
    assert any(p["reason"].startswith("missing a word") for p in explained["page"])
    html = client.get("/admin/explain?q=доноры крови&lang=ru", headers={**auth, "Accept": "text/html"})
    assert "holds every word" in html.get_data(as_text=True)
    assert client.get("/admin/explain", headers=auth).status_code == 400


def test_a_rebuild_is_asked_for_from_the_lists_page_by_a_writer_only(built):
    class Counting:
        def __init__(self):
            self.calls = []

        def request(self, paths=None, full=False, reason=None, verify=False):
            self.calls.append((full, reason))

    reindexer = Counting()
    app = create_app(
        {
            "INDEX": str(built / "var" / "index"),
            "CONTENT": str(built / "site"),
            "ADMIN_TOKENS": f"editor:write:{WRITER}, intern:read:reader-token-123456",
            "REINDEXER": reindexer,
            "TESTING": True,
        }
    )
    client = app.test_client()
    assert client.post("/admin/rebuild", headers={"Authorization": "Bearer reader-token-123456"}).status_code == 403
    assert reindexer.calls == []
    assert client.post("/admin/rebuild", headers={"Authorization": f"Bearer {WRITER}"}).status_code == 202
    assert reindexer.calls == [(True, "a rebuild asked for on /admin/lists")]
