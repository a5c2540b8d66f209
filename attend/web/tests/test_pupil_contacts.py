"""Issue 23 item 3: the pupil page shows each contact's address and email (imported from the contacts file), so
home visits and letters can be planned from it; a confidential address keeps its warning beside it."""

from __future__ import annotations

import html
import re

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_pupil, make_school, make_user
from attend.people.models import Contact, ContactSafety, PupilContact

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def family(settings, tmp_path, monkeypatch):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    school = make_school(name="Alder Primary")
    pupil = make_pupil(school=school, surname="Hartley", preferred_forename="Jo")
    mum = Contact.objects.create(
        contact_ref="C1", source_school=school, title="Ms", forename="Dana", surname="Hartley",
        phone_mobile="07700 900123", phone_work="0117 496 0000", email="dana.hartley@example.org",
        address_line1="12 Mill Lane", address_line2="", town="Bristol", postcode="BS3 1AA",
    )  # fmt: skip
    dad = Contact.objects.create(
        contact_ref="C2", source_school=school, forename="Lee", surname="Hartley", phone_home="0117 496 0999",
        address_line1="4 Quay Street", town="Bath", postcode="BA1 1AA",
    )  # fmt: skip
    PupilContact.objects.create(
        pupil=pupil, contact=mum, relationship="Mother", lives_with_pupil=True, priority=1
    )
    PupilContact.objects.create(pupil=pupil, contact=dad, relationship="Father", priority=2)
    officer = make_user("school.officer", role=Membership.Role.SCHOOL_OFFICER, school=school)
    return {"pupil": pupil, "mum": mum, "dad": dad, "officer": officer}


def test_contacts_show_address_and_email(client, family):
    client.force_login(family["officer"])
    response = client.get(f"/pupils/{family['pupil'].upn}/")
    page = text(response)
    assert (
        "Ms Dana Hartley (Mother) 07700 900123 (mobile) 0117 496 0000 (work) dana.hartley@example.org "
        "12 Mill Lane, Bristol, BS3 1AA (lives with Jo)"
    ) in page
    assert "Lee Hartley (Father) 0117 496 0999 (home) 4 Quay Street, Bath, BA1 1AA Interpreter" not in page
    assert "Lee Hartley (Father) 0117 496 0999 (home) 4 Quay Street, Bath, BA1 1AA" in page
    assert 'href="mailto:dana.hartley@example.org"' in response.content.decode()


def test_a_contact_without_address_or_email_shows_neither(client, family):
    Contact.objects.filter(pk=family["dad"].pk).update(address_line1="", town="", postcode="")
    client.force_login(family["officer"])
    response = client.get(f"/pupils/{family['pupil'].upn}/")
    assert response.content.decode().count('data-testid="contact-address"') == 1
    assert "Lee Hartley (Father) 0117 496 0999 (home)" in text(response)


def test_a_confidential_address_is_shown_with_its_warning(client, family):
    ContactSafety.objects.create(contact=family["mum"], address_confidential=True)
    client.force_login(family["officer"])
    page = text(client.get(f"/pupils/{family['pupil'].upn}/"))
    assert (
        "Confidential Never share or print their address with anyone else, including the other parent. "
        "07700 900123 (mobile)"
    ) in page
    assert "12 Mill Lane, Bristol, BS3 1AA" in page
