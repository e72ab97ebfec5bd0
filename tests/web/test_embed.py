"""/embed: the snippet a site owner pastes, and the same as JSON for plugins that add the script themselves."""

import base64
import hashlib


def test_embed_json_gives_the_script_and_a_hash_that_matches_it(client):
    r = client.get("/embed?format=json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    info = r.get_json()
    assert info["element"] == "poisk-search" and info["version"] == "v1"
    with client.get(info["src"].removeprefix("http://localhost")) as script:
        assert script.status_code == 200
        body = script.get_data()
    algorithm, _, digest = info["integrity"].partition("-")
    assert base64.b64decode(digest) == hashlib.new(algorithm, body).digest()


def test_embed_page_shows_the_same_snippet(client):
    info = client.get("/embed?format=json").get_json()
    page = client.get("/embed").get_data(as_text=True)
    assert info["integrity"] in page and info["src"] in page
