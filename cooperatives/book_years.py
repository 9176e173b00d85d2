"""Book-year arithmetic. A book year is named by the calendar year in which it ends."""

import calendar
from datetime import date


def book_year_end(year: int, end_month: int) -> date:
    return date(year, end_month, calendar.monthrange(year, end_month)[1])


def book_year_of(day: date, end_month: int) -> int:
    """The book year a day belongs to."""
    return day.year if day.month <= end_month else day.year + 1


def last_closed_book_year(as_of: date, end_month: int) -> int:
    """The latest book year whose last day is before `as_of`."""
    return book_year_of(as_of, end_month) - 1
