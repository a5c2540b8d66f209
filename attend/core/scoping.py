"""Deny by default: what a signed-in user may see follows from their memberships.

Roles in `READ_ONLY_ROLES` (class teacher, social worker, virtual school) see no pupil through a school, trust
or LA scope: only the pupils linked to them by a `PupilLink`. A system administrator runs the service and sees
no pupils at all; superusers see everything.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from attend.accounts.models import Membership
from attend.accounts.permissions import READ_ONLY_ROLES
from attend.people.models import Pupil
from attend.schools.models import School


def schools_visible_to(user) -> QuerySet[School]:
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    memberships = list(user.memberships.all())
    if any(m.role == Membership.Role.SYSTEM_ADMIN for m in memberships):
        return School.objects.all()
    scope = Q(pk__in=[])
    for m in memberships:
        if m.school_id:
            scope |= Q(pk=m.school_id)
        if m.trust_id:
            scope |= Q(trust_id=m.trust_id)
        if m.local_authority_id:
            scope |= Q(local_authority_id=m.local_authority_id)
    return School.objects.filter(scope)


def _pupil_scope(user) -> Q | None:
    """The condition on Pupil for what the user may see; None means every pupil (superusers)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    scope = Q(pk__in=[])
    linked = False
    for m in user.memberships.all():
        if m.role in READ_ONLY_ROLES:
            linked = True
        elif m.role == Membership.Role.SYSTEM_ADMIN:
            continue
        else:
            if m.school_id:
                scope |= Q(enrolments__school_id=m.school_id)
            if m.trust_id:
                scope |= Q(enrolments__school__trust_id=m.trust_id)
            if m.local_authority_id:
                scope |= Q(enrolments__school__local_authority_id=m.local_authority_id)
    if linked:
        scope |= Q(user_links__user=user)
    return scope


def pupils_visible_to(user) -> QuerySet[Pupil]:
    """Pupils with an enrolment (current or past) at a school in one of the user's scopes, plus pupils linked
    to the user when they hold a read-only role."""
    scope = _pupil_scope(user)
    if scope is None:
        return Pupil.objects.all()
    # The joins can repeat a pupil; a subquery on pk keeps the result free of duplicates and composable.
    return Pupil.objects.filter(pk__in=Pupil.objects.filter(scope).values("pk"))


def pupil_visible(user, outer: str = "pupil_id"):
    """A condition for another table's rows whose pupil (the `outer` column) the user may see, to combine with OR.

    A correlated EXISTS is one indexed lookup per row. `pupil__in=pupils_visible_to(user)` inside an OR cannot
    become a join on PostgreSQL, and without fresh table statistics the planner may run the whole scope subquery
    again for every row (minutes for a few thousand alerts)."""
    scope = _pupil_scope(user)
    if scope is None:
        return Q(**{f"{outer}__isnull": False})
    return Exists(Pupil.objects.filter(scope, pk=OuterRef(outer)))


def get_pupil_for_user(user, upn: str) -> Pupil:
    """The pupil with this UPN if the user may see them; 404 otherwise (never reveal that a UPN exists)."""
    scope = _pupil_scope(user)
    pupil = Pupil.objects.filter(upn=upn).first()
    # One pupil checked against the scope (not the whole scope listed first: ~80 ms at 50,000 pupils on SQLite).
    if pupil is None or (scope is not None and not Pupil.objects.filter(scope, pk=pupil.pk).exists()):
        raise Http404("No pupil with that UPN in your scope.")
    return pupil
