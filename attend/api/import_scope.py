"""Which import runs a user may read through the API. Which rows a file may write is checked by the importer that
reads them (attend.registers.imports.scope), for the web upload, the API and the command line alike."""

from __future__ import annotations

from attend.accounts.models import Membership


def sees_every_import_run(user) -> bool:
    return user.is_superuser or user.memberships.filter(role=Membership.Role.SYSTEM_ADMIN).exists()
