"""Demo hook for the lone-worker escalation: the named contacts who are told when an officer misses a check-in.

    from attend.visits import demo_escalation
    demo_escalation.seed(la, today, *officers)

Makes the LA team's office, manager and duty manager contacts, and each school officer's school office and
headteacher (as manager). Addresses are .example and numbers are Ofcom's drama range, so nothing reaches a real
person. Rounds that are out are escalated by the worker once `escalation.schedule(round_)` or
`attend visits check` has run (the demo's db_worker does the rest)."""

from __future__ import annotations

import datetime as dt

from .models import EscalationContact


def _contacts(owner: dict, slug: str, names: tuple[str, str, str | None]) -> list[EscalationContact]:
    made = []
    for n, (level, name) in enumerate(
        zip(("office", "manager", "duty_manager"), names, strict=True), start=1
    ):
        if name is None:
            continue
        contact, _ = EscalationContact.objects.get_or_create(
            level=level,
            name=name,
            defaults={
                "email": f"{level.replace('_', '-')}@{slug}.example",
                "mobile": f"07700 9003{n:02d}",
                **owner,
            },
            **owner,
        )
        made.append(contact)
    return made


def seed(la, today: dt.date, *officers) -> list[EscalationContact]:
    made = _contacts(
        {"local_authority": la},
        "la-team",
        ("Attendance team duty desk", "Team manager", "Out-of-hours duty manager"),
    )
    for officer in officers:
        membership = officer.memberships.filter(school__isnull=False).select_related("school").first()
        if membership is not None:
            school = membership.school
            made += _contacts(
                {"school": school}, f"school-{school.urn}", ("School office", "Headteacher", None)
            )
    return made
