"""Issue 14, finding 1: the LA's list of transfers made by imports, to confirm or undo."""

from __future__ import annotations

import datetime as dt

import pytest

from attend.audit.models import AuditEvent
from attend.people.models import Enrolment, Pupil, Transfer
from attend.registers.imports import import_file
from attend.registers.models import Mark
from attend.registers.tests.scope_world import (
    PUPILS,
    R,
    checksum,
    make_scope_world,
    make_user_with,
    pupil_row,
    text_of,
    write,
)  # fmt: skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, tmp_path, django_user_model, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2026-11-25")
    world = make_scope_world()
    users = {
        "officer_a": (R.SCHOOL_OFFICER, {"school": world["a"]}),
        "la_officer": (R.LA_OFFICER, {"local_authority": world["la"]}),
        "la_manager": (R.LA_MANAGER, {"local_authority": world["la"]}),
        "other_la": (R.LA_OFFICER, {"local_authority": world["c"].local_authority}),
    }
    for name, (role, scope) in users.items():
        world[name] = make_user_with(django_user_model, name, role, **scope)
    # School A's file names school B's pupil (a joiner, or a mistyped UPN).
    row = pupil_row(world["pupil_b"], world["a"], legal_forename="Mallory", admission_date="2026-11-23")
    import_file("pupils", write(tmp_path / "pupils.csv", text_of(PUPILS, [row])), user=world["officer_a"])
    world["transfer"] = Transfer.objects.get()
    return world


def test_the_la_sees_the_pending_transfer_and_others_do_not(client, world):
    client.force_login(world["la_officer"])
    page = client.get("/transfers/").content.decode()
    assert "1 waiting" in page and world["pupil_b"].upn in page
    assert "Beech Primary" in page and "Alder Primary, 23 November 2026" in page
    assert "pupils.csv:2 by officer_a" in page
    client.force_login(world["other_la"])
    assert "No transfers are waiting." in client.get("/transfers/").content.decode()
    assert client.post(f"/transfers/{world['transfer'].pk}/", {"decision": "undo"}).status_code == 404
    client.force_login(world["officer_a"])
    assert client.get("/transfers/").status_code == 403
    assert client.post(f"/transfers/{world['transfer'].pk}/", {"decision": "confirm"}).status_code == 403
    assert Transfer.objects.get().status == "pending"


def test_confirming_keeps_the_enrolment_and_is_audited(client, world):
    client.force_login(world["la_manager"])
    response = client.post(f"/transfers/{world['transfer'].pk}/", {"decision": "confirm"}, follow=True)
    assert "confirmed" in response.content.decode()
    transfer = Transfer.objects.get()
    assert (transfer.status, transfer.decided_by) == ("confirmed", world["la_manager"])
    assert Enrolment.objects.filter(pupil=world["pupil_b"], school=world["a"]).exists()
    event = AuditEvent.objects.get(action="registers.transfer.confirmed")
    assert (event.actor, event.object_id) == (world["la_manager"], str(transfer.pk))
    assert "No transfers are waiting." in client.get("/transfers/").content.decode()


def test_undoing_removes_only_the_enrolment_the_row_made(client, world):
    made = Enrolment.objects.get(pupil=world["pupil_b"], school=world["a"])
    Mark.objects.create(enrolment=made, date=dt.date(2026, 11, 25), session="AM", code="/")
    client.force_login(world["la_officer"])
    before_b = (
        Pupil.objects.filter(pk=world["pupil_b"].pk).values().get(),
        list(Mark.objects.filter(enrolment=world["enrolment_b"]).values_list()),
    )
    client.post(f"/transfers/{world['transfer'].pk}/", {"decision": "undo"})
    transfer = Transfer.objects.get()
    assert (transfer.status, transfer.enrolment, transfer.decided_by) == ("undone", None, world["la_officer"])
    assert not Enrolment.objects.filter(pk=made.pk).exists()
    assert before_b == (
        Pupil.objects.filter(pk=world["pupil_b"].pk).values().get(),
        list(Mark.objects.filter(enrolment=world["enrolment_b"]).values_list()),
    )
    event = AuditEvent.objects.get(action="registers.transfer.undone")
    assert (event.data["enrolment_removed"], event.data["marks"]) == (True, 1)
    # Deciding twice is not possible: the transfer is no longer pending.
    assert client.post(f"/transfers/{transfer.pk}/", {"decision": "confirm"}).status_code == 404


def test_a_refused_decision_changes_nothing(client, world):
    client.force_login(world["la_officer"])
    before = checksum()
    client.post(f"/transfers/{world['transfer'].pk}/", {"decision": "maybe"})
    assert checksum() == before
