"""The LA's code of conduct as versioned settings: code_for, the default version 1, new versions, 3-6 weeks."""

import datetime as dt

import pytest

from attend.audit.models import AuditEvent
from attend.enforcement.codes import CodeRefused, code_for, new_version
from attend.enforcement.models import CodeOfConduct

from .ladder_world import ladder_fixture  # noqa: F401

VALUES = {
    "nti_period_weeks": 6,
    "sufficient_improvement": "No more than 2 unauthorised sessions in the period.",
    "sufficient_max_unauthorised": 2,
    "nti_required": True,
    "schools_request_through_la": True,
    "time_limit_from": "last",
    "wording": "Northshire Council issues penalty notices under its code of conduct.",
}


def test_a_fresh_installation_gets_a_default_version_1_once(db):
    assert not CodeOfConduct.objects.exists()
    code = code_for(None, dt.date(2025, 11, 19))
    assert (code.local_authority, code.version, code.nti_period_weeks, code.nti_required) == (
        None,
        1,
        4,
        False,
    )
    assert code_for(None, dt.date(2026, 1, 5)).pk == code.pk
    assert CodeOfConduct.objects.count() == 1


def test_an_la_without_a_code_uses_the_default(ladder):
    code = code_for(ladder["la"], dt.date(2025, 11, 19))
    assert code.local_authority is None and code.version == 1


def test_a_change_is_a_new_version_and_the_old_is_untouched(ladder):
    la, kim = ladder["la"], ladder["kim"]
    v1 = new_version(la, by=kim, effective_from=dt.date(2025, 9, 1), values=VALUES)
    v2 = new_version(la, by=kim, effective_from=dt.date(2026, 1, 1), values={**VALUES, "nti_period_weeks": 3})
    assert (v1.version, v2.version) == (1, 2)
    v1.refresh_from_db()
    assert v1.nti_period_weeks == 6
    # The version in force is the one effective on the day asked about.
    assert code_for(la, dt.date(2025, 8, 31)).local_authority is None  # before v1: the default
    assert code_for(la, dt.date(2025, 9, 1)).pk == v1.pk
    assert code_for(la, dt.date(2025, 12, 31)).pk == v1.pk
    assert code_for(la, dt.date(2026, 1, 1)).pk == v2.pk
    event = AuditEvent.objects.filter(action="enforcement.code.changed").order_by("-pk").first()
    assert event.data["version"] == 2 and event.data["changed"] == ["nti_period_weeks"]


@pytest.mark.parametrize("weeks,ok", [(2, False), (3, True), (6, True), (7, False), ("four", False)])
def test_the_improvement_period_is_3_to_6_weeks(ladder, weeks, ok):
    call = lambda: new_version(  # noqa: E731
        ladder["la"],
        by=ladder["kim"],
        effective_from=dt.date(2025, 9, 1),
        values={**VALUES, "nti_period_weeks": weeks},
    )
    if ok:
        assert call().nti_period_weeks == weeks
    else:
        with pytest.raises(CodeRefused, match="3 to 6 weeks"):
            call()
        assert not CodeOfConduct.objects.filter(local_authority=ladder["la"]).exists()


def test_the_database_refuses_a_period_outside_3_to_6_weeks_too(ladder):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CodeOfConduct.objects.create(
            local_authority=ladder["la"], version=9, effective_from=dt.date(2025, 9, 1), nti_period_weeks=7,
            sufficient_improvement="x",
        )  # fmt: skip


def test_nothing_changed_empty_wording_and_going_back_in_time_are_refused(ladder):
    la, kim = ladder["la"], ladder["kim"]
    new_version(la, by=kim, effective_from=dt.date(2025, 9, 1), values=VALUES)
    with pytest.raises(CodeRefused, match="Nothing has changed"):
        new_version(la, by=kim, effective_from=dt.date(2025, 9, 1), values=VALUES)
    with pytest.raises(CodeRefused, match="sufficient improvement"):
        new_version(
            la, by=kim, effective_from=dt.date(2025, 10, 1), values={**VALUES, "sufficient_improvement": " "}
        )
    with pytest.raises(CodeRefused, match="before version 1"):
        new_version(la, by=kim, effective_from=dt.date(2025, 8, 1), values={**VALUES, "nti_period_weeks": 5})
    assert CodeOfConduct.objects.filter(local_authority=la).count() == 1
