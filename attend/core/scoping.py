"""Deny by default: what a signed-in user may see follows from their memberships."""

from django.db.models import Q, QuerySet

from attend.schools.models import School


def schools_visible_to(user) -> QuerySet[School]:
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    memberships = list(user.memberships.all())
    if any(m.role == "system_admin" for m in memberships):
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
