"""The permission matrix's write checks for imports (sibling of attend/core/tests/test_url_permissions.py): for
every role and every import kind, a file changing a row of a school outside the user's scope is refused and
changes nothing, proven by a checksum of every table an import writes."""

from __future__ import annotations

import pytest

from attend.accounts.models import Membership
from attend.registers.imports import ImportFailed, ImportScope, import_file

from .scope_world import checksum, make_scope_world, make_user_with, out_of_scope_files, write

KINDS = ["pupils", "marks", "calendar", "contacts", "schools", "ctf"]


@pytest.mark.parametrize("role", Membership.Role.values)
def test_no_role_changes_another_schools_rows_by_any_import(tmp_path, db, django_user_model, role):
    world = make_scope_world()
    scope = {} if role == Membership.Role.SYSTEM_ADMIN else {"school": world["a"]}
    user = make_user_with(django_user_model, role, role, **scope)
    if role == Membership.Role.SYSTEM_ADMIN:
        # A system administrator runs the whole service's imports: nothing is outside their write scope.
        assert ImportScope.of(user).whole
        return
    files = out_of_scope_files(world)
    before = checksum()
    for kind in KINDS:
        with pytest.raises(ImportFailed) as failed:
            import_file(kind, write(tmp_path / f"{kind}.csv", files[kind]), user=user)
        assert failed.value.out_of_scope >= 1, (kind, failed.value.messages)
        assert checksum() == before, kind


@pytest.mark.parametrize("role", ["la_officer", "la_manager"])
def test_an_la_role_cannot_change_another_las_school(tmp_path, db, django_user_model, role):
    world = make_scope_world()
    user = make_user_with(django_user_model, role, role, local_authority=world["c"].local_authority)
    files = out_of_scope_files(world)  # rows of school B, in the other LA
    before = checksum()
    for kind in KINDS:
        with pytest.raises(ImportFailed) as failed:
            import_file(kind, write(tmp_path / f"{kind}.csv", files[kind]), user=user)
        assert failed.value.out_of_scope >= 1, kind
    assert checksum() == before
