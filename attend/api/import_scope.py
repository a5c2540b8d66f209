"""Which import runs a user may read through the API. Which files they may send is one rule for the web upload
and the API: attend.jobs.scope.import_scope_problems."""

from __future__ import annotations

from attend.accounts.models import Membership


def sees_every_import_run(user) -> bool:
    return user.is_superuser or user.memberships.filter(role=Membership.Role.SYSTEM_ADMIN).exists()
