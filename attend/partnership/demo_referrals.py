"""The demo LA's services directory and referrals at every status.

`record_demo_referrals(la_code, *, by)` fills the LA's directory (`seed_services_directory`, idempotent: a service
is matched by name) and makes referrals from the LA's open cases through attend.partnership.referrals, so the
chronology, the audit trail and the work list show them as they would an officer's: one sent and still within
its reply time, one sent with no reply past it (on the work list), one accepted, one declined, one closed with an
outcome, and a safeguarding referral to the social care front door made without consent. Contact details are
synthetic (example.org addresses, Ofcom's drama numbers 01632 960xxx).
"""

from __future__ import annotations

import datetime as dt

from attend.casework.models import OPEN_CASE_STATUSES, Case
from attend.core import clock
from attend.directory.models import Service
from attend.schools.models import LocalAuthority

from .models_referrals import LawfulBasis, Referral
from .referrals import referral_make, referral_update, sync_referral_reminders

K = Service.Kind
# (name, kind, contact, how to refer, reply within days, consent required, area, active)
SERVICES = [
    ("Education Support Service", K.EDUCATION_SUPPORT, "ess@example.org, 01632 960101",
     "Referral form on the LA portal after the school's own support has been tried for at least 6 weeks; attach "
     "the attendance record and the support plan.", 10, True, "Whole borough", True),
    ("Children Missing Education team", K.CME, "cme@example.org, 01632 960102",
     "Email the CME referral form the same day a child's whereabouts are unknown after the school's reasonable "
     "enquiries (10 school days' continuous absence or 20 days' total).", 2, False, "Whole borough", True),
    ("Elective Home Education service", K.EHE, "ehe@example.org, 01632 960103",
     "Tell the service when a parent writes to take a child off roll for home education; include the letter.",
     10, False, "Whole borough", True),
    ("Gypsy, Roma and Traveller education service", K.GRT, "grt.education@example.org, 01632 960104",
     "Phone or email with the family's consent; the service visits sites and can arrange dual registration.",
     10, True, "Whole borough", True),
    ("Child Employment and Entertainment", K.CHILD_EMPLOYMENT, "child.employment@example.org, 01632 960105",
     "Email details of the work or performance and the absences linked to it; licences are checked the same "
     "week.", 5, False, "Whole borough", True),
    ("Early Help hub", K.EARLY_HELP, "earlyhelp@example.org, 01632 960106",
     "Early help assessment request form, signed by a parent; the hub allocates a lead practitioner within 10 "
     "working days.", 14, True, "Whole borough", True),
    ("Children's social care front door (MASH)", K.SOCIAL_CARE, "mash@example.org, 01632 960107 (24 hours)",
     "If a child is at risk of significant harm, phone now, then send the multi-agency referral form within 24 "
     "hours. Consent is sought where safe, but never delays a referral.", 1, False, "Whole borough", True),
    ("Police public protection unit", K.POLICE, "ppu@example.org, 01632 960108; 999 in an emergency",
     "Phone the unit; for an immediate risk call 999.", 1, False, "Whole borough", True),
    ("Mental Health Support Team in schools (CAMHS)", K.CAMHS, "mhst@example.org, 01632 960109",
     "The school's mental health lead refers with the parent's (and, if 13 or over, the young person's) "
     "consent; urgent concerns to the CAMHS duty line.", 20, True, "North and East localities", True),
    ("School nursing", K.SCHOOL_NURSING, "schoolnursing@example.org, 01632 960110",
     "Request for service form with the parent's consent; drop-in clinics at secondary schools weekly.",
     14, True, "Whole borough", True),
    ("Young carers service", K.YOUNG_CARERS, "youngcarers@example.org, 01632 960111",
     "Referral form with the family's consent; a carer's needs assessment follows within 4 weeks.",
     20, True, "Whole borough", True),
    ("Virtual school", K.VIRTUAL_SCHOOL, "virtualschool@example.org, 01632 960112",
     "For children looked after, previously looked after or with a social worker: email the caseworker named "
     "on the child's personal education plan.", 5, False, "Children in the LA's care, wherever they live", True),
    ("Youth justice service", K.YOUTH_JUSTICE, "yjs@example.org, 01632 960113",
     "Contact the young person's youth justice worker, or the duty officer if none is allocated.",
     5, False, "Whole borough", True),
    ("SEND team", K.SEND, "send@example.org, 01632 960114",
     "Request for an EHC needs assessment through the SEND portal, or ask the SEND caseworker named on the plan "
     "to review it.", 20, True, "Whole borough", True),
    ("Housing options", K.HOUSING, "housing.options@example.org, 01632 960115",
     "With the family's consent, the duty to refer form (Homelessness Reduction Act 2017) for a family homeless "
     "or at risk within 56 days.", 10, True, "Whole borough", True),
    ("Families First pilot (closed March 2025)", K.EARLY_HELP, "familiesfirst@example.org",
     "Closed: refer to the Early Help hub instead.", 10, True, "West locality", False),
]  # fmt: skip


def seed_services_directory(la: LocalAuthority) -> int:
    """Add (or bring up to date) the demo LA's services. Returns how many there are."""
    for name, kind, contact, how, days, consent, area, active in SERVICES:
        Service.objects.update_or_create(
            local_authority=la,
            name=name,
            defaults={
                "kind": kind,
                "contact": contact,
                "how_to_refer": how,
                "reply_within_days": days,
                "consent_required": consent,
                "area": area,
                "active": active,
            },
        )
    return len(SERVICES)


# (service, reason, consent by (blank: none), days ago sent, steps [(status, days after sent, note, outcome)])
REFERRALS = [
    ("Early Help hub", "Mum is struggling with mornings since the new baby; would like family support.",
     "Mother", 3, []),
    ("Mental Health Support Team in schools (CAMHS)", "Anxiety about school, worst on Sunday nights; has said "
     "she feels sick at the gate.", "Mother", 30, []),
    ("Young carers service", "Cares for his dad after a stroke; late most days.", "Father", 25,
     [("accepted", 6, "Allocated to a young carers worker; assessment booked.", "")]),
    ("Housing options", "Family in one room in temporary accommodation 9 miles from school.", "Mother", 40,
     [("declined", 8, "Already known: the family has an open homelessness application.", "")]),
    ("School nursing", "Frequent absences for headaches; parent asks for a health review.", "Mother", 50,
     [("accepted", 5, "Seen in clinic.", ""),
      ("closed", 35, "Reviewed by the GP too.", "Eyesight test: glasses prescribed; headaches have stopped.")]),
    ("Children's social care front door (MASH)", "Disclosure in school of being left alone overnight; DSL "
     "phoned the front door the same day.", "", 2, [("accepted", 1, "Strategy discussion held.", "")]),
]  # fmt: skip


def record_demo_referrals(la_code: str, *, by=None) -> dict[str, int]:
    """Seed the directory and make the demo referrals on the LA's open cases (one each, oldest cases first)."""
    la = LocalAuthority.objects.get(code=la_code)
    seeded = seed_services_directory(la)
    today = clock.today()
    services = {s.name: s for s in Service.objects.filter(local_authority=la)}
    cases = list(
        Case.objects.filter(
            status__in=OPEN_CASE_STATUSES,
            school__local_authority=la,
            pupil__isnull=False,
            referrals__isnull=True,
        ).order_by("pk")[: len(REFERRALS)]
    )
    made = 0
    for case, (name, reason, consent_by, ago, steps) in zip(cases, REFERRALS, strict=False):
        sent_on = today - dt.timedelta(days=ago)
        basis = {} if consent_by else {"lawful_basis": LawfulBasis.SAFEGUARDING_S47}
        referral = referral_make(
            case,
            by=by,
            service=services[name],
            reason=reason,
            consent_given_by=consent_by,
            consent_given_on=sent_on if consent_by else None,
            sent_on=sent_on,
            **basis,
        )
        for status, after, note, outcome in steps:
            referral = Referral.objects.get(pk=referral.pk)
            on = min(today, sent_on + dt.timedelta(days=after))
            referral_update(referral, by=by, status=status, on=on, note=note, outcome=outcome)
        made += 1
    reminders = sync_referral_reminders(today)
    return {"services": seeded, "referrals": made, "reminders": reminders["raised"]}
