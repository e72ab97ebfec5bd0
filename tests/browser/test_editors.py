"""An editor in Chromium on a running `poisk serve --workers 2`: pins and hides with an end date, a synonym
that makes a zero-result query match in both workers within seconds, a malformed list refused."""

import shutil
import time
from datetime import datetime, timedelta

import pytest

from tests.browser.conftest import ADMIN_TOKEN
from tests.conftest import ALMATY, CONTENT
from tests.live import LiveServer

FORMS = ("доноры крови", "донора кровь", "донору крови", "Кровь доноров")
APPEAL = "02.news/18.2020-08-14-blood-donation-appeal/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("editors")
    site = tmp / "site"
    shutil.copytree(CONTENT, site)
    (tmp / "var").mkdir()
    live = LiveServer(
        site, tmp / "var" / "index", "--workers", "2", env={"POISK_ADMIN_TOKEN": ADMIN_TOKEN, "POISK_SEMANTIC": "off"}
    )
    live.wait_ready()
    yield live
    live.stop()


@pytest.fixture
def editor(browser, server):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.goto(server.base + "/admin/rules?lang=ru")
    assert "/admin/login" in page.url  # no session yet: the login page, then back
    page.fill("#admin-token", ADMIN_TOKEN)
    page.click("form.admin-form button[type=submit]")
    page.wait_for_url("**/admin/rules**")
    yield page
    context.close()


def first_paths(server, q) -> list[str]:
    """The first hit's path as each of ten requests sees it (the workers take turns)."""
    out = []
    for _ in range(10):
        status, data = server.get("/api/search", q=q, lang="ru")
        assert status == 200
        out.append(data["results"][0]["path"] if data["results"] else "")
    return out


def every_answer(server, q, test) -> bool:
    for _ in range(10):
        status, data = server.get("/api/search", q=q, lang="ru")
        if status != 200 or not test(data):
            return False
    return True


def test_a_pin_and_a_hide_with_an_end_date(editor, server):
    until = datetime.now(ALMATY).replace(microsecond=0) + timedelta(seconds=40)
    for n, (field, value) in enumerate(
        (("#rule-pin", "/contacts"), ("#rule-hide", "/news/2020-08-14-blood-donation-appeal"))
    ):
        editor.fill("#rule-query", "донор кровь")
        editor.fill(field, value)
        editor.fill("#rule-until", until.strftime("%Y-%m-%dT%H:%M:%S"))
        editor.click("text=Добавить правило >> nth=-1")
        editor.locator("table.rules tbody tr").nth(n).wait_for()  # the page after saving lists it
    assert editor.locator("table.rules tbody tr").count() == 2
    assert editor.locator("table.log tbody tr").count() == 2 and "admin" in editor.inner_text("table.log")

    # Every server process rereads the rules within a second of the last save: both rules, in every answer.
    def both_in_force() -> bool:
        return all(p.startswith("04.contacts/") for p in first_paths(server, FORMS[0])) and every_answer(
            server, FORMS[0], lambda d: not any(h["path"].startswith(APPEAL) for h in d["results"])
        )

    server.wait_for(both_in_force, timeout=3)
    for q in FORMS:  # any form of the words, in both workers
        assert all(p.startswith("04.contacts/") for p in first_paths(server, q)), q
        assert every_answer(server, q, lambda d: not any(h["path"].startswith(APPEAL) for h in d["results"]))
    visitor = editor.context.new_page()
    visitor.goto(server.base + "/search?q=доноров+крови&lang=ru")
    assert "Контакты" in visitor.locator("main h3").first.inner_text()

    time.sleep(max(0.0, (until - datetime.now(ALMATY)).total_seconds()) + 0.5)
    for q in FORMS:  # the end date passed: the pin and the hide are gone, in both workers
        server.wait_for(lambda q=q: not any(p.startswith("04.contacts/") for p in first_paths(server, q)), timeout=5)
        assert every_answer(server, q, lambda d: any(h["path"].startswith(APPEAL) for h in d["results"]))
    editor.reload()
    assert editor.locator("table.rules tbody tr").first.inner_text().count("не действует") == 1


def test_a_synonym_added_on_the_page_makes_a_zero_result_query_match_in_both_workers(editor, server):
    assert server.total("кардиошкола", lang="ru") == 0
    editor.goto(server.base + "/admin/lists/synonyms?lang=ru")
    text = editor.input_value("#list-text")
    editor.fill("#list-text", text.rstrip("\n") + "\nкардиошкола | кардиология\n")
    editor.click("text=Сохранить")
    saved = time.monotonic()
    editor.wait_for_url("**saved=1**")
    took = server.wait_for(lambda: all(server.total("кардиошкола", lang="ru") > 0 for _ in range(10)), timeout=5) + (
        time.monotonic() - saved
    )
    assert took < 5


def test_a_malformed_list_is_refused_with_its_line_and_search_is_unchanged(editor, server):
    before = server.total("ХМЛ", lang="ru")
    editor.goto(server.base + "/admin/lists/synonyms?lang=ru")
    editor.fill("#list-text", "ХМЛ | хронический миелолейкоз\nодинокое слово\n")
    editor.click("text=Сохранить")
    alert = editor.locator("p.form-error[role=alert]")
    assert "line 2" in alert.inner_text()
    assert "одинокое слово" in editor.input_value("#list-text")  # the editor's text is kept to fix
    time.sleep(1.5)
    assert all(server.total("ХМЛ", lang="ru") == before for _ in range(10))
