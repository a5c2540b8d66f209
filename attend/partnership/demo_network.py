"""Demo hook: professional networks for the demo LA's children with a social worker or looked after."""

from __future__ import annotations

from django.db.models import Q

from attend.people.models import Pupil

from .network import set_member

SOCIAL_WORKERS = [
    ("Priya Shah", "01632 960101"),
    ("Marcus Bell", "01632 960102"),
    ("Ines Duarte", "01632 960103"),
]
CASEWORKERS = [("Dan Ellis", "01632 960201"), ("Ruth Okoro", "01632 960202")]


def _address(name: str, domain: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


def add_demo_network(*, la_code: str, by=None, social_worker=None, limit: int = 24) -> int:
    """Give up to `limit` pupils of the LA with a social worker (child in need, child protection plan) or looked
    after a network: an allocated social worker, and for looked-after children a virtual school caseworker;
    every third one also an early help lead. With `social_worker` (a user with the social worker role and an
    email address), they are the allocated social worker of the first four, who are then linked to them and show
    on their "My pupils" page. Returns the number of pupils given a network. Synthetic names and addresses
    (example.gov.uk); nothing is sent."""
    pupils = (
        Pupil.objects.filter(enrolments__school__local_authority__code=la_code)
        .filter(Q(child_in_need=True) | Q(child_protection_plan=True) | Q(looked_after=True))
        .distinct()
        .order_by("pk")[:limit]
    )
    count = 0
    for i, pupil in enumerate(pupils):
        if social_worker is not None and i < 4:
            name, phone = social_worker.get_full_name() or social_worker.get_username(), "01632 960100"
            email = social_worker.email
        else:
            name, phone = SOCIAL_WORKERS[i % len(SOCIAL_WORKERS)]
            email = _address(name, "demoshire-cs.example.gov.uk")
        set_member(
            pupil,
            "social_worker",
            by=by,
            name=name,
            organisation="Demoshire Children's Services",
            email=email,
            phone=phone,
        )
        if pupil.looked_after:
            name, phone = CASEWORKERS[i % len(CASEWORKERS)]
            set_member(
                pupil,
                "virtual_school",
                by=by,
                name=name,
                organisation="Demoshire Virtual School",
                email=_address(name, "demoshire-vs.example.gov.uk"),
                phone=phone,
            )
        if i % 3 == 0:
            set_member(
                pupil,
                "early_help",
                by=by,
                name="Jo Reed",
                organisation="Demoshire Early Help",
                email="jo.reed@demoshire-eh.example.gov.uk",
            )
        count += 1
    return count
