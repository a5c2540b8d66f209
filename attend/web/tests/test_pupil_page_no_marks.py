"""A pupil whose school has no marks yet (a fresh installation, a new school) still has a pupil page: on
PostgreSQL the statistics store was built from an empty COPY, which pyarrow refused (a 500)."""

import pytest

from attend.core.tests.factories import make_pupil, make_school, make_user

pytestmark = pytest.mark.django_db


def test_the_pupil_page_of_a_school_without_marks_opens(client, monkeypatch, settings, tmp_path):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    school = make_school()
    pupil = make_pupil(school=school, surname="Newcomer")
    client.force_login(make_user("la.officer", role="la_officer", local_authority=school.local_authority))
    response = client.get(f"/pupils/{pupil.upn}/")
    assert response.status_code == 200
    assert "Newcomer" in response.content.decode()
