"""The statistics CSVs built from the web (/reports/new/) are for people: headings in words, and no internal ids
(issue 23). The command line (`attend report`) and the Python API keep the engine's column names
(docs/statistics.md)."""

from __future__ import annotations

import pandas as pd

# Row ids inside Attend's database: meaningless outside it (the school's URN and the pupil's UPN say who it is).
INTERNAL = ("school_id", "enrolment_id")

HEADINGS = {
    "upn": "UPN",
    "school_urn": "School URN",
    "school_name": "School",
    "phase": "Phase",
    "la_code": "LA code",
    "la_name": "Local authority",
    "region_name": "Region",
    "trust_name": "Trust",
    "nc_year": "Year group",
    "cohort": "Pupils counted",
    "enrolments": "Enrolments",
    "pupils": "Pupils",
    "overall_attendance": "Sessions attended",
    "attendance": "Sessions attended",
    "present_sessions": "Sessions present",
    "approved_educational_activity": "Approved educational activity sessions",
    "overall_absence": "Overall absence sessions",
    "sessions_missed": "Sessions missed",
    "authorised_absence": "Authorised absence sessions",
    "unauthorised_absence": "Unauthorised absence sessions",
    "late_sessions": "Late sessions",
    "persistent_absence": "Persistent absence (10% or more)",
    "severe_absence": "Severe absence (50% or more)",
    "persistent_absence_enrolments": "Persistently absent enrolments",
    "severe_absence_enrolments": "Severely absent enrolments",
    "pa_perc": "Persistent absence rate (%)",
    "sa_perc": "Severe absence rate (%)",
    "attendance_perc": "Attendance (%)",
    "attendance_pct": "Attendance (%)",
    "overall_absence_perc": "Overall absence (%)",
    "overall_absence_pct": "Overall absence (%)",
    "authorised_absence_perc": "Authorised absence (%)",
    "authorised_absence_pct": "Authorised absence (%)",
    "unauthorised_absence_perc": "Unauthorised absence (%)",
    "unauthorised_absence_pct": "Unauthorised absence (%)",
    "illness_perc": "Illness, I (%)",
    "illness_pct": "Illness, I (%)",
    "appointments_perc": "Medical appointments, M (%)",
    "unauth_hol_perc": "Unauthorised holiday, G (%)",
    "unauth_oth_perc": "Unauthorised, other reason, O (%)",
    "unauth_late_registers_closed_perc": "Late after the register closed, U (%)",
    "unauth_not_yet_perc": "Reason not yet given, N (%)",
    "auth_religious_perc": "Religious observance, R (%)",
    "auth_study_perc": "Study leave, S (%)",
    "auth_mob_perc": "Parent travelling for occupational purposes, T (%)",
    "auth_excluded_perc": "Suspended or excluded, E (%)",
    "auth_performance_perc": "Performance, C1 (%)",
    "auth_interview_perc": "Interview, J1 (%)",
    "auth_part_time_perc": "Part-time timetable, C2 (%)",
    "auth_other_perc": "Other authorised, C (%)",
    "days_missed": "Days missed",
    "hours_missed": "Hours missed",
    "absence_spells": "Spells of absence",
    "longest_spell_sessions": "Longest spell (sessions)",
    "unauthorised_last_10_weeks": "Unauthorised absence, last 10 weeks (sessions)",
}


def heading(column: str) -> str:
    """A column's heading in words; a column not named above reads as its name in words."""
    if column in HEADINGS:
        return HEADINGS[column]
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def for_people(df: pd.DataFrame) -> pd.DataFrame:
    """The report without internal ids, its headings in words."""
    kept = df.drop(columns=[c for c in INTERNAL if c in df.columns])
    return kept.rename(columns={c: heading(c) for c in kept.columns})
