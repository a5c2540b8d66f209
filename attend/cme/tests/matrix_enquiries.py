"""The CME enquiries' rows for attend/core/tests/test_write_endpoint_matrix.py: Southshire's records (Lou and Mo
Mover at Cedar) and one write attempt per POST page, as keyword arguments for the matrix's Attempt. Every persona
is at Alder or in Northshire, so each attempt is out of their scope (404; the by-hand page: the form again, since
the LA is a field of the form)."""

from __future__ import annotations

ENQUIRY_COVERED = {"cme:enquiry-new", "cme:enquiry-check", "cme:enquiry-close", "cme:enquiry-refer"}


def southshire_enquiries(w: dict) -> None:
    """Lou Mover at Cedar with an open CME enquiry (Southshire's); Mo Mover at Cedar with none yet; Pip Mover at
    Cedar, living in Northshire, whose enquiry Southshire (the school's LA) is to refer to Northshire."""
    from attend.cme.enquiries import open_enquiry
    from attend.core.tests.factories import make_pupil

    cedar = w["cedar"]
    w["lou"] = make_pupil(school=cedar, surname="Mover", legal_forename="Lou")
    w["mo"] = make_pupil(school=cedar, surname="Mover", legal_forename="Mo")
    w["south_enquiry"] = open_enquiry(
        by=None, source="school", pupil=w["lou"], concern="Not seen since half term"
    )
    pip = make_pupil(school=cedar, surname="Mover", legal_forename="Pip")
    w["pip_enquiry"] = open_enquiry(
        by=None, source="school", pupil=pip, lives_in_la=w["la"], concern="Family moved across the border"
    )


def enquiry_attempts(w: dict) -> list[dict]:
    from attend.core.tests.moves import TODAY

    ref, south, today = w["south_enquiry"].ref, w["other_la"], TODAY.isoformat()
    check = {"kind": "contacts", "party": "la", "done_on": today, "done_by_name": "Intruder", "result": "x"}
    return [
        dict(name="a CME enquiry for another LA's pupil", url=f"/cme/enquiries/new/?upn={w['mo'].upn}",
             data={"source": "school", "concern": "Not my pupil"}, permission="cme.enquire"),
        dict(name="a CME enquiry by hand in another LA", url="/cme/enquiries/new/",
             data={"surname": "Nowak", "local_authority": str(south.pk), "concern": "Not my LA"},
             permission="cme.enquire", refusal="form"),
        dict(name="an enquiry recorded on another LA's CME enquiry", url=f"/cme/enquiries/{ref}/record/",
             data=check, permission="cme.enquire"),
        dict(name="close another LA's CME enquiry", url=f"/cme/enquiries/{ref}/close/",
             data={"outcome": "left_country", "on": today, "note": "Not my enquiry"}, permission="cme.decide"),
        dict(name="refer another LA's CME enquiry to the LA where the child lives",
             url=f"/cme/enquiries/{w['pip_enquiry'].ref}/refer/lives_there/",
             data={"sent_to": "Intruder", "summary": "Not my referral"}, permission="cme.decide"),
    ]  # fmt: skip
