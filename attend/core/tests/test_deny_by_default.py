import pytest
from django.core.checks import run_checks

from attend.accounts.permissions import has_permission, permission_required_for, undeclared_urls

from .factories import make_user


@pytest.mark.django_db
@pytest.mark.urls("attend.core.tests.urls_undeclared")
def test_a_view_without_a_declared_permission_is_refused_to_everyone(client):
    root = make_user("root")
    root.is_superuser = True
    root.save()
    assert client.get("/forgot/").status_code == 403
    client.force_login(root)
    response = client.get("/forgot/")
    assert response.status_code == 403 and b"secret" not in response.content


@pytest.mark.urls("attend.core.tests.urls_undeclared")
def test_the_system_check_and_registry_name_the_undeclared_url():
    assert [e.view_name for e in undeclared_urls()] == ["forgot"]
    warnings = [m for m in run_checks(tags=["urls"]) if m.id == "attend.W001"]
    assert len(warnings) == 1 and "forgot/" in warnings[0].msg


def test_unknown_permission_names_fail_at_import_time():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        permission_required_for("pupil.veiw")


@pytest.mark.django_db
def test_inactive_users_hold_no_permission():
    user = make_user(role="system_admin")
    user.is_active = False
    assert not has_permission(user, "admin.site")
