"""Families: siblings suggested from a shared parent (each school's copy of her) or the same surname and address,
never joined until an officer confirms with a reason; strangers sharing a grandparent, confidential addresses and
pupils out of scope are not suggested."""

from __future__ import annotations

import pytest

from attend.audit.models import AuditEvent
from attend.casework.cases import open_case
from attend.casework.families import suggest_siblings
from attend.casework.models import Family, FamilyMember
from attend.core.tests.factories import make_pupil
from attend.people.models import Contact, ContactSafety, PupilContact

from .caseapi_world import TODAY, make_caseworld


def contact(pupil, school, ref, forename, surname, *, pr=True, relationship="Mother", **fields):
    c = Contact.objects.create(
        contact_ref=ref, source_school=school, forename=forename, surname=surname, **fields
    )
    PupilContact.objects.create(pupil=pupil, contact=c, relationship=relationship, parental_responsibility=pr)
    return c


@pytest.fixture
def w(db, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    w = make_caseworld()
    alder, beech, cedar = w["alder"], w["beech"], w["cedar"]
    home = {"address_line1": "12 Elm Road", "postcode": "NO1 2AB"}
    contact(w["amy"], alder, "A1", "Grace", "Okafor", phone_mobile="07700 900123", **home)
    contact(w["ben"], beech, "B1", "Grace", "Okafor", phone_mobile="07700900123")  # Beech's copy of her
    contact(w["kit"], cedar, "C1", "Grace", "Okafor", phone_mobile="07700 900123")  # another LA: out of scope
    # A grandmother who also looks after a neighbour's child: no parental responsibility, no suggestion.
    gran = contact(w["amy"], alder, "A2", "Pat", "Jones", pr=False, relationship="Grandmother")
    w["sam"] = make_pupil(school=alder, surname="Jones", legal_forename="Sam")
    PupilContact.objects.create(
        pupil=w["sam"], contact=gran, relationship="Grandmother", parental_responsibility=True
    )
    w["cal"] = make_pupil(school=alder, surname="Okafor", legal_forename="Cal")
    contact(
        w["cal"],
        alder,
        "A3",
        "Femi",
        "Okafor",
        relationship="Father",
        address_line1="12 elm road",
        postcode="no12ab",
    )
    w["dana"] = make_pupil(school=alder, surname="Okafor", legal_forename="Dana")
    refuge = contact(w["dana"], alder, "A4", "Lola", "Okafor", **home)
    ContactSafety.objects.create(contact=refuge, address_confidential=True, confidential_reason="Refuge")
    w["ben_case"], _ = open_case(by=w["la_officer"], pupil=w["ben"], school=beech, stage="facilitate")
    return w


def test_siblings_are_suggested_with_the_reason_and_never_joined(w):
    found = {s.pupil.legal_forename: s.reasons for s in suggest_siblings(w["amy"], w["la_officer"])}
    assert found == {
        "Ben": ["Shares a parent or carer with parental responsibility: Grace Okafor"],
        "Cal": ["Same surname and address: 12 Elm Road, NO1 2AB"],
    }
    # A school officer sees only their own school's children.
    assert [s.pupil.legal_forename for s in suggest_siblings(w["amy"], w["alder_officer"])] == ["Cal"]
    assert not FamilyMember.objects.exists() and not Family.objects.exists()


def test_an_officer_confirms_with_a_reason_and_can_remove(client, w):
    url = f"/cases/{w['amy_case'].ref}/family/"
    client.force_login(w["la_officer"])
    page = client.get(url).content.decode()
    assert page.count('data-testid="suggestion"') == 2 and "No brothers or sisters confirmed." in page
    refused = client.post(url, {"action": "confirm", "confirm-pupil": w["ben"].upn, "confirm-reason": ""})
    assert "Say how you know they are brothers or sisters" in refused.content.decode()
    assert not FamilyMember.objects.exists()
    done = client.post(url, {"action": "confirm", "confirm-pupil": w["ben"].upn,
                             "confirm-reason": "Mother confirmed on the phone"})  # fmt: skip
    assert done.status_code == 302
    family = Family.objects.get()
    assert family.ref == "FAM-000001"
    assert sorted(family.members.values_list("pupil__legal_forename", "reason")) == [
        ("Amy", "Mother confirmed on the phone"), ("Ben", "Mother confirmed on the phone"),
    ]  # fmt: skip
    page = client.get(url).content.decode()
    assert (
        f'href="/cases/{w["ben_case"].ref}/">{w["ben_case"].ref}</a> (facilitate support, Beech Primary)'
        in page
    )
    assert page.count('data-testid="suggestion"') == 1  # Cal still only suggested
    assert AuditEvent.objects.filter(action="casework.family.member_added").count() == 2
    ben = FamilyMember.objects.get(pupil=w["ben"])
    client.post(url, {"action": "remove", "remove-member": ben.pk, "remove-reason": "Linked by mistake"})
    assert list(FamilyMember.objects.values_list("pupil__legal_forename", flat=True)) == ["Amy"]
    assert AuditEvent.objects.filter(action="casework.family.member_removed").count() == 1


def test_a_child_not_suggested_cannot_be_joined_and_others_cannot_write(client, w):
    url = f"/cases/{w['amy_case'].ref}/family/"
    client.force_login(w["la_officer"])
    response = client.post(
        url, {"action": "confirm", "confirm-pupil": w["sam"].upn, "confirm-reason": "Gran said"}
    )
    assert "That child is not among the suggestions for this family" in response.content.decode()
    client.force_login(w["cedar_officer"])
    assert (
        client.post(
            url, {"action": "confirm", "confirm-pupil": w["ben"].upn, "confirm-reason": "x"}
        ).status_code
        == 404
    )
    assert not FamilyMember.objects.exists()
