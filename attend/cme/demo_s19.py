"""s19 for the demo LA (issue 20): one health decision recorded and one due. Call after the marks are generated and
today is pinned, before alerts evaluate:

    from attend.cme.demo_s19 import seed
    seed(la, clock.today(), by=officer)

Uses the demo's own cases when its marks give any (15 school days of I or M this year); otherwise it turns the
latest 15 school days of two pupils on roll into illness (I), as a school would code a long illness. Idempotent:
a second run finds the decision and the due child already there."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from attend.people.models import Enrolment
from attend.registers.models import Mark
from attend.schools.models import LocalAuthority

from . import s19
from .decisions_s19 import record_decision
from .models_s19 import ProvisionDecision


def _make_ill(enrolment: Enrolment, today: dt.date) -> None:
    days = list(
        Mark.objects.filter(enrolment=enrolment, date__lte=today, date__gte=s19.year_start_for(today))
        .values_list("date", flat=True)
        .distinct()
        .order_by("-date")[: int(s19.THRESHOLD_DAYS)]
    )
    Mark.objects.filter(enrolment=enrolment, date__in=days).update(code="I")


def seed(la: LocalAuthority, today: dt.date, *, by=None) -> dict[str, int]:
    schools = list(la.schools.all())
    year_start = s19.year_start_for(today)
    due = [e for e, _ in s19.health_due(today, schools=schools)]
    if len(due) < 2:
        decided = ProvisionDecision.objects.filter(local_authority=la, decided_on__gte=year_start)
        taken = {e.pupil_id for e in due} | set(decided.values_list("pupil_id", flat=True))
        on_roll = (
            Enrolment.objects.filter(school__in=schools, admission_date__lte=today)
            .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
            .exclude(pupil_id__in=taken)
            .filter(marks__date__gte=year_start)
            .distinct()
            .order_by("pk")
        )
        for enrolment in on_roll[: 2 - len(due)]:
            _make_ill(enrolment, today)
        due = [e for e, _ in s19.health_due(today, schools=schools)]
    recorded = 0
    if due and not ProvisionDecision.objects.filter(local_authority=la, decided_on__gte=year_start).exists():
        record_decision(
            by=by, pupil=due[0].pupil, trigger=ProvisionDecision.Trigger.HEALTH,
            decision=ProvisionDecision.Decision.ARRANGING,
            reason="Consultant's letter: not well enough for school until after the spring half-term (demo)",
            provision="Hospital and home education service: 15 hours a week at home (demo)",
            provision_starts=today + dt.timedelta(days=5), review_on=today + dt.timedelta(weeks=6), on=today,
        )  # fmt: skip
        recorded = 1
    synced = s19.sync_s19_prompts(today, schools=schools)
    return {"recorded": recorded, "raised": synced["raised"]}
