"""The reviewed lexicon of named entities (search/data/entities.txt) parses and keeps its rules."""

import pytest

from search.synonyms import DATA, ENTITIES_FILE, Synonyms, _norm, read_groups

SYNONYMS_FILE = DATA / "synonyms.txt"


@pytest.fixture(scope="module")
def groups() -> list[list[str]]:
    return read_groups(ENTITIES_FILE)


@pytest.fixture(scope="module")
def lexicon() -> Synonyms:
    return Synonyms([], read_groups(ENTITIES_FILE))  # how synonyms.default() reads it: any inflection


def group_with(groups: list[list[str]], member: str) -> list[str]:
    found = [g for g in groups if _norm(member) in {_norm(m) for m in g}]
    assert len(found) == 1, f"{member!r} is in {len(found)} groups"
    return found[0]


def test_the_file_parses_and_starts_with_its_header():
    assert ENTITIES_FILE.read_text(encoding="utf-8").startswith("#")
    assert Synonyms.load(ENTITIES_FILE).expand("World Blood Donor Day")


def test_every_group_has_at_least_two_members(groups):
    assert len(groups) >= 40
    assert [g for g in groups if len(g) < 2] == []


def test_no_member_repeats_within_or_across_groups(groups):
    seen: dict[str, int] = {}
    repeated = []
    for number, group in enumerate(groups):
        for member in group:
            if seen.setdefault(_norm(member), number) != number or [_norm(m) for m in group].count(_norm(member)) > 1:
                repeated.append(member)
    assert repeated == []


def test_nothing_duplicates_synonyms_txt(groups):
    abbreviations = read_groups(SYNONYMS_FILE)
    taken = {_norm(m) for g in abbreviations for m in g}
    assert [m for g in groups for m in g if _norm(m) in taken] == []
    assert not {frozenset(map(_norm, g)) for g in groups} & {frozenset(map(_norm, g)) for g in abbreviations}


def test_each_member_finds_its_own_group_only(groups, lexicon):
    """No two groups share a member in any inflection: a member's analysed form names one group."""
    strays = {m: lexicon.groups_of(m) for g in groups for m in g if lexicon.groups_of(m) != [g]}
    assert strays == {}


def test_the_donor_day_group_holds_the_archive_wording_in_three_languages(groups):
    donor_day = group_with(groups, "World Blood Donor Day")
    # content/user/pages/02.news/04.2018-06-14-world-blood-donor-day and 35.2023-06-14-donor-day-record
    for name in (
        "Всемирный день донора крови",
        "Всемирный день донора",
        "Дүниежүзілік қан донорлары күні",
        "Дүниежүзілік донор күні",
    ):
        assert name in donor_day


@pytest.mark.parametrize(
    ("member", "others"),
    [
        ("ASH", ["American Society of Hematology", "Американское общество гематологов"]),
        ("UNICEF", ["ЮНИСЕФ"]),
        (
            "Kazakhstan Society of Hematologists",
            ["Казахстанское общество врачей-гематологов", "Қазақстан гематолог-дәрігерлер қоғамы"],
        ),
        ("Excellence in Healthcare", ["Отличник здравоохранения", "Денсаулық сақтау ісінің үздігі"]),
    ],
)
def test_spot_checks(groups, member, others):
    group = group_with(groups, member)
    assert all(other in group for other in others)


def test_who_stays_in_synonyms_txt_alone(groups):
    assert group_with(read_groups(SYNONYMS_FILE), "WHO")
    assert [m for g in groups for m in g if _norm(m) in {"who", "воз", "всемирная организация здравоохранения"}] == []


@pytest.mark.parametrize(
    "typed",
    [
        "Всемирного дня донора крови",  # ru genitive
        "Во Всемирный день донора крови",  # ru, after a preposition
        "Дүниежүзілік қан донорлары күнінде",  # kk locative
        "world blood donor day",
    ],
)
def test_an_inflected_name_finds_the_group(lexicon, typed):
    assert any("World Blood Donor Day" in g for g in lexicon.groups_of(typed))


def test_inflected_multiword_names_expand_across_languages(lexicon):
    assert "Kazakhstan Society of Hematologists" in lexicon.expand("Казахстанского общества врачей гематологов")
    assert "Hemostasis School" in lexicon.expand("Школу гемостаза")
    assert "Американское общество гематологов" in lexicon.expand("American Society of Hematology")
