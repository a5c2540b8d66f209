"""A small world for the referral tests: Maya Okafor at Alder Primary (Northshire) with an open case held by Sam
Patel, the LA officer; Northshire's directory seeded as the demo's is; Kit Faraway's case at Cedar Primary in
Southshire, whose one service Northshire's staff cannot use. Today is Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt

from attend.accounts.models import Membership
from attend.casework.cases import open_case
from attend.casework.models import Case
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.directory.models import Service
from attend.partnership.demo_referrals import seed_services_directory

R = Membership.Role
TODAY = dt.date(2025, 11, 19)


def make_referrals_world() -> dict:
    la = make_la()
    alder = make_school(la=la, name="Alder Primary")
    south = make_la(code="202", name="Southshire")
    cedar = make_school(la=south, name="Cedar Primary")
    maya = make_pupil(school=alder, surname="Okafor", legal_forename="Maya")
    kit = make_pupil(school=cedar, surname="Faraway", legal_forename="Kit")
    officer = make_user("sam.patel", role=R.LA_OFFICER, local_authority=la)
    officer.first_name, officer.last_name = "Sam", "Patel"
    officer.save()
    teacher = make_user("class.teacher", role=R.CLASS_TEACHER, school=alder)
    outsider = make_user("cedar.officer", role=R.SCHOOL_OFFICER, school=cedar)
    case, _ = open_case(by=officer, pupil=maya, school=alder, reason="Persistent absence alert")
    Case.objects.filter(pk=case.pk).update(la_officer=officer)
    case.refresh_from_db()
    south_case, _ = open_case(by=None, pupil=kit, school=cedar)
    seed_services_directory(la)
    south_service = Service.objects.create(
        local_authority=south, name="Southshire Early Help", kind="early_help", contact="eh@example.org",
        how_to_refer="Form", consent_required=True,
    )  # fmt: skip
    services = {s.name: s for s in Service.objects.filter(local_authority=la)}
    return {
        "la": la, "alder": alder, "cedar": cedar, "maya": maya, "kit": kit, "officer": officer,
        "teacher": teacher, "outsider": outsider, "case": case, "south_case": south_case,
        "south_service": south_service, "services": services,
        "early_help": services["Early Help hub"], "camhs": services["Mental Health Support Team in schools (CAMHS)"],
        "mash": services["Children's social care front door (MASH)"],
        "police": services["Police public protection unit"], "cme": services["Children Missing Education team"],
        "closed": services["Families First pilot (closed March 2025)"],
    }  # fmt: skip
