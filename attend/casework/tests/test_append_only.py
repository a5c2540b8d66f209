import pytest
from django.db import DatabaseError, transaction

from attend.casework.chronology import erasure_permit, record_entry
from attend.casework.models import Case, ChronologyEntry

pytestmark = pytest.mark.django_db


def test_the_database_refuses_to_change_or_delete_an_entry_without_an_erasure_permit():
    case = Case.objects.create(ref="CW-000001", child_forename="Amy", child_surname="Test")
    e = record_entry(case, kind="note", summary="hello")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyEntry.objects.filter(pk=e.pk).update(summary="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyEntry.objects.filter(pk=e.pk).delete()
    with erasure_permit():
        ChronologyEntry.objects.filter(pk=e.pk).delete()
    assert not ChronologyEntry.objects.exists()
