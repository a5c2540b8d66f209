"""Whose rows an import may create or change: the importing user's write scope, checked row by row where the
importer reads the row (same parser, same normalised headers), so "could not check" is "refused".

- No user (the `attend import` command run by the service's operator): the whole service.
- Superusers and system administrators: the whole service (they run the imports of the whole service).
- Anyone else: the schools of their memberships whose role may import (`import.run`); other memberships add
  nothing. A user whose schools are every school in the service has the whole service too.

Schools files and Common Transfer Files (which carry whole school histories) need the whole service.
"""

from __future__ import annotations

from dataclasses import dataclass

from attend.accounts import identity
from attend.accounts.permissions import PERMISSIONS
from attend.core.scoping import schools_of_memberships
from attend.schools.models import School

WHOLE_SERVICE_KINDS = ("schools", "ctf")


@dataclass(frozen=True)
class ImportScope:
    """`school_ids` None means every school."""

    school_ids: frozenset[int] | None = None
    user: object = None

    @property
    def whole(self) -> bool:
        return self.school_ids is None

    def allows(self, school_id: int | None) -> bool:
        return school_id is not None and (self.school_ids is None or school_id in self.school_ids)

    @classmethod
    def everything(cls) -> ImportScope:
        return cls(None)

    @classmethod
    def of(cls, user) -> ImportScope:
        if user is None or identity.is_system_admin(user):  # superusers too
            return cls(None, user)
        if not user.is_active:
            return cls(frozenset(), user)
        importing = user.memberships.filter(role__in=PERMISSIONS["import.run"].roles)
        ids = frozenset(schools_of_memberships(importing).values_list("pk", flat=True))
        if ids and len(ids) == School.objects.count():
            return cls(None, user)
        return cls(ids, user)


def not_yours_school(urn) -> str:
    return f"school {urn} is not one of your schools"


def not_yours_pupil(upn: str) -> str:
    return f"pupil {upn} is not one of your pupils"


def whole_service_only(kind: str) -> str:
    return f"{kind} files can be imported only by users whose scope covers every school"


def held_elsewhere(pupil_ids, scope: ImportScope) -> dict[int, set[int]]:
    """Pupils (of `pupil_ids`) registered through schools outside the scope and through no school in it (an
    enrolment made by a transfer still waiting for the LA does not count): pupil id -> those other schools.

    Such a pupil's details are held by the other schools: an import by this scope may add its own enrolment (the
    LA then confirms the transfer) but changes nothing else of theirs."""
    from attend.people.models import Enrolment, Transfer

    if scope.whole:
        return {}
    ids = sorted(set(pupil_ids))
    outside: dict[int, set[int]] = {}
    inside: set[int] = set()
    pending = set(
        Transfer.objects.filter(status=Transfer.Status.PENDING, enrolment__isnull=False).values_list(
            "enrolment_id", flat=True
        )
    )
    for start in range(0, len(ids), 5000):
        rows = Enrolment.objects.filter(pupil_id__in=ids[start : start + 5000]).values_list(
            "pk", "pupil_id", "school_id"
        )
        for pk, pupil_id, school_id in rows:
            if not scope.allows(school_id):
                outside.setdefault(pupil_id, set()).add(school_id)
            elif pk not in pending:
                inside.add(pupil_id)
    return {pupil_id: schools for pupil_id, schools in outside.items() if pupil_id not in inside}
