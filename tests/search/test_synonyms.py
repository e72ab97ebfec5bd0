"""Names that mean the same: abbreviations as written, places and entities in any inflection."""

import pytest

from search.synonyms import Synonyms, read_places

PLACES = [
    ["Шымкент", "Чимкент", "Shymkent"],
    ["Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan Region", "ВКО"],
]


@pytest.mark.parametrize("typed", ["Шымкенте", "Шымкенттегі", "Шымкентке", "Чимкента", "Shymkent"])
def test_a_place_in_any_case_finds_its_other_names(typed):
    others = Synonyms([], PLACES).expand(typed)
    assert "Чимкент" in others or typed.startswith("Чимкент")
    assert "Shymkent" in others or typed == "Shymkent"


def test_a_region_of_several_words_in_any_case_of_either_language():
    lexicon = Synonyms([], PLACES)
    assert "East Kazakhstan Region" in lexicon.expand("Восточно-Казахстанской области")
    assert "Восточно-Казахстанская область" in lexicon.expand("Шығыс Қазақстан облысындағы")


def test_abbreviations_still_match_only_as_written():
    lexicon = Synonyms([["ВОЗ", "WHO"]], PLACES)
    assert lexicon.expand("ВОЗ") == ["WHO"]
    assert lexicon.expand("возом") == []  # a cart, not the World Health Organization


def test_the_gazetteer_table_becomes_groups(tmp_path):
    path = tmp_path / "places.tsv"
    path.write_text(
        "# a comment\nkind\tru\tkk\ten\tlatin\tother\ncity\tАтырау\tАтырау\tAtyrau\tAtyraý\tГурьев | Guryev\n",
        encoding="utf-8",
    )
    assert read_places(path) == [["Атырау", "Atyrau", "Atyraý", "Гурьев", "Guryev"]]
    path.write_text("kind\tru\tkk\ten\tlatin\tother\ncity\tАтырау\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2: 2 columns"):
        read_places(path)
