"""Publication dates as exports write them: month names and parts that must make a date."""

from __future__ import annotations

import datetime

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")


def month_number(name: str) -> int | None:
    """1–12 for an English month name or its three-letter abbreviation, any case."""
    key = name.strip().casefold()[:3]
    return _MONTH_NAMES.index(key) + 1 if len(name.strip()) >= 3 and key in _MONTH_NAMES \
        else None


def ymd(year: int | None, month: int | None, day: int | None) -> str | None:
    """``yyyy-mm-dd`` when all three parts are given and make a real calendar date."""
    if year is None or month is None or day is None:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
