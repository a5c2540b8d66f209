"""Which settings a person may see and change: LA managers their LA (and its schools), attendance leads and
headteachers their own school, system administrators everything. Superusers hold every scope."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from attend.accounts import identity
from attend.accounts.identity import is_system_admin
from attend.accounts.models import Membership
from attend.core.scoping import schools_visible_to
from attend.schools.models import LocalAuthority, School

R = Membership.Role


# Kept for callers that import them from here; the answer is attend.accounts.identity's.
_roles = identity.roles_of
__all__ = ["is_system_admin"]


def managed_las(user) -> QuerySet[LocalAuthority]:
    """LAs whose settings, users and services directory this person manages."""
    if is_system_admin(user):
        return LocalAuthority.objects.all()
    ids = user.memberships.filter(role=R.LA_MANAGER).values("local_authority_id")
    return LocalAuthority.objects.filter(pk__in=ids)


def threshold_las(user) -> QuerySet[LocalAuthority]:
    if user.is_superuser:
        return LocalAuthority.objects.all()
    ids = user.memberships.filter(role=R.LA_MANAGER).values("local_authority_id")
    return LocalAuthority.objects.filter(pk__in=ids)


def threshold_schools(user) -> QuerySet[School]:
    """Schools whose alert thresholds this person may set: their own (attendance lead, headteacher), or every
    school in an LA they manage."""
    if user.is_superuser:
        return School.objects.all()
    own = user.memberships.filter(role__in=[R.ATTENDANCE_LEAD, R.HEADTEACHER]).values("school_id")
    return School.objects.filter(Q(pk__in=own) | Q(local_authority__in=threshold_las(user)))


def service_las(user) -> QuerySet[LocalAuthority]:
    """LAs whose services directory this person may read: the LAs of the schools they can see."""
    if is_system_admin(user):
        return LocalAuthority.objects.all()
    ids = schools_visible_to(user).values("local_authority_id")
    return LocalAuthority.objects.filter(Q(pk__in=ids) | Q(pk__in=managed_las(user)))


def users_in_scope(user):
    """Users this person may manage: everyone (system administrators), or users with a membership at an LA they
    manage or at one of its schools."""
    users = get_user_model().objects.all()
    if is_system_admin(user):
        return users
    las = managed_las(user)
    return users.filter(
        pk__in=Membership.objects.filter(
            Q(local_authority__in=las) | Q(school__local_authority__in=las)
        ).values("user_id")
    )


def membership_in_scope(user, membership: Membership) -> bool:
    if not identity.may_change_roles_of(user, membership.user):
        return False  # one's own roles, or a superuser's, are changed by a superuser
    if is_system_admin(user):
        return True
    las = set(managed_las(user).values_list("pk", flat=True))
    if membership.local_authority_id:
        return membership.local_authority_id in las
    if membership.school_id:
        return membership.school.local_authority_id in las
    return False


def assignable_roles(user) -> list[tuple[str, str]]:
    """Roles this person may give (attend.accounts.identity.may_grant_role): system administrator only by a
    superuser; the others by system administrators and LA managers."""
    return [(value, label) for value, label in R.choices if identity.may_grant_role(user, value)]


def scope_choices(user) -> list[tuple[str, str]]:
    """Where a new membership may sit: "la-<pk>" or "school-<pk>"."""
    las = managed_las(user).order_by("name")
    choices = [(f"la-{la.pk}", f"{la.name} (local authority)") for la in las]
    schools = School.objects.filter(local_authority__in=las).order_by("name")
    choices += [(f"school-{s.pk}", s.name) for s in schools]
    return choices
