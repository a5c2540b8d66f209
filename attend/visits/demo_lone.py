"""Demo hook for the lone-worker part (issue 18): officers' profiles, escalation contacts, and today's rounds (one
out and overdue, so the office dashboard shows red; one out and on time; one back).

Call `seed(la, today, *officers, now=None)` after the officers exist (each with a school or LA membership).
`make_round` is also the tests' factory for a round with risk-checked visits."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import lone
from .models import CheckIn, EscalationContact, OfficerProfile, Round, Visit

DEMO_ADDRESSES = [
    ("14 Mill Lane\nNorthtown", "NO1 4AB"),
    ("3 Church Walk\nNorthtown", "NO1 6CD"),
    ("27 Station Road\nEastby", "NO2 3EF"),
    ("Flat 2, 9 Park View\nEastby", "NO2 8GH"),
]


def make_profile(officer, *, mobile="07700 900123", training=dt.date(2024, 9, 10), dbs=dt.date(2024, 3, 1)):
    profile = lone.profile_of(officer)
    profile.mobile = mobile
    profile.vehicle_make, profile.vehicle_model = "Ford", "Fiesta"
    profile.vehicle_colour, profile.vehicle_registration = "Blue", "AB12 CDE"
    profile.description = "Tall, short grey hair, green waterproof coat"
    profile.emergency_contact_name, profile.emergency_contact_phone = "Sam Partner", "01632 960123"
    profile.lone_worker_training_on, profile.dbs_checked_on = training, dbs
    profile.save()
    return profile


def make_round(officer, day: dt.date, *, addresses=None, risk_checked_at=None, pupils=()) -> Round:
    """A planned round for `officer` on `day` with visits to `addresses` (risk-checked at `risk_checked_at` when
    given), in the officer's team."""
    school, la = lone.team_of(officer)
    round_ = Round.objects.create(
        officer=officer, school=school, local_authority=la, day=day, created_by=officer
    )
    for n, (address, postcode) in enumerate(addresses or DEMO_ADDRESSES[:2], start=1):
        Visit.objects.create(
            round=round_,
            order=n,
            pupil=pupils[n - 1] if len(pupils) >= n else None,
            address=address,
            postcode=postcode,
            source=Visit.Source.CASE,
            reason="Unexplained absences since Monday",
            planned_for=day,
            mode=Visit.Mode.ALONE if risk_checked_at else "",
            risk_checked_at=risk_checked_at,
            risk_checked_by=officer if risk_checked_at else None,
            risk_check={"markers": [], "mode": "alone"} if risk_checked_at else {},
            created_by=officer,
        )
    return round_


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed(la, today: dt.date, *officers, now: dt.datetime | None = None) -> list[Round]:
    """Profiles for every officer and escalation contacts for their teams; today's rounds for the first three:
    out and overdue (its check-in fell due an hour ago), out and on time, and back."""
    now = now or lone.moment()
    rounds = []
    for n, officer in enumerate(officers):
        make_profile(officer, mobile=f"07700 900{100 + n:03d}")
        school, team_la = lone.team_of(officer)
        owner = {"school": school} if school else {"local_authority": team_la or la}
        if not EscalationContact.objects.filter(**owner).exists():
            EscalationContact.objects.create(
                **owner,
                level="office",
                name="Office desk",
                email="office@attend.invalid",
                mobile="07700 900900",
            )
            EscalationContact.objects.create(
                **owner,
                level="manager",
                name="Pat Manager",
                email="manager@attend.invalid",
                mobile="07700 900901",
            )
            EscalationContact.objects.create(
                **owner,
                level="duty_manager",
                name="Duty manager",
                email="duty@attend.invalid",
                mobile="07700 900902",
            )
    for n, officer in enumerate(officers[:3]):
        start = now - dt.timedelta(hours=3)
        round_ = make_round(
            officer,
            today,
            addresses=DEMO_ADDRESSES[n : n + 2],
            risk_checked_at=start - dt.timedelta(minutes=10),
        )
        lone.start_round(round_, by=officer, expected_back_at=now + dt.timedelta(hours=2), now=start)
        first = round_.visits.order_by("order").first()
        if n == 0:  # overdue: checked in after the first visit, then nothing
            lone.check_in(
                round_,
                by=officer,
                channel=CheckIn.Channel.PHONE_PAGE,
                now=start + dt.timedelta(minutes=45),
                visit=first,
                next_due_at=now - dt.timedelta(hours=1),
            )
        elif n == 1:  # on time
            lone.check_in(round_, by=officer, channel=CheckIn.Channel.SMS, now=now - dt.timedelta(minutes=20))
        else:  # back
            lone.check_in(round_, by=officer, channel=CheckIn.Channel.PHONE_PAGE, now=now, final=True)
        round_.refresh_from_db()
        rounds.append(round_)
    return rounds


__all__ = ["seed", "make_round", "make_profile", "OfficerProfile"]
