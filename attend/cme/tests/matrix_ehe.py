"""Home education in the write-endpoint matrix (attend/core/tests/test_write_endpoint_matrix.py): Southshire's
records (the personas are at Alder or in Northshire), and one attempt per write page. Each attempt is refused for
every persona and changes nothing; the superuser's run shows the request works."""

from __future__ import annotations

import datetime as dt

from attend.people.models import Enrolment

EHE_COVERED = {"cme:ehe-new", "cme:ehe-consent", "cme:ehe-contact", "cme:ehe-return", "cme:ehe-end"}


def add_south_ehe(w: dict) -> None:
    """At Cedar (Southshire): Noor on roll (for a notice), two home-educated children and one at an LA-placed
    special school awaiting the LA's consent."""
    from attend.cme import ehe
    from attend.core.tests.factories import make_pupil

    def at_cedar(forename: str):
        pupil = make_pupil(surname="Hearth", legal_forename=forename)
        Enrolment.objects.create(
            pupil=pupil, school=w["cedar"], admission_date=dt.date(2025, 9, 3), nc_year="6"
        )
        return pupil

    w["ehe_noor"] = at_cedar("Noor")
    for key, forename, placed in (("ehe_a", "Ash", False), ("ehe_b", "Bay", False), ("ehe_wait", "Cy", True)):
        w[key] = ehe.record_notice(by=None, pupil=at_cedar(forename), school=w["cedar"],
                                   received_on=dt.date(2025, 11, 3), from_name="Pat Hearth",
                                   special_school_la_placed=placed)  # fmt: skip


def ehe_attempts(w: dict, attempt) -> list:
    """`attempt` is the matrix's Attempt class. Contact before return (a returned child takes no contacts)."""
    a, b, wait = w["ehe_a"], w["ehe_b"], w["ehe_wait"]
    base = "/cme/home-education"
    return [
        attempt("a home education notice for another LA's pupil", f"{base}/new/",
                {"upn": w["ehe_noor"].upn, "received_on": "2025-12-01", "from_name": "Pat Hearth"},
                "cme.deletion", refusal="form"),
        attempt("consent on another LA's home education record", f"{base}/{wait.ref}/consent/",
                {"decision": "given", "on": "2025-12-01", "version": wait.version}, "cme.ehe"),
        attempt("a contact on another LA's home education record", f"{base}/{a.ref}/contact/",
                {"kind": "visit", "on": "2025-12-01", "note": "Visited", "suitability": "appears_suitable"},
                "cme.ehe"),
        attempt("return another LA's home-educated child to school", f"{base}/{a.ref}/return/",
                {"school_urn": w["cedar"].urn, "on": "2025-12-01", "version": a.version}, "cme.ehe"),
        attempt("end another LA's home education record", f"{base}/{b.ref}/end/",
                {"reason": "moved_away", "on": "2025-12-01", "version": b.version}, "cme.ehe"),
    ]  # fmt: skip
