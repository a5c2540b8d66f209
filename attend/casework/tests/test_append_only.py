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


def test_opening_a_case_twice_for_a_pupil_gives_back_the_open_case(django_user_model):
    from attend.casework.cases import open_case
    from attend.core.tests.factories import make_pupil, make_school

    school = make_school()
    pupil = make_pupil(school=school)
    officer = django_user_model.objects.create_user("officer")
    first, created = open_case(by=officer, pupil=pupil, school=school)
    again, created_again = open_case(by=officer, pupil=pupil, school=school)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and first.ref == "CW-000001"
    assert first.local_authority == school.local_authority
    assert [e.summary for e in first.entries.all()] == ["Case opened at the listen and understand stage"]
