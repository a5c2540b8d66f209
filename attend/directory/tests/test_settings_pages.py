"""Settings pages: alert thresholds, users and roles, the services directory; each within the person's scope."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from attend.accounts.models import Membership
from attend.alerts.models import RuleSetting
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_school, make_user
from attend.directory.models import Service

R = Membership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    la, other_la = make_la(), make_la(code="202", name="Southshire")
    school, far = make_school(la=la), make_school(la=other_la)
    return {
        "la": la,
        "other_la": other_la,
        "school": school,
        "far": far,
        "manager": make_user("manager", role=R.LA_MANAGER, local_authority=la),
        "lead": make_user("lead", role=R.ATTENDANCE_LEAD, school=school),
        "officer": make_user("officer", role=R.SCHOOL_OFFICER, school=school),
    }


def test_an_la_manager_sets_and_clears_la_thresholds(client, place):
    client.force_login(place["manager"])
    url = f"/settings/thresholds/la/{place['la'].pk}/"
    page = client.get(url).content.decode()
    assert 'name="persistent_absence__percent"' in page and "National default 10.0" in page
    response = client.post(url, {"persistent_absence__percent": "12.5", "penalty_threshold__sessions": "8"})
    assert response.status_code == 302
    values = dict(RuleSetting.objects.filter(local_authority=place["la"]).values_list("name", "value"))
    assert values == {"percent": "12.5", "sessions": "8"}
    assert AuditEvent.objects.filter(action="alerts.rule_setting.changed").count() == 2
    client.post(url, {"persistent_absence__percent": "12.5"})  # sessions left empty: back to the default
    assert list(RuleSetting.objects.values_list("name", flat=True)) == ["percent"]
    assert AuditEvent.objects.filter(action="alerts.rule_setting.removed").count() == 1


def test_a_bad_threshold_is_explained_and_nothing_changes(client, place):
    client.force_login(place["lead"])
    url = f"/settings/thresholds/school/{place['school'].urn}/"
    response = client.post(url, {"school__am_start": "quarter to nine", "penalty_threshold__sessions": "8"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "is not a valid value for school.am_start" in page
    assert 'value="quarter to nine"' in page
    assert not RuleSetting.objects.exists()
    client.post(url, {"school__am_start": "08:40"})
    assert RuleSetting.objects.get().school == place["school"]


def test_thresholds_outside_the_scope_are_not_found(client, place):
    client.force_login(place["lead"])
    assert client.get(f"/settings/thresholds/school/{place['far'].urn}/").status_code == 404
    assert client.get(f"/settings/thresholds/la/{place['la'].pk}/").status_code == 404
    client.force_login(place["manager"])
    assert client.get(f"/settings/thresholds/school/{place['school'].urn}/").status_code == 200
    assert client.get(f"/settings/thresholds/la/{place['other_la'].pk}/").status_code == 404
    client.force_login(place["officer"])
    assert client.get("/settings/thresholds/").status_code == 403


def test_an_la_manager_adds_a_user_changes_the_role_and_deactivates(client, place):
    client.force_login(place["manager"])
    page = client.get("/settings/users/new/").content.decode()
    assert f'value="school-{place["school"].pk}"' in page
    assert f'value="school-{place["far"].pk}"' not in page and 'value="system_admin"' not in page
    response = client.post(
        "/settings/users/new/",
        {
            "username": "new.officer",
            "first_name": "Nia",
            "last_name": "Jones",
            "role": R.SCHOOL_OFFICER,
            "scope": f"school-{place['school'].pk}",
        },
    )
    user = get_user_model().objects.get(username="new.officer")
    # The first password is in this response only (issue 14): not in the signed, unencrypted messages cookie.
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = re.search(r'data-testid="first-password"><code>([^<]+)</code>', response.content.decode())[1]
    assert user.check_password(password)
    assert "messages" not in response.cookies and password not in str(response.cookies)
    assert f'href="/settings/users/{user.pk}/"' in response.content.decode()
    assert password not in client.get(f"/settings/users/{user.pk}/").content.decode()
    membership = user.memberships.get()
    assert (membership.role, membership.school) == (R.SCHOOL_OFFICER, place["school"])
    assert user.has_usable_password()

    client.post(f"/settings/users/{user.pk}/", {"action": "role", "membership": membership.pk, "role": R.DSL})
    membership.refresh_from_db()
    assert membership.role == R.DSL
    client.post(f"/settings/users/{user.pk}/", {"action": "deactivate"})
    user.refresh_from_db()
    assert not user.is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.user.created", "accounts.membership.changed", "accounts.user.deactivated"} <= actions


def test_an_la_manager_cannot_create_a_system_admin_or_manage_other_las(client, place):
    client.force_login(place["manager"])
    response = client.post("/settings/users/new/", {"username": "root2", "role": R.SYSTEM_ADMIN, "scope": ""})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    outsider = make_user("outsider", role=R.SCHOOL_OFFICER, school=place["far"])
    assert client.get(f"/settings/users/{outsider.pk}/").status_code == 404
    assert "outsider" not in client.get("/settings/users/").content.decode()
    assert "officer" in client.get("/settings/users/").content.decode()


def test_the_services_directory(client, place):
    client.force_login(place["manager"])
    response = client.post(
        "/settings/services/new/",
        {
            "local_authority": place["la"].pk,
            "name": "Northshire Young Carers",
            "kind": "young_carers",
            "area": "Whole county",
            "contact": "01632 960123",
            "how_to_refer": "Online form with the family's consent.",
            "active": "on",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.local_authority == place["la"] and service.active
    Service.objects.create(
        local_authority=place["other_la"], name="Far away", kind="housing", contact="x", how_to_refer="y"
    )
    client.force_login(place["officer"])  # school staff read their LA's directory
    page = client.get("/settings/services/?kind=young_carers").content.decode()
    assert "Northshire Young Carers" in page and "Far away" not in page and "Add a service" not in page
    assert client.get(f"/settings/services/{service.pk}/").status_code == 403
    assert "Northshire Young Carers" not in client.get("/settings/services/?kind=housing").content.decode()


def test_the_settings_page_says_what_comes_later(client, place):
    client.force_login(place["manager"])
    page = client.get("/settings/").content.decode()
    assert "Alert thresholds" in page and "Users and roles" in page and "Services directory" in page
    assert "code of conduct" in page and "letter templates" in page


def test_an_la_manager_cannot_change_a_system_administrator(client, place):
    admin = make_user("sysadmin", role=R.SYSTEM_ADMIN)
    Membership.objects.create(user=admin, role=R.LA_OFFICER, local_authority=place["la"])
    client.force_login(place["manager"])
    assert client.get(f"/settings/users/{admin.pk}/").status_code == 200
    assert client.post(f"/settings/users/{admin.pk}/", {"action": "deactivate"}).status_code == 404
    admin.refresh_from_db()
    assert admin.is_active
