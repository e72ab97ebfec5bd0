"""The README documents what the code does."""

from pathlib import Path

from web.params import PARAMETERS
from web.settings import SETTINGS, table_markdown

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    assert "make serve" in quickstart and "make test" in quickstart


def test_every_setting_is_in_the_readme_table():
    assert table_markdown() in README, (
        "regenerate the table: python -c 'from web.settings import table_markdown; print(table_markdown())'"
    )
    for s in SETTINGS:
        assert s.env in README


def test_every_api_parameter_is_documented():
    for name in PARAMETERS:
        assert f"`{name}`" in README
