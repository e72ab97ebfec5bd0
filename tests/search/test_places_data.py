"""The gazetteer (search/data/places.tsv) keeps its shape: six columns, names in the right script,
each name in one row only, every region present, and the equivalences visitors rely on."""

import unicodedata
from pathlib import Path

import pytest

PLACES = Path(__file__).resolve().parents[2] / "search" / "data" / "places.tsv"
HEADER = ["kind", "ru", "kk", "en", "latin", "other"]
REGIONS = {  # the 17 oblystar, 2022 onwards, by their ru column
    "область Абай",
    "Акмолинская область",
    "Актюбинская область",
    "Алматинская область",
    "Атырауская область",
    "Восточно-Казахстанская область",
    "Жамбылская область",
    "область Жетысу",
    "Западно-Казахстанская область",
    "Карагандинская область",
    "Костанайская область",
    "Кызылординская область",
    "Мангистауская область",
    "Павлодарская область",
    "Северо-Казахстанская область",
    "Туркестанская область",
    "область Улытау",
}
REPUBLICAN_CITIES = {"Астана", "Алматы", "Шымкент"}


def _lines():
    for number, line in enumerate(PLACES.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield number, line.split("\t")


def _rows():
    rows = list(_lines())[1:]
    return [(number, dict(zip(HEADER, cells))) for number, cells in rows]


def _names(cell: str) -> list[str]:
    return [name.strip() for name in cell.split(" | ")] if cell else []


def _key(name: str) -> str:
    return name.replace("ё", "е").replace("Ё", "Е").casefold()


def _scripts(name: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in name if ch.isalpha()}


def test_header_then_rows_of_six_columns():
    lines = list(_lines())
    assert lines[0][1] == HEADER
    bad = [number for number, cells in lines if len(cells) != 6]
    assert not bad, f"lines without exactly 6 tab-separated columns: {bad}"


def test_every_row_has_kind_and_the_four_official_names():
    for number, row in _rows():
        assert row["kind"] in {"region", "city"}, number
        for column in ("ru", "kk", "en", "latin"):
            assert row[column].strip(), f"line {number}: empty {column}"


def test_names_are_clean_and_separated_by_spaced_bars():
    for number, row in _rows():
        for column in ("ru", "kk", "latin"):
            assert "|" not in row[column], f"line {number}: {column} holds one name only"
        for column in HEADER[1:]:
            for name in _names(row[column]):
                assert name and name == name.strip() and "|" not in name, f"line {number} {column}: {name!r}"
                assert "  " not in name and "\t" not in name, f"line {number} {column}: {name!r}"
                assert any(ch.isupper() for ch in name), f"line {number} {column}: {name!r} is not capitalised"


def test_kazakh_names_are_cyrillic_and_latin_names_have_no_cyrillic():
    for number, row in _rows():
        kk = row["kk"]
        assert all(ch.isalpha() or ch in " -" for ch in kk) and _scripts(kk) == {"CYRILLIC"}, f"line {number}: {kk!r}"
        latin = row["latin"]
        assert "CYRILLIC" not in _scripts(latin) and _scripts(latin) == {"LATIN"}, f"line {number}: {latin!r}"
        for name in _names(row["en"]):
            assert _scripts(name) == {"LATIN"}, f"line {number}: en {name!r}"
        assert _scripts(row["ru"]) == {"CYRILLIC"}, f"line {number}: ru {row['ru']!r}"


def test_no_name_is_in_two_rows():
    seen: dict[str, int] = {}
    clashes = []
    for number, row in _rows():
        keys = {_key(name) for column in HEADER[1:] for name in _names(row[column])}
        for key in keys:
            if key in seen:
                clashes.append((key, seen[key], number))
            seen.setdefault(key, number)
    assert not clashes, f"names in two rows (name, first line, second line): {clashes}"


def test_all_regions_and_the_cities_of_republican_significance():
    rows = [row for _, row in _rows()]
    regions = [row["ru"] for row in rows if row["kind"] == "region"]
    assert sorted(regions) == sorted(REGIONS)
    cities = {row["ru"] for row in rows if row["kind"] == "city"}
    assert cities >= REPUBLICAN_CITIES
    assert len(cities) >= 40  # every town over 20,000 people: some sixty


@pytest.mark.parametrize(
    "names",
    [
        {"Шымкент", "Чимкент", "Shymkent", "Chimkent"},
        {"Атырау", "Гурьев", "Atyrau"},
        {"Астана", "Нур-Султан", "Акмола", "Целиноград", "Nur-Sultan", "Akmola"},
        {"Семей", "Семипалатинск", "Semey"},
        {"Алматы", "Алма-Ата", "Alma-Ata"},
        {"Усть-Каменогорск", "Өскемен", "Oskemen", "Óskemen"},
        {"Уральск", "Орал", "Oral"},
        {"Петропавловск", "Петропавл", "Petropavl"},
        {"Конаев", "Капшагай", "Kapshagay"},
        {"Туркестанская область", "Южно-Казахстанская область", "ЮКО"},
        {"Восточно-Казахстанская область", "ВКО", "Шығыс Қазақстан облысы", "East Kazakhstan Region"},
    ],
)
def test_names_visitors_treat_as_one_place_share_a_row(names):
    rows = {number: {_key(n) for column in HEADER[1:] for n in _names(row[column])} for number, row in _rows()}
    holding = {number for number, keys in rows.items() if keys & {_key(n) for n in names}}
    assert len(holding) == 1, f"{names} spread over lines {sorted(holding)}"
    assert {_key(n) for n in names} <= rows[holding.pop()]


def test_the_search_reads_it_as_one_group_a_place():
    from search.synonyms import read_places

    groups = read_places(PLACES)
    assert len(groups) == len(_rows())
    shymkent = next(group for group in groups if "Шымкент" in group)
    assert {"Чимкент", "Shymkent"} <= set(shymkent)
