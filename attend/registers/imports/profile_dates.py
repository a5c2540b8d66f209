"""Values as MIS reports print them: dates in several formats, sessions in several spellings, and the session
headers of a wide register report ("Mon 08/09/2025 AM", or a date row above an AM/PM row).

Each function works on one distinct value; the readers (profile_read.py) call them once per distinct value of a
column and spread the verdict to the rows with numpy, as marks.py does.
"""

from __future__ import annotations

import datetime as dt
import re

DATE_FORMATS = {
    "auto": "any of the formats below (dd/mm/yyyy is read day first, as in England)",
    "dd/mm/yyyy": "day/month/year, such as 08/09/2025 (also 8/9/2025, 08-09-2025, 08.09.2025)",
    "dd/mm/yy": "day/month/two-digit year, such as 08/09/25 (years 2000 to 2099)",
    "yyyy-mm-dd": "ISO, such as 2025-09-08",
    "dd-mmm-yyyy": "day, month name, year, such as 08-Sep-2025 or 8 September 2025",
    "excel": "an Excel serial day number, such as 45908 (days since 30/12/1899)",
}

_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DMY2 = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMONY = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{4}|\d{2})$")
_SERIAL = re.compile(r"^(\d{5})(\.0+)?$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial days from 01/01/2000 to 31/12/2099: anything else is not a school day's date.
_SERIAL_RANGE = (36526, 73415)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dmy(value: str) -> dt.date | None:
    m = _DMY.match(value)
    return _date(int(m[3]), int(m[2]), int(m[1])) if m else None


def _dmy2(value: str) -> dt.date | None:
    m = _DMY2.match(value)
    return _date(2000 + int(m[3]), int(m[2]), int(m[1])) if m else None


def _iso(value: str) -> dt.date | None:
    m = _ISO.match(value)
    return _date(int(m[1]), int(m[2]), int(m[3])) if m else None


def _dmony(value: str) -> dt.date | None:
    m = _DMONY.match(value)
    if not m or m[2].lower() not in _MONTHS:
        return None
    year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
    return _date(year, _MONTHS[m[2].lower()], int(m[1]))


def _excel(value: str) -> dt.date | None:
    m = _SERIAL.match(value)
    if not m or not _SERIAL_RANGE[0] <= int(m[1]) <= _SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(m[1]))


_PARSERS = {"dd/mm/yyyy": _dmy, "dd/mm/yy": _dmy2, "yyyy-mm-dd": _iso, "dd-mmm-yyyy": _dmony, "excel": _excel}


def parse_any_date(value: str, date_format: str = "auto") -> dt.date | None:
    """`value` read in `date_format` (DATE_FORMATS), or None. A midnight time after the date ("08/09/2025
    00:00:00", as spreadsheets save dates) is ignored; any other time of day is not a register date."""
    value = value.strip()
    if (tail := _TIME_TAIL.search(value)) and date_format != "excel":
        if tail[0].strip(" T").split(":")[:2] != ["00", "00"]:
            return None
        value = value[: tail.start()]
    if date_format != "auto":
        return _PARSERS[date_format](value)
    for parse in _PARSERS.values():
        if parsed := parse(value):
            return parsed
    return None


def date_problem(value: str, date_format: str) -> str:
    if not value.strip():
        return "a date is required"
    return f"not a date in the form {DATE_FORMATS[date_format] if date_format != 'auto' else 'the profile reads'}: {value!r}"


# ----- sessions

_SESSIONS = {
    "am": "AM", "a": "AM", "morning": "AM", "a.m.": "AM", "mor": "AM",
    "pm": "PM", "p": "PM", "afternoon": "PM", "p.m.": "PM", "aft": "PM",
}  # fmt: skip


def parse_session(value: str) -> str | None:
    """AM or PM from AM/PM, a/p, Morning/Afternoon (any case, surrounding spaces ignored); None otherwise."""
    return _SESSIONS.get(value.strip().casefold())


SESSION_REASON = "must be AM or PM (or a/p, Morning/Afternoon)"


# ----- wide headers

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"), ("thu", "thur", "thurs", "thursday"),
         ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday")]
    )
    for name in names
}  # fmt: skip
_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_HEADER = re.compile(
    r"^(?:(?P<weekday>[A-Za-z]{3,9})[ ,]+)?(?P<date>.+?)(?:[ _-]+(?P<session>[A-Za-z.]{1,9}))?$"
)


class HeaderDate:
    """A wide header cell read as (date, session); `problem` says why a cell that names a weekday and a date
    cannot be trusted (the weekday does not match the date: usually a month-first date)."""

    def __init__(self, date: dt.date | None, session: str | None, problem: str = ""):
        self.date, self.session, self.problem = date, session, problem


def parse_header(cell: str, date_format: str = "auto") -> HeaderDate | None:
    """A wide report's column header: "Mon 08/09/2025 AM", "08/09/2025 PM", "2025-09-08 AM", "Monday 8 Sep 2025
    Morning" -> (date, session); "Mon 08/09/2025" or "08/09/2025" (a date row of a two-row header) -> (date, None).
    None if the cell is not a date header at all (a name, "UPN", "Attendance %")."""
    text = " ".join(cell.split())
    m = _HEADER.match(text)
    if not m:
        return None
    date_text, session_text = m["date"], m["session"]
    session = parse_session(session_text) if session_text else None
    if session_text and session is None:  # "8 Sep 2025": the last word was part of the date
        date_text, session_text = f"{date_text} {session_text}", None
    date = parse_any_date(date_text, date_format)
    if date is None:
        return None
    weekday = m["weekday"]
    if weekday:
        number = _WEEKDAYS.get(weekday.casefold())
        if number is None:
            return None
        if number != date.weekday():
            return HeaderDate(
                date,
                session,
                f"{cell.strip()!r}: {date:%d/%m/%Y} is a {_WEEKDAY_NAMES[date.weekday()]}, not a "
                f"{_WEEKDAY_NAMES[number]} (is the date month first? Attend reads dd/mm/yyyy)",
            )
    return HeaderDate(date, session)
