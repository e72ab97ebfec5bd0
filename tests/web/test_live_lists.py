"""A list changed on disk changes what a running server finds, within seconds, without a reindex."""

import time

from web import create_app


def test_a_synonym_added_to_the_lists_folder_makes_a_zero_result_query_match(content_index, tmp_path):
    app = create_app({"INDEX": str(content_index), "LISTS": str(tmp_path / "lists"), "TESTING": True})
    client = app.test_client()

    def total() -> int:
        return client.get("/api/search?q=кардиошкола&lang=ru").get_json()["total"]

    assert total() == 0  # and the answer is cached
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists/synonyms.txt").write_text("кардиошкола | кардиология\n", encoding="utf-8")
    deadline = time.monotonic() + 5
    while total() == 0:
        assert time.monotonic() < deadline, "the new synonym was not picked up"
        time.sleep(0.1)
    (tmp_path / "lists/synonyms.txt").write_text("кардиошкола | кардиология\nбез пары\n", encoding="utf-8")
    time.sleep(1.2)
    assert total() > 0  # a broken list leaves the last good one in force
