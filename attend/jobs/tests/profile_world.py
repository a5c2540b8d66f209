"""Data for the MIS register report flow's tests: a school with three pupils, and their register for three days
(Monday 17 to Wednesday 19 November 2025) as two MIS reports would print it: long (one row per pupil per session)
and wide (one row per pupil, one column per session)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from attend.people.models import Enrolment

from ...core.tests.factories import make_pupil

DAYS = [dt.date(2025, 11, 17), dt.date(2025, 11, 18), dt.date(2025, 11, 19)]
# Each pupil's marks, AM then PM for each day: present, an authorised illness, an unauthorised absence.
MARKS = {
    0: ["/", "\\", "/", "\\", "/", "\\"],
    1: ["I", "I", "/", "\\", "/", "\\"],
    2: ["/", "\\", "O", "O", "/", "\\"],
}


def pupils_at(school, n: int = 3) -> list:
    pupils = []
    for i in range(n):
        pupil = make_pupil(surname=f"Report{i}", legal_forename=["Ada", "Ben", "Cal"][i])
        Enrolment.objects.create(pupil=pupil, school=school, admission_date=dt.date(2025, 9, 3), nc_year="4")
        pupils.append(pupil)
    return pupils


def long_report(pupils, *, title: bool = True, repeat_header: bool = False) -> str:
    """A long register report: title lines above the header, dd/mm/yyyy dates, Morning/Afternoon, no URN."""
    lines = ["Attendance Marks Report,,,,", "Printed 20/11/2025,,,,"] if title else []
    header = "UPN,Surname,Date,Session,Mark"
    lines.append(header)
    for i, pupil in enumerate(pupils):
        for d, day in enumerate(DAYS):
            for s, session in enumerate(("Morning", "Afternoon")):
                lines.append(
                    f"{pupil.upn},{pupil.legal_surname},{day:%d/%m/%Y},{session},{MARKS[i][2 * d + s]}"
                )
        if repeat_header and i == 0:
            lines.append(header)  # a report repeats its header on each page
    return "\n".join(lines) + "\n"


def wide_report(pupils) -> str:
    """A wide register report: one column per session headed like `Mon 17/11/2025 AM`."""
    sessions = [f"{day:%a %d/%m/%Y} {s}" for day in DAYS for s in ("AM", "PM")]
    lines = ["UPN,Name," + ",".join(sessions)]
    for i, pupil in enumerate(pupils):
        lines.append(f"{pupil.upn},{pupil.legal_surname}," + ",".join(MARKS[i]))
    return "\n".join(lines) + "\n"


def csv_file(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload(client, name: str, text: str | bytes):
    return client.post("/imports/new/", {"kind": "profile", "file": csv_file(name, text)})


def long_mapping(at, **overrides) -> dict:
    data = {
        "profile": "",
        "layout": "long",
        "col_upn": "UPN",
        "col_school_urn": "",
        "col_date": "Date",
        "col_session": "Session",
        "col_code": "Mark",
        "date_format": "dd/mm/yyyy",
        "wide_header": "auto",
        "school": str(at.urn),
    }
    data.update(overrides)
    return data


def wide_mapping(at, **overrides) -> dict:
    data = {
        "profile": "",
        "layout": "wide",
        "col_upn": "UPN",
        "col_school_urn": "",
        "date_format": "auto",
        "wide_header": "one_row",
        "school": str(at.urn),
    }
    data.update(overrides)
    return data
