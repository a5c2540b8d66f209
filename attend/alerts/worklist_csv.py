"""The work list as CSV for people (a spreadsheet for the targeting support meeting): headings in words."""

from __future__ import annotations

from .worklist import LA, Row, WorkList, rule_title

# Headings in words (issue 23): the CSV is for people (a spreadsheet for the targeting support meeting). Codes a
# person cannot use (rule ids, alert ids) are given as titles and a link to the pupil's alerts page; dates stay ISO
# (YYYY-MM-DD), which spreadsheets sort. The API's JSON keeps its own names (attend.api).
CSV_COLUMNS = [
    "Rank",
    "Priority",
    "Why this order",
    "UPN",
    "Pupil",
    "School URN",
    "School",
    "Alerts",
    "Reason",
    "Next step",
    "Routed to",
    "On today's list",
    "Raised on",
    "Statuses",
    "Alerts page",
    "How the priority is worked out",
]


def row_link(row: Row, base: str = "") -> str:
    """The page a person acts on the row from: the pupil's alerts page (a whole-school row: the school's list).
    `base` is the service's address (https://attend.example.gov.uk), else the link is a path."""
    from urllib.parse import quote

    if row.pupil is not None:
        return f"{base}/work/pupils/{quote(row.pupil.upn)}/"
    return f"{base}/work/?list=school&school={row.school.urn}"


def csv_rows(worklist: WorkList, *, base: str = ""):
    """The list as CSV rows (header first), every row with its order explained in words and in figures."""
    yield CSV_COLUMNS
    for rank, row in enumerate(worklist.rows, start=1):
        pupil = row.pupil
        yield [
            rank,
            row.score,
            row.why_text,
            pupil.upn if pupil else "",
            f"{pupil.preferred_forename or pupil.legal_forename} {pupil.legal_surname}" if pupil else "",
            row.school.urn,
            row.school.name,
            "; ".join(rule_title(a.rule) for a in row.alerts),
            row.reason,
            row.next_step,
            "; ".join(
                f"{'LA' if side == LA else 'School'}: {name or 'team list'}"
                for side, name in sorted(row.routed_to.items())
            ),
            "Yes" if row.today else "No",
            min(a.raised_on for a in row.alerts).isoformat(),
            "; ".join(a.get_status_display() for a in row.alerts),
            row_link(row, base),
            f"{row.because_text} = {row.score}",
        ]
