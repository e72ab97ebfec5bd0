"""Grav's date formats, read in the site's timezone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Grav reads dates with PHP's strtotime: '-' means day-month-year, '/' means
# month/day/year, '.' means day.month.year.
_FORMATS = [
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M%p",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
]


def parse_date(value, tz: ZoneInfo) -> datetime:
    """Return ``value`` (a frontmatter date) as an aware datetime; raise ValueError if it is not one."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    elif isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=UTC).astimezone(tz)
    elif isinstance(value, str):
        dt = _parse_string(value.strip())
    else:
        raise ValueError(f"not a date: {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(tz)


def _parse_string(text: str) -> datetime:
    if not text:
        raise ValueError("empty date")
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a date Grav understands: {text!r}") from None
