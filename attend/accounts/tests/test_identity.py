"""One answer to "who is this user" (issue 14, finding 12): every caller asks attend.accounts.identity."""

import pytest

from attend.accounts import backends, identity, permissions
from attend.accounts.models import Membership
from attend.api import import_scope
from attend.core.tests.factories import make_la, make_school, make_user
from attend.directory import scope as directory_scope
from attend.jobs import services as job_services


@pytest.fixture
def people(db):
    la = make_la()
    school = make_school(la=la)
    make_school(la=make_la("202", "Southshire"))
    sysadmin = make_user("sysadmin", role="system_admin")
    retired = make_user("retired", role="system_admin")
    retired.is_active = False
    retired.save()
    root = make_user("root")
    root.is_superuser = True
    root.save()
    return {
        "sysadmin": sysadmin,
        "retired": retired,
        "root": root,
        "la_manager": make_user("manager", role="la_manager", local_authority=la),
        "officer": make_user("officer", role="school_officer", school=school),
    }


def test_every_old_name_is_the_accounts_answer():
    assert permissions.roles_of is identity.roles_of
    assert directory_scope._roles is identity.roles_of
    assert directory_scope.is_system_admin is identity.is_system_admin
    assert import_scope.sees_every_import_run is identity.sees_every_import_run
    assert job_services.sees_every_school is identity.sees_every_school
    assert not hasattr(backends.RoleBackend, "_is_system_admin")


@pytest.mark.parametrize(
    "who, admin, every_school",
    [
        ("sysadmin", True, True),
        ("root", True, True),
        ("retired", False, False),  # deactivated: no role anywhere (the settings pages used to say yes)
        ("la_manager", False, False),
        ("officer", False, False),
    ],
)
def test_the_answers_agree_for_every_kind_of_user(people, who, admin, every_school):
    user = people[who]
    assert identity.is_system_admin(user) is admin
    assert identity.sees_every_import_run(user) is admin
    assert identity.sees_every_school(user) is every_school
    assert backends.RoleBackend().has_module_perms(user, "accounts") is admin
    assert permissions.has_permission(user, "admin.site") is admin
    assert (directory_scope.users_in_scope(user).count() == 5) is admin


def test_only_a_superuser_may_grant_the_system_admin_role(people):
    assert identity.may_grant_role(people["root"], Membership.Role.SYSTEM_ADMIN)
    assert not identity.may_grant_role(people["sysadmin"], Membership.Role.SYSTEM_ADMIN)
    assert identity.may_grant_role(people["sysadmin"], Membership.Role.LA_MANAGER)
    assert not identity.may_grant_role(people["officer"], Membership.Role.LA_OFFICER)
    assert "system_admin" not in dict(directory_scope.assignable_roles(people["sysadmin"]))
    assert "system_admin" in dict(directory_scope.assignable_roles(people["root"]))


def test_nobody_sees_every_school_of_an_empty_service(db):
    # With no schools at all, "my schools == all schools" held for anyone; it no longer does.
    assert not identity.sees_every_school(make_user("newcomer", role="la_officer", local_authority=make_la()))


def test_nobody_but_a_superuser_changes_their_own_roles_on_the_settings_pages(people):
    manager = people["la_manager"]
    own = manager.memberships.get()
    assert not directory_scope.membership_in_scope(manager, own)
    assert not directory_scope.membership_in_scope(people["sysadmin"], people["sysadmin"].memberships.get())
    assert directory_scope.membership_in_scope(people["sysadmin"], own)
    assert directory_scope.membership_in_scope(people["root"], people["root"].memberships.first() or own)
