"""Editors' pins and hides through /api/search: any form of the query, within dates, never past visibility."""

import time

import pytest

from tests.conftest import DRAFT, Clock, at, content_with_draft
from web import create_app

DONOR_APPEAL = "02.news/18.2020-08-14-blood-donation-appeal"
CONTACTS = "04.contacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return content_with_draft(tmp_path_factory.mktemp("rules"))


@pytest.fixture
def app(site, tmp_path):
    rules = tmp_path / "rules.toml"
    clock = Clock(at(2026, 12, 6, 12, 0))
    app = create_app(
        {
            "INDEX": str(site / "index"),
            "CONTENT": str(site / "site"),
            "RULES": str(rules),
            "CLOCK": clock,
            "TESTING": True,
            "QUERY_CACHE": 100,
        }
    )
    app.rules_file, app.clock = rules, clock
    return app


def write_rules(app, text: str) -> None:
    app.rules_file.write_text(text)
    app.extensions["poisk"].service().rules._refresh(force=True)


def search(app, q: str, **params) -> dict:
    params = {"lang": "ru", **params}
    r = app.test_client().get("/api/search", query_string={"q": q, **params})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def folders(data) -> list[str]:
    return [h["path"].rsplit("/", 1)[0] for h in data["results"]]


def test_a_pinned_page_is_first_for_every_form_of_the_query(app):
    before = folders(search(app, "доноры крови"))
    assert CONTACTS not in before
    write_rules(app, '[[rule]]\nquery = "донор кровь"\npin = ["/contacts"]\n')
    for q in ("доноры крови", "донора кровь", "донору крови", "Кровь доноров"):
        data = search(app, q)
        assert folders(data)[0] == CONTACTS, q
        assert data["results"][0]["pinned"] is True and data["results"][0]["lang"] == "ru"
        assert not any(h["pinned"] for h in data["results"][1:])
        assert data["total"] == len(before) + 1
    assert folders(search(app, "доноры крови"))[1:] == before  # the rest keep their order
    assert CONTACTS not in folders(search(app, "донор"))  # another query: no pin


def test_a_pin_to_a_later_position_and_in_the_visitors_language(app):
    write_rules(app, '[[rule]]\nquery = "донор"\npin = [{ page = "/contacts", position = 2 }]\n')
    assert folders(search(app, "донор"))[1] == CONTACTS
    data = search(app, "донор", lang="kk")
    pinned = [h for h in data["results"] if h["pinned"]]
    assert pinned and pinned[0]["lang"] == "kk"


def test_a_pinned_page_is_not_repeated_on_the_next_page(app):
    write_rules(app, '[[rule]]\nquery = "кардиология"\npin = ["/contacts"]\n')
    first = search(app, "кардиология", per_page=5)
    second = search(app, "кардиология", per_page=5, page=2)
    assert folders(first)[0] == CONTACTS and CONTACTS not in folders(second)
    assert not set(folders(first)) & set(folders(second))


def test_a_draft_is_never_pinned_into_view(app):
    write_rules(app, f'[[rule]]\nquery = "донор кровь"\npin = ["{DRAFT}"]\n')
    data = search(app, "доноры крови")
    assert DRAFT not in folders(data) and not any(h["pinned"] for h in data["results"])


def test_a_hidden_page_is_gone_from_results_and_counts(app):
    before = search(app, "доноры крови")
    assert DONOR_APPEAL in folders(before)
    write_rules(app, '[[rule]]\nquery = "донор кровь"\nhide = ["/news/2020-08-14-blood-donation-appeal"]\n')
    after = search(app, "доноров крови")
    assert DONOR_APPEAL not in folders(after) and after["total"] == before["total"] - 1
    assert DONOR_APPEAL in folders(search(app, "донор"))  # only for the rule's query


def test_rules_start_and_end_with_their_dates(app):
    write_rules(
        app, '[[rule]]\nquery = "донор кровь"\npin = ["/contacts"]\nfrom = 2026-12-06T13:00:00\nuntil = 2026-12-07\n'
    )
    assert folders(search(app, "доноры крови"))[0] != CONTACTS  # 12:00: not yet
    app.clock.now = at(2026, 12, 6, 13, 0)
    assert folders(search(app, "доноры крови"))[0] == CONTACTS
    app.clock.now = at(2026, 12, 7, 23, 59)
    assert folders(search(app, "доноры крови"))[0] == CONTACTS  # until a date: through that day
    app.clock.now = at(2026, 12, 8, 0, 0)
    assert folders(search(app, "доноры крови"))[0] != CONTACTS


def test_a_changed_rules_file_is_read_within_a_second_and_a_broken_one_keeps_the_last_good_rules(app):
    search(app, "доноры крови")
    app.rules_file.write_text('[[rule]]\nquery = "донор кровь"\npin = ["/contacts"]\n')
    deadline = time.monotonic() + 3
    while folders(search(app, "доноры крови"))[0] != CONTACTS:
        assert time.monotonic() < deadline, "the new rule was not picked up"
        time.sleep(0.1)
    app.rules_file.write_text('[[rule]]\nquery = "донор кровь"\npin = [\n')
    time.sleep(1.2)
    assert folders(search(app, "доноры крови"))[0] == CONTACTS
    assert "not valid TOML" in app.extensions["poisk"].service().rules.error


def test_sorting_by_date_keeps_its_order_but_hides_still_apply(app):
    write_rules(
        app,
        '[[rule]]\nquery = "донор кровь"\npin = ["/contacts"]\n'
        '[[rule]]\nquery = "донор кровь"\nhide = ["/news/2020-08-14-blood-donation-appeal"]\n',
    )
    data = search(app, "доноры крови", sort="date")
    assert CONTACTS not in folders(data) and DONOR_APPEAL not in folders(data)
