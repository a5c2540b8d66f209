"""Who may see and act on a CME enquiry (deny by default, from the user's memberships; 404 outside scope).

- LA staff: enquiries their LA is responsible for (the LA where the child lives: CME statutory guidance, August
  2024), and enquiries about pupils of their LA's schools (the school's LA keeps enforcement and its own pupils'
  records: issue 20, "children from other LAs").
- School staff (and trust staff): enquiries about their own schools' pupils (`CmeEnquiry.school`).
- Read-only roles and system administrators: none. Superusers: all.
Closing (cme.decide) is for the responsible LA's staff only: the enquiry is that LA's duty (EA 1996 s436A)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from attend.accounts import identity
from attend.accounts.models import Membership
from attend.accounts.permissions import has_permission
from attend.casework.access import la_school_scope
from attend.core.scoping import staff_la_ids

from .models_enquiries import CmeEnquiry

R = Membership.Role


def la_ids(user) -> set[int]:
    return staff_la_ids(user)


def enquiry_scope(user) -> Q | None:
    """The condition on CmeEnquiry for what the user may see (as for cases: the enquiry's LA, which is where the
    child lives, and the school's LA, trust and school); None: every enquiry (superusers)."""
    return la_school_scope(user)


def enquiries_visible_to(user) -> QuerySet[CmeEnquiry]:
    scope = enquiry_scope(user)
    if scope is None:
        return CmeEnquiry.objects.all()
    return CmeEnquiry.objects.filter(pk__in=CmeEnquiry.objects.filter(scope).values("pk"))


def is_la_side(user, enquiry: CmeEnquiry) -> bool:
    """The user holds an LA membership covering this enquiry (or is a superuser): the LA's party to enquiries."""
    if identity.is_superuser(user):
        return True
    school_la = enquiry.school.local_authority_id if enquiry.school_id else None
    return bool(la_ids(user) & {enquiry.local_authority_id, school_la})


def may_decide(user, enquiry: CmeEnquiry) -> bool:
    """Close with an outcome: the responsible LA's staff (cme.decide), or a superuser."""
    if not has_permission(user, "cme.decide"):
        return False
    return identity.is_superuser(user) or enquiry.local_authority_id in la_ids(user)


def get_enquiry_for_user(user, ref: str, *, write: bool = False) -> CmeEnquiry:
    """The enquiry with this reference if the user may see it (with write=True: record on it); 404 otherwise,
    never revealing that a reference exists."""
    enquiry = (
        enquiries_visible_to(user)
        .select_related(
            "pupil", "school", "local_authority", "case", "found_school", "found_la", "lives_in_la"
        )
        .filter(ref=ref)
        .first()
    )
    if enquiry is None:
        raise Http404("No enquiry with that reference in your scope.")
    if write and not has_permission(user, "cme.enquire"):
        raise Http404("No enquiry with that reference that you may change.")
    return enquiry
