"""A page's picture: the header's, else its text's first, else its folder's first — never a missing file."""

from pathlib import Path

import pytest

from indexer.media import picture
from indexer.text import read_body


@pytest.fixture
def folder(tmp_path) -> Path:
    page = tmp_path / "pages" / "02.news" / "01.post"
    page.mkdir(parents=True)
    for name in ("b-photo.jpg", "a-chart.PNG", "notes.pdf"):
        (page / name).write_bytes(b"\xff\xd8 not really")
    return page


def pick(header: dict, text: str, folder: Path):
    """The picture of a page with ``header`` and markdown ``text`` in ``folder``."""
    _, _, images = read_body(text)
    return picture(header, images, folder, folder.parents[1])


def test_the_headers_image_comes_first_as_a_file_of_the_folder_or_a_url(folder):
    assert pick({"header_image": "b-photo.jpg"}, "![x](a-chart.PNG)", folder) == (
        "/user/pages/02.news/01.post/b-photo.jpg",
        "",
    )
    assert pick({"image": "https://cdn.example/p.jpg"}, "", folder) == ("https://cdn.example/p.jpg", "")
    assert pick({"hero_image": "/user/themes/quark/hero.jpg"}, "", folder)[0] == "/user/themes/quark/hero.jpg"


def test_a_header_naming_a_missing_file_falls_through_to_the_text(folder):
    url, alt = pick({"header_image": "gone.jpg"}, 'Text ![A chart of donors](a-chart.PNG "Chart") more', folder)
    assert (url, alt) == ("/user/pages/02.news/01.post/a-chart.PNG", "A chart of donors")


def test_the_texts_first_existing_image_is_taken_with_its_alternative_text(folder):
    text = '![gone](missing.jpg) <img alt="Photo of the ward" src="b-photo.jpg?cropResize=300,300"> ![c](a-chart.PNG)'
    assert pick({}, text, folder) == ("/user/pages/02.news/01.post/b-photo.jpg", "Photo of the ward")


def test_otherwise_the_folders_first_image_by_name(folder):
    assert pick({}, "No pictures here. ![outside](https://example.org/x.jpg)", folder)[0].endswith("/a-chart.PNG")


@pytest.mark.parametrize("name", ["../01.post/b-photo.jpg", "../../secret.jpg", "sub/b-photo.jpg", "notes.pdf", ""])
def test_only_the_pages_own_image_files_are_named(folder, name):
    (folder / "a-chart.PNG").unlink()
    (folder / "b-photo.jpg").unlink()
    assert pick({"header_image": name}, f"![x]({name})", folder) == (None, "")


def test_names_are_percent_encoded_as_urls(folder):
    (folder / "фото 1.jpg").write_bytes(b"x")
    url, _ = pick({"header_image": "фото 1.jpg"}, "", folder)
    assert url == "/user/pages/02.news/01.post/%D1%84%D0%BE%D1%82%D0%BE%201.jpg"
