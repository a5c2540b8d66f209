"""Importing an MIS register report (attend/jobs/drafts.py) in the write-endpoint matrix
(attend/core/tests/test_write_endpoint_matrix.py). A draft opens for its uploader only: here the superuser uploaded
a report of Cedar's (Southshire) register, so every other persona's attempt on it is a 404 that changes nothing,
and the superuser's run (match the columns, then import) shows the requests work."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PROFILE_COVERED = {"jobs:draft-map", "jobs:draft-preview"}


def cedar_report(w: dict) -> str:
    kit = w["kit"]
    return (
        "Attendance Marks Report\nUPN,Surname,Date,Session,Mark\n"
        f"{kit.upn},{kit.legal_surname},01/12/2025,Morning,O\n{kit.upn},{kit.legal_surname},01/12/2025,Afternoon,O\n"
    )


def root_draft(w: dict):
    """The superuser's draft of Cedar's report (made once per world, when the personas' users exist)."""
    from attend.jobs.drafts import draft_start

    if "profile_draft" not in w:
        upload = SimpleUploadedFile("cedar-report.csv", cedar_report(w).encode(), content_type="text/csv")
        w["profile_draft"] = draft_start(user=w["root"], upload=upload)
    return w["profile_draft"]


def profile_attempts(w: dict, attempt) -> list:
    """`attempt` is the matrix's Attempt class. The mapping first: the superuser's import needs it."""
    draft = root_draft(w)
    mapping = {
        "profile": "", "layout": "long", "col_upn": "UPN", "col_school_urn": "", "col_date": "Date",
        "col_session": "Session", "col_code": "Mark", "date_format": "dd/mm/yyyy", "wide_header": "auto",
        "school": str(w["cedar"].urn),
    }  # fmt: skip
    return [
        # The draft row is the uploader's own (jobs are not in the checksum): the mapping changes no table.
        attempt("match the columns of another user's MIS report", f"/imports/drafts/{draft.pk}/", mapping,
                "import.run", changes=False),
        attempt("import another user's MIS report of another LA's marks", f"/imports/drafts/{draft.pk}/preview/",
                {}, "import.run"),
    ]  # fmt: skip
