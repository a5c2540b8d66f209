"""Education supervision orders: the rules of Children Act 1989 s36 and Sch 3, at their boundaries."""

import datetime as dt

import pytest

from attend.casework.models import ChronologyEntry, Stage
from attend.enforcement import orders
from attend.enforcement.models import SupervisionOrder, SupervisionOrderEvent
from attend.enforcement.orders import OrderRefused, order_in_force

from .court_world import make_world

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w(monkeypatch):
    return make_world(monkeypatch)


def _considered(w, on=None):
    return orders.consider(
        w["pupil"],
        on=on or D(2024, 12, 2),
        consideration="Support refused; an order may help",
        pursue=True,
        by=w["officer"],
    )


def _made(w, made_on=None):
    order = _considered(w)
    orders.record_consultation(order, on=D(2024, 12, 5), response="No objection", by=w["officer"])
    orders.apply(order, on=D(2024, 12, 9), by=w["officer"])
    return orders.order_made(
        order,
        on=made_on or D(2025, 1, 10),
        supervisor="Eva Officer",
        directions="Attend daily",
        by=w["officer"],
    )


def test_consideration_opens_a_case_at_enforce_and_goes_on_the_chronology(w):
    order = _considered(w)
    assert order.status == SupervisionOrder.Status.CONSIDERED
    assert order.case.stage == Stage.ENFORCE
    summaries = list(ChronologyEntry.objects.filter(case=order.case).values_list("summary", flat=True))
    assert any("considered on 2 December 2024 (EA 1996 s447): to be applied for" in s for s in summaries)


def test_a_looked_after_child_cannot_have_an_order(monkeypatch):
    w = make_world(monkeypatch, looked_after=True)
    with pytest.raises(OrderRefused, match=r"looked-after child \(Children Act 1989 s36\(6\)\)"):
        _considered(w)
    not_pursued = orders.consider(
        w["pupil"], on=D(2024, 12, 2), consideration="Looked after", pursue=False, by=w["officer"]
    )
    assert not_pursued.status == SupervisionOrder.Status.NOT_PURSUED
    # Even a consideration row somehow marked for application cannot be applied for.
    SupervisionOrder.objects.filter(pk=not_pursued.pk).update(
        status=SupervisionOrder.Status.CONSIDERED, social_care_consulted_on=D(2024, 12, 3)
    )
    not_pursued.refresh_from_db()
    with pytest.raises(OrderRefused, match=r"s36\(6\)"):
        orders.apply(not_pursued, on=D(2024, 12, 9), by=w["officer"])


def test_applying_without_consulting_social_care_is_refused(w):
    order = _considered(w)
    with pytest.raises(OrderRefused, match=r"consult them before applying \(Children Act 1989 s36\(8\)\)"):
        orders.apply(order, on=D(2024, 12, 9), by=w["officer"])
    order.refresh_from_db()
    assert order.status == SupervisionOrder.Status.CONSIDERED and order.applied_on is None


def test_consultation_must_come_before_the_application_same_day_is_enough(w):
    order = _considered(w)
    orders.record_consultation(order, on=D(2024, 12, 9), response="Agreed", by=w["officer"])
    with pytest.raises(OrderRefused, match="before the application, not after"):
        orders.apply(order, on=D(2024, 12, 8), by=w["officer"])
    orders.apply(order, on=D(2024, 12, 9), by=w["officer"])
    assert order.status == SupervisionOrder.Status.APPLIED


def test_an_order_lasts_one_year_beginning_with_the_day_it_is_made(w):
    order = _made(w)
    assert order.expires_on == D(2026, 1, 9)
    pupil = w["pupil"]
    assert order_in_force(pupil, D(2025, 1, 9)) is None
    assert order_in_force(pupil, D(2025, 1, 10)) == order
    assert order_in_force(pupil, D(2026, 1, 9)) == order
    assert order_in_force(pupil, D(2026, 1, 10)) is None


def test_an_order_ends_on_a_care_order_the_day_it_ends_is_not_in_force(w):
    order = _made(w)
    orders.end_order(order, on=D(2025, 6, 2), reason="care_order", by=w["officer"])
    assert order_in_force(w["pupil"], D(2025, 6, 1)) == order
    assert order_in_force(w["pupil"], D(2025, 6, 2)) is None
    assert order.end_reason == "A care order was made (Sch 3 para 15(6)(b))"


def test_an_order_never_runs_past_compulsory_school_age(w):
    pupil = w["pupil"]
    pupil.date_of_birth = D(2009, 10, 1)  # 16 in October 2025: compulsory school age ends Friday 26 June 2026
    pupil.save()
    order = _made(w, made_on=D(2025, 9, 8))
    assert order.expires_on == D(2026, 6, 26)
    assert order_in_force(pupil, D(2026, 6, 26)) == order
    assert order_in_force(pupil, D(2026, 6, 27)) is None


def test_extension_applied_for_no_earlier_than_three_months_before_expiry(w):
    order = _made(w)  # expires 9 January 2026: the window opens 9 October 2025
    with pytest.raises(OrderRefused, match=r"from 9 October 2025 \(Children Act 1989 Sch 3 para 15\(3\)\)"):
        orders.apply_for_extension(order, on=D(2025, 10, 8), by=w["officer"])
    with pytest.raises(OrderRefused, match="Record the application to extend"):
        orders.extend(order, on=D(2025, 11, 19), new_expiry=D(2027, 1, 9), by=w["officer"])
    orders.apply_for_extension(order, on=D(2025, 10, 9), by=w["officer"])
    assert order.events.filter(kind=SupervisionOrderEvent.Kind.EXTENSION_APPLIED).count() == 1


def test_each_extension_is_up_to_three_years(w):
    order = _made(w)
    orders.apply_for_extension(order, on=D(2025, 11, 3), by=w["officer"])
    with pytest.raises(
        OrderRefused, match=r"at most until 9 January 2029 \(Children Act 1989 Sch 3 para 15\(5\)\)"
    ):
        orders.extend(order, on=D(2025, 11, 19), new_expiry=D(2029, 1, 10), by=w["officer"])
    orders.extend(order, on=D(2025, 11, 19), new_expiry=D(2029, 1, 9), by=w["officer"])
    assert SupervisionOrder.objects.get(pk=order.pk).expires_on == D(2029, 1, 9)
    assert order_in_force(w["pupil"], D(2029, 1, 9)) == order
    extended = order.events.get(kind=SupervisionOrderEvent.Kind.EXTENDED)
    assert extended.new_expiry == D(2029, 1, 9) and extended.note == "Extended from 9 January 2026"


def test_a_parents_persistent_breach_is_recorded_and_prosecution_suggested(w):
    order = _made(w)
    orders.record_parent_breach(
        order, on=D(2025, 11, 10), note="Directions of 3 and 17 October ignored", by=w["officer"]
    )
    entry = ChronologyEntry.objects.filter(case=order.case).order_by("-pk").first()
    assert "Persistent failure by a parent" in entry.summary
    assert entry.next_step == orders.PARENT_BREACH_NEXT
    assert "Sch 3 para 18" in entry.next_step


def test_a_childs_breach_needs_social_care_told(w):
    order = _made(w)
    with pytest.raises(OrderRefused, match=r"notified to them \(Children Act 1989 Sch 3 para 19\)"):
        orders.record_child_breach(
            order, on=D(2025, 11, 10), note="Refuses", social_care_told_on=None, by=w["officer"]
        )
    assert not order.events.filter(kind=SupervisionOrderEvent.Kind.CHILD_BREACH).exists()
    orders.record_child_breach(
        order,
        on=D(2025, 11, 10),
        note="Refuses to attend",
        social_care_told_on=D(2025, 11, 11),
        by=w["officer"],
    )
    event = order.events.get(kind=SupervisionOrderEvent.Kind.CHILD_BREACH)
    assert event.note == "Refuses to attend Children's social care told on 11 November 2025 (Sch 3 para 19)."


def test_reviews_and_directions_only_while_in_force(w):
    order = _made(w)
    orders.record_review(order, on=D(2025, 4, 1), note="Attendance 78%", by=w["officer"])
    orders.give_direction(order, on=D(2025, 4, 1), note="Meet the supervisor weekly", by=w["officer"])
    orders.end_order(order, on=D(2025, 6, 2), reason="discharged", by=w["officer"])
    with pytest.raises(OrderRefused, match="not in force on 3 June 2025"):
        orders.record_review(order, on=D(2025, 6, 3), note="Late", by=w["officer"])
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["review", "direction"]
