"""Who is this user: the one answer every part of Attend asks for (issue 14, finding 12).

Roles come from memberships (read once per request object and kept on it). An inactive or signed-out user has no
role at all. A superuser holds every role, so `is_system_admin` is true for them too. Which *rows* a user sees is
scoping (attend.core.scoping); which *pages* is the permission table (attend.accounts.permissions). Both ask here.

Granting follows from this: only a superuser may make someone a superuser or a system administrator
(`may_grant_role`, `may_grant_superuser`); the admin site, the settings pages and `attend users` all ask these.
"""

from __future__ import annotations

from .models import Membership

R = Membership.Role


def is_signed_in_and_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def roles_of(user) -> set[str]:
    """The roles this user holds anywhere (empty for anonymous or deactivated users)."""
    if not is_signed_in_and_active(user):
        return set()
    cached = getattr(user, "_attend_roles", None)
    if cached is None:
        cached = set(user.memberships.values_list("role", flat=True))
        user._attend_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the roles kept on this user object (after their memberships change)."""
    user.__dict__.pop("_attend_roles", None)


def is_superuser(user) -> bool:
    return is_signed_in_and_active(user) and bool(user.is_superuser)


def is_system_admin(user) -> bool:
    """Runs the service: a superuser, or an active user holding the system administrator role."""
    return is_superuser(user) or R.SYSTEM_ADMIN in roles_of(user)


def sees_every_import_run(user) -> bool:
    """May read every import run (API), not only their own: system administrators and superusers."""
    return is_system_admin(user)


def sees_every_school(user) -> bool:
    """Their school scope is the whole service (superusers, system administrators, and in a one-LA
    installation that LA's staff). Whole-service imports (schools, CTF) are for them only."""
    if not is_signed_in_and_active(user):
        return False
    if is_system_admin(user):
        return True
    from attend.core.scoping import schools_visible_to
    from attend.schools.models import School

    total = School.objects.count()
    return total > 0 and schools_visible_to(user).count() == total


def may_grant_superuser(user) -> bool:
    """Only a superuser makes (or unmakes) a superuser or changes a superuser's account."""
    return is_superuser(user)


def may_grant_role(user, role: str) -> bool:
    """Whether `user` may give `role` to anyone: the system administrator role only by a superuser; other roles
    by system administrators and LA managers (within their scope: attend.directory.scope)."""
    if role not in R.values:
        return False
    if role == R.SYSTEM_ADMIN:
        return is_superuser(user)
    return is_system_admin(user) or R.LA_MANAGER in roles_of(user)


def may_change_roles_of(user, target) -> bool:
    """Whether `user` may add, change or remove `target`'s roles at all: nobody but a superuser changes their own
    (no one raises their own access), and only a superuser touches a superuser's account."""
    if is_superuser(user):
        return True
    if target is None:
        return True
    if target.pk is not None and target.pk == user.pk:
        return False
    return not target.is_superuser
