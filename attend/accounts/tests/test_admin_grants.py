"""Issue 14, finding 5 and 6: in the admin site a system administrator cannot make anyone a superuser or a system
administrator, nor raise their own roles; every change to users, roles, memberships and personal data is audited."""

import pytest

from attend.accounts.models import Membership
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user


@pytest.fixture
def world(db):
    la = make_la()
    school = make_school(la=la)
    sysadmin = make_user("sysadmin", role="system_admin")
    colleague = make_user("colleague", role="school_officer", school=school)
    root = make_user("root")
    root.is_superuser = True
    root.save()
    return {"la": la, "school": school, "sysadmin": sysadmin, "colleague": colleague, "root": root}


def user_form(user, *, new_memberships=(), **fields):
    """The admin change form of `user` as a browser would post it, with extra membership rows."""
    existing = list(user.memberships.all())
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-11-25",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": str(len(existing) + len(new_memberships)),
        "memberships-INITIAL_FORMS": str(len(existing)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    rows = [
        {
            "id": m.pk,
            "role": m.role,
            "local_authority": m.local_authority_id or "",
            "trust": m.trust_id or "",
            "school": m.school_id or "",
        }
        for m in existing
    ]
    rows += [{"id": "", "local_authority": "", "trust": "", "school": "", **m} for m in new_memberships]
    for i, row in enumerate(rows):
        data.update({f"memberships-{i}-{k}": str(v) for k, v in row.items()})
        data[f"memberships-{i}-user"] = str(user.pk)
    data.update(fields)
    return data


def test_a_system_admin_cannot_make_themselves_superuser(world, client):
    me = world["sysadmin"]
    client.force_login(me)
    response = client.post(f"/admin/accounts/user/{me.pk}/change/", user_form(me, is_superuser="on"))
    assert response.status_code == 302
    me.refresh_from_db()
    assert not me.is_superuser
    page = client.get(f"/admin/accounts/user/{me.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page


def test_a_system_admin_cannot_grant_the_system_admin_role(world, client):
    client.force_login(world["sysadmin"])
    colleague = world["colleague"]
    form = user_form(colleague, new_memberships=[{"role": "system_admin"}])
    response = client.post(f"/admin/accounts/user/{colleague.pk}/change/", form)
    assert response.status_code == 200
    assert "You cannot give or take away the role System administrator" in response.content.decode()
    assert not colleague.memberships.filter(role="system_admin").exists()
    response = client.post("/admin/accounts/membership/add/", {"user": colleague.pk, "role": "system_admin"})
    assert response.status_code == 200 and not colleague.memberships.filter(role="system_admin").exists()


def test_a_system_admin_cannot_give_themselves_a_role_with_pupils(world, client):
    me = world["sysadmin"]
    client.force_login(me)
    form = user_form(me, new_memberships=[{"role": "la_manager", "local_authority": world["la"].pk}])
    response = client.post(f"/admin/accounts/user/{me.pk}/change/", form)
    assert response.status_code == 200
    assert "Only a superuser can change their own roles" in response.content.decode()
    assert list(me.memberships.values_list("role", flat=True)) == ["system_admin"]
    response = client.post(
        "/admin/accounts/membership/add/",
        {"user": me.pk, "role": "la_officer", "local_authority": world["la"].pk},
    )
    assert response.status_code == 200 and me.memberships.count() == 1


def test_a_system_admin_gives_a_colleague_a_role_and_it_is_audited(world, client):
    client.force_login(world["sysadmin"])
    colleague = world["colleague"]
    form = user_form(colleague, new_memberships=[{"role": "la_officer", "local_authority": world["la"].pk}])
    response = client.post(f"/admin/accounts/user/{colleague.pk}/change/", form, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    added = colleague.memberships.get(role="la_officer")
    event = AuditEvent.objects.get(action="audit.admin_object.changed", object_id=str(colleague.pk))
    assert (event.actor, event.ip, event.object_type) == (world["sysadmin"], "10.1.2.3", "accounts.user")
    assert event.data["inlines"] == [
        {
            "model": "accounts.membership",
            "id": str(added.pk),
            "action": "added",
            "fields": ["local_authority", "role"],
            "values": {"local_authority": str(world["la"]), "role": "la_officer"},
        }
    ]


def test_a_superusers_account_is_view_only_to_a_system_admin(world, client):
    client.force_login(world["sysadmin"])
    root = world["root"]
    assert (
        client.post(f"/admin/accounts/user/{root.pk}/change/", user_form(root, is_active="")).status_code
        == 403
    )
    assert client.post(
        f"/admin/auth/user/{root.pk}/password/", {"password1": "x" * 12, "password2": "x" * 12}
    ).status_code in (403, 404)
    assert (
        client.post(
            f"/admin/accounts/user/{root.pk}/password/",
            {"password1": "new password 123", "password2": "new password 123", "usable_password": "true"},
        ).status_code
        == 403
    )
    root.refresh_from_db()
    assert root.is_active and not root.check_password("new password 123")


def test_groups_and_their_permissions_are_not_a_system_admins(world, client):
    client.force_login(world["sysadmin"])
    assert client.get("/admin/auth/group/add/").status_code == 404
    client.force_login(world["root"])
    assert client.get("/admin/auth/group/add/").status_code == 404  # access comes from roles only


def test_a_superuser_may_make_a_system_admin_and_a_superuser(world, client):
    client.force_login(world["root"])
    colleague = world["colleague"]
    form = user_form(colleague, new_memberships=[{"role": "system_admin"}], is_superuser="on")
    assert client.post(f"/admin/accounts/user/{colleague.pk}/change/", form).status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_superuser and colleague.memberships.filter(role="system_admin").exists()
    event = AuditEvent.objects.get(action="audit.admin_object.changed", object_id=str(colleague.pk))
    assert event.data["values"] == {"is_superuser": "True"}


def test_removing_a_membership_in_the_admin_is_audited(world, client):
    client.force_login(world["sysadmin"])
    membership = world["colleague"].memberships.get()
    response = client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="audit.admin_object.deleted")
    assert event.data == {
        "model": "accounts.membership",
        "object": str(membership.pk),
        "values": {"user": str(world["colleague"].pk), "role": "school_officer"},
    }


def test_admin_changes_to_a_pupil_are_audited_without_the_values(world, client):
    pupil = make_pupil(school=world["school"], surname="Okafor", legal_forename="Chidi")
    client.force_login(world["root"])
    page = client.get(f"/admin/people/pupil/{pupil.pk}/change/")
    assert page.status_code == 200
    form = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    form.update(
        {
            "legal_surname": "Okafor-Smith",
            "date_of_birth": "2015-01-01",
            "enrolments-TOTAL_FORMS": "0",
            "enrolments-INITIAL_FORMS": "0",
            "contact_links-TOTAL_FORMS": "0",
            "contact_links-INITIAL_FORMS": "0",
        }
    )
    for name in ("sen_status", "sex"):
        form[name] = getattr(pupil, name)
    form = {k: ("on" if v is True else v) for k, v in form.items() if v is not False}
    response = client.post(f"/admin/people/pupil/{pupil.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="audit.admin_object.changed", pupil=pupil)
    assert event.data["fields"] == ["legal_surname"]
    assert "Okafor" not in str(event.data)
    assert "changed people.pupil" in event.sentence


def test_every_model_admin_in_every_app_is_audited():
    from django.contrib import admin

    assert len(admin.site._registry) > 15
    unaudited = [
        type(m).__name__ for m in admin.site._registry.values() if not getattr(m, "attend_audited", False)
    ]
    assert unaudited == []


def test_the_audit_admin_shows_identifiers_not_names_or_reasons(world, client):
    from attend import audit

    pupil = make_pupil(school=world["school"], surname="Okafor", legal_forename="Chidi")
    audit.record(
        "alerts.alert.dismissed",
        by=world["colleague"],
        pupil=pupil,
        data={"rule": "persistent_absence", "reason": "Mum in hospital after a domestic incident"},
    )
    client.force_login(world["sysadmin"])
    listing = client.get("/admin/audit/auditevent/").content.decode()
    assert pupil.upn in listing and "Okafor" not in listing and "Chidi" not in listing
    event = AuditEvent.objects.get(action="alerts.alert.dismissed")
    page = client.get(f"/admin/audit/auditevent/{event.pk}/change/").content.decode()
    assert "persistent_absence" in page and pupil.upn in page
    assert "hospital" not in page and "Okafor" not in page and "Chidi" not in page
