"""URLs as Grav builds them: folders without order prefixes, slugs, language prefixes, home alias."""

import copy
import unicodedata

from grav_testkit import DEFAULT_SYSTEM

from indexer.pages import read_page
from indexer.routes import folder_slug


def urls(grav) -> dict[str, str]:
    report = grav.reindex()
    assert report.errors == []
    return {path: doc["url"] for path, doc in grav.documents().items()}


def system(**languages) -> dict:
    config = copy.deepcopy(DEFAULT_SYSTEM)
    config["languages"].update(languages)
    return config


def test_numeric_order_prefixes_are_stripped(grav):
    grav.write("02.news/13.2019-07-22-slug/item.en.md", "Text.", header={"title": "T"})
    grav.write("02.news/13.2019-07-22-slug/item.kk.md", "Мәтін.", header={"title": "T"})
    grav.write("03.about/default.ru.md", "Текст.", header={"title": "T"})
    assert urls(grav) == {
        "02.news/13.2019-07-22-slug/item.en.md": "/en/news/2019-07-22-slug",
        "02.news/13.2019-07-22-slug/item.kk.md": "/kk/news/2019-07-22-slug",
        "03.about/default.ru.md": "/ru/about",
    }


def test_only_the_order_prefix_is_stripped():
    assert folder_slug("02.news") == "news"
    assert folder_slug("2019-07-22-slug") == "2019-07-22-slug"
    assert folder_slug("13.2019.07.22") == "2019.07.22"
    assert folder_slug("v1.2-notes") == "v1.2-notes"


def test_slug_in_the_page_header_replaces_the_folder_name(grav):
    grav.write("02.news/05.long-folder-name/item.en.md", "Text.", header={"title": "T", "slug": "short"})
    assert urls(grav) == {"02.news/05.long-folder-name/item.en.md": "/en/news/short"}


def test_child_url_uses_the_parent_page_slug(grav):
    grav.write("02.news/blog.en.md", "News list.", header={"title": "News", "slug": "articles"})
    grav.write("02.news/blog.ru.md", "Новости.", header={"title": "Новости", "slug": "novosti"})
    grav.write("02.news/01.first-post/item.en.md", "First.", header={"title": "First"})
    grav.write("02.news/01.first-post/item.ru.md", "Первый.", header={"title": "Первый"})
    assert urls(grav) == {
        "02.news/blog.en.md": "/en/articles",
        "02.news/blog.ru.md": "/ru/novosti",
        "02.news/01.first-post/item.en.md": "/en/articles/first-post",
        "02.news/01.first-post/item.ru.md": "/ru/novosti/first-post",
    }


def test_grandparent_and_own_slugs_combine(grav):
    grav.write("03.science/sections.en.md", "S.", header={"title": "Science", "slug": "research"})
    grav.write("03.science/01.ethics-committee/subsection.en.md", "E.", header={"title": "Ethics"})
    grav.write(
        "03.science/01.ethics-committee/02.documents/subsection.en.md", "D.", header={"title": "D", "slug": "docs"}
    )
    assert urls(grav)["03.science/01.ethics-committee/02.documents/subsection.en.md"] == (
        "/en/research/ethics-committee/docs"
    )


def test_default_language_without_prefix_when_include_default_lang_is_false(make_grav):
    grav = make_grav(system(include_default_lang=False))
    for lang in ("kk", "ru", "en"):
        grav.write(f"02.news/01.post/item.{lang}.md", "Text.", header={"title": "T"})
        grav.write(f"01.home/default.{lang}.md", "Home.", header={"title": "H"})
    assert urls(grav) == {
        "02.news/01.post/item.kk.md": "/news/post",
        "02.news/01.post/item.ru.md": "/ru/news/post",
        "02.news/01.post/item.en.md": "/en/news/post",
        "01.home/default.kk.md": "/",
        "01.home/default.ru.md": "/ru",
        "01.home/default.en.md": "/en",
    }


def test_home_alias_is_the_site_root(make_grav):
    config = system()
    config["home"] = {"alias": "/start"}
    grav = make_grav(config)
    grav.write("01.start/default.en.md", "Welcome.", header={"title": "Home"})
    grav.write("02.home/default.en.md", "Not the home page here.", header={"title": "Other"})
    grav.write("01.start/01.child/default.en.md", "Child.", header={"title": "Child"})
    assert urls(grav) == {
        "01.start/default.en.md": "/en",
        "02.home/default.en.md": "/en/home",
        "01.start/01.child/default.en.md": "/en/start/child",
    }


def test_hide_home_in_urls_lifts_children_to_the_root(make_grav):
    config = system()
    config["home"] = {"alias": "/home", "hide_in_urls": True}
    grav = make_grav(config)
    grav.write("01.home/default.en.md", "Welcome.", header={"title": "Home"})
    grav.write("01.home/02.about/default.en.md", "About.", header={"title": "About"})
    assert urls(grav) == {"01.home/default.en.md": "/en", "01.home/02.about/default.en.md": "/en/about"}


def test_modular_parts_are_not_routable(grav):
    grav.write("01.home/modular.en.md", "Home.", header={"title": "Home"})
    grav.write("01.home/_intro/text.en.md", "Intro part.", header={"title": "Intro"})
    grav.write("01.home/_intro/01.deeper/text.en.md", "Deeper part.", header={"title": "Deeper"})
    assert grav.reindex().errors == []
    docs = grav.documents()
    assert docs["01.home/modular.en.md"]["routable"] is True
    assert docs["01.home/_intro/text.en.md"]["routable"] is False
    assert docs["01.home/_intro/01.deeper/text.en.md"]["routable"] is False


def test_special_characters_in_folder_names_are_percent_encoded(grav):
    grav.write("02.news/03.Café au lait 100% #1/item.en.md", "Text.", header={"title": "T"})
    grav.write("02.news/04.Жаңалық/item.kk.md", "Мәтін.", header={"title": "T"})
    got = urls(grav)
    assert got["02.news/03.Café au lait 100% #1/item.en.md"] == "/en/news/caf%C3%A9%20au%20lait%20100%25%20%231"
    assert got["02.news/04.Жаңалық/item.kk.md"] == "/kk/news/%D0%B6%D0%B0%D2%A3%D0%B0%D0%BB%D1%8B%D2%9B"


def test_nfd_and_nfc_folder_names_give_the_same_url(grav):
    nfc = unicodedata.normalize("NFC", "01.Қазақ-café")
    nfd = unicodedata.normalize("NFD", "02.Қазақ-café")
    assert nfc.encode() != unicodedata.normalize("NFD", nfc).encode()  # guard: the names differ in form
    a = grav.write(f"{nfc}/default.en.md", "A.", header={"title": "A"})
    b = grav.write(f"{nfd}/default.en.md", "B.", header={"title": "B"})
    site = grav.site()
    expected = "/en/%D2%9B%D0%B0%D0%B7%D0%B0%D2%9B-caf%C3%A9"
    assert read_page(site, site.pages_dir / a.relative_to(grav.pages)).url == expected
    assert read_page(site, site.pages_dir / b.relative_to(grav.pages)).url == expected


def test_uppercase_folders_keep_case_when_lowercasing_is_off(make_grav):
    config = system()
    config["force_lowercase_urls"] = False
    grav = make_grav(config)
    grav.write("02.News/01.Big-Event/item.en.md", "Text.", header={"title": "T"})
    assert urls(grav) == {"02.News/01.Big-Event/item.en.md": "/en/News/Big-Event"}
