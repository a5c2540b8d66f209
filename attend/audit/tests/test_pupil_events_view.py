import csv
import io

import pytest

from attend import audit
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user


@pytest.fixture
def world(db):
    la = make_la()
    school_a, school_b = make_school(la=la, name="A"), make_school(la=la, name="B")
    pupil = make_pupil(school=school_a, surname="Able")
    other = make_pupil(school=school_b, surname="Other")
    dsl = make_user("dsl", role="dsl", school=school_a)
    audit.record("people.pupil.viewed", by=make_user("teacher"), obj=pupil, data={"page": "record"})
    audit.record("people.pupil.viewed", by=make_user("@evil"), obj=pupil, data={"page": "record"})
    audit.record("people.pupil.viewed", by=make_user("x"), obj=other, data={"page": "record"})
    return {"pupil": pupil, "other": other, "dsl": dsl, "school_a": school_a}


def test_it_lists_the_pupils_events_and_records_the_visit(world, client):
    client.force_login(world["dsl"])
    response = client.get(f"/audit/pupil/{world['pupil'].upn}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "teacher" in text and "viewed the audit trail of" in text
    assert world["other"].display_name not in text
    visit = AuditEvent.objects.filter(action="audit.pupil_trail.viewed").get()
    assert (visit.actor, visit.pupil) == (world["dsl"], world["pupil"])


def test_it_hides_other_schools_pupils(world, client):
    client.force_login(world["dsl"])
    assert client.get(f"/audit/pupil/{world['other'].upn}/").status_code == 404
    assert client.get(f"/audit/pupil/{world['other'].upn}/events.csv").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="audit.pupil_trail").exists()


def test_it_refuses_roles_without_audit_view(world, client):
    client.force_login(make_user("officer", role="school_officer", school=world["school_a"]))
    assert client.get(f"/audit/pupil/{world['pupil'].upn}/").status_code == 403


def test_it_exports_csv_safely_and_records_the_export(world, client):
    client.force_login(world["dsl"])
    response = client.get(f"/audit/pupil/{world['pupil'].upn}/events.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["When", "Who", "Action"]
    actions = [row[2] for row in rows[1:]]
    assert actions == ["people.pupil.viewed", "people.pupil.viewed", "audit.pupil_trail.exported"]
    # A cell a spreadsheet would run as a formula ("@evil") is neutralised with a leading quote.
    assert [row[1] for row in rows[1:]] == ["teacher", "'@evil", "dsl"]
