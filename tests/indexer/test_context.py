"""A page is found by its section's name, and a section page by its sub-pages' titles — never by a draft's."""

from search.service import SearchRequest, SearchService


def search(grav, q, lang="en"):
    return [h.path for h in SearchService(grav.index_dir, cache_size=0).search(SearchRequest(q=q, lang=lang)).results]


def build(grav):
    grav.write("06.branches/default.en.md", "", header={"title": "Branches"})
    grav.write(
        "06.branches/astana/default.en.md",
        "Address: Kerey and Zhanibek khans street 5.",
        header={"title": "Contacts Astana"},
    )
    grav.write(
        "06.branches/karaganda/default.en.md", "Address: Erubaev street 10.", header={"title": "Contacts Karaganda"}
    )
    grav.write("05.contracts/default.en.md", "", header={"title": "Contracts"})
    grav.write("05.contracts/offer/default.en.md", "Terms of service.", header={"title": "Public Offer Agreement"})
    grav.write("05.contracts/draft/default.en.md", "Not yet.", header={"title": "Secret tender", "published": False})
    assert grav.reindex().errors == []


def test_pages_are_found_by_their_sections_title(grav):
    build(grav)
    assert set(search(grav, "branches")) == {
        "06.branches/default.en.md",
        "06.branches/astana/default.en.md",
        "06.branches/karaganda/default.en.md",
    }
    assert search(grav, "branches")[0] == "06.branches/default.en.md"  # the page named so, first


def test_a_section_page_is_found_by_its_sub_pages_titles(grav):
    build(grav)
    assert search(grav, "public offer contract")[0] == "05.contracts/default.en.md"
    assert "05.contracts/default.en.md" not in search(grav, "secret tender")  # a draft's title is not its section's


def test_the_context_is_searched_but_never_shown(grav):
    build(grav)
    hit = SearchService(grav.index_dir).search(SearchRequest(q="Karaganda", lang="en")).results
    section = next(h for h in hit if h.path == "06.branches/default.en.md")
    assert "Karaganda" not in section.snippet


def test_renaming_a_section_or_adding_a_sub_page_updates_the_pages_around_it(grav):
    build(grav)
    grav.write("06.branches/default.en.md", "", header={"title": "Regional offices"})
    grav.reindex()
    assert "06.branches/astana/default.en.md" in search(grav, "regional offices")
    grav.write("06.branches/almaty/default.en.md", "Address: Abay avenue 1.", header={"title": "Contacts Almaty"})
    grav.reindex()
    assert "06.branches/default.en.md" in search(grav, "almaty")
    grav.write("05.contracts/draft/default.en.md", "Now.", header={"title": "Secret tender"})  # published
    grav.reindex()
    assert "05.contracts/default.en.md" in search(grav, "secret tender")
