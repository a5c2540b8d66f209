"""The lead's round lifecycle (attend/visits/lone.py): starting a round is refused without a risk check, an
expected return time or a mobile; a check-in is never refused, and one for an unlisted address adds the visit."""

from __future__ import annotations

import pytest

from attend.audit.display import describe
from attend.audit.models import AuditEvent
from attend.visits import lone
from attend.visits.models import CheckIn, OfficerProfile, Round, Visit

from .escalation_world import at, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_round_without_a_risk_check_is_refused_with_the_reason(world):  # noqa: F811
    Visit.objects.filter(address__startswith="3 Birch").update(risk_checked_at=None)
    with pytest.raises(lone.VisitError, match="Do the risk check for every visit before you start: not yet done "
                       "for 3 Birch Close"):  # fmt: skip
        start(world["round"], now=at("13:00"), first_check_in=at("14:00"))
    assert Round.objects.get().status == "planned" and not CheckIn.objects.exists()


def test_a_round_without_an_expected_return_time_or_a_mobile_is_refused(world):  # noqa: F811
    OfficerProfile.objects.filter(user=world["officer"]).delete()  # no profile at all: checking makes none
    with pytest.raises(lone.VisitError) as refused:
        lone.start_round(world["round"], by=world["officer"], expected_back_at=None, now=at("13:00"))
    assert str(refused.value) == (
        "Enter the time you expect to be back; Add your mobile number to your profile first: the office must be "
        "able to ring you"
    )
    assert not OfficerProfile.objects.filter(user=world["officer"]).exists()
    with pytest.raises(lone.VisitError, match="must be later than now"):
        lone.start_round(world["round"], by=world["officer"], expected_back_at=at("12:00"), now=at("13:00"))
    assert Round.objects.get().status == "planned"


def test_starting_copies_the_profile_and_sets_the_first_check_in(world):  # noqa: F811
    round_ = start(world["round"], now=at("13:00"), first_check_in=at("14:00"), back=at("16:00"))
    assert (round_.status, round_.mobile, round_.check_in_due_at) == ("out", "07700 900123", at("14:00"))
    assert round_.vehicle == "Blue Ford Fiesta, registration AB12 CDE"
    event = AuditEvent.objects.get(action="visits.round.started")
    assert describe(event) == "Olive Officer started a round of 2 home visits, expected back at 16:00."


def test_a_check_in_is_never_refused_even_on_a_round_not_out(world):  # noqa: F811
    row = lone.check_in(
        world["round"], by=world["officer"], channel="office_call", now=at("09:00"), note="rang"
    )
    assert (row.kind, row.channel, row.note) == ("after_visit", "office_call", "rang")
    assert Round.objects.get().status == "planned"  # recorded, and nothing else pretended
    back = lone.check_in(world["round"], by=world["officer"], channel="page", now=at("09:05"), final=True)
    assert back.kind == "final" and Round.objects.get().status == "planned"  # a planned round is not "back"
    start(world["round"], now=at("13:00"), first_check_in=at("14:00"))
    lone.check_in(world["round"], by=world["officer"], channel="page", now=at("15:00"), final=True)
    late = lone.check_in(world["round"], by=world["officer"], channel="sms", now=at("15:10"))
    assert late.pk and Round.objects.get().status == "back"
    assert CheckIn.objects.count() == 5


def test_a_check_in_for_an_unlisted_address_adds_the_visit_and_moves_the_next_check_in(world):  # noqa: F811
    start(world["round"], now=at("13:00"), first_check_in=at("14:00"), back=at("17:00"))
    row = lone.check_in(
        world["round"], by=world["officer"], channel="sms", now=at("13:50"),
        new_address="14 Acacia Road\nNorthtown", new_postcode="no1 2ab",
    )  # fmt: skip
    added = Visit.objects.get(source=Visit.Source.CHECK_IN)
    assert (added.round, added.order, added.postcode, added.planned_for) == (world["round"], 3, "NO1 2AB",
                                                                            world["round"].day)  # fmt: skip
    assert (row.visit, row.location) == (added, "14 Acacia Road")
    assert Round.objects.get().check_in_due_at == at("14:50")
    event = AuditEvent.objects.filter(action="visits.check_in.recorded").latest("pk")
    assert describe(event) == (
        "Olive Officer recorded a check-in (After a visit, By text message) at 14 Acacia Road; the round is now "
        "Out on visits."
    )
