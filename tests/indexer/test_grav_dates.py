"""Grav's date formats, read in the site's timezone (indexer.dates.parse_date)."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from indexer.dates import parse_date

ALMATY = ZoneInfo("Asia/Almaty")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("22-07-2019 10:00", datetime(2019, 7, 22, 10, 0)),  # the archive's d-m-Y H:i
        ("22-07-2019", datetime(2019, 7, 22)),
        ("01/02/2024", datetime(2024, 1, 2)),  # '/' is m/d/Y: 2 January
        ("01-02-2024", datetime(2024, 2, 1)),  # '-' is d-m-Y: 1 February
        ("01.02.2024", datetime(2024, 2, 1)),  # '.' is d.m.Y
        ("12/31/2023 11:30 pm", datetime(2023, 12, 31, 23, 30)),
        ("2015-01-23 13:00", datetime(2015, 1, 23, 13, 0)),  # ISO, left a string by YAML (no seconds)
        ("2022-01-06", datetime(2022, 1, 6)),
        ("  22-07-2019 10:00 ", datetime(2019, 7, 22, 10, 0)),
    ],
)
def test_grav_date_strings(text, expected):
    got = parse_date(text, ALMATY)
    assert got == expected.replace(tzinfo=ALMATY)
    assert (got.year, got.month, got.day, got.hour, got.minute) == (
        expected.year,
        expected.month,
        expected.day,
        expected.hour,
        expected.minute,
    )


def test_slash_and_dash_orders_differ():
    assert parse_date("01/02/2024", UTC).date() == date(2024, 1, 2)
    assert parse_date("01-02-2024", UTC).date() == date(2024, 2, 1)


def test_unquoted_yaml_date_and_datetime():
    header = yaml.safe_load("date: 2022-01-06\npublish_date: 2022-01-06 09:30:00\n")
    assert type(header["date"]) is date
    assert type(header["publish_date"]) is datetime
    assert parse_date(header["date"], ALMATY) == datetime(2022, 1, 6, tzinfo=ALMATY)
    assert parse_date(header["publish_date"], ALMATY) == datetime(2022, 1, 6, 9, 30, tzinfo=ALMATY)


def test_naive_dates_are_read_in_the_site_timezone():
    almaty = parse_date("22-07-2019 10:00", ALMATY)
    utc = parse_date("22-07-2019 10:00", UTC)
    # Almaty was UTC+6 in 2019: the same wall-clock time is six hours earlier in absolute time.
    assert ALMATY.utcoffset(datetime(2019, 7, 22, 10, 0)) == timedelta(hours=6)
    assert utc - almaty == timedelta(hours=6)
    assert almaty.utcoffset() == timedelta(hours=6)
    assert almaty.astimezone(timezone.utc) == datetime(2019, 7, 22, 4, 0, tzinfo=timezone.utc)


def test_the_offset_follows_the_zone_history():
    # Kazakhstan moved Almaty from UTC+6 to UTC+5 on 1 March 2024: zoneinfo decides, not a fixed offset.
    before = parse_date("01-01-2024 12:00", ALMATY)
    after = parse_date("01-06-2024 12:00", ALMATY)
    assert before.utcoffset() == ALMATY.utcoffset(datetime(2024, 1, 1, 12))
    assert after.utcoffset() == ALMATY.utcoffset(datetime(2024, 6, 1, 12))
    assert (before.hour, after.hour) == (12, 12)


def test_aware_dates_keep_their_instant_and_are_shown_in_the_site_timezone():
    aware = datetime(2020, 5, 1, 0, 0, tzinfo=timezone.utc)
    got = parse_date(aware, ALMATY)
    assert got == aware
    assert got.tzinfo == ALMATY
    assert (got.day, got.hour) == (1, 6)
    got = parse_date("2020-05-01T00:00:00Z", ALMATY)
    assert got == aware and got.hour == 6


@pytest.mark.parametrize(
    "value",
    ["", "   ", "yesterday", "not a date", "32-01-2020", "13/13/2020", "2020-02-30", "22-07-19xx", True, None, [], {}],
)
def test_garbage_is_refused(value):
    with pytest.raises(ValueError):
        parse_date(value, ALMATY)
